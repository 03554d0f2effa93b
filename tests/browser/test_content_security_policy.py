"""Finding 9 of issue 8: every main page works under the Content-Security-Policy.

Each page is opened in Chromium; any console error (a CSP violation is one, reported by the browser and by
the listener the fixtures add to every page), any uncaught script error or an unrendered chart fails the
test. The policy forbids inline scripts, inline styles and eval: a page that relied on any of them breaks.
"""

import pytest
from playwright.sync_api import expect

from minga.portfolio.models import Project, Status
from tests.codes import YEAR

pytestmark = pytest.mark.browser

DRAFT_OF_FOCAL_COL = f"PQ-COL-{YEAR}-0002"


class Problems:
    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.messages.append(
            f"{page.url}: console error: {message.text}"))
        page.on("pageerror", lambda error: self.messages.append(f"{page.url}: script error: {error}"))


def visit(page, problems: Problems, path: str, *, charts: int = 0):
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    header = response.headers["content-security-policy"]
    assert "script-src 'self'" in header and "style-src 'self'" in header and "unsafe" not in header
    page.wait_for_load_state("networkidle")
    rendered = page.locator("[data-vega-spec]")
    expect(rendered).to_have_count(charts)
    for chart in rendered.all():
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator("svg").first).to_be_visible()
    assert problems.messages == [], "\n".join(problems.messages)


def a_public_project_with_a_map() -> Project:
    return (Project.objects.filter(is_public=True, status=Status.PUBLISHED, locations__subdivision__isnull=False)
            .order_by("code").first())


def test_every_public_page_renders_under_the_policy_without_a_console_error(open_page):
    page = open_page()
    problems = Problems(page)
    project = a_public_project_with_a_map()
    visit(page, problems, "/", charts=2)
    visit(page, problems, "/projects/")
    # htmx swaps the results in as the visitor types: no inline style or script in that either.
    with page.expect_response(lambda response: "/projects/?" in response.url and response.status == 200):
        page.locator("#catalogue-q").fill("Arauca")
    page.wait_for_load_state("networkidle")
    assert problems.messages == [], "\n".join(problems.messages)
    visit(page, problems, f"/projects/{project.code}/", charts=1)
    expect(page.locator("svg.funding-bar rect.secured")).to_have_count(1)
    visit(page, problems, "/countries/")
    visit(page, problems, "/countries/COL/", charts=1)
    visit(page, problems, "/organisations/")
    visit(page, problems, "/taxonomies/")
    visit(page, problems, "/conferences/")
    visit(page, problems, "/language/guide/")
    visit(page, problems, "/language/guide/pt/print/")
    visit(page, problems, "/language/check/")
    visit(page, problems, "/accounts/login/")
    visit(page, problems, "/accounts/password-reset/")
    visit(page, problems, "/api/v1/docs")  # Swagger UI, from django-ninja's own static files
    expect(page.locator("#swagger-ui .information-container")).to_be_visible()


def test_every_page_of_a_proposer_renders_under_the_policy(open_page):
    page = open_page("focal.col", "/projects/mine/")
    problems = Problems(page)
    visit(page, problems, "/projects/mine/")
    visit(page, problems, "/projects/new/")
    for step in (1, 3, 5, 7):
        visit(page, problems, f"/projects/{DRAFT_OF_FOCAL_COL}/edit/?step={step}")
    visit(page, problems, "/projects/bulk/")
    visit(page, problems, "/accounts/me/")


def test_every_page_of_the_secretariat_renders_under_the_policy(open_page):
    page = open_page("secretaria", "/projects/review/")
    problems = Problems(page)
    project = a_public_project_with_a_map()
    visit(page, problems, "/projects/review/")
    visit(page, problems, f"/projects/{project.code}/", charts=1)
    visit(page, problems, f"/history/portfolio.project/{project.pk}/")
    visit(page, problems, "/organisations/new/")
