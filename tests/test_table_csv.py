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
# in a Spanish or Portuguese Windows shows "PerÃº" and "CÃºcuta"; and each ends its lines with CRLF.
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
    # Every line ends with CRLF (RFC 4180), as csv's writer ends them: /funding/*.csv ended them with LF alone.
    assert text.endswith("\r\n") and text.count("\n") == text.count("\r\n") == len(text.splitlines())
    # Python reads it with utf-8-sig: the first header is the header, the second row the hashtags.
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert not rows[0][0].startswith("\ufeff") and rows[0][0]
    assert all(HASHTAG.match(cell) for cell in rows[1] if cell) and any(rows[1])


@pytest.mark.usefixtures("fresh_pages")
def test_a_pages_table_as_csv_begins_with_one_byte_order_mark(client):
    response = client.get("/countries/?csv=country-table", HTTP_ACCEPT_LANGUAGE="es")
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert response.content.startswith(codecs.BOM_UTF8 + "País,".encode())
    assert response.content.count(b"\n") == response.content.count(b"\r\n") > 2
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["#country+name", "#country+code"]
    assert rows[[row[1] for row in rows].index("PER")][:2] == ["Perú", "PER"]


def _download(client, address, tmp_path):
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert response.content.startswith(codecs.BOM_UTF8)
    path = tmp_path / address.rsplit("/", 1)[1]
    path.write_bytes(response.content)
    return path, list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


@pytest.mark.usefixtures("fresh_pages")
def test_minga_reads_its_own_csv_download_back_through_the_hxl_preview(client, users, tmp_path):
    """libhxl, the HXL import's reader, finds the hashtag row of a download with its byte-order mark, and the
    preview names the first column by its header, without the mark. /funding/countries.csv is a summary of
    funding per country (no plan, no funder: neither requirements nor flows) beside each country's newest count
    of refugees and migrants, its date and its source: the preview reads those as population figures citing that
    source; a row without a count, or whose key is no country, is refused for that. It was read as requirements,
    each row refused for naming no plan. Imported into the Minga it came from, each figure is the one stored."""
    from minga.exchange import hxl_import
    from minga.reference.models import PopulationFigure

    path, rows = _download(client, "/funding/countries.csv", tmp_path)
    found = hxl_import.preview(path)
    assert (found.kind, found.problem) == (hxl_import.POPULATION, "")
    assert found.mapping[0] == ("key", "#country+code", "country")
    assert found.mapping[11:14] == [("population", "#affected+refugees+migrants", "refugees and migrants"),
                                    ("population_as_of", "#date+population", "date"),
                                    ("population_source", "#meta+source", "source")]
    counted = [(line, row) for line, row in enumerate(rows, start=3) if row["population"]]
    assert counted and all(row["population_source"].startswith("https://") for _line, row in counted)
    assert [(line, values["country"].pk, values["figures"], values["as_of"].isoformat(), values["source"])
            for line, values in found.accepted] == [
        (line, row["key"], [("refugees_migrants", int(row["population"]))], row["population_as_of"],
         (row["population_source"], "")) for line, row in counted]
    assert [(rejected.line, rejected.reason) for rejected in found.rejected] == [
        (line, "no count of people" if len(row["key"]) == 3 else
         f"country {row['key']!r} is not an ISO 3166 alpha-3 code")
        for line, row in enumerate(rows, start=3) if not row["population"]]
    figures = PopulationFigure.all_objects.count()
    assert hxl_import.apply(found, user=users["secretariat"]) == {
        "created": 0, "updated": 0, "unchanged": len(counted)}
    assert PopulationFigure.all_objects.count() == figures


@pytest.mark.usefixtures("fresh_pages")
def test_a_download_of_no_kind_minga_imports_is_refused_in_one_message(client, tmp_path):
    """/funding/donors.csv sums funding per donor: a funder and an amount, but no flow (no FTS flow id, status or
    date). It was read as funding flows and each row refused for its missing flow id; now the table is refused
    once, naming each kind Minga imports and the hashtags it needs."""
    from minga.exchange import hxl_import

    path, rows = _download(client, "/funding/donors.csv", tmp_path)
    found = hxl_import.preview(path)
    assert rows
    assert (found.kind, found.accepted, found.rejected) == (None, [], [])
    assert found.problem == (
        "donors.csv: not a table Minga imports. Minga imports tables with the hashtags of one of these kinds: "
        "requirements: #value+funding+required+usd, #activity+appeal+id+external (or #activity+appeal+name), "
        "#date+year; funding flows: #value+funding+total+usd, #org+name+funder, #activity+id+fts_internal, "
        "#status+text, #date; population figures: #affected+refugees+migrants (or #affected+refugees, "
        "#affected+migrants, #inneed, #targeted, #affected), #country+code, #date (or #date+reported, "
        "#date+population).")
