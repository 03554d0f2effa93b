"""Issue 9, "On a phone": no page scrolls sideways on a 375 × 740 screen, and the catalogue shows its results
first with the filters behind a "Filtrar" control that works without JavaScript; the desktop keeps the filters
beside the results.

Each page is measured after it has loaded (charts drawn): ``document.documentElement.scrollWidth`` must not
exceed the window's width. A failure names the page and the elements that stick out, widest first.
"""

import re

import pytest
from playwright.sync_api import expect

from minga.finance.tracking import TrackedPledge
from minga.portfolio.models import Project, Status
from minga.reference.models import Organisation
from minga.services.models import Service
from tests.codes import YEAR

pytestmark = [pytest.mark.browser, pytest.mark.markup_audit]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
DRAFT_OF_FOCAL_COL = f"PQ-COL-{YEAR}-0002"

# The elements whose right edge lies beyond the window, widest first: what makes the page scroll sideways
# (a table inside a scrolling box is left out: it sticks out of its box, not of the page).
OVERFLOW = """
() => {
  const limit = window.innerWidth;
  const out = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.parentElement.closest(".table-scroll")) { continue; }  // scrolled inside its own box
    const box = element.getBoundingClientRect();
    if (box.right > limit + 0.5 && box.width > 0) {
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
        (element.className && typeof element.className === "string" ? "." + element.className.trim().split(/\\s+/).join(".") : "");
      out.push([Math.round(box.right), name]);
    }
  }
  out.sort((a, b) => b[0] - a[0]);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: limit, culprits: out.slice(0, 6)};
}
"""

# Every data table scrolls in its own box, which the keyboard can reach (tabindex 0) and which a screen
# reader names (a region labelled by the table's caption or heading): the tables that break the rule.
UNBOXED_TABLES = """
() => Array.from(document.querySelectorAll("table.data")).filter(table => {
  const box = table.parentElement;
  const label = box.getAttribute("aria-labelledby") && document.getElementById(box.getAttribute("aria-labelledby"));
  return !box.classList.contains("table-scroll") || box.tabIndex !== 0 || box.getAttribute("role") !== "region" ||
    !label || !label.textContent.trim();
}).map(table => table.dataset.testid || table.outerHTML.slice(0, 60))
"""


def a_public_project_with_a_map() -> Project:
    return (Project.objects.filter(is_public=True, status=Status.PUBLISHED, locations__subdivision__isnull=False)
            .order_by("code").first())


def public_paths() -> list[str]:
    project = a_public_project_with_a_map()
    organisation = Organisation.objects.get(load_key="organisation:gov-col")
    # With the projects it proposes and takes part in; with its pledges (issue 9, pages that lead somewhere).
    proposer = Organisation.objects.get(load_key="organisation:demo-cucuta")
    donor = Organisation.objects.get(load_key="organisation:gov-can")
    shelter = Service.objects.get(load_key="service:tulcan-casa-acogida")
    return [
        "/",
        "/projects/",
        "/projects/?country=COL&sort=gap",
        f"/projects/{project.code}/",
        "/countries/",
        "/countries/COL/",
        "/organisations/",
        f"/organisations/{organisation.pk}/",
        f"/organisations/{proposer.pk}/",
        f"/organisations/{donor.pk}/",
        "/conferences/",
        "/funding/",
        "/funding/?country=COL&country_sort=label",
        "/funding/conferences/brussels-2023/",
        "/funding/countries/COL/",
        f"/funding/donors/{donor.pk}/",
        "/funding/records/?conference=brussels-2023&measure=pledged",
        f"/pledges/{TrackedPledge.objects.filter(is_public=True).order_by('pk').first().pk}/",
        "/language/guide/",
        "/language/guide/es/print/",
        "/language/check/",
        "/taxonomies/",
        "/process/",
        "/process/documents/?q=quito",
        "/process/documents/joint-declaration-brussels-2023/",
        "/process/roadmap/",
        "/process/roadmap/demo-cucuta-kit-rollout/",
        "/subdivisions/CO-NSA/",
        "/municipalities/CO54001/",
        f"/local-governments/{proposer.pk}/",
        "/programmes/?country=COL",
        "/programmes/col-etpv/",
        "/programmes/widget/?country=COL",
        "/process/roadmap/timeline/",
        "/process/roadmap/board/",
        "/process/roadmap/capacity-development-kit/",
        "/capacity/",
        "/capacity/deliveries/",
        "/capacity/coverage/",
        "/results/?country=COL",
        "/results/projects/PQ-COL-2026-0001/",
        "/accounts/login/",
        "/services/",
        f"/services/{shelter.pk}/",
        f"/services/{shelter.pk}/sheet/",
    ]


def measure(page, path: str, *, status: int = 200) -> str | None:
    """Open ``path``; None if nothing scrolls sideways and every table has its named box, else a line
    naming the page and what is wrong."""
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    page.wait_for_load_state("networkidle")
    for chart in page.locator("[data-vega-spec]").all():
        expect(chart).to_have_attribute("data-rendered", "true")
    found = page.evaluate(OVERFLOW)
    unboxed = page.evaluate(UNBOXED_TABLES)
    if found["scrollWidth"] <= found["innerWidth"] and not unboxed:
        return None
    return (f"{path}: {found['scrollWidth']} px wide on {found['innerWidth']} px; sticking out: {found['culprits']}; "
            f"tables without a named scrolling box: {unboxed}")


def test_the_rule_on_tables_has_tables_to_check(open_page):
    """``UNBOXED_TABLES`` looks for ``table.data``: the country page holds such tables (a renamed class would leave
    the rule checking nothing on every page)."""
    page = open_page(None, "/countries/COL/")
    assert page.locator("table.data").count() >= 2
    assert page.evaluate(UNBOXED_TABLES) == []


def test_no_public_page_scrolls_sideways_on_a_phone_in_spanish(open_page):
    page = open_page()
    page.set_viewport_size(PHONE)
    paths = [*public_paths(), "/no-such-page/"]
    problems = [problem for path in paths
                if (problem := measure(page, path, status=404 if path == "/no-such-page/" else 200))]
    assert problems == [], "\n".join(problems)


def test_no_public_page_scrolls_sideways_on_a_phone_in_portuguese(open_page):
    page = open_page(locale="pt-BR")
    page.set_viewport_size(PHONE)
    project = a_public_project_with_a_map()
    problems = [problem for path in ("/", "/projects/", f"/projects/{project.code}/", "/countries/COL/")
                if (problem := measure(page, path))]
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    assert problems == [], "\n".join(problems)


def test_no_submission_step_scrolls_sideways_on_a_phone(open_page):
    page = open_page("focal.col", "/projects/mine/")
    page.set_viewport_size(PHONE)
    paths = ["/projects/mine/", "/projects/new/",
             *(f"/projects/{DRAFT_OF_FOCAL_COL}/edit/?step={step}" for step in range(1, 8))]
    problems = [problem for path in paths if (problem := measure(page, path))]
    assert problems == [], "\n".join(problems)


def test_the_secretariats_import_pages_do_not_scroll_sideways_on_a_phone(open_page):
    """The three upload pages and an ended run of each kind, with their reports (issue 11)."""
    from minga.exchange.models import ImportRun

    long_name = "custom-search-locationid-171-year-2020-page-3-with-a-long-name.json"
    fts = ImportRun.objects.create(
        kind="fts", sources=[long_name], state="done", bytes_total=47705, bytes_read=47705,
        counts={"pages": 1, "read": 24, "created": 23, "updated": 0, "unchanged": 0, "refused": 1,
                "outcomes": {"counted": 20, "passed_on": 3}, "totals": [[long_name, 381508179]]},
        problems=[{"source": long_name, "identifier": "", "line": 0,
                   "message": f"{long_name}, flow 2 (id 204307): status 'promised' is not one of pledge, commitment, paid"}])
    iati = ImportRun.objects.create(
        kind="iati", sources=["usaid-cl.xml"], state="failed", failure="refused", bytes_total=10,
        error="not well-formed XML (line 1): Start tag expected, '<' not found, line 1, column 1",
        problems=[{"source": "usaid-cl.xml", "identifier": "US-GOV-1-72052719CA00001", "line": 1204,
                   "message": "transaction 3: value 'abc' is not a number"}])
    page = open_page("secretaria", "/projects/import/iati/")
    page.set_viewport_size(PHONE)
    paths = ["/projects/import/iati/", "/projects/import/fts/", "/projects/import/hxl/",
             f"/projects/import/fts/{fts.pk}/", f"/projects/import/iati/{iati.pk}/"]
    problems = [problem for path in paths if (problem := measure(page, path))]
    assert problems == [], "\n".join(problems)


def test_a_donors_projects_and_matches_do_not_scroll_sideways_on_a_phone(open_page):
    page = open_page("donante.can", "/projects/mine/")
    page.set_viewport_size(PHONE)
    assert measure(page, "/projects/mine/") is None
    expect(page.get_by_test_id("donor-matches")).to_be_visible()


def test_on_a_phone_the_catalogue_shows_results_before_the_folded_filters(open_page):
    page = open_page()
    page.set_viewport_size(PHONE)
    page.goto("/projects/")

    toggle = page.get_by_test_id("filters-toggle")
    summary = toggle.locator("summary")
    expect(summary).to_have_text("Filtrar")
    expect(toggle).not_to_have_attribute("open", "")
    expect(page.get_by_test_id("facets")).to_be_hidden()
    first_result = page.get_by_test_id("project-table").locator("tbody tr").first
    expect(first_result).to_be_visible()
    # Nothing but the folded control stands between the search box and the first result (four screens
    # of filters did before).
    assert first_result.bounding_box()["y"] < PHONE["height"] * 2
    assert summary.bounding_box()["y"] < first_result.bounding_box()["y"]

    summary.click()
    expect(page.get_by_test_id("facets")).to_be_visible()
    colombia = page.locator('[data-facet="country"] input[value="COL"]')
    expect(colombia).to_be_visible()
    # A tick swaps the results and the filters in (htmx): the filters stay open for the next tick.
    colombia.check()
    expect(page).to_have_url(re.compile(r"[?&]country=COL(&|$)"))
    rows = page.get_by_test_id("project-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-code", re.compile(r"^PQ-COL-"))
    expect(page.get_by_test_id("filters-toggle")).to_have_attribute("open", "")
    expect(page.locator('[data-facet="country"] input[value="COL"]')).to_be_checked()


def test_the_catalogue_filters_open_with_a_tap_without_javascript(chromium, server):
    context = chromium.new_context(locale="es-ES", base_url=server.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/projects/")
        toggle = page.get_by_test_id("filters-toggle")
        expect(page.get_by_test_id("facets")).to_be_hidden()
        toggle.locator("summary").click()
        expect(toggle).to_have_attribute("open", "")
        colombia = page.locator('[data-facet="country"] input[value="COL"]')
        expect(colombia).to_be_visible()
        colombia.check()
        page.get_by_test_id("facets").get_by_role("button", name="Aplicar").click()
        expect(page).to_have_url(f"{server.url}/projects/?q=&sort=newest&country=COL&gap_min=&gap_max=")
        rows = page.get_by_test_id("project-table").locator("tbody tr")
        codes = rows.evaluate_all("rows => rows.map(row => row.dataset.code)")
        assert codes and all(code.startswith("PQ-COL-") for code in codes), codes
    finally:
        context.close()


def test_on_a_desktop_the_catalogue_keeps_the_filters_beside_the_results(open_page):
    page = open_page()
    page.set_viewport_size(DESKTOP)
    page.goto("/projects/")

    expect(page.get_by_test_id("filters-toggle").locator("summary")).to_be_hidden()
    facets = page.get_by_test_id("facets")
    expect(facets).to_be_visible()
    expect(page.locator('[data-facet="country"]')).to_be_visible()
    table = page.get_by_test_id("project-table")
    facets_box, table_box = facets.bounding_box(), table.bounding_box()
    assert facets_box["x"] + facets_box["width"] <= table_box["x"]
    assert abs(facets_box["y"] - table_box["y"]) < 120
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


# Everything a chart draws (its svg and each shape in it) lies inside the chart's own box: the map is zoomed
# to fit the width it has, not cut off. The shapes that stick out, per chart.
CHART_OUTSIDE_ITS_BOX = """
() => Object.fromEntries(Array.from(document.querySelectorAll("[data-vega-spec]")).map(chart => {
  const box = chart.getBoundingClientRect();
  const out = [];
  for (const element of chart.querySelectorAll("svg, svg path")) {
    const inner = element.getBoundingClientRect();
    if (inner.width === 0 && inner.height === 0) { continue; }
    if (inner.left < box.left - 1 || inner.right > box.right + 1 || inner.top < box.top - 1 ||
        inner.bottom > box.bottom + 1) {
      out.push([element.tagName, Math.round(inner.left - box.left), Math.round(inner.right - box.right)]);
    }
  }
  return [chart.dataset.vegaSpec, {width: Math.round(box.width), outside: out.length, first: out.slice(0, 3)}];
}))
"""


def test_on_a_phone_each_map_fits_its_box(open_page):
    page = open_page()
    page.set_viewport_size(PHONE)
    project = a_public_project_with_a_map()
    found = {}
    for path in ("/", "/countries/COL/", f"/projects/{project.code}/"):
        page.goto(path)
        for chart in page.locator("[data-vega-spec]").all():
            expect(chart).to_have_attribute("data-rendered", "true")
            expect(chart.locator("svg path").first).to_be_attached()
        found.update(page.evaluate(CHART_OUTSIDE_ITS_BOX))
    assert sorted(found) == ["map-spec", "people-spec", "project-map-spec", "subdivisions-map-spec"]
    assert {key: value["outside"] for key, value in found.items()} == dict.fromkeys(found, 0), found
    assert all(300 <= value["width"] <= 375 for value in found.values()), found


# How the catalogue's first result row is laid out: its cells and the label each shows before its value.
ROW_LAYOUT = """
table => {
  const row = table.querySelector("tbody tr");
  const cells = Array.from(row.cells);
  return {
    headings: getComputedStyle(table.querySelector("thead")).clipPath,
    row: getComputedStyle(row).display,
    cells: cells.map(cell => getComputedStyle(cell).display),
    labels: cells.map(cell => getComputedStyle(cell, "::before").content),
    rowWidth: Math.round(row.getBoundingClientRect().width),
    tableScrolls: table.parentElement.scrollWidth > table.parentElement.clientWidth,
  };
}
"""
LABELS = ['"Ámbito"', '"Estado"', '"Solicitado (USD)"', '"Asegurado (USD)"', '"Brecha (USD)"']


def test_on_a_phone_the_catalogue_rows_are_cards_with_labelled_values(open_page):
    page = open_page()
    page.set_viewport_size(PHONE)
    page.goto("/projects/")
    table = page.get_by_test_id("project-table")
    layout = table.evaluate(ROW_LAYOUT)
    assert layout["headings"] == "inset(50%)"  # the column headings: for screen readers only
    assert layout["row"] == "block"
    # Then the three cells of the CSV alone (code, proposing organisation, illustrative: hidden, html_tables).
    assert layout["cells"] == ["block", "grid", "grid", "grid", "grid", "grid", "none", "none", "none"]
    assert layout["labels"] == ["none", *LABELS, "none", "none", "none"]
    assert layout["rowWidth"] <= PHONE["width"] and not layout["tableScrolls"]
    first = table.locator("tbody tr").first
    expect(first.locator("td").nth(1)).to_have_attribute("data-label", "Ámbito")
    expect(first.get_by_role("link")).to_be_visible()


def test_on_a_desktop_the_catalogue_is_still_a_table(open_page):
    page = open_page()
    page.set_viewport_size(DESKTOP)
    page.goto("/projects/")
    layout = page.get_by_test_id("project-table").evaluate(ROW_LAYOUT)
    assert layout["headings"] == "none"
    assert layout["row"] == "table-row"
    assert layout["cells"] == ["table-cell"] * 6 + ["none"] * 3
    assert layout["labels"] == ["none"] * 9
    expect(page.get_by_test_id("project-table").locator("thead th").first).to_be_visible()
