"""A page's table as its CSV, in tests: the page is opened and its own link to the table's CSV followed."""

import csv
import io

import lxml.html
import pytest
from django.core.cache import cache


def csv_rows(response) -> list[list[str]]:
    assert (response.status_code, response["Content-Type"]) == (200, "text/csv; charset=utf-8")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def table_csv(client, url: str, table: str, *, language: str = "en") -> list[list[str]]:
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200, url
    links = lxml.html.fromstring(page.content).xpath("//a[@data-csv-for=$table]/@href", table=table)
    assert links, f"{url} links no CSV of {table}"
    return csv_rows(client.get(links[0], HTTP_ACCEPT_LANGUAGE=language))


@pytest.fixture
def fresh_pages():
    """Pages and labels kept in the cache by earlier tests are not this test's."""
    cache.clear()
    yield
    cache.clear()
