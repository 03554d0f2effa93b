"""Issue 11: "Every table that Minga shows can be downloaded as CSV with an HXL row." For every GET page case of
tests/test_query_counts.py (the list of every page, public and signed in), each ``<table>`` of the page has a
link to its CSV (``<a data-csv-for="TABLE">``, TABLE its data-testid), which answers 200 with text/csv, whose
second row is HXL hashtags and whose data rows are as many as the table's.

A new table without one fails this test. How a template gives its table a CSV: ``minga.common.html_tables``
(``data-hxl`` on the headers, ``{% table_csv_link "TABLE" %}`` under the table)."""

import codecs
import csv
import io

import lxml.html
import pytest

from minga.common import html_tables
from minga.common.hxl import HASHTAG
from tests.tables import fresh_pages  # noqa: F401 (a fixture)
from tests.test_query_counts import CASES, Setting, media, send  # noqa: F401 (media: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PAGES = [case for case in CASES if case.method == "GET" and case.status == 200 and not case.name.startswith("api:")
         and not case.caller.startswith(("token:", "pending:")) and not case.warm]


def body_rows(table) -> int:
    return len(html_tables.body_rows(table))


@pytest.mark.parametrize("case", PAGES, ids=lambda case: case.id)
def test_every_table_of_the_page_has_its_csv_with_an_hxl_row(case, client_as, users):
    client = client_as(None if case.caller == "anonymous" else users[case.caller])
    response = send(client, case, case.request(Setting(users=users, client=client)))
    assert response.status_code == 200
    if "html" not in response.get("Content-Type", ""):
        return
    page = lxml.html.fromstring(response.content)
    missing = []
    for number, table in enumerate(page.xpath("//table"), start=1):
        key = table.get("data-testid") or f"#{number}"
        links = page.xpath("//a[@data-csv-for=$key]", key=key) if table.get("data-testid") else []
        if not links:
            missing.append(key)
            continue
        answer = client.get(links[0].get("href"), HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 200, key
        assert answer["Content-Type"].startswith("text/csv"), key
        assert answer.content.startswith(codecs.BOM_UTF8) and not answer.content[3:].startswith(codecs.BOM_UTF8), key
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        hashtags = [cell for cell in rows[1] if cell]
        assert hashtags and all(HASHTAG.match(cell) for cell in hashtags), (key, rows[1])
        assert len(rows) - 2 == body_rows(table), key
    assert missing == [], "a table without its CSV"


# Every dedicated CSV download among the cases (the projects' export is the "csv" case of its pattern), and a
# page's table through ``?csv=``: each is UTF-8 with one byte-order mark (``minga.common.hxl.csv_bytes``), or Excel
# in a Spanish or Portuguese Windows shows "PerÃº" and "CÃºcuta".
DOWNLOADS = [case for case in CASES if case.method == "GET" and case.status == 200 and not case.warm
             and (case.name.endswith("_csv") or (case.name, case.label) == ("exchange:project_export", "csv"))]


def test_the_downloads_are_every_csv_address_of_minga():
    from django.urls import get_resolver

    def patterns(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if hasattr(entry, "url_patterns"):
                yield from patterns(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif "csv" in str(entry.pattern):
                yield f"{namespace}{entry.name}"

    assert set(patterns(get_resolver())) == {case.name for case in DOWNLOADS}


@pytest.mark.parametrize("case", DOWNLOADS, ids=lambda case: case.id)
def test_every_csv_download_begins_with_one_byte_order_mark(case, client_as, users):
    client = client_as(None if case.caller == "anonymous" else users[case.caller])
    response = send(client, case, case.request(Setting(users=users, client=client)))
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content.decode("utf-8")
    assert text.count("\ufeff") == 1
    # Python reads it with utf-8-sig: the first header is the header, the second row the hashtags.
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert not rows[0][0].startswith("\ufeff") and rows[0][0]
    assert all(HASHTAG.match(cell) for cell in rows[1] if cell) and any(rows[1])


@pytest.mark.usefixtures("fresh_pages")
def test_a_pages_table_as_csv_begins_with_one_byte_order_mark(client):
    response = client.get("/countries/?csv=country-table", HTTP_ACCEPT_LANGUAGE="es")
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert response.content.startswith(codecs.BOM_UTF8 + "País,".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["#country+name", "#country+code"]
    assert rows[[row[1] for row in rows].index("PER")][:2] == ["Perú", "PER"]


@pytest.mark.usefixtures("fresh_pages")
def test_minga_reads_its_own_csv_download_back_through_the_hxl_preview(client, tmp_path):
    """libhxl, the HXL import's reader, finds the hashtag row of a download with its byte-order mark, and the
    preview names the first column by its header, without the mark. /funding/countries.csv holds each country's
    requirement (``#value+funding+required+usd`` with ``#country+code``): the preview sees requirements; it names
    no plan, which an import needs, so each row is refused for that, by line."""
    from minga.exchange import hxl_import

    response = client.get("/funding/countries.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.startswith(codecs.BOM_UTF8)
    path = tmp_path / "funding-countries.csv"
    path.write_bytes(response.content)
    data_rows = len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) - 2
    found = hxl_import.preview(path)
    assert (found.kind, found.problem) == (hxl_import.REQUIREMENTS, "")
    assert found.mapping[0] == ("key", "#country+code", "country")
    assert found.mapping[5] == ("requirement_usd", "#value+funding+required+usd", "requirement (US$)")
    assert found.accepted == []
    assert data_rows > 0
    assert [(rejected.line, rejected.reason) for rejected in found.rejected] == [
        (line, "no plan named") for line in range(3, 3 + data_rows)]
