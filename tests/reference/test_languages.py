"""Names, notes and titles of the reference data in the reader's language, with a visible fallback."""

import re

import pytest
from django.utils import translation

from minga.reference.forms import OrganisationForm, PopulationFigureForm
from minga.reference.models import Organisation, PopulationFigure
from minga.reference.selectors import organisation_loaded
from minga.reference.services import population_figure_update

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("key", "es", "pt", "en"), [
    ("eu", "Unión Europea (UE)", "União Europeia (UE)", "European Union (EU)"),
    ("iom", "Organización Internacional para las Migraciones (OIM)", "Organização Internacional para as Migrações (OIM)",
     "International Organization for Migration (IOM)"),
    ("unhcr", "Oficina del Alto Comisionado de las Naciones Unidas para los Refugiados (ACNUR)",
     "Alto Comissariado das Nações Unidas para Refugiados (ACNUR)",
     "Office of the United Nations High Commissioner for Refugees (UNHCR)"),
    ("idb", "Banco Interamericano de Desarrollo (BID)", "Banco Interamericano de Desenvolvimento (BID)",
     "Inter-American Development Bank (IDB)"),
    ("gov-deu", "Gobierno de Alemania", "Governo da Alemanha", "Government of Germany"),
    ("gov-fra", "Gobierno de Francia", "Governo da França", "Government of France"),
    ("gov-bra", "Gobierno de la República Federativa del Brasil", "Governo da República Federativa do Brasil",
     "Government of the Federative Republic of Brazil"),
])
def test_organisations_are_named_in_the_readers_language(key, es, pt, en):
    organisation = organisation_loaded(key)
    shown = {}
    for language in ("es", "pt", "en"):
        with translation.override(language):
            shown[language] = str(organisation)
    assert shown == {"es": es, "pt": pt, "en": en}


def _h1(html: str) -> str:
    return re.search(r'<h1 data-testid="organisation-name">(.*?)</h1>', html, re.S).group(1)


def test_the_organisation_page_names_it_in_the_readers_language_with_the_registered_name_beside(client):
    eu = organisation_loaded("eu")
    spanish = client.get(f"/organisations/{eu.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert _h1(spanish) == 'Unión Europea <span class="note">(UE)</span>'
    assert '<p class="note" data-testid="registered-name">Nombre registrado: <span lang="">European Union</span> (EU)</p>' in spanish
    english = client.get(f"/organisations/{eu.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _h1(english) == 'European Union <span class="note">(EU)</span>'
    assert 'data-testid="registered-name"' not in english


def test_a_name_missing_in_the_readers_language_is_shown_in_another_one_and_marked(client):
    cucuta = organisation_loaded("demo-cucuta")  # named in Spanish only
    html = client.get(f"/organisations/{cucuta.pk}/", HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    assert _h1(html) == ('<span lang="es">Alcaldía de San José de Cúcuta</span> <span class="fallback" lang="es" '
                         'title="Não disponível no seu idioma">[es]</span>')


def test_without_any_language_the_registered_name_is_shown_unmarked(client):
    unnamed = Organisation.objects.create(name="Fondation Exemple", organisation_type="60")
    html = client.get(f"/organisations/{unnamed.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _h1(html) == "Fondation Exemple"


@pytest.mark.parametrize("query", ["UE", "União Europeia", "unión europea", "European Union"])
def test_an_organisation_is_found_by_its_name_in_any_language(client, query):
    response = client.get("/organisations/", {"q": query})
    assert organisation_loaded("eu") in list(response.context["page"])


def test_the_api_gives_the_organisation_names_in_every_language(client):
    eu = organisation_loaded("eu")
    body = client.get(f"/api/v1/organisations/{eu.pk}").json()
    assert {key: body[key] for key in ("name", "acronym", "name_es", "name_pt", "name_en", "acronym_es", "acronym_pt",
                                       "acronym_en")} == {
        "name": "European Union", "acronym": "EU", "name_es": "Unión Europea", "name_pt": "União Europeia",
        "name_en": "European Union", "acronym_es": "UE", "acronym_pt": "UE", "acronym_en": "EU"}


def test_the_forms_let_each_language_be_edited():
    assert {"name_es", "name_pt", "name_en", "acronym_es", "acronym_pt", "acronym_en"} <= set(OrganisationForm.Meta.fields)
    assert {"note_es", "note_pt", "note_en"} <= set(PopulationFigureForm.Meta.fields)


def test_the_secretariat_edits_an_organisation_name_in_one_language(client_as, users):
    from tests.reference.test_access import organisation_post

    gov_col = organisation_loaded("gov-col")
    response = client_as(users["secretariat"]).post(
        f"/organisations/{gov_col.pk}/edit/", {**organisation_post(gov_col, name_en="Government of Colombia"),
                                               "version": gov_col.version})
    assert response.status_code == 302
    stored = Organisation.objects.get(pk=gov_col.pk)
    assert (stored.name_en, stored.name_es, stored.name) == (
        "Government of Colombia", "Gobierno de la República de Colombia", "Gobierno de la República de Colombia")


ETPV = "figure:COL:regularization_applications:2023-08-31:col_etpv_2023_08"


@pytest.mark.parametrize(("language", "note"), [
    ("es", "inscritas en el ETPV"), ("pt", "registradas no ETPV"), ("en", "registered in the ETPV")])
def test_a_figures_note_is_in_the_readers_language(client, language, note):
    html = client.get("/countries/COL/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<span class="note">— {note}</span>' in html


def test_a_note_writes_its_numbers_in_the_readers_format(client, users):
    figure = PopulationFigure.objects.get(load_key=ETPV)
    population_figure_update(figure=figure, user=users["secretariat"], expected_version=figure.version,
                             changes={"note_es": "", "note_pt": "", "note_en": "of {2875743} registered"})
    english = client.get("/countries/COL/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get("/countries/COL/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<span class="note">— of 2.876 million registered</span>' in english
    assert ('<span class="note">— <span lang="en">of 2,876 millones registered</span> <span class="fallback" lang="en" '
            'title="No disponible en su idioma">[en]</span></span>') in spanish


def test_a_note_with_a_stray_brace_is_refused_and_nothing_is_stored(users):
    from django.core.exceptions import ValidationError

    figure = PopulationFigure.objects.get(load_key=ETPV)
    with pytest.raises(ValidationError) as refused:
        population_figure_update(figure=figure, user=users["secretariat"], expected_version=figure.version,
                                 changes={"note_en": "about {2.8 M}"})
    assert list(refused.value.message_dict) == ["note_en"]
    stored = PopulationFigure.objects.get(pk=figure.pk)
    assert (stored.note_en, stored.version) == ("registered in the ETPV", figure.version)
