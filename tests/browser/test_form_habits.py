"""Issue 9's Done-when for forms, in a real browser: amounts typed as the reader's language writes them and
territories picked by name (htmx narrowing as one types; plain lists without JavaScript).

Colombia's focal point submits a project in Spanish typing 8.000.000.000 and choosing Colombia → Norte de
Santander → Cúcuta by name; an English-speaking one types 8,000,000,000; without JavaScript the lists are
narrowed by sending the page.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from minga.portfolio.models import Project
from minga.reference.models import Organisation
from minga.site.demo import DEMO_PASSWORD
from tests.codes import YEAR

pytestmark = pytest.mark.browser

DRAFT_OF_FOCAL_COL = f"PQ-COL-{YEAR}-0002"


def save_and_continue(page, step: int):
    page.get_by_test_id("save-next").click()
    expect(page).to_have_url(re.compile(rf"/edit/\?step={step}$"))


def test_a_focal_point_submits_in_spanish_typing_amounts_and_choosing_cucuta_by_name(open_page):
    page = open_page("focal.col", "/projects/new/")
    page.locator('[name="proposing_organisation"]').select_option(
        str(Organisation.objects.get(load_key="organisation:gov-col").pk))
    page.locator('[name="title_es"]').fill("Acogida en Cúcuta")
    page.locator('[name="summary_es"]').fill("Centros de acogida comunitaria en la frontera con Venezuela.")
    page.locator('[name="planned_start"]').fill("2026-03-01")
    page.locator('[name="planned_end"]').fill("2027-12-31")
    save_and_continue(page, 2)
    code = re.search(r"/projects/(PQ-COL-\d{4}-\d{4})/edit/", page.url).group(1)

    # Country → subdivision → municipality, by name; each list filled in by htmx from the one above.
    subdivisions = page.locator('[name="locations-0-subdivision"] option')
    municipalities = page.locator('[name="locations-0-municipality"] option')
    expect(subdivisions).to_have_count(1)
    page.locator('[name="locations-0-country"]').select_option(label="Colombia")
    expect(subdivisions).to_have_count(34)  # "—" and Colombia's 33 departments and capital district, no other
    page.locator('[name="locations-0-subdivision"]').select_option(label="Norte de Santander")
    expect(municipalities).to_have_count(2)
    page.get_by_test_id("municipality-search").first.fill("Bog")
    expect(municipalities).to_have_count(1)  # no municipality of Norte de Santander is called so
    page.get_by_test_id("municipality-search").first.fill("Cúc")
    expect(municipalities).to_have_text(["—", "San José de Cúcuta"])
    page.locator('[name="locations-0-municipality"]').select_option(label="San José de Cúcuta")
    page.locator('[name="locations-0-percentage"]').fill("100")
    save_and_continue(page, 3)

    page.locator('[name="axis__reception-centres"]').fill("100")
    page.locator('[name="line__women-access-to-rights"]').fill("100")
    for marker, significance in (("territorial", "2"), ("gender", "2"), ("best-interests-of-the-child", "1"),
                                 ("human-rights", "1")):
        page.locator(f'[name="marker__{marker}"]').select_option(significance)
    save_and_continue(page, 4)
    page.locator('[name="people_total"]').fill("1500")
    page.locator('[name="group__refugees_migrants"]').fill("1500")
    save_and_continue(page, 5)

    page.locator('[name="budget_amount"]').fill("8.000.000.000")
    page.locator('[name="budget_currency"]').select_option(label="Peso colombiano (COP)")
    page.locator('[name="budget_value_date"]').fill("2026-03-01")
    page.locator('[name="requested_amount"]').fill("7.000.000.000,50")
    page.locator('[name="budget_years-0-year"]').fill("2026")
    page.locator('[name="budget_years-0-amount"]').fill("8.000.000.000")
    save_and_continue(page, 6)
    page.get_by_test_id("steps").get_by_role("link", name=re.compile("^5")).click()
    expect(page.locator('[name="budget_amount"]')).to_have_value("8.000.000.000")
    expect(page.locator('[name="requested_amount"]')).to_have_value("7.000.000.000,50")
    page.get_by_test_id("steps").get_by_role("link", name=re.compile("^7")).click()

    expect(page.get_by_test_id("complete")).to_be_visible()
    page.get_by_test_id("submit-project").click()
    expect(page).to_have_url(re.compile(rf"/projects/{code}/$"))
    project = Project.objects.get(code=code)
    assert (project.status, project.budget_amount, project.requested_amount, project.budget_currency) == (
        "submitted", Decimal("8000000000"), Decimal("7000000000.50"), "COP")
    location = project.locations.get()
    assert (location.country_id, location.subdivision_id, location.municipality.pcode) == ("COL", "CO-NSA", "CO54001")


def sign_in_in_english(new_context, path: str):
    page = new_context(locale="en-GB").new_page()
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill("focal.col")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    return page


def test_an_english_speaking_focal_point_types_the_amount_as_english_writes_it(new_context):
    path = f"/projects/{DRAFT_OF_FOCAL_COL}/edit/?step=5"
    page = sign_in_in_english(new_context, path)
    page.locator('[name="budget_amount"]').fill("8,000,000,000")
    page.locator('[name="budget_currency"]').select_option(label="US Dollar (USD)")
    page.locator('[name="budget_value_date"]').fill("2026-03-01")
    page.locator('[name="requested_amount"]').fill("8.000.000.000")  # Spanish habits in English: refused
    page.get_by_test_id("save-draft").click()
    expect(page.locator("#slot-requested_amount p.error")).to_have_text(
        "“8.000.000.000” is not an amount as written in this language: write it like 8,000,000,000.50 "
        "(“,” between thousands, “.” before the cents).")
    assert Project.objects.get(code=DRAFT_OF_FOCAL_COL).budget_amount is None
    page.locator('[name="requested_amount"]').fill("6,500,000,000.25")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.locator('[name="budget_amount"]')).to_have_value("8,000,000,000")
    expect(page.locator('[name="requested_amount"]')).to_have_value("6,500,000,000.25")
    project = Project.objects.get(code=DRAFT_OF_FOCAL_COL)
    assert (project.budget_amount, project.requested_amount, project.budget_currency) == (
        Decimal("8000000000"), Decimal("6500000000.25"), "USD")


def test_without_javascript_the_lists_are_narrowed_by_sending_the_page(new_context, login_form):
    page = new_context(java_script_enabled=False).new_page()
    path = f"/projects/{DRAFT_OF_FOCAL_COL}/edit/?step=2"
    page.goto(f"/accounts/login/?next={path}")
    login_form(page, "focal.col", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    subdivisions = page.locator('[name="locations-0-subdivision"] option')
    expect(subdivisions).to_have_count(1)
    page.locator('[name="locations-0-country"]').select_option(label="Colombia")
    page.get_by_test_id("narrow-lists").click()
    expect(subdivisions).to_have_count(34)
    assert not Project.objects.get(code=DRAFT_OF_FOCAL_COL).locations.exists()  # narrowing saves nothing
    page.locator('[name="locations-0-subdivision"]').select_option(label="Norte de Santander")
    page.get_by_test_id("narrow-lists").click()
    expect(page.locator('[name="locations-0-municipality"] option')).to_have_text(["—", "San José de Cúcuta"])
    page.locator('[name="locations-0-percentage"]').fill("100")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_text("Guardado.")).to_be_visible()
    location = Project.objects.get(code=DRAFT_OF_FOCAL_COL).locations.get()
    assert (location.country_id, location.subdivision_id, location.municipality) == ("COL", "CO-NSA", None)
