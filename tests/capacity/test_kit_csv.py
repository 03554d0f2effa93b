"""Issue 11: the kit's tables as CSV with an HXL hashtag row (capacity/csv_views.py): the library (with the
page's language filter) and the trainings, each row as the page shows it; an illustrative record says so; a
text cell that a spreadsheet would read as a formula is written as text."""

import csv
import io

import pytest

from minga.capacity.models import KitResource

pytestmark = pytest.mark.django_db

LIBRARY_HEAD = [
    ["Title", "Kind", "Language", "Audience", "Line of work", "Current version", "Published", "Older versions",
     "Address", "Illustrative"],
    ["#meta+title", "#meta+type", "#meta+lang", "#meta+audience", "#sector+name", "#meta+version", "#date+published",
     "#meta+version+older", "#meta+url", "#meta+illustrative"]]
KIT = "https://example.org/minga-demo/kit/"
LINE = "Children and adolescents on the move"


def rows_of(client, url: str) -> list[list[str]]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_library_csv_has_the_hashtag_row_and_one_row_per_current_resource(client):
    assert rows_of(client, "/capacity/library.csv") == [*LIBRARY_HEAD,
        ["Módulo 2: protección de la niñez (ilustrativo)", "training module", "Spanish", "front-line officials", LINE,
         "1", "2025-02-01", "", f"{KIT}child-protection-es-v1.pdf", "yes"],
        ["Guía para facilitadores (ilustrativo)", "support document", "Spanish", "trainers", LINE, "1", "2025-02-01",
         "", f"{KIT}facilitator-guide-es-v1.pdf", "yes"],
        ["Module 1: first response (illustrative)", "training module", "English", "front-line officials", LINE, "1",
         "2025-03-01", "", f"{KIT}first-response-en-v1.pdf", "yes"],
        ["Módulo 1: primera respuesta (ilustrativo)", "training module", "Spanish", "front-line officials", LINE,
         "2", "2025-02-01", "1", f"{KIT}first-response-es-v2.pdf", "yes"],
        ["Módulo 1: primeira resposta (ilustrativo)", "training module", "Portuguese", "front-line officials", LINE,
         "1", "2025-03-01", "", f"{KIT}first-response-pt-v1.pdf", "yes"]]


def test_the_library_csv_keeps_the_pages_language_filter_and_its_link_says_so(client):
    assert [row[0] for row in rows_of(client, "/capacity/library.csv?language=pt")[2:]] == [
        "Módulo 1: primeira resposta (ilustrativo)"]
    page = client.get("/capacity/?language=pt", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/capacity/library.csv?language=pt" data-csv-for="library"' in page


def test_a_title_read_as_a_formula_is_written_as_text(client):
    KitResource.objects.filter(series="facilitator-guide").update(title="=HYPERLINK(\"http://x\")")
    assert [row[0] for row in rows_of(client, "/capacity/library.csv?language=es")[2:]] == [
        "Módulo 2: protección de la niñez (ilustrativo)", "'=HYPERLINK(\"http://x\")",
        "Módulo 1: primera respuesta (ilustrativo)"]


def test_the_trainings_csv_has_the_hashtag_row_and_one_row_per_training(client):
    assert rows_of(client, "/capacity/deliveries.csv") == [
        ["Date", "Country", "Subdivision", "Municipality", "Official code (p-code)", "Organiser", "Participants",
         "Illustrative"],
        ["#date", "#country+name", "#adm1+name", "#adm2+name", "#adm2+code", "#org+name", "#reached+total",
         "#meta+illustrative"],
        ["2025-10-20", "Colombia", "Norte de Santander", "San José de Cúcuta", "CO54001",
         "Alcaldía de San José de Cúcuta", "24", "yes"]]
