"""Bulk submission: the XLSX template and its drop-downs; an upload creates every row as a draft, or nothing."""

from datetime import datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from minga.portfolio import bulk
from minga.portfolio.inputs import Lookups, project_input, project_input_and_errors
from minga.portfolio.models import Project, Status
from minga.reference.models import Organisation
from minga.reference.selectors import organisation_loaded

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
TEMPLATE_URL = reverse("portfolio:bulk_template")
UPLOAD_URL = reverse("portfolio:bulk_upload")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_for(client) -> openpyxl.Workbook:
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    return openpyxl.load_workbook(BytesIO(response.content))


def filled(client, rows: dict[int, dict[str, object]]) -> SimpleUploadedFile:
    """The user's own template with ``rows`` (row number → {column key: value}) written into its Projects sheet."""
    workbook = template_for(client)
    sheet = workbook.worksheets[1]  # "Projects", named in the user's language
    with translation.override("en"):
        letters = {column.key: openpyxl.utils.get_column_letter(index)
                   for index, column in enumerate(bulk.columns(), start=1)}
    for number, values in rows.items():
        for key, value in values.items():
            sheet[f"{letters[key]}{number}"] = value
    output = BytesIO()
    workbook.save(output)
    return SimpleUploadedFile("projects.xlsx", output.getvalue(), content_type=XLSX)


def good_rows() -> dict[int, dict[str, object]]:
    gov_col, cucuta = organisation_loaded("gov-col"), organisation_loaded("demo-cucuta")
    return {
        2: {"title_es": "Centros de acogida en Arauca", "summary_es": "Dos centros de acogida temporal.",
            "proposing_organisation": f"{gov_col.name} [{gov_col.pk}]",
            "planned_start": datetime(2026, 4, 1), "planned_end": datetime(2027, 3, 31), "is_regional": "no",
            "countries": "COL", "subdivisions": "CO-ARA: 60; CO-NSA: 40",
            "themes:quito-axes": "reception-centres: 70; gender-equity: 30",
            "themes:lines-of-work-2023": "women-access-to-rights — Women and access to rights",
            "marker:territorial": "2 — Principal objective", "marker:gender": 1,
            "marker:best-interests-of-the-child": 1, "marker:human-rights": 0,
            "people_total": 1000, "people_with_disabilities": 40,
            "people:population_group:refugees_migrants": 700, "people:population_group:host_community": 300,
            "people:sex_age:women": 600, "people:sex_age:men": 400,
            "budget_amount": 4000000, "budget_currency": "COP", "budget_value_date": datetime(2026, 4, 1),
            "budget_years": "2026: 2.000.000; 2027: 2,000,000", "requested_amount": "3.000.000",
            "sdg_targets": "5.2, 10.7"},
        3: {"title_en": "Integration pathway in Cúcuta", "proposing_organisation": f"{cucuta.name} [{cucuta.pk}]",
            "subdivisions": "Norte de Santander", "municipalities": "CO54001 — San José de Cúcuta (CO-NSA)",
            "themes:quito-axes": "Socio-economic integration", "budget_amount": 500000, "budget_currency": "usd",
            "budget_value_date": "01/06/2026", "budget_years": "2026: 500000", "requested_amount": 250000.5},
        # Row 4 is left empty: empty rows are skipped.
        5: {"title_pt": "Estratégia regional de comunicação", "proposing_organisation": str(gov_col.pk),
            "is_regional": "sí", "themes:lines-of-work-2023": "new-migration-narrative: 100"},
    }


# --- The template ------------------------------------------------------------------------------

def test_template_has_the_drop_downs_on_the_right_columns(client_as, users):
    client = client_as(users["focal_col"])
    client.cookies["minga_language"] = "en"
    workbook = template_for(client)
    assert workbook.sheetnames == ["Instructions", "Projects", "Lists"]
    assert workbook["Lists"].sheet_state == "hidden"
    sheet = workbook["Projects"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:7] == ["Title (Spanish)", "Title (Portuguese)", "Title (English)", "Summary (Spanish)",
                           "Summary (Portuguese)", "Summary (English)", "Proposing organisation"]
    assert len(headers) == 38 and all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width == 40

    def column(header):
        return openpyxl.utils.get_column_letter(headers.index(header) + 1)

    drop_downs = {str(validation.sqref): (validation.formula1, validation.showErrorMessage)
                  for validation in sheet.data_validations.dataValidation if validation.type == "list"}
    lists = workbook["Lists"]
    expected = {
        "Proposing organisation": ("A", True), "Regional (yes/no)": ("B", True), "Currency": ("C", False),
        "Countries": ("D", False), "Subdivisions": ("E", False), "Municipalities": ("F", False),
        "Quito Process axes": ("G", False), "Lines of work (2023)": ("H", False),
        "Territorial approach (0, 1, 2)": ("I", True), "Gender approach (0, 1, 2)": ("I", True),
        "Best interests of the child (0, 1, 2)": ("I", True), "Human rights-based approach (0, 1, 2)": ("I", True),
    }
    assert len(drop_downs) == len(expected) == 12
    for header, (list_column, strict) in expected.items():
        letter = column(header)
        formula, shown = drop_downs[f"{letter}2:{letter}{bulk.MAX_ROWS + 1}"]
        assert formula.startswith(f"'Lists'!${list_column}$2:${list_column}$") and shown is strict, header

    def values(list_column):
        return [cell.value for cell in lists[list_column][1:] if cell.value is not None]

    gov_col, cucuta = organisation_loaded("gov-col"), organisation_loaded("demo-cucuta")
    assert values("A") == [f"{gov_col.name} [{gov_col.pk}]", f"{cucuta.name} [{cucuta.pk}]"]
    assert values("B") == ["yes", "no"]
    assert {"COP", "USD", "EUR", "PEN", "BRL", "CAD"} <= set(values("C"))
    assert values("D")[:2] == ["ARG — Argentina", "BRA — Brazil"] and len(values("D")) == 13
    assert "CO-NSA — Norte de Santander" in values("E")
    assert values("F") == ["CO54001 — San José de Cúcuta (CO-NSA)", "EC0401 — Tulcán (EC-C)"]
    assert "reception-centres — Orientation and temporary reception centres" in values("G")
    assert values("I") == ["0 — Not targeted", "1 — Significant objective", "2 — Principal objective"]
    assert "refugees_migrants — Refugees and migrants" in values("J")
    assert "adolescent_girls — Adolescent girls" in values("K")
    people = column("People served")
    assert any(v.type == "whole" and str(v.sqref) == f"{people}2:{people}{bulk.MAX_ROWS + 1}"
               for v in sheet.data_validations.dataValidation)


def test_peru_focal_points_template_offers_only_perus_government(client_as, users):
    lists = template_for(client_as(users["focal_per"]))["Lists"]
    gov_per = organisation_loaded("gov-per")
    assert [cell.value for cell in lists["A"][1:] if cell.value] == [f"{gov_per.name} [{gov_per.pk}]"]


def test_template_speaks_the_users_language(client_as, users):
    client = client_as(users["focal_col"])
    client.cookies["minga_language"] = "es"
    workbook = template_for(client)
    with translation.override("es"):
        expected_sheet, expected_header = gettext("Projects"), gettext("Proposing organisation")
    assert workbook.sheetnames[1] == expected_sheet
    assert workbook[expected_sheet]["Q1"].value == "Enfoque de género (0, 1, 2)"  # the marker's Spanish label
    assert workbook[expected_sheet]["G1"].value == expected_header


def test_template_and_upload_need_a_proposer(client, client_as, users):
    assert client.get(TEMPLATE_URL).status_code == 302  # to the sign-in page
    observer = client_as(users["observer"])
    assert observer.get(TEMPLATE_URL).status_code == 403
    assert observer.get(UPLOAD_URL).status_code == 403


# --- Uploads -----------------------------------------------------------------------------------

def upload(client, file, language="en"):
    client.cookies["minga_language"] = language
    return client.post(UPLOAD_URL, {"file": file})


def test_three_good_rows_create_exactly_three_drafts(client_as, users):
    client = client_as(users["focal_col"])
    before = Project.all_objects.count()
    response = upload(client, filled(client, good_rows()))
    assert response.status_code == 302 and response["Location"] == UPLOAD_URL
    assert Project.all_objects.count() == before + 3
    page = client.get(UPLOAD_URL)
    codes = [f"PQ-COL-{YEAR}-0003", f"PQ-COL-{YEAR}-0004", f"PQ-COL-{YEAR}-0005"]
    assert [project.code for project in page.context["created"]] == codes
    assert client.get(UPLOAD_URL).context["created"] == []  # shown once

    arauca, cucuta, regional = (Project.objects.get(code=code) for code in codes)
    assert {p.status for p in (arauca, cucuta, regional)} == {Status.DRAFT}
    assert {p.created_by for p in (arauca, cucuta, regional)} == {users["focal_col"]}

    assert (arauca.title_es, arauca.proposing_organisation, arauca.is_regional) == (
        "Centros de acogida en Arauca", organisation_loaded("gov-col"), False)
    assert (str(arauca.planned_start), str(arauca.planned_end)) == ("2026-04-01", "2027-03-31")
    assert sorted((r.country_id, r.subdivision_id or "", r.percentage) for r in arauca.locations.all()) == [
        ("COL", "", Decimal("100")), ("COL", "CO-ARA", Decimal("60")), ("COL", "CO-NSA", Decimal("40"))]
    assert sorted((r.term.vocabulary_id, r.term.code, r.percentage) for r in arauca.themes.all()) == [
        ("lines-of-work-2023", "women-access-to-rights", Decimal("100")),
        ("quito-axes", "gender-equity", Decimal("30")), ("quito-axes", "reception-centres", Decimal("70"))]
    assert {r.marker_id: r.significance for r in arauca.markers.all()} == {
        "territorial": 2, "gender": 1, "best-interests-of-the-child": 1, "human-rights": 0}
    assert sorted((r.dimension, r.category, r.people) for r in arauca.people.all()) == [
        ("population_group", "host_community", 300), ("population_group", "refugees_migrants", 700),
        ("sex_age", "men", 400), ("sex_age", "women", 600)]
    assert (arauca.people_total, arauca.people_with_disabilities, arauca.sdg_targets) == (1000, 40, "5.2, 10.7")
    assert [(r.year, r.amount) for r in arauca.budget_years.all()] == [(2026, Decimal("2000000")),
                                                                       (2027, Decimal("2000000"))]
    assert (arauca.budget_amount, arauca.budget_currency, arauca.requested_amount) == (
        Decimal("4000000"), "COP", Decimal("3000000"))
    assert (arauca.budget_usd, arauca.requested_usd, arauca.gap_usd) == (
        Decimal("1000.00"), Decimal("750.00"), Decimal("750.00"))  # 4,000 COP per USD

    assert (cucuta.title_en, cucuta.proposing_organisation, cucuta.country_id) == (
        "Integration pathway in Cúcuta", organisation_loaded("demo-cucuta"), "COL")
    assert sorted((r.subdivision_id, r.municipality.pcode if r.municipality else "", r.percentage)
                  for r in cucuta.locations.all()) == [("CO-NSA", "", Decimal("100")),
                                                       ("CO-NSA", "CO54001", Decimal("100"))]
    assert [(r.term.code, r.percentage) for r in cucuta.themes.all()] == [("socioeconomic-integration",
                                                                          Decimal("100"))]
    assert (cucuta.budget_currency, str(cucuta.budget_value_date), cucuta.requested_amount, cucuta.requested_usd) == (
        "USD", "2026-06-01", Decimal("250000.5"), Decimal("250000.50"))

    assert (regional.title_pt, regional.is_regional, regional.locations.count()) == (
        "Estratégia regional de comunicação", True, 0)
    assert [r.term.code for r in regional.themes.all()] == ["new-migration-narrative"]


def bad_rows():
    rows = good_rows()
    rows[5].update({"is_regional": "no", "subdivisions": "CO-NSA: 60; CO-ARA: 30"})
    return rows


def test_one_bad_row_saves_nothing_and_the_report_names_row_and_column(client_as, users):
    client = client_as(users["focal_col"])
    before = Project.all_objects.count()
    response = upload(client, filled(client, bad_rows()))
    assert response.status_code == 422
    assert Project.all_objects.count() == before
    message = "Row 5, Territories: The shares of the subdivisions total 90%, not 100%."
    assert [str(error) for error in response.context["errors"]] == [message]
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()


def test_the_report_is_in_the_users_language(client_as, users):
    client = client_as(users["focal_col"])
    response = upload(client, filled(client, bad_rows()), language="es")
    with translation.override("es"):
        expected = gettext("Row %(row)s, %(column)s: %(message)s") % {
            "row": 5, "column": gettext("Territories"),
            "message": gettext("The shares of the %(level)s total %(total)s%%, not 100%%.") % {
                "level": gettext("subdivisions"), "total": "90"}}
    assert [str(error) for error in response.context["errors"]] == [expected]
    assert "subdivisiones" in expected  # Spanish words, not the English message
    assert expected in response.content.decode()


def test_every_problem_of_every_row_is_reported_before_anything_is_saved(client_as, users):
    client = client_as(users["focal_col"])
    rows = good_rows()
    rows[2].update({"subdivisions": "CO-XXX: 100", "marker:gender": 3,
                    "themes:quito-axes": "reception-centres: 70, gender-equity: 30"})
    rows[3].update({"people_total": "many", "proposing_organisation": "Nobody [999999]"})
    rows[5].update({"sdg_targets": "ten", "title_pt": "T" * 301})
    before = Project.all_objects.count()
    response = upload(client, filled(client, rows))
    assert Project.all_objects.count() == before
    assert [str(error) for error in response.context["errors"]] == [
        "Row 2, Subdivisions: Unknown subdivision “CO-XXX”: use an ISO 3166-2 code such as CO-NSA.",
        "Row 2, Quito Process axes: “reception-centres: 70, gender-equity: 30”: separate the entries with "
        "semicolons, as in “CO-NSA: 60; CO-ARA: 40”.",
        "Row 2, Gender approach (0, 1, 2): Significance is 0, 1 or 2.",
        "Row 3, Proposing organisation: Unknown organisation “Nobody [999999]”: give its number or its IATI "
        "identifier.",
        "Row 3, People served: “many” is not a number.",
        "Row 5, Title (Portuguese): Ensure this value has at most 300 characters (it has 301).",
        "Row 5, SDG targets: List SDG targets separated by commas, e.g. 10.7, 5.2",
    ]
    assert response.context["rows_with_errors"] == 3


def test_a_cell_that_cannot_be_read_does_not_hide_the_other_checks_of_its_row(client_as, users):
    client = client_as(users["focal_col"])
    rows = good_rows()
    rows[2].update({"marker:gender": 5, "subdivisions": "CO-ARA: 60; CO-NSA: 30", "people:sex_age:women": "x"})
    response = upload(client, filled(client, rows))
    assert [str(error) for error in response.context["errors"]] == [
        "Row 2, Territories: The shares of the subdivisions total 90%, not 100%.",
        "Row 2, Gender approach (0, 1, 2): Significance is 0, 1 or 2.",
        "Row 2, Women (people): “x” is not a whole number of people.",  # and no sum of the people left
    ]


def test_sums_that_do_not_add_up_are_named_by_column(client_as, users):
    client = client_as(users["focal_col"])
    rows = good_rows()
    rows[2].update({"people:sex_age:women": 500, "themes:lines-of-work-2023": "women-access-to-rights: 50"})
    rows[3].update({"budget_years": "2026: 400000", "requested_amount": 600000})
    response = upload(client, filled(client, rows))
    assert [str(error) for error in response.context["errors"]] == [
        "Row 2, Lines of work (2023): The shares in “Lines of work with local governments and host communities "
        "(Santiago, 2023)” total 50%, not 100%.",
        "Row 2, People by sex and age: People by sex and age add up to 900, not to the total of 1000.",
        "Row 3, Budget by year: The yearly amounts add up to 400000, not to the budget of 500000.",
        "Row 3, Requested from the Group of Friends: More is requested than the whole budget.",
    ]


def test_a_row_for_an_organisation_the_user_may_not_propose_for_is_refused(client_as, users):
    client = client_as(users["focal_per"])
    rows = {2: {**good_rows()[2]}}
    response = upload(client, filled(client, rows))
    assert [str(error) for error in response.context["errors"]] == [
        "Row 2, Proposing organisation: You may not propose projects for “Gobierno de la República de Colombia”."]
    assert not Project.objects.filter(title_es="Centros de acogida en Arauca").exists()


def test_a_row_without_a_proposing_organisation_is_refused(client_as, users):
    client = client_as(users["focal_col"])
    rows = good_rows()
    del rows[3]["proposing_organisation"]
    response = upload(client, filled(client, rows))
    assert [str(error) for error in response.context["errors"]] == [
        "Row 3, Proposing organisation: Name the proposing organisation."]


def test_a_local_government_officer_uploads_for_its_own_municipality(client_as, users):
    client = client_as(users["local_cucuta"])
    lists = template_for(client)["Lists"]
    cucuta = organisation_loaded("demo-cucuta")
    assert [cell.value for cell in lists["A"][1:] if cell.value] == [f"{cucuta.name} [{cucuta.pk}]"]
    assert upload(client, filled(client, {2: good_rows()[3]})).status_code == 302
    assert Project.objects.get(code=f"PQ-COL-{YEAR}-0003").proposing_organisation == cucuta


def test_names_that_look_like_formulas_stay_text_in_the_template(client_as, users):
    gov_col = organisation_loaded("gov-col")
    Organisation.objects.filter(pk=gov_col.pk).update(name='=HYPERLINK("http://example.org","x")')
    client = client_as(users["focal_col"])
    cell = template_for(client)["Lists"]["A2"]
    assert (cell.value, cell.data_type) == (f'=HYPERLINK("http://example.org","x") [{gov_col.pk}]', "s")


def test_uploading_the_same_file_again_is_refused_row_by_row(client_as, users):
    client = client_as(users["focal_col"])
    assert upload(client, filled(client, good_rows())).status_code == 302
    before = Project.all_objects.count()
    response = upload(client, filled(client, good_rows()))
    assert Project.all_objects.count() == before
    year = YEAR
    assert [str(error) for error in response.context["errors"]] == [
        f"Row {row}, Title: You already have a draft with this title for this organisation (PQ-COL-{year}-{n:04d}): "
        "edit that draft on the platform, or change the title if this is another project."
        for row, n in ((2, 3), (3, 4), (5, 5))]


def test_two_rows_with_the_same_title_and_proposer_are_refused(client_as, users):
    client = client_as(users["focal_col"])
    rows = good_rows()
    rows[6] = dict(rows[2])
    response = upload(client, filled(client, rows))
    assert [str(error) for error in response.context["errors"]] == [
        "Row 6, Title: Row 2 has the same title and proposing organisation."]


# --- Files that are not a filled-in template ---------------------------------------------------

def refused(response) -> str:
    assert response.status_code == 422
    return response.context["refused"]


def test_a_pdf_named_xlsx_is_refused(client_as, users):
    before = Project.all_objects.count()
    response = upload(client_as(users["focal_col"]),
                      SimpleUploadedFile("projects.xlsx", b"%PDF-1.7\n1 0 obj\n", content_type=XLSX))
    assert refused(response) == ("This file is not an Excel workbook (XLSX), whatever its name says. Download the "
                                 "template, fill it in and upload it as .xlsx.")
    assert Project.all_objects.count() == before


def test_a_csv_is_refused(client_as, users):
    response = upload(client_as(users["focal_col"]), SimpleUploadedFile("projects.csv", b"title_es\nA\n"))
    assert refused(response).startswith("This file is not an Excel workbook (XLSX)")


def test_a_workbook_without_the_projects_sheet_is_refused(client_as, users):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Hoja1"
    workbook.active["A1"] = "Title (Spanish)"
    output = BytesIO()
    workbook.save(output)
    response = upload(client_as(users["focal_col"]), SimpleUploadedFile("p.xlsx", output.getvalue()))
    assert refused(response) == ("The workbook has no “Projects” sheet. Download the template and fill in its "
                                 "“Projects” sheet.")


def test_a_projects_sheet_with_other_columns_is_refused(client_as, users):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Projects"
    for letter, header in zip("ABC", ("Title (Spanish)", "Budget", "Proposing organisation"), strict=True):
        workbook.active[f"{letter}1"] = header
    workbook.active["A2"] = "Un proyecto"
    output = BytesIO()
    workbook.save(output)
    response = upload(client_as(users["focal_col"]), SimpleUploadedFile("p.xlsx", output.getvalue()))
    assert refused(response) == "Unknown column “Budget” (column B). Use the columns of the template, in its first row."


def test_an_empty_template_is_refused(client_as, users):
    client = client_as(users["focal_col"])
    assert refused(upload(client, filled(client, {}))) == (
        "The “Projects” sheet has no project: fill in one row per project, from row 2 on.")


def test_more_projects_than_the_limit_are_refused(client_as, users):
    client = client_as(users["focal_col"])
    rows = {number: {"title_es": f"Proyecto {number}"} for number in range(2, bulk.MAX_ROWS + 3)}
    before = Project.all_objects.count()
    assert refused(upload(client, filled(client, rows))) == (
        f"The file has more than {bulk.MAX_ROWS} projects: split it into several files.")
    assert Project.all_objects.count() == before


def test_headers_in_another_language_are_recognised(client_as, users):
    client = client_as(users["focal_col"])
    client.cookies["minga_language"] = "pt-br"
    file = filled(client, {2: good_rows()[2]})  # a Portuguese template …
    assert upload(client, file, language="en").status_code == 302  # … uploaded by someone reading English


@pytest.mark.parametrize("text, number", [
    ("2000000", Decimal("2000000")), ("2.000.000", Decimal("2000000")), ("2,000,000", Decimal("2000000")),
    ("1.234,50", Decimal("1234.50")), ("1,234.50", Decimal("1234.50")), ("33,5", Decimal("33.5")),
    ("60 %", Decimal("60")), ("2 000 000", Decimal("2000000")), ("1.5", Decimal("1.5")), ("12.34.5", None),
    ("abc", None), ("", None),
])
def test_numbers_as_people_write_them(text, number):
    assert bulk.spreadsheet_number(text) == number


# --- Codes to the services' input (portfolio.inputs) -------------------------------------------

def test_codes_become_records_and_a_unit_names_its_parents():
    data = project_input({"proposing_organisation": "XM-DAC-41121", "is_regional": False,
                          "locations": [{"municipality": "CO54001", "percentage": "100"}],
                          "themes": [{"vocabulary": "quito-axes", "code": "education", "percentage": 100}],
                          "budget_value_date": "2026-03-01", "people_total": "12"})
    location = data["locations"][0]
    assert (location["country"].iso3, location["subdivision"].code, location["municipality"].pcode,
            location["percentage"]) == ("COL", "CO-NSA", "CO54001", Decimal("100"))
    assert (data["proposing_organisation"].acronym, data["themes"][0]["term"].code, str(data["budget_value_date"]),
            data["people_total"]) == ("UNHCR", "education", "2026-03-01", 12)


def test_the_upload_reads_names_where_the_api_wants_codes():
    payload = {"locations": [{"country": "colombia", "percentage": 100},
                             {"subdivision": "norte de santander", "percentage": 100},
                             {"municipality": "San Jose de Cucuta", "percentage": 100}],
               "themes": [{"vocabulary": "quito-axes", "code": "Gender equity", "percentage": 100}]}
    data = project_input(payload, lookups=Lookups(lenient=True))
    assert [(r["country"].iso3, r["subdivision"] and r["subdivision"].code,
             r["municipality"] and r["municipality"].pcode) for r in data["locations"]] == [
        ("COL", None, None), ("COL", "CO-NSA", None), ("COL", "CO-NSA", "CO54001")]
    assert data["themes"][0]["term"].code == "gender-equity"
    with translation.override("en"):
        _data, errors = project_input_and_errors(payload, lookups=Lookups())
    assert errors == {
        "locations[1].country": ["Unknown country “colombia”: use an ISO 3166-1 alpha-3 code such as COL."],
        "locations[2].subdivision": ["Unknown subdivision “norte de santander”: use an ISO 3166-2 code such as "
                                     "CO-NSA."],
        "locations[3].municipality": ["Unknown municipality “San Jose de Cucuta”: use its official code (p-code), "
                                      "e.g. CO54001."],
        "themes[1].code": ["Unknown theme “Gender equity” in “quito-axes”."]}
