"""Issue 9, "Accessible to people who use a screen reader or a keyboard": axe-core (the engine behind most
WCAG checkers, bundled for the tests by axe-playwright-python) finds no serious or critical violation of
WCAG 2.x A/AA on any public page or submission step, in Spanish, Portuguese and English.

A failure names the page, the rule, its impact and the first elements that break it.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_phone_layout import DRAFT_OF_FOCAL_COL, public_paths

pytestmark = [pytest.mark.browser, pytest.mark.markup_audit]

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the region's public-service rules ask for.
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
           "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}
LOCALES = {"es": "es-ES", "pt": "pt-BR", "en": "en-GB"}

AXE = Axe()


def violations(page, path: str, *, status: int = 200) -> list[str]:
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"
    page.wait_for_load_state("networkidle")
    for chart in page.locator("[data-vega-spec]").all():
        expect(chart).to_have_attribute("data-rendered", "true")
    results = AXE.run(page, options=WCAG_AA).response
    return [f"{path}: {found['id']} ({found['impact']}): {found['help']} — "
            f"{[node['target'] for node in found['nodes'][:3]]}"
            for found in results["violations"] if found["impact"] in BLOCKING]


@pytest.mark.parametrize("language", LOCALES)
def test_no_public_page_has_a_serious_accessibility_violation(open_page, language):
    page = open_page(locale=LOCALES[language])
    paths = [*public_paths(), "/no-such-page/"]
    found = [line for path in paths
             for line in violations(page, path, status=404 if path == "/no-such-page/" else 200)]
    expect(page.locator("html")).to_have_attribute("lang", {"es": "es", "pt": "pt-br", "en": "en"}[language])
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("language", LOCALES)
def test_no_submission_step_has_a_serious_accessibility_violation(open_page, language):
    page = open_page("focal.col", "/projects/mine/")
    if language != "es":  # signed in through the Spanish form, then switched as a person would
        page.locator("#language-select").select_option({"pt": "pt-br", "en": "en"}[language])
        page.locator(".language-switcher").get_by_role("button").click()
        expect(page.locator("html")).to_have_attribute("lang", {"pt": "pt-br", "en": "en"}[language])
    paths = ["/projects/mine/", "/projects/new/",
             *(f"/projects/{DRAFT_OF_FOCAL_COL}/edit/?step={step}" for step in range(1, 8))]
    found = [line for path in paths for line in violations(page, path)]
    assert found == [], "\n".join(found)
