"""The printable guide as a PDF (WeasyPrint, offline), from the site and from ``minga guide-pdf``, in each language:
its text is read back with pdftotext, as a reader's PDF viewer would show it."""

import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from minga.common.pdf import html_to_pdf, offline_fetcher

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"),
                                     reason="pdftotext (Debian poppler-utils) reads the PDFs; CI installs it")


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)  # noqa: S607
    return re.sub(r"\s+", " ", result.stdout.decode())


@needs_pdftotext
@pytest.mark.parametrize(("language", "title", "term", "instead"), [
    ("es", "Guía de lenguaje inclusivo sobre movilidad humana", "inmigrante ilegal", "migrante en situación irregular"),
    ("pt", "Guia de linguagem inclusiva sobre mobilidade humana", "imigrante ilegal", None),
    ("en", "Inclusive-language guide on human mobility", "illegal immigrant", None),
])
def test_the_site_serves_the_guide_of_each_language_as_a_pdf(client, language, title, term, instead):
    response = client.get(f"/language/guide/{language}/guide.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="minga-inclusive-language-guide-{language}.pdf"')
    text = pdf_text(response.content)
    assert title in text
    assert term in text.lower()
    if instead:
        assert instead in text


def test_an_unknown_language_has_no_guide(client):
    response = client.get("/language/guide/fr/guide.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400


@needs_pdftotext
def test_the_command_writes_the_same_guide(tmp_path):
    target = tmp_path / "guia-pt.pdf"
    call_command("guide_pdf", "pt", str(target))
    assert "Guia de linguagem inclusiva sobre mobilidade humana" in pdf_text(target.read_bytes())


def test_a_pdf_fetches_nothing_from_outside(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    for address in ("https://example.org/x.png", secret.as_uri()):
        with pytest.raises(ValueError, match="disallowed protocol"):
            offline_fetcher().fetch(address)
    # A page naming such addresses still renders: WeasyPrint leaves out what it could not fetch.
    content = html_to_pdf(f'<link rel="stylesheet" href="{secret.as_uri()}"><img src="https://example.org/x.png">'
                          '<p>hola</p>')
    assert content.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        assert pdf_text(content).strip() == "hola"
