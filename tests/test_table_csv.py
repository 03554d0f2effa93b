"""Issue 11: "Every table that Minga shows can be downloaded as CSV with an HXL row." For every GET page case of
tests/test_query_counts.py (the list of every page, public and signed in), each ``<table>`` of the page has a
link to its CSV (``<a data-csv-for="TABLE">``, TABLE its data-testid), which answers 200 with text/csv, whose
second row is HXL hashtags and whose data rows are as many as the table's.

A new table without one fails this test. How a template gives its table a CSV: ``minga.common.html_tables``
(``data-hxl`` on the headers, ``{% table_csv_link "TABLE" %}`` under the table)."""

import csv
import io

import lxml.html
import pytest

from minga.common import html_tables
from minga.common.hxl import HASHTAG
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
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
        hashtags = [cell for cell in rows[1] if cell]
        assert hashtags and all(HASHTAG.match(cell) for cell in hashtags), (key, rows[1])
        assert len(rows) - 2 == body_rows(table), key
    assert missing == [], "a table without its CSV"
