"""The conference follow-up report (PDF and XLSX, es/pt/en) on the hand-built ledger (conftest.py).

The 2023 conference: pledged 1,500,000 (P1, P3); committed 601,000; disbursed 700,000 (F2, F3); 46.7 % of the
pledged disbursed. The gaps of 2023 (all the year's funding): Colombia 10,000,000 required, 1,600,000 funding
(F1's undisbursed 200,000 + F2 400,000 + F5 1,000,000), gap 8,400,000, 16.0 %; Peru 5,000,000, nothing in 2023.
"""

import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from minga.common.formatting import format_money

pytestmark = pytest.mark.django_db

HEADINGS = {
    "es": ["Seguimiento de la conferencia", "Lo prometido", "Lo que llegó", "Dónde", "Para qué",
           "Las brechas en 2023"],
    "pt": ["Acompanhamento da conferência", "O que foi prometido", "O que chegou", "Onde", "Para quê",
           "As lacunas em 2023"],
    "en": ["Follow-up of the conference", "What was pledged", "What arrived", "Where", "For what",
           "The gaps in 2023"],
}


def pdf_text(path) -> str:
    command = ["pdftotext", "-layout", str(path), "-"]
    found = subprocess.run(command, check=True, capture_output=True, text=True)
    return " ".join(found.stdout.split())


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_the_pdf_in_each_language_has_its_headings_and_the_exact_figures(ledger, tmp_path, language):
    output = tmp_path / f"report-{language}.pdf"
    out = io.StringIO()
    call_command("report", "conference", "brussels-2023", "--format", "pdf", "--language", language,
                 "--output", str(output), stdout=out)
    assert out.getvalue() == f"{output}\n"
    text = pdf_text(output)
    for heading in HEADINGS[language]:
        assert heading in text, heading
    with translation.override(language):
        figures = [format_money(value, "USD") for value in (1_500_000, 601_000, 700_000, 10_000_000, 1_600_000,
                                                           8_400_000, 5_000_000)]
    for figure in figures:
        assert " ".join(figure.split()) in text, figure
    assert {"es": "46,7 %", "pt": "46,7 %", "en": "46.7 %"}[language] in text


def test_the_english_pdf_figures_as_written(ledger, tmp_path):
    output = tmp_path / "report.pdf"
    call_command("report", "conference", "brussels-2023", "--format", "pdf", "--language", "en",
                 "--output", str(output), stdout=io.StringIO())
    text = pdf_text(output)
    for figure in ("Pledged: $1,500,000.00", "$8,400,000.00", "16.0 %", "Global Affairs Canada"):
        assert figure in text, figure


def test_the_xlsx_cells_are_exact(ledger, tmp_path):
    output = tmp_path / "report.xlsx"
    call_command("report", "conference", "brussels-2023", "--format", "xlsx", "--language", "en",
                 "--output", str(output), stdout=io.StringIO())
    book = load_workbook(output)
    assert book.sheetnames == ["Summary", "Donors", "Countries", "Themes", "Gaps"]
    summary = [[cell.value for cell in row] for row in book["Summary"].iter_rows()]
    assert summary[1:] == [["Pledged", 1_500_000], ["Committed", 601_000], ["Disbursed", 700_000],
                           ["Funding (each sum once)", 901_000], ["Disbursed of pledged", 46.7],
                           ["Days from pledge to first disbursement (median)", 153]]
    assert [[cell.value for cell in row] for row in book["Donors"].iter_rows()] == [
        ["Donor", "Pledged", "Committed", "Disbursed", "Disbursed of pledged"],
        ["Global Affairs Canada", 1_000_000, 600_000, 700_000, 70],
        ["U.S. Agency for International Development", 500_000, 1_000, 0, 0]]
    assert [[cell.value for cell in row] for row in book["Gaps"].iter_rows()] == [
        ["Country", "Requirement", "Funding", "Gap", "Coverage"],
        ["Colombia", 10_000_000, 1_600_000, 8_400_000, 16],
        ["Peru", 5_000_000, 0, 5_000_000, 0]]
    spanish = tmp_path / "informe.xlsx"
    call_command("report", "conference", "brussels-2023", "--format", "xlsx", "--language", "es",
                 "--output", str(spanish), stdout=io.StringIO())
    assert load_workbook(spanish).sheetnames == ["Resumen", "Donantes", "Países", "Temas", "Brechas"]


def test_the_command_refuses_an_unknown_conference_and_a_missing_output(ledger, tmp_path):
    with pytest.raises(CommandError, match=r"No conference nowhere-2030\."):
        call_command("report", "conference", "nowhere-2030", "--format", "pdf", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="report conference CODE"):
        call_command("report", "conference", "brussels-2023", "--format", "pdf")


def test_the_conference_page_links_the_report_and_the_download_answers(client, ledger):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/funding/conferences/brussels-2023/").content.decode()
    assert 'href="/funding/conferences/brussels-2023/report.pdf?language=pt"' in page
    response = client.get("/funding/conferences/brussels-2023/report.xlsx?language=pt")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="minga-conference-brussels-2023-pt.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Resumo"
    assert client.get("/funding/conferences/brussels-2023/report.pdf?language=fr").status_code == 400
