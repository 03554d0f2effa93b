"""Issue 13, results by territory: the XLSX template (one row per indicator × open period × territory, lists to
choose from, instructions in the reader's language, text never a formula), its upload all-or-nothing with every
wrong row named, idempotent re-upload, the upload safety checks, and the export of what was reported."""

import re
from decimal import Decimal
from io import BytesIO

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from minga.results.models import Indicator, ResultReport

pytestmark = pytest.mark.django_db
CUCUTA = "PQ-COL-2026-0001"
CHILDREN = "Children and adolescents attended (illustrative)"
WOMEN = "Women enrolled in the livelihoods programme, to date (illustrative)"
POINTS = "Reception points operating (illustrative)"
ARAUCA, NSA_REST = "Arauca", "Norte de Santander, other places"
TOWN = "San José de Cúcuta (Norte de Santander)"
HEADERS = ["Indicator", "Period", "Territory", "Value reached", "Sex: Female", "Sex: Male", "Age group: 0 to 17 years",
           "Age group: 18 to 59 years", "Age group: 60 years and over", "Population group: Refugees and migrants",
           "Population group: Host community", "Population group: Returnees",
           "Population group: People in transit", "Sex: partial (yes/no)", "Age group: partial (yes/no)",
           "Population group: partial (yes/no)", "Note"]


def template(client, language="en"):
    response = client.get(f"/results/projects/{CUCUTA}/template.xlsx", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="minga-results-template-{CUCUTA}.xlsx"'
    return load_workbook(BytesIO(response.content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def upload(client, workbook, language="en"):
    buffer = BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("filled.xlsx", buffer.getvalue())
    return client.post(f"/results/projects/{CUCUTA}/upload/", {"file": file}, HTTP_ACCEPT_LANGUAGE=language)


def row_of(sheet, indicator, period, territory) -> int:
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if row[:3] == (indicator, period, territory):
            return number
    raise AssertionError((indicator, period, territory))


def snapshot():
    return sorted(ResultReport.objects.values_list("pk", "version", "value", "breakdown", "note"))


def test_the_template_has_a_row_per_indicator_open_period_and_territory(client_as, users, english):
    workbook = template(client_as(users["local_cucuta"]))
    assert workbook.sheetnames == ["Instructions", "Results", "Lists"]
    assert workbook["Lists"].sheet_state == "hidden"
    sheet = workbook["Results"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    listed = [tuple(row[:4]) for row in rows(sheet)]
    # 3 indicators × the 2 open quarters (the first is locked) × 3 territories, reported values filled in.
    assert len(listed) == 18
    assert listed[:6] == [(CHILDREN, "2026 Q2", ARAUCA, 170), (CHILDREN, "2026 Q2", NSA_REST, None),
                          (CHILDREN, "2026 Q2", TOWN, 510), (CHILDREN, "2026 Q3", ARAUCA, None),
                          (CHILDREN, "2026 Q3", NSA_REST, None), (CHILDREN, "2026 Q3", TOWN, 480)]
    assert rows(sheet)[2][4:6] == [270, 240]  # the stored breakdown by sex
    assert not any(period == "2026 Q1" for _i, period, _t, _v in listed)
    lists = {str(validation.sqref)[0]: validation.formula1
             for validation in sheet.data_validations.dataValidation if validation.type == "list"}
    assert lists == {"A": "'Lists'!$A$1:$A$3", "B": "'Lists'!$B$1:$B$2", "C": "'Lists'!$C$1:$C$3",
                     "N": "'Lists'!$D$1:$D$2", "O": "'Lists'!$D$1:$D$2", "P": "'Lists'!$D$1:$D$2"}
    assert [row[:3] for row in workbook["Lists"].iter_rows(values_only=True)] == [
        (CHILDREN, "2026 Q2", ARAUCA), (WOMEN, "2026 Q3", NSA_REST), (POINTS, None, TOWN)]
    assert workbook["Instructions"]["A1"].value == f"Results of {CUCUTA}: template"


def test_the_template_speaks_the_readers_language(client_as, users):
    workbook = template(client_as(users["local_cucuta"]), "es")
    assert workbook.sheetnames == ["Instrucciones", "Resultados", "Lists"]
    assert workbook["Resultados"]["A1"].value == "Indicador"
    assert workbook["Resultados"]["A2"].value == "Niñas, niños y adolescentes atendidos (ilustrativo)"
    assert workbook["Instrucciones"]["A1"].value == f"Resultados de {CUCUTA}: plantilla"


def test_a_name_that_starts_like_a_formula_stays_text(client_as, users):
    indicator = Indicator.objects.get(load_key=f"results-indicator:{CUCUTA}:reception-points")
    Indicator.objects.filter(pk=indicator.pk).update(name_en="=HYPERLINK(\"http://x\")")
    sheet = template(client_as(users["local_cucuta"]))["Results"]
    cell = sheet.cell(row=row_of(sheet, '=HYPERLINK("http://x")', "2026 Q2", ARAUCA), column=1)
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", '=HYPERLINK("http://x")', True)


@pytest.mark.parametrize(("role", "status"), [("secretariat", 200), ("focal_col", 200), ("local_cucuta", 200),
                                              ("focal_per", 403), ("donor_can", 403), ("observer", 403)])
def test_who_may_download_the_template_and_open_the_upload(client_as, users, role, status):
    client = client_as(users[role])
    assert client.get(f"/results/projects/{CUCUTA}/template.xlsx").status_code == status
    assert client.get(f"/results/projects/{CUCUTA}/upload/").status_code == status


def test_a_filled_template_is_stored_and_uploading_it_again_changes_nothing(client_as, users, english):
    client = client_as(users["local_cucuta"])
    workbook = template(client)
    sheet = workbook["Results"]
    number = row_of(sheet, CHILDREN, "2026 Q3", ARAUCA)
    for column, value in ((4, 1250), (5, 650), (6, 600), (17, "+57 300 (hotline)")):
        sheet.cell(row=number, column=column, value=value)
    sheet.cell(row=row_of(sheet, CHILDREN, "2026 Q2", ARAUCA), column=4, value="175")  # a correction, as text
    sheet.cell(row=row_of(sheet, POINTS, "2026 Q3", TOWN), column=4, value=4)
    before = ResultReport.objects.count()
    response = upload(client, workbook)
    assert (response.status_code, response["Location"]) == (302, f"/results/projects/{CUCUTA}/")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Template read. Reports added: 1; changed: 2; unchanged: 4." in page
    assert ResultReport.objects.count() == before + 1
    added = ResultReport.objects.get(indicator__name_en=CHILDREN, period__number=3, subdivision_id="CO-ARA")
    assert (added.value, added.breakdown, added.note, added.reported_by, added.version) == (
        Decimal(1250), {"sex": {"female": 650, "male": 600}}, "+57 300 (hotline)", users["local_cucuta"], 1)
    assert ResultReport.objects.get(indicator__name_en=CHILDREN, period__number=2, subdivision_id="CO-ARA").value == 175
    kept = snapshot()
    response = upload(client, workbook)
    assert response.status_code == 302
    assert "Template read. Reports added: 0; changed: 0; unchanged: 7." in client.get(
        response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert snapshot() == kept


def test_one_wrong_row_stores_nothing_and_every_wrong_row_is_named(client_as, users, english):
    client = client_as(users["local_cucuta"])
    workbook = template(client)
    sheet = workbook["Results"]
    good = row_of(sheet, CHILDREN, "2026 Q3", ARAUCA)
    sheet.cell(row=good, column=4, value=90)
    negative = row_of(sheet, CHILDREN, "2026 Q3", NSA_REST)
    sheet.cell(row=negative, column=4, value=-5)
    for number, values in ((3, [CHILDREN, "2026 Q2", NSA_REST, 100, 60, 30]),  # the sexes do not add up
                           (17, [POINTS, "2026 Q3", ARAUCA, "many"]),  # not a number
                           (18, [POINTS, "2026 Q3", NSA_REST, 2, 1]),  # not a people indicator, broken down
                           (20, [CHILDREN, "2026 Q1", ARAUCA, 10]),  # a locked period
                           (21, [CHILDREN, "2026 Q3", "Lima", 10]),  # not a territory of the project
                           (22, ["People given legal orientation (illustrative)", "2026 Q3", ARAUCA, 10]),  # another's
                           (23, [CHILDREN, "2026 Q3", ARAUCA, 90]),  # the same cell as row 5
                           (24, [CHILDREN, "2027 Q1", ARAUCA, 3])):  # no such period
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    assert (good, negative) == (5, 6)
    before = snapshot()
    response = upload(client, workbook)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was saved" in html and "9 rows have problems." in html
    assert ResultReport.objects.count() == len(before) and snapshot() == before
    listed = [(int(row), re.sub(r"<[^>]+>", "", text).strip()) for row, text in
              re.findall(r'<li data-row="(\d+)">(.*?)</li>', html, re.S)]
    assert listed == [
        (3, "Row 3: Sex: the parts add up to 90, not to the total 100. Correct them, or mark this breakdown as "
            "partial."),
        (6, "Row 6: Value reached: Give the value reached: a number of zero or more."),
        (17, "Row 17: Value reached: “many” is not a number."),
        (18, "Row 18: Only an indicator that counts people is broken down by sex, age and group."),
        (20, "Row 20: Period: The period 2026 Q1 is locked: the secretariat has closed it, so its reports can no "
             "longer be added or changed. Ask the secretariat to open it again."),
        (21, "Row 21: Territory: “Lima” is not one of the project&#x27;s territories."),
        (22, "Row 22: Indicator: “People given legal orientation (illustrative)” is not an indicator of this "
             "project."),
        (23, "Row 23: The same indicator, period and territory as row 5: give each cell once."),
        (24, "Row 24: Period: “2027 Q1” is not a reporting period of this project."),
    ]


def test_an_upload_is_read_by_headers_in_any_language(client_as, users, english):
    client = client_as(users["local_cucuta"])
    workbook = template(client, "es")  # Spanish sheet and headers, uploaded by an English reader
    sheet = workbook["Resultados"]
    sheet.cell(row=row_of(sheet, "Niñas, niños y adolescentes atendidos (ilustrativo)", "2026 Q3", "Arauca"),
               column=4, value="1.250")
    assert upload(client, workbook).status_code == 302
    assert ResultReport.objects.get(indicator__name_en=CHILDREN, period__number=3,
                                    subdivision_id="CO-ARA").value == 1250


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The submitted file is empty."),
    (b"Indicator,Period\n", "This file is not an Excel workbook (XLSX), whatever its name says."),
])
def test_a_file_that_is_not_a_template_is_refused(client_as, users, english, content, message):
    before = snapshot()
    response = client_as(users["local_cucuta"]).post(
        f"/results/projects/{CUCUTA}/upload/", {"file": SimpleUploadedFile("x.xlsx", content)},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_workbook_without_the_results_sheet_or_columns_is_refused(client_as, users, english):
    client = client_as(users["local_cucuta"])
    workbook = Workbook()
    workbook.active.title = "Sheet"
    response = upload(client, workbook)
    assert response.status_code == 422
    assert "The workbook has no “Results” sheet: download the template and fill it in." in response.content.decode()
    workbook.active.title = "Results"
    workbook.active.append(["Indicator", "Territory"])
    response = upload(client, workbook)
    assert ("The “Results” sheet lacks the columns Period, Value reached: download the template again."
            in response.content.decode())


def test_a_zip_bomb_is_refused_before_it_is_read(client_as, users, english, monkeypatch):
    from minga.portfolio.bulk import safety
    monkeypatch.setattr(safety, "MAX_UNPACKED_BYTES", 1000)  # the template unpacks to more than this
    workbook = template(client_as(users["local_cucuta"]))
    before = snapshot()
    response = upload(client_as(users["local_cucuta"]), workbook)
    assert response.status_code == 422
    assert "The workbook is too large to read; upload at most 2000 rows of results per file." in response.content.decode()
    assert "projects per file" not in response.content.decode()
    assert snapshot() == before


def test_another_scope_may_not_upload(client_as, users):
    workbook = template(client_as(users["local_cucuta"]))
    workbook["Results"].cell(row=5, column=4, value=90)
    before = snapshot()
    assert upload(client_as(users["focal_per"]), workbook).status_code == 403
    assert snapshot() == before


def test_the_export_has_every_report_and_the_about_sheet(client_as, users, english):
    response = client_as(None).get(f"/results/projects/{CUCUTA}/results.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="minga-results-{CUCUTA}.xlsx"'
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Results", "About"]
    sheet = workbook["Results"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    exported = [tuple(row[:4]) for row in rows(sheet)]
    assert len(exported) == ResultReport.objects.filter(indicator__project__code=CUCUTA).count() == 11
    assert exported[:4] == [(CHILDREN, "2026 Q1", ARAUCA, 150), (CHILDREN, "2026 Q1", NSA_REST, 60),
                            (CHILDREN, "2026 Q1", TOWN, 420), (CHILDREN, "2026 Q2", ARAUCA, 170)]
    assert rows(sheet)[2][4:13] == [230, 190, 420, None, None, 380, 40, None, None]
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert (about["Project"], about["Reports"], about["Locked periods"]) == (CUCUTA, 11, "2026 Q1")
    assert client_as(None).get("/results/projects/PQ-BRA-2026-0001/results.xlsx").status_code == 404



def test_the_results_and_projects_upload_pages_share_one_upload_form(client_as, users, english):
    client = client_as(users["focal_col"])
    forms = []
    for address in (f"/results/projects/{CUCUTA}/upload/", "/projects/bulk/"):
        response = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert [t.name for t in response.templates].count("includes/upload_form.html") == 1
        [form] = lxml.html.fromstring(response.content.decode()).xpath("//form[@enctype='multipart/form-data']")
        forms.append((form.get("method"), [i.get("type") for i in form.xpath(".//input[@type!='hidden']")],
                      form.xpath("string(.//button[@type='submit'])")))
    assert forms == [("post", ["file"], "Upload and check")] * 2
