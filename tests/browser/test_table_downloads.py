"""Issue 11: "Every table that Minga shows can be downloaded as CSV with an HXL row", in a real browser: on a
phone, the catalogue filtered through its search box (the table comes back through htmx) downloads exactly the
rows it shows; a signed-in officer's own list downloads with what only they see."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def downloaded_rows(page, table: str, tmp_path) -> list[list[str]]:
    with page.expect_download() as download:
        page.locator(f'a[data-csv-for="{table}"]').click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.suffix == ".csv"
    return list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))


def test_the_filtered_catalogue_downloads_the_rows_it_shows(open_page, tmp_path):
    page = open_page(path="/projects/")
    page.set_viewport_size(PHONE)
    page.locator("#catalogue-q").fill("Cúcuta")
    expect(page).to_have_url(re.compile(r"q=C"))
    rows = page.get_by_test_id("project-table").locator("tbody tr:not([data-empty])")
    expect(rows.first).to_be_visible()
    shown = rows.count()
    everything = page.evaluate("fetch('/projects/?csv=project-table').then(answer => answer.text())")
    assert 0 < shown < len(list(csv.reader(io.StringIO(everything)))) - 2  # the search narrowed the table
    table = downloaded_rows(page, "project-table", tmp_path)
    assert table[0][0] == "Proyecto" and table[1][:2] == ["#activity+title", "#loc+name"]
    assert len(table) - 2 == shown
    titles = [rows.nth(number).locator("td, th").first.inner_text() for number in range(shown)]
    assert all(row[0] in title for row, title in zip(table[2:], titles, strict=True)), (table[2:], titles)


def test_an_officers_own_projects_download_with_their_drafts(open_page, tmp_path):
    page = open_page("focal.col", "/projects/mine/")
    page.set_viewport_size(PHONE)
    shown = page.get_by_test_id("my-projects").locator("tbody tr:not([data-empty])").count()
    table = downloaded_rows(page, "my-projects", tmp_path)
    assert table[1][:3] == ["#activity+code", "#activity+title", "#status+name"]
    assert len(table) - 2 == shown > 0
    assert "Borrador" in {cell for row in table[2:] for cell in row}  # their own draft, which the public never sees
