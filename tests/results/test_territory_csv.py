"""Issue 11: people reached per subdivision (the results' territory page) as CSV with an HXL hashtag row: the
page's country, the page's rows, the illustrative demo figures said so; an unknown country is refused as the
page refuses it."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db

HEAD = [["Country", "Official code (p-code)", "Subdivision", "People reached", "Projects", "Cells missing",
         "Illustrative"],
        ["#country+code", "#adm1+code", "#adm1+name", "#reached", "#output+projects+num", "#meta+missing+num",
         "#meta+illustrative"]]


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_territory_csv_gives_the_pages_rows_with_the_hashtag_row(client):
    response = client.get("/results/territory.csv?country=COL", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Disposition"] == 'attachment; filename="minga-people-reached-col.csv"'
    assert rows_of(response) == [*HEAD, ["COL", "CO-ARA", "Arauca", "320.00", "1", "4", "yes"],
                                 ["COL", "CO-NSA", "Norte de Santander", "1650.00", "1", "6", "yes"]]
    page = client.get("/results/?country=COL", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/results/territory.csv?country=COL" data-csv-for="territory-table"' in page


def test_a_country_without_results_gives_the_headers_only_and_the_page_no_link(client):
    assert rows_of(client.get("/results/territory.csv?country=ECU", HTTP_ACCEPT_LANGUAGE="en")) == HEAD
    page = client.get("/results/?country=ECU", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and b"territory.csv" not in page.content


def test_an_unknown_country_is_refused(client):
    response = client.get("/results/territory.csv?country=XXX", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.content) == (400, b"country: choose a member state from the list.")
