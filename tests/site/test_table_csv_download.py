"""``?csv=TABLE`` on a page: that table as CSV with an HXL row, read from the page this reader gets (same
filters, same access, same language), with numbers and dates for machines, and the page itself untouched."""

import lxml.html
import pytest

from minga.common import html_tables
from tests.tables import csv_rows, table_csv

pytestmark = pytest.mark.django_db


def test_the_country_list_as_csv_has_its_hashtags_and_plain_numbers_in_the_readers_language(client):
    response = client.get("/countries/?csv=country-table", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="minga-country_list-country-table.csv"'
    rows = csv_rows(response)
    assert rows[:4] == [
        ["País", "ISO", "Función", "Subdivisiones de primer nivel", "Personas refugiadas y migrantes de Venezuela",
         "Fecha de corte"],
        ["#country+name", "#country+code", "#country+type", "#adm1+num", "#affected+refugees+migrants",
         "#date+reported"],
        ["Argentina", "ARG", "Estado miembro", "24", "164000", "2024-06"],
        ["Brasil", "BRA", "Estado miembro", "27", "626885", "2024-12"],
    ]
    assert rows[-1] == ["Venezuela", "VEN", "País de origen", "25", "", ""]
    english = csv_rows(client.get("/countries/?csv=country-table", HTTP_ACCEPT_LANGUAGE="en"))
    assert english[0][0] == "Country" and english[2] == ["Argentina", "ARG", "Member state", "24", "164000", "2024-06"]


def test_the_page_itself_stays_html_in_the_readers_format_before_and_after_its_csv(client):
    page = client.get("/countries/", HTTP_ACCEPT_LANGUAGE="es")
    assert client.get("/countries/?csv=country-table", HTTP_ACCEPT_LANGUAGE="es")["Content-Type"].startswith("text/csv")
    again = client.get("/countries/", HTTP_ACCEPT_LANGUAGE="es")
    for response in (page, again):
        assert response["Content-Type"].startswith("text/html")
        assert "626.885" in response.content.decode()


def test_a_chart_table_as_csv_has_the_rows_the_page_shows_for_the_same_filters(client):
    page = client.get("/funding/?humanitarian=1", HTTP_ACCEPT_LANGUAGE="en")
    table = lxml.html.fromstring(page.content).xpath("//table[@data-testid='chart-table-gap-map']")[0]
    shown = [row.xpath("./th | ./td")[0].text_content().strip() for row in html_tables.body_rows(table)]
    rows = table_csv(client, "/funding/?humanitarian=1", "chart-table-gap-map")
    assert rows[1] == ["#country+name", "#value+funding+gap+usd", "#value+funding+pct"]
    assert [row[0] for row in rows[2:]] == shown and shown
    assert all(row[1].replace(".", "", 1).isdigit() for row in rows[2:])  # 1234.56, not "US$1,234.56"


def test_a_page_without_that_table_answers_404_saying_so(client):
    response = client.get("/countries/?csv=no-such-table", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.content.decode() == "This page has no table “no-such-table”."


def test_a_signed_in_page_gives_no_csv_to_the_public(client):
    anonymous = client.get("/mine/?csv=my-pledges")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
