"""Issue 9, "every figure right, in every language": each meaning of a short word has its own
translation, a pledge is not a commitment, and the platform names people and the Technical
Secretariat the same way everywhere.

How the catalogues are kept: src/minga/locale/README.md.
"""

import re

import pytest
from django.utils import translation

from minga.accounts.models import RoleGrant
from minga.portfolio.models import Project, ProjectContact, ProjectFunding, ProjectParticipant, ProjectTransition
from tests.site.test_translations import compiled_catalogues, load_catalogue  # noqa: F401 (a fixture)

# Pages and lazy labels read the compiled catalogues, built as `minga setup` / `make test` do.
pytestmark = pytest.mark.usefixtures("compiled_catalogues")

COOKIE_LANGUAGES = {"es": "es", "pt": "pt-br"}


def msgstrs(language):
    """Every translated text of a catalogue, each plural form on its own, wrapped lines joined."""
    for message in load_catalogue(language):
        if not message.id:
            continue
        yield from (message.string if message.pluralizable else (message.string,))


def page(client, settings, language, path):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = COOKIE_LANGUAGES[language]
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "start", "end"), [("es", "desde", "hasta"), ("pt", "de", "até")])
def test_the_funding_gap_range_reads_from_and_to(client, settings, language, start, end):
    html = page(client, settings, language, "/projects/")
    assert f'<label for="catalogue-gap-min">{start}</label>' in html
    assert f'<label for="catalogue-gap-max">{end}</label>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "funder"), [("es", "Aportado por"), ("pt", "Concedido por")])
def test_the_funder_keeps_its_word_on_the_project_page(client, settings, language, funder):
    project = Project.objects.filter(funding__isnull=False, published_at__isnull=False).first()
    html = page(client, settings, language, project.get_absolute_url())
    assert re.search(f'<th scope="col"[^>]*>{funder}</th>', html)


@pytest.mark.parametrize(("language", "expected"), [
    ("es", {"funder": "aportado por", "from_status": "estado anterior", "to_status": "nuevo estado",
            "participant": "función", "access": "rol", "contact": "cargo", "project": "publicado"}),
    ("pt", {"funder": "concedido por", "from_status": "situação anterior", "to_status": "nova situação",
            "participant": "papel", "access": "perfil", "contact": "cargo", "project": "publicado"}),
])
def test_each_meaning_of_a_short_word_has_its_own_translation(language, expected):
    with translation.override(language):
        found = {
            "funder": str(ProjectFunding._meta.get_field("funder").verbose_name),
            "from_status": str(ProjectTransition._meta.get_field("from_status").verbose_name),
            "to_status": str(ProjectTransition._meta.get_field("to_status").verbose_name),
            "participant": str(ProjectParticipant._meta.get_field("role").verbose_name),
            "access": str(RoleGrant._meta.get_field("role").verbose_name),
            "contact": str(ProjectContact._meta.get_field("position").verbose_name),
            "project": str(Project._meta.get_field("published_at").verbose_name),
        }
    assert found == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "all_roles"), [("es", "Todas"), ("pt", "Todos")])
def test_all_roles_agrees_with_its_noun(client, settings, language, all_roles):
    html = page(client, settings, language, "/organisations/")
    assert f'<select id="filter-role" name="role"><option value="">{all_roles}</option>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "wording"), [
    ("es", "Total de promesas de contribución"), ("pt", "Total de promessas de contribuição")])
def test_total_pledged_is_worded_as_pledges(client, settings, language, wording):
    html = page(client, settings, language, "/conferences/")
    assert f'<th scope="row">{wording} <span class="note">' in html
    assert "comprometido" not in html


# "refugiados y migrantes" after anything but "personas" (es), "refugiados e migrantes" after anything but
# "pessoas" (pt), and the inverted order in either language.
PEOPLE_WORDING = {
    "es": re.compile(r"(?<!personas )\brefugiad[oa]s y migrantes|\bmigrantes y refugiad[oa]s", re.IGNORECASE),
    "pt": re.compile(r"(?<!pessoas )\brefugiad[oa]s e migrantes|\bmigrantes e refugiad[oa]s", re.IGNORECASE),
}


@pytest.mark.parametrize("language", ["es", "pt"])
def test_people_are_refugees_and_migrants_as_persons(language):
    wrong = [text for text in msgstrs(language) if PEOPLE_WORDING[language].search(text)]
    assert wrong == []


def test_the_people_wording_check_sees_what_it_is_meant_to_see():
    assert PEOPLE_WORDING["es"].search("Refugiados y migrantes de Venezuela")
    assert PEOPLE_WORDING["es"].search("a los migrantes y refugiados")
    assert not PEOPLE_WORDING["es"].search("Personas refugiadas y migrantes de Venezuela")
    assert PEOPLE_WORDING["pt"].search("aos refugiados e migrantes")
    assert not PEOPLE_WORDING["pt"].search("às pessoas refugiadas e migrantes")


# The Technical Secretariat is always named in full, capitalised and spelled in the reader's language: once
# that name is taken out, no "secretaría"/"secretaria" may be left ("la secretaría", "Secretaría" alone,
# "secretaría técnica", the other language's spelling).
SECRETARIAT_WORD = re.compile(r"\bsecretar[ií]a\b", re.IGNORECASE)
SECRETARIAT_NAME = {"es": "Secretaría Técnica", "pt": "Secretaria Técnica"}


@pytest.mark.parametrize("language", ["es", "pt"])
def test_the_technical_secretariat_is_spelled_one_way(language):
    wrong = [text for text in msgstrs(language)
             if SECRETARIAT_WORD.search(text.replace(SECRETARIAT_NAME[language], ""))]
    assert wrong == []


def test_the_secretariat_wording_check_sees_what_it_is_meant_to_see():
    def flagged(language, text):
        return bool(SECRETARIAT_WORD.search(text.replace(SECRETARIAT_NAME[language], "")))

    assert flagged("es", "Enviar a la secretaría")
    assert flagged("es", "la secretaría técnica")
    assert flagged("es", "la Secretaria Técnica")  # the Portuguese spelling
    assert not flagged("es", "Enviar a la Secretaría Técnica")
    assert flagged("pt", "Enviar à secretaria")
    assert flagged("pt", "a Secretaría Técnica")
    assert not flagged("pt", "Enviar à Secretaria Técnica")
