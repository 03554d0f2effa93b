"""Issue 9: a project page and a country page print cleanly: no navigation, header, footer or buttons; every
table whole (nothing clipped by its scrolling box); each source's address printed after its name; the charts
with their captions and data; and the browser makes a PDF of them."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_layout import a_public_project_with_a_map

pytestmark = pytest.mark.browser

A4 = {"width": 794, "height": 1123}  # an A4 sheet at 96 px per inch

# Every table's scrolling box, as printed: whether it still scrolls (clips) and whether the table reaches
# beyond the page's content.
TABLES = """
() => {
  const limit = document.querySelector("main").getBoundingClientRect().right + 0.5;
  return Array.from(document.querySelectorAll(".table-scroll")).filter(box => box.offsetParent !== null).map(box => ({
    table: box.querySelector("table").dataset.testid || box.getAttribute("aria-labelledby"),
    overflow: getComputedStyle(box).overflowX,
    clipped: box.scrollWidth > box.clientWidth + 1 || box.querySelector("table").getBoundingClientRect().right > limit,
    rowsBroken: getComputedStyle(box.querySelector("tr")).breakInside,
  }));
}
"""
# What prints after each source link: its address.
SOURCE_ADDRESSES = """
() => Array.from(document.querySelectorAll(".source-ref a[href^='http']")).map(link =>
  [link.href, getComputedStyle(link, "::after").content])
"""
CHROME = ["header.site-header", "nav.main-nav", "footer.site-footer", ".skip-link"]


def printed(page, path, *, buttons_on_screen: bool = False):
    """The page as printed; ``buttons_on_screen``: the screen shows buttons in ``main`` that the print must hide."""
    page.goto(path)
    for chart in page.locator("[data-vega-spec]").all():
        expect(chart).to_have_attribute("data-rendered", "true")
    if buttons_on_screen:
        expect(page.locator("main button:visible").first).to_be_visible()
    for selector in CHROME:
        expect(page.locator(selector)).to_be_attached()  # there, to be hidden
    page.emulate_media(media="print")
    for selector in CHROME:
        expect(page.locator(selector)).to_be_hidden()
    expect(page.locator("main button:visible")).to_have_count(0)
    tables = page.evaluate(TABLES)
    assert tables, path
    assert [table for table in tables if table["overflow"] != "visible" or table["clipped"]
            or table["rowsBroken"] != "avoid"] == [], tables
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    return tables


def test_a_project_page_prints_without_chrome_and_with_whole_tables(open_page):
    page = open_page()
    page.set_viewport_size(A4)
    project = a_public_project_with_a_map()
    tables = printed(page, f"/projects/{project.code}/")
    assert {"territory-table", "budget-years"} <= {table["table"] for table in tables}
    # The map prints with its caption and, unfolded, its data.
    expect(page.locator("#project-map-caption")).to_be_visible()
    expect(page.get_by_test_id("chart-data-project-map").locator("table")).to_be_visible()


def test_a_country_page_prints_its_figures_with_their_sources_addresses(open_page):
    page = open_page("secretaria", "/countries/COL/")  # with the button that publishes the draft figure
    page.set_viewport_size(A4)
    tables = printed(page, "/countries/COL/", buttons_on_screen=True)
    assert {"figure-table", "subdivision-table"} <= {table["table"] for table in tables}
    sources = page.evaluate(SOURCE_ADDRESSES)
    assert sources
    assert all(content == f'" (" "{href}" ")"' or content == f'" ({href})"' for href, content in sources), sources
    expect(page.get_by_test_id("chart-data-subdivisions-map").locator("table")).to_be_visible()
