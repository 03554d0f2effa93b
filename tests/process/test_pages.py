"""Issue 13, "The process itself": the meetings, the archive of declarations and road maps, the Pro Tempore
Presidency's rotation, the Technical Secretariat and the Group of Friends, each statement with its source,
in the reader's language; nothing the sources do not say."""

import re

import pytest

from minga.process.loaders import load_process
from minga.process.models import Meeting, PresidencyTerm, ProcessDocument
from minga.reference.loaders import load_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def process():
    load_reference()
    return load_process()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def test_the_loader_creates_the_sourced_records_once_and_keeps_edits(process):
    # The session's database was set up with them (load_demo() loads them as `minga setup` does): start empty.
    ProcessDocument.all_objects.all().delete()
    Meeting.all_objects.all().delete()
    PresidencyTerm.all_objects.all().delete()
    first = load_process()
    assert (first.meetings.created, first.documents.created, first.presidency_terms.created) == (8, 6, 8)
    meeting = Meeting.objects.get(code="lima-2021")
    meeting.label_en = "Edited by the secretariat"
    meeting.save()

    again = load_process()

    assert (again.meetings.created, again.documents.created, again.presidency_terms.created) == (0, 0, 0)
    assert (again.meetings.unchanged, again.documents.unchanged, again.presidency_terms.unchanged) == (8, 6, 8)
    assert Meeting.objects.get(code="lima-2021").label_en == "Edited by the secretariat"
    assert all(document.source.url.startswith("https://") for document in ProcessDocument.objects.all())


def test_the_overview_names_the_latest_presidency_the_sources_record(client, process):
    response = client.get("/process/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = text_of(response)
    assert "Latest holder recorded in the sources: Costa Rica (2023 – 2024)." in text
    assert "The sources do not name a later holder." in text
    rotation = [(term.country_id, term.chapter) for term in response.context["presidency_terms"]]
    assert rotation == [("ECU", "Quito"), ("ARG", "Buenos Aires"), ("COL", "Bogotá"), ("CHL", "Santiago"),
                        ("PER", "Lima"), ("BRA", "Brasilia"), ("CHL", ""), ("CRI", "")]
    # A month is a month: "November 2019", never an invented day.
    assert "Colombia November 2019 Bogotá" in text
    assert "Peru November 2020 – June 2021 Lima" in text


def test_the_overview_in_spanish_lists_the_meetings_with_their_documents(client, process):
    response = client.get("/process/", HTTP_ACCEPT_LANGUAGE="es")
    text = text_of(response)
    assert [meeting.code for meeting in response.context["meetings"]] == [
        "quito-i-2018", "quito-ii-2018", "buenos-aires-2019", "bogota-2019", "santiago-2020", "lima-2021",
        "brasilia-2022", "santiago-local-governments-2023"]
    assert ("4 de septiembre de 2018 I Reunión Técnica Internacional sobre Movilidad Humana de Ciudadanos "
            "Venezolanos en la Región Quito, Ecuador Ecuador Declaración de Quito") in text
    assert "1 de marzo de 2023 – 2 de marzo de 2023 Primer Encuentro Presencial" in text
    html = response.content.decode()
    assert 'href="/projects/?line=' in html and 'href="/projects/?axis=' in html


def test_a_document_page_shows_both_dates_where_its_sources_disagree(client, process):
    response = client.get("/process/documents/joint-declaration-brussels-2023/", HTTP_ACCEPT_LANGUAGE="pt-br")
    assert response.status_code == 200
    text = text_of(response)
    assert ("O texto está datado de Bruxelas, 16 de março de 2023; a página do Processo de Quito que o publica "
            "indica Santiago, 15 de março de 2023.") in text
    assert "Publicado em espanhol, inglês" in text
    html = response.content.decode()
    assert '<div class="document-text" lang="en" data-testid="document-text">' in html
    assert "combating xenophobia" in html
    assert response.context["document"].signatories.count() == 13


def test_a_source_that_gives_only_a_count_of_signatories_is_shown_as_such(client, process):
    response = client.get("/process/documents/quito-action-plan-2018/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Signatories 8 states, not named by the source" in text_of(response)
    response = client.get("/process/documents/declaration-of-quito-2018/", HTTP_ACCEPT_LANGUAGE="en")
    assert ("Signatories Argentina, Brazil, Chile, Colombia, Costa Rica, Ecuador, Mexico, Panama, Paraguay, Peru, "
            "Uruguay") in text_of(response)


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["joint-declaration-brussels-2023", "viii-joint-declaration-brasilia-2022", "vii-joint-declaration-lima-2021",
          "buenos-aires-road-map-2019", "quito-action-plan-2018", "declaration-of-quito-2018"]),
    # No accents, every word: the Spanish title of the first, and the title of the 2023 text (Proceso de Quito).
    ({"q": "declaracion de quito"}, ["joint-declaration-brussels-2023", "declaration-of-quito-2018"]),
    ({"q": "declaracion quito accion"}, []),
    ({"q": "XENOPHOBIA"}, ["joint-declaration-brussels-2023"]),  # inside the full text
    ({"q": "capital humano"}, ["buenos-aires-road-map-2019"]),  # inside a summary
    ({"kind": "joint_declaration", "year": "2022"}, ["viii-joint-declaration-brasilia-2022"]),
    ({"language": "es"}, ["joint-declaration-brussels-2023", "viii-joint-declaration-brasilia-2022",
                          "vii-joint-declaration-lima-2021"]),
    ({"signatory": "dom"}, ["joint-declaration-brussels-2023"]),  # not among the 2018 signatories
    ({"kind": "nonsense", "signatory": "1'; --", "language": "fr"}, None),  # not a choice: ignored, as if absent
])
def test_the_archive_searches_and_filters(client, process, query, expected):
    response = client.get("/process/documents/", query, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    codes = [document.code for document in response.context["documents"]]
    assert codes == (expected if expected is not None else [
        "joint-declaration-brussels-2023", "viii-joint-declaration-brasilia-2022", "vii-joint-declaration-lima-2021",
        "buenos-aires-road-map-2019", "quito-action-plan-2018", "declaration-of-quito-2018"])


def test_unknown_meetings_and_documents_are_not_found(client, process):
    assert client.get("/process/meetings/nowhere-2030/").status_code == 404
    assert client.get("/process/documents/nothing/").status_code == 404


def test_a_meeting_page_names_its_presidency_source_and_documents(client, process):
    response = client.get("/process/meetings/buenos-aires-2019/", HTTP_ACCEPT_LANGUAGE="en")
    text = text_of(response)
    assert "Date July 4, 2019 – July 5, 2019" in text
    assert "Pro Tempore Presidency Argentina" in text
    assert "Buenos Aires Road Map · July 2019" in text
    assert 'href="https://iom.int/news/latin-american-countries-agree-road-map-integration-venezuelans"' in (
        response.content.decode())


@pytest.mark.parametrize("year", ["２０２２", "1e3", "99999999999999999999", "1066"])
def test_a_year_that_is_no_year_is_refused_naming_it(client, process, year):
    response = client.get("/process/documents/", {"year": year}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "year:" in response.content.decode()


def test_the_api_gives_the_archive_with_the_same_filters(client, process):
    response = client.get("/api/v1/process/documents", {"q": "xenophobia"})
    assert response.status_code == 200
    [document] = response.json()
    assert (document["code"], document["adopted_on"], document["languages"], len(document["signatories"])) == (
        "joint-declaration-brussels-2023", "2023-03-16", ["es", "en"], 13)
    assert document["source"]["url"] == "https://www.procesodequito.org/pr/node/5656"
    refused = client.get("/api/v1/process/documents", {"year": "20x2"})
    assert refused.status_code == 422
    assert list(refused.json()["detail"]) == ["year"]
    meetings = client.get("/api/v1/process/meetings").json()
    assert [(m["code"], m["date_precision"]) for m in meetings][3] == ("bogota-2019", "month")
