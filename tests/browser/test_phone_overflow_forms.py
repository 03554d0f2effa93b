"""Issue 9, "On a phone", for the signed-in pages of issue 11 and of the money's follow-up: the forms (pledge, flow,
service, population figure, organisation, training delivery), a flow's page, the narrative checker, the IATI and
HXL imports (with the preview of an uploaded table) and a run's report, /mine/, the funding records and the
dashboard with filters do not scroll sideways on a 375 px screen (``document.scrollingElement.scrollWidth`` no
wider than its ``clientWidth``), in Spanish, Portuguese and English; and each of their tables scrolls in its own
box that the keyboard reaches and a screen reader names, as on every other page.

One test per language: the language is chosen with the site's language cookie after signing in through the
(Spanish) login form, and each page is measured with ``measure`` of the public pages' test besides.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from minga.finance.tracking import FundingFlow
from tests.browser.test_phone_layout import PHONE, measure

pytestmark = [pytest.mark.browser, pytest.mark.markup_audit]

LANGUAGES = ["es", "pt-br", "en"]
HXL = Path(__file__).resolve().parents[3] / "shared" / "data" / "hxl" / "fts_incoming_funding_pse.csv"
# Every table of the page, whatever its class, scrolls in its own box that the keyboard reaches (tabindex 0) and a
# screen reader names (a region labelled by the table's caption): those that do not, by test id.
TABLES_OUT_OF_A_NAMED_BOX = """
() => Array.from(document.querySelectorAll("main table")).filter(table => {
  const box = table.parentElement;
  const label = box.getAttribute("aria-labelledby") && document.getElementById(box.getAttribute("aria-labelledby"));
  return !table.classList.contains("data") || !box.classList.contains("table-scroll") || box.tabIndex !== 0 ||
    box.getAttribute("role") !== "region" || !label || !label.textContent.trim();
}).map(table => table.dataset.testid || table.outerHTML.slice(0, 60))
"""
SCROLLING = "(({scrollWidth, clientWidth}) => [scrollWidth, clientWidth])(document.scrollingElement)"


def an_import_run_url() -> str:
    from minga.exchange.models import ImportRun

    name = "iati-activities-usaid-colombia-peru-ecuador-2024-with-a-long-file-name.xml"
    run = ImportRun.objects.create(
        kind="iati", sources=[name], state="done", bytes_total=47705, bytes_read=47705,
        counts={"read": 12, "created": 10, "updated": 1, "unchanged": 0, "skipped": 0},
        problems=[{"source": name, "identifier": "US-GOV-1-72052719CA00001-LONG-IDENTIFIER", "line": 1204,
                   "message": "transaction 3: value 'abc' is not a number"}])
    return f"/projects/import/iati/{run.pk}/"


def secretariat_paths() -> list[str]:
    flow = FundingFlow.objects.order_by("pk").first()
    return [
        "/pledges/new/",
        "/flows/new/",
        f"/flows/{flow.pk}/",
        "/services/new/",
        "/figures/new/",
        "/organisations/new/",
        "/capacity/deliveries/new/",
        "/language/check/",
        "/projects/import/iati/",
        "/projects/import/hxl/",
        an_import_run_url(),
        "/mine/",
        "/funding/records/",
        "/funding/?country=COL&purpose=humanitarian&country_sort=label",
    ]


def measure_all(page, label: str) -> str | None:
    """None if the page at hand neither scrolls sideways nor holds a table outside a named scrolling box."""
    width, client = page.evaluate(SCROLLING)
    unboxed = page.evaluate(TABLES_OUT_OF_A_NAMED_BOX)
    if width <= client and not unboxed:
        return None
    return f"{label}: scrollWidth {width}, clientWidth {client}; tables without a named scrolling box: {unboxed}"


def hxl_preview(page) -> str | None:
    """The HXL page once a table is uploaded: the preview of the columns read and the rows refused."""
    page.goto("/projects/import/hxl/")
    page.locator('main input[type="file"]').set_input_files(HXL)
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_test_id("hxl-summary")).to_be_visible()
    expect(page.get_by_test_id("hxl-rejected")).to_be_visible()
    return measure_all(page, "the HXL preview")


def in_language(page, code: str):
    page.context.add_cookies([{"name": "minga_language", "value": code, "url": page.url}])


@pytest.mark.skipif(not HXL.is_file(), reason="../shared/data/hxl is not beside the repository")
@pytest.mark.parametrize("code", LANGUAGES)
def test_no_form_or_funding_page_scrolls_sideways_on_a_phone(open_page, code):
    problems = []
    for username, paths in (("secretaria", secretariat_paths()),
                            ("donante.can", ["/mine/", "/pledges/new/", "/flows/new/"]),
                            ("cucuta", ["/capacity/deliveries/new/", "/services/new/"])):
        page = open_page(username, "/mine/")
        in_language(page, code)
        page.set_viewport_size(PHONE)
        page.goto("/mine/")
        expect(page.locator("html")).to_have_attribute("lang", code)
        for path in paths:
            problem = measure(page, path)
            width, client = page.evaluate(SCROLLING)
            if problem or width > client:
                problems.append(f"{username} {path}: scrollWidth {width} > clientWidth {client}; {problem}")
            problems += [f"{username} {problem}" for problem in [measure_all(page, path)] if problem]
        if username == "secretaria":
            problems += [problem for problem in [hxl_preview(page)] if problem]
    assert problems == [], "\n".join(problems)
