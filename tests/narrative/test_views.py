"""The glossary, the printable guide and the checker page: exact answers, server-rendered (no JavaScript)."""

import io
import zipfile

import lxml.html
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

PARAGRAPH = "Una oleada de venezolanos llegó ayer.\nLa policía habló de inmigrantes ilegales, no de la pesca ilegal."


@pytest.fixture
def client_en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(response):
    return lxml.html.fromstring(response.content.decode())


def texts(document, testid):
    return [" ".join(element.text_content().split()) for element in document.xpath(f'//*[@data-testid="{testid}"]')]


def docx(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                         f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    return buffer.getvalue()


def test_glossary_lists_the_entries_of_a_language_and_category_with_their_source(client_en):
    response = client_en.get("/language/guide/?language=es&category=criminalising")
    assert response.status_code == 200
    document = page(response)
    assert texts(document, "entry-count") == ["7 entries"]
    entry = texts(document, "entry-inmigrante-ilegal")[0]
    assert entry.startswith("inmigrante ilegal Criminalising Severity: High Write instead: migrante en situación irregular")
    link = document.xpath('//*[@data-testid="entry-inmigrante-ilegal"]//a/@href')
    assert link == ["https://fundeu.fiile.org.ar/page/recomendaciones/id/108/title/-en-situaci%C3%B3n-irregular-%2C-mejor-que--ilegal-"]


def test_glossary_follows_the_interface_language_when_none_is_asked(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt"
    document = page(client.get("/language/guide/"))
    assert texts(document, "entry-count") == ["43 entradas"]
    assert texts(document, "entry-imigrante-ilegal")


@pytest.mark.parametrize(("query", "message"), [
    ("language=fr", "language: Choose es, pt or en."),
    ("language=es&category=nice", "category: Unknown category."),
])
def test_glossary_refuses_an_unknown_language_or_category(client_en, query, message):
    response = client_en.get(f"/language/guide/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_printable_guide_groups_every_entry_of_the_language_by_category(client_en):
    response = client_en.get("/language/guide/en/print/")
    assert response.status_code == 200
    document = page(response)
    assert len(document.xpath("//tbody/tr")) == 43
    assert len(document.xpath('//section[@data-testid="print-metaphor"]//tbody/tr')) == 16
    assert client_en.get("/language/guide/de/print/").status_code == 400


def test_check_marks_the_findings_in_place_with_suggestions_line_and_column(client_en):
    response = client_en.post("/language/check/", {"text": PARAGRAPH, "language": "auto"})
    assert response.status_code == 200
    document = page(response)
    assert texts(document, "check-summary") == ["Spanish: 2 findings"]
    assert texts(document, "finding-mark") == ["oleada de venezolanos1", "inmigrantes ilegales2"]
    notes = texts(document, "finding-note")
    assert notes[0].startswith("«oleada de venezolanos» line 1, column 5 Dehumanising or catastrophic metaphor "
                               "Write instead: aumento de la llegada de personas · llegada de X personas (con la cifra) "
                               "Likens people to a disaster")
    assert notes[1].startswith("«inmigrantes ilegales» line 2, column 21 Criminalising")
    # The whole text is given back, unchanged around the marks.
    assert document.xpath('//*[@data-testid="checked-text"]')[0].text_content() == (
        "Una oleada de venezolanos1 llegó ayer.\nLa policía habló de inmigrantes ilegales2, no de la pesca ilegal.")


def test_check_of_a_clean_text_says_nothing_was_found(client_en):
    document = page(client_en.post("/language/check/", {"text": "Illegal fishing is a problem.", "language": "en"}))
    assert texts(document, "check-summary") == ["English: 0 findings"]
    assert texts(document, "no-findings")


@pytest.mark.parametrize(("name", "content", "summary", "marks"), [
    ("note.txt", b"Os imigrantes ilegais chegaram.", "note.txt · Portuguese: 1 finding", ["imigrantes ilegais1"]),
    ("note.md", b"# Title\n\nA *flood of migrants*, they said.", "note.md · English: 1 finding", ["flood of migrants1"]),
    ("page.html", b"<html><body><p>Una ola migratoria</p><script>var x='illegals';</script></body></html>",
     "page.html · Spanish: 1 finding", ["ola migratoria1"]),
    ("declared.html", '<?xml version="1.0" encoding="utf-8"?><html><p>Es una invasión de extranjeros.</p></html>'.encode(),
     "declared.html · Spanish: 1 finding", ["invasión de extranjeros1"]),
    ("report.docx", docx("Informe", "Los ilegales y la avalancha migratoria."), "report.docx · Spanish: 2 findings",
     ["Los ilegales1", "avalancha migratoria2"]),
    ("latin1.txt", "Es una invasión de extranjeros.".encode("cp1252"), "latin1.txt · Spanish: 1 finding",
     ["invasión de extranjeros1"]),
])
def test_check_reads_uploaded_files(client_en, name, content, summary, marks):
    response = client_en.post("/language/check/", {"file": SimpleUploadedFile(name, content), "language": "auto"})
    assert response.status_code == 200
    document = page(response)
    assert texts(document, "check-summary") == [summary]
    assert texts(document, "finding-mark") == marks


@pytest.mark.parametrize(("data", "message"), [
    ({"text": "   "}, "Paste a text or choose a file."),
    ({"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}, "Upload a .txt, .md, .html or .docx file."),
    ({"file": SimpleUploadedFile("a.docx", b"PK\x03\x04 not really a zip")}, "The .docx file is damaged or is not a Word document."),
    ({"file": SimpleUploadedFile("a.docx", docx("x")[:-30])}, "The .docx file is damaged or is not a Word document."),
    ({"file": SimpleUploadedFile("a.txt", b"\x81\x8d\x8f\x90")}, "The file is not text in UTF-8 or Windows-1252."),
    ({"file": SimpleUploadedFile("a.txt", b"x" * (2 * 1024 * 1024 + 1))}, "The file is larger than 2 MB."),
    ({"text": "x" * 500_001}, "The text is longer than 500,000 characters: check it in parts."),
])
def test_check_refuses_bad_input_with_a_clear_message(client_en, data, message):
    response = client_en.post("/language/check/", {"language": "auto", **data})
    assert response.status_code == 422
    assert texts(page(response), "check-error") == [message]


def test_check_of_a_docx_without_a_document_or_with_broken_xml_is_refused(client_en):
    for files in ({"word/other.xml": "<a/>"}, {"word/document.xml": "<w:document><unclosed>"}):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        response = client_en.post("/language/check/", {"file": SimpleUploadedFile("a.docx", buffer.getvalue())})
        assert response.status_code == 422
    assert texts(page(response), "check-error") == ["The .docx file is damaged or is not a Word document."]


def test_check_of_malformed_html_still_answers(client_en):
    html = b"<div><p>Una <b>invasi\xc3\xb3n de <i>migrantes</p></div></b><<<>>"
    response = client_en.post("/language/check/", {"file": SimpleUploadedFile("x.html", html), "language": "es"})
    assert response.status_code == 200
    assert texts(page(response), "finding-mark") == ["invasión de migrantes1"]


def test_check_refuses_an_unknown_language(client_en):
    response = client_en.post("/language/check/", {"text": "hola", "language": "fr"})
    assert response.status_code == 400
    assert "language: Choose auto, es, pt or en." in response.content.decode()


def test_check_page_works_without_javascript_and_without_inline_script(client_en):
    document = page(client_en.get("/language/check/"))
    form = document.xpath('//form[@enctype="multipart/form-data"]')[0]
    assert form.get("method") == "post" and form.get("action") == "/language/check/"
    assert document.xpath("//script[not(@src)]") == []
    assert document.xpath("//*[@style]") == []
