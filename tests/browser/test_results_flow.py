"""Issue 13, results by territory: the Cúcuta officer records a quarterly result for their project (numbers as
Spanish writes them, codes chosen by name); the secretariat sees it in the people per subdivision; the Peruvian
focal point, another scope, cannot open the form."""

import re

import pytest
from playwright.sync_api import expect

from minga.results.models import ResultReport
from tests.codes import YEAR

pytestmark = pytest.mark.browser

CUCUTA = f"PQ-COL-{YEAR}-0001"


def choose(page, field_id: str, text: str):
    option = page.locator(f"#{field_id} option", has_text=text)
    expect(option).to_have_count(1)
    page.locator(f"#{field_id}").select_option(option.get_attribute("value"))


def test_an_officer_records_a_quarterly_result_the_secretariat_sees_and_another_scope_cannot_edit(open_page):
    page = open_page("cucuta", f"/results/projects/{CUCUTA}/")
    page.get_by_test_id("record-result").click()
    choose(page, "id_indicator", "Niñas, niños y adolescentes atendidos")
    choose(page, "id_period", "2026 Q3")
    choose(page, "id_territory", "Arauca")
    page.locator("#id_value").fill("1.250")
    page.locator("#id_by_sex_female").fill("650")
    page.locator("#id_by_sex_male").fill("600")
    page.get_by_test_id("report-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/results/projects/{CUCUTA}/$"))
    report = ResultReport.objects.get(subdivision_id="CO-ARA", period__number=3, indicator__name_en__startswith="Children")
    assert (report.value, report.breakdown, report.reported_by.username) == (
        1250, {"sex": {"female": 650, "male": 600}}, "cucuta")
    expect(page.get_by_test_id(f"cell-{report.indicator_id}-{report.period_id}-CO-ARA")).to_contain_text("1.250")

    secretariat = open_page("secretaria", "/results/?country=COL")
    # Arauca: 150 + 170 reported before, and the 1.250 of the third quarter (a sum indicator).
    expect(secretariat.get_by_test_id("people-CO-ARA")).to_have_text("1.570")

    other = open_page("focal.per", "/")
    response = other.goto(f"/results/projects/{CUCUTA}/report/")
    assert response.status == 403
    assert ResultReport.objects.filter(subdivision_id="CO-ARA", period__number=3).count() == 1
