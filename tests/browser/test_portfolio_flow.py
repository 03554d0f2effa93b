"""The portfolio's Done-when flow in a real browser, from a focal point's proposal to the public's download.

Colombia's focal point proposes a project for two subdivisions with a budget in pesos; the
secretariat starts the review and asks for a change; the focal point makes it and submits again;
the secretariat publishes; an anonymous visitor finds the project by a Portuguese word of its
summary and by its subdivision, and downloads the catalogue as XLSX and as IATI XML.

Fields are found by their names and buttons by their test ids, so the flow reads the same in any
language; the pages are in Spanish (the browser's locale).
"""

import re
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from playwright.sync_api import expect

from minga.portfolio.models import Project
from minga.reference.models import Organisation
from tests.codes import YEAR

pytestmark = pytest.mark.browser

TITLE = "Acogida comunitaria en Arauca y Norte de Santander"
WORD = "acolhimento"
COMMENT = "Reduzcan el monto solicitado a 600 millones de pesos."
DRAFT_OF_FOCAL_COL = f"PQ-COL-{YEAR}-0002"


def save_and_continue(page, step: int):
    page.get_by_test_id("save-next").click()
    expect(page).to_have_url(re.compile(rf"/edit/\?step={step}$"))


def status_of(code: str) -> str:
    return Project.objects.get(code=code).status


CONFIRMED = {"published", "withdrawn"}  # moves asked a second time, on a page of their own


def move(page, status: str, comment: str | None = None):
    """Press the button of a move in the project page's actions box (opening its comment box first), and
    confirm it on its confirmation page for a move that has one."""
    actions = page.get_by_test_id("project-actions")
    if status in CONFIRMED:
        actions.get_by_test_id(f"transition-{status}").click()
        confirm = page.get_by_test_id("transition-confirm")
        if comment is not None:
            confirm.locator('textarea[name="comment"]').fill(comment)
        confirm.get_by_test_id(f"confirm-{status}").click()
        return
    if comment is not None:
        actions.locator(f'details[data-status="{status}"] summary').click()
        actions.locator(f'details[data-status="{status}"] textarea[name="comment"]').fill(comment)
    actions.get_by_test_id(f"transition-{status}").click()


def test_a_project_goes_from_proposal_to_the_public_catalogue_and_its_exports(open_page, new_context, tmp_path):
    # --- Colombia's focal point proposes ---------------------------------------------------------------
    page = open_page("focal.col", "/projects/new/")
    page.locator('[name="proposing_organisation"]').select_option(
        str(Organisation.objects.get(load_key="organisation:gov-col").pk))
    page.locator('[name="title_es"]').fill(TITLE)
    page.locator('[name="summary_pt"]').fill(f"Centros de {WORD} comunitário na fronteira com a Venezuela.")
    page.locator('[name="planned_start"]').fill("2026-03-01")
    page.locator('[name="planned_end"]').fill("2027-12-31")
    save_and_continue(page, 2)
    code = re.search(r"/projects/(PQ-COL-\d{4}-\d{4})/edit/", page.url).group(1)
    assert status_of(code) == "draft"

    # Two territories; the shares are checked as they are typed (htmx), before anything is saved.
    page.locator('[name="locations-0-country"]').select_option("COL")  # the country's subdivisions are then listed
    expect(page.locator('[name="locations-0-subdivision"] option[value="CO-NSA"]')).to_have_count(1)
    page.locator('[name="locations-0-subdivision"]').select_option("CO-NSA")
    page.locator('[name="locations-0-percentage"]').fill("60")
    page.locator('[name="locations-0-percentage"]').blur()
    expect(page.locator("#slot-locations p.error")).to_have_count(1)
    expect(page.locator("#slot-locations p.error")).to_contain_text("60")
    page.locator('[name="locations-1-country"]').select_option("COL")
    expect(page.locator('[name="locations-1-subdivision"] option[value="CO-ARA"]')).to_have_count(1)
    page.locator('[name="locations-1-subdivision"]').select_option("CO-ARA")
    page.locator('[name="locations-1-percentage"]').fill("40")
    page.locator('[name="locations-1-percentage"]').blur()
    expect(page.locator("#slot-locations p.error")).to_have_count(0)
    expect(page.get_by_test_id("step-ok")).to_be_visible()
    save_and_continue(page, 3)

    page.locator('[name="axis__reception-centres"]').fill("100")
    page.locator('[name="line__women-access-to-rights"]').fill("100")
    for marker, significance in (("territorial", "2"), ("gender", "2"), ("best-interests-of-the-child", "1"),
                                 ("human-rights", "1")):
        page.locator(f'[name="marker__{marker}"]').select_option(significance)
    save_and_continue(page, 4)

    page.locator('[name="people_total"]').fill("1500")
    page.locator('[name="group__refugees_migrants"]').fill("1000")
    page.locator('[name="group__host_community"]').fill("500")
    save_and_continue(page, 5)

    page.locator('[name="budget_amount"]').fill("800000000")
    page.locator('[name="budget_currency"]').select_option("COP")
    page.locator('[name="budget_value_date"]').fill("2026-03-01")
    page.locator('[name="requested_amount"]').fill("700000000")
    page.locator('[name="budget_years-0-year"]').fill("2026")
    page.locator('[name="budget_years-0-amount"]').fill("500000000")
    page.locator('[name="budget_years-1-year"]').fill("2027")
    page.locator('[name="budget_years-1-amount"]').fill("300000000")
    save_and_continue(page, 6)
    save_and_continue(page, 7)

    expect(page.get_by_test_id("complete")).to_be_visible()
    page.get_by_test_id("submit-project").click()
    expect(page).to_have_url(re.compile(rf"/projects/{code}/$"))
    assert status_of(code) == "submitted"
    project = Project.objects.get(code=code)
    assert sorted(project.locations.values_list("subdivision_id", "percentage")) == [("CO-ARA", 40), ("CO-NSA", 60)]
    assert (project.budget_currency, project.budget_usd, project.requested_usd) == ("COP", 200000, 175000)

    # --- the secretariat reviews and asks for a change ----------------------------------------------------
    secretariat = open_page("secretaria", "/projects/review/")
    secretariat.get_by_test_id("review-queue").locator(f'tr[data-code="{code}"] a').first.click()
    expect(secretariat).to_have_url(re.compile(rf"/projects/{code}/$"))
    move(secretariat, "under_review")
    expect(secretariat.get_by_test_id("transition-published")).to_be_visible()
    assert status_of(code) == "under_review"
    move(secretariat, "changes_requested", COMMENT)
    expect(secretariat.get_by_test_id("transition-changes_requested")).to_have_count(0)
    assert status_of(code) == "changes_requested"

    # --- the focal point sees the comment, fixes the amount and submits again -------------------------------
    page.goto("/projects/mine/")
    row = page.get_by_test_id("my-projects").locator(f'tr[data-code="{code}"]')
    expect(row.get_by_test_id("changes-comment")).to_have_text(COMMENT)
    row.get_by_test_id("next-action").get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/projects/{code}/edit/\?step=7$"))
    page.get_by_test_id("steps").get_by_role("link", name=re.compile("^5")).click()
    page.locator('[name="requested_amount"]').fill("600000000")
    page.get_by_test_id("save-draft").click()
    expect(page).to_have_url(re.compile(r"/edit/\?step=5$"))
    expect(page.locator('[name="requested_amount"]')).to_have_value("600.000.000")  # as Spanish writes it
    page.get_by_test_id("steps").get_by_role("link", name=re.compile("^7")).click()
    page.get_by_test_id("submit-project").click()
    expect(page).to_have_url(re.compile(rf"/projects/{code}/$"))
    assert status_of(code) == "submitted"

    # --- the secretariat publishes ----------------------------------------------------------------------
    secretariat.goto(f"/projects/{code}/")
    move(secretariat, "under_review")
    expect(secretariat.get_by_test_id("transition-published")).to_be_visible()
    move(secretariat, "published")
    expect(secretariat).to_have_url(re.compile(rf"/projects/{code}/$"))  # back from the confirmation page
    expect(secretariat.get_by_test_id("transition-published")).to_have_count(0)
    published = Project.objects.get(code=code)
    assert (published.status, published.is_public, published.requested_usd) == ("published", True, 150000)

    # --- an anonymous visitor finds it and downloads the exports ----------------------------------------
    visitor = new_context().new_page()
    visitor.goto(f"/projects/?q={WORD}")
    results = visitor.get_by_test_id("project-table").locator("tbody tr[data-code]")
    expect(results).to_have_count(1)
    expect(results.first).to_have_attribute("data-code", code)

    visitor.goto("/projects/?subdivision=CO-ARA")
    expect(visitor.get_by_test_id("project-table").locator(f'tr[data-code="{code}"]')).to_have_count(1)

    xlsx_link = visitor.locator('a[href^="/projects/export.xlsx"]')
    expect(xlsx_link).to_have_attribute("href", re.compile(r"subdivision=CO-ARA"))
    with visitor.expect_download() as download:
        xlsx_link.click()
    xlsx = tmp_path / download.value.suggested_filename
    download.value.save_as(xlsx)
    assert xlsx.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(xlsx, read_only=True)
    cells = {str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
             for value in row if value is not None}
    assert code in cells

    iati_link = visitor.locator('a[href^="/projects/export.iati"]')
    expect(iati_link).to_have_attribute("href", re.compile(r"subdivision=CO-ARA"))
    with visitor.expect_download() as download:
        iati_link.click()
    iati = tmp_path / download.value.suggested_filename
    download.value.save_as(iati)
    assert iati.suffix == ".xml"
    tree = ET.parse(iati)
    identifiers = [element.text for element in tree.getroot().iter("iati-identifier")]
    assert any(identifier.endswith(code) for identifier in identifiers), identifiers


def test_a_focal_point_of_another_country_cannot_open_the_draft(open_page):
    page = open_page("focal.per", "/projects/mine/")
    expect(page.get_by_test_id("my-projects").locator("tbody tr")).to_have_count(1)  # Lima's, their own
    expect(page.get_by_test_id("my-projects").locator(f'tr[data-code="PQ-PER-{YEAR}-0001"]')).to_have_count(1)
    expect(page.get_by_test_id("my-projects").locator(f'tr[data-code="{DRAFT_OF_FOCAL_COL}"]')).to_have_count(0)
    title = Project.objects.get(code=DRAFT_OF_FOCAL_COL).title_es
    for path in (f"/projects/{DRAFT_OF_FOCAL_COL}/edit/", f"/projects/{DRAFT_OF_FOCAL_COL}/edit/?step=7",
                 f"/projects/{DRAFT_OF_FOCAL_COL}/"):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.get_by_role("main")).not_to_contain_text(title)
