"""Issue 13, "Roadmap": the printable progress report for a plenary, a PDF in es/pt/en from the roadmap page and
from ``minga report roadmap``; its text read back with pdftotext, as a reader's PDF viewer shows it."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from minga.process import printing

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"),
                                     reason="pdftotext (Debian poppler-utils) reads the PDFs; CI installs it")

# The title, the line "children and adolescents on the move" and the summary of the six actions on 1 June 2026
# (GAC's workshops overdue, Cúcuta's rollout at risk), in each language.
EXPECTED = {
    "es": ("Hoja de ruta de las líneas de trabajo: informe de avance", "6 acciones · vencidas: 1 · en riesgo: 1.",
           "de ejemplo"),
    "pt": ("Roteiro das linhas de trabalho: relatório de progresso", "6 ações · vencidas: 1 · em risco: 1.",
           "de exemplo"),
    "en": ("Roadmap of the lines of work: progress report", "6 actions · overdue: 1 · at risk: 1.", "illustrative"),
}


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    return re.sub(r"\s+", " ", result.stdout.decode())


@needs_pdftotext
@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_the_report_reads_in_each_language(language):
    title, summary, illustrative = EXPECTED[language]
    text = pdf_text(printing.report_pdf(language, today=date(2026, 6, 1)))
    assert title in text
    assert summary in text
    assert illustrative in text
    # Every action, by its title in that language (the Cúcuta rollout is the demo's, in all three).
    assert {"es": "Aplicación del kit de capacidades en Cúcuta", "pt": "Aplicação do kit de capacidades em Cúcuta",
            "en": "Rolling out the capacity kit in Cúcuta"}[language] in text


@needs_pdftotext
def test_the_roadmap_page_links_the_report_and_serves_it(client):
    page = client.get("/process/roadmap/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(f'href="/process/roadmap/report-{language}.pdf"' in page for language in ("es", "pt", "en"))
    response = client.get("/process/roadmap/report-pt.pdf")
    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200, "application/pdf", 'attachment; filename="minga-roadmap-progress-pt.pdf"')
    assert "Roteiro das linhas de trabalho: relatório de progresso" in pdf_text(response.content)
    assert client.get("/process/roadmap/report-fr.pdf").status_code == 404


@needs_pdftotext
def test_the_command_writes_the_report(tmp_path):
    target = tmp_path / "plenary.pdf"
    call_command("report", "roadmap", "--language", "es", "--output", str(target), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "Hoja de ruta de las líneas de trabajo: informe de avance" in pdf_text(target.read_bytes())


def test_the_command_needs_a_language_and_an_output():
    with pytest.raises(CommandError) as refused:
        call_command("report", "roadmap", "--language", "es")
    assert str(refused.value) == "minga report roadmap needs --language (es, pt or en) and --output FILE.pdf"
