"""Issue 13, results by territory: the Cúcuta officer records a quarterly result for their project (numbers as
Spanish writes them, codes chosen by name); the secretariat sees it in the people per subdivision; the Peruvian
focal point, another scope, cannot open the form. Then the officer downloads the XLSX template, fills in another
quarterly result (with openpyxl, as a spreadsheet program would), uploads it and sees the aggregate move; an
officer of another municipality and country (Tulcán) is refused the template and the upload."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from minga.accounts.models import Role, RoleGrant, User
from minga.reference.models import Organisation
from minga.results.models import ResultReport
from minga.site.demo import DEMO_PASSWORD
from tests.codes import YEAR

pytestmark = pytest.mark.browser

CUCUTA = f"PQ-COL-{YEAR}-0001"


def choose(page, field_id: str, text: str):
    option = page.locator(f"#{field_id} option", has_text=text)
    expect(option).to_have_count(1)
    page.locator(f"#{field_id}").select_option(option.get_attribute("value"))


def test_an_officer_records_a_quarterly_result_the_secretariat_sees_and_another_scope_cannot_edit(open_page, tmp_path):
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

    # The template: downloaded, a third-quarter figure for the rest of Norte de Santander filled in, uploaded.
    page.goto(f"/results/projects/{CUCUTA}/")
    page.get_by_test_id("upload-results").click()
    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    template = tmp_path / "plantilla.xlsx"
    download.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook["Resultados"]
    rows = [number for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2)
            if row[:3] == ("Niñas, niños y adolescentes atendidos (ilustrativo)", "2026 Q3",
                           "Norte de Santander, otros lugares")]
    assert len(rows) == 1
    sheet.cell(row=rows[0], column=4, value=40)
    filled = tmp_path / "resultados.xlsx"
    workbook.save(filled)
    page.get_by_label("Plantilla completada (XLSX)").set_input_files(str(filled))
    page.get_by_test_id("upload-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/results/projects/{CUCUTA}/$"))
    expect(page.get_by_text("Plantilla leída. Reportes agregados: 1; cambiados: 0; sin cambios: 7.")).to_be_visible()
    # The children indicator sums periods and places: 1.790 reported before, the 1.250 above and these 40.
    expect(page.get_by_test_id(f"total-{report.indicator_id}")).to_contain_text("3.080")
    secretariat.goto("/results/?country=COL")
    expect(secretariat.get_by_test_id("people-CO-NSA")).to_have_text("1.690")

    tulcan = User.objects.create_user(username="tulcan", password=DEMO_PASSWORD)
    RoleGrant.objects.create(user=tulcan, role=Role.LOCAL_GOVERNMENT_OFFICER,
                             organisation=Organisation.objects.get(load_key="organisation:demo-tulcan"))
    elsewhere = open_page("tulcan", f"/results/projects/{CUCUTA}/")
    expect(elsewhere.get_by_test_id(f"total-{report.indicator_id}")).to_contain_text("3.080")  # the page, read
    expect(elsewhere.get_by_test_id("upload-results")).to_have_count(0)
    assert elsewhere.goto(f"/results/projects/{CUCUTA}/upload/").status == 403
    assert elsewhere.request.get(f"/results/projects/{CUCUTA}/template.xlsx").status == 403
    assert ResultReport.objects.filter(indicator_id=report.indicator_id, period__number=3).count() == 3
