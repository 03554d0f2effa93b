"""The upload check shared by the kit's library and the roadmap's evidence: type read from the bytes, size
bounded, a safe stored name; and the download's headers."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import translation

from minga.common import uploads
from tests import office_files as files


@pytest.mark.parametrize(("name", "data", "stored", "content_type"), [
    ("Informe final.pdf", files.PDF_BYTES, "Informe_final.pdf", uploads.PDF),
    ("acta.docx", files.docx_bytes(), "acta.docx", uploads.DOCX),
    ("slides.PPTX", files.pptx_bytes(), "slides.pptx", uploads.PPTX),
    ("cuadro.xlsx", files.xlsx_bytes(), "cuadro.xlsx", uploads.XLSX),
    ("módulo.odt", files.odt_bytes(), "módulo.odt", uploads.ODT),
    # The extension follows what the file is, not the name it came with.
    ("renamed.txt", files.PDF_BYTES, "renamed.pdf", uploads.PDF),
    ("../../etc/passwd.docx", files.docx_bytes(), "passwd.docx", uploads.DOCX),
])
def test_accepted_files_get_their_real_type_and_a_safe_name(name, data, stored, content_type):
    checked = uploads.check_upload(files.upload(name, data))
    assert (checked.name, checked.content_type, checked.size) == (stored, content_type, len(data))


@pytest.mark.parametrize(("data", "message"), [
    (b"MZ\x90\x00 a program", "Only PDF, Word (DOCX), PowerPoint (PPTX), Excel (XLSX) and OpenDocument (ODT, ODS, "
                             "ODP) files are accepted; this file is none of them, whatever its name says."),
    (b"PK\x03\x04 not really a zip", "Only PDF, Word (DOCX), PowerPoint (PPTX), Excel (XLSX) and OpenDocument "
                                     "(ODT, ODS, ODP) files are accepted; this file is none of them, whatever its "
                                     "name says."),
    (b"", "The file is empty."),
])
def test_other_files_are_refused_whatever_their_name(data, message):
    with translation.override("en"), pytest.raises(uploads.UploadInvalid) as refused:
        uploads.check_upload(files.upload("report.pdf", data), field="file")
    assert (refused.value.field, refused.value.message) == ("file", message)


def test_a_zip_that_is_no_office_document_is_refused():
    data = files._zip({"mimetype": b"application/epub+zip", "content.opf": b"<package/>"})
    with pytest.raises(uploads.UploadInvalid):
        uploads.check_upload(files.upload("book.odt", data))


def test_a_file_over_the_limit_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10)
    with translation.override("en"), pytest.raises(uploads.UploadInvalid) as refused:
        uploads.check_upload(files.upload("big.pdf", files.PDF_BYTES))
    assert refused.value.message == "The file is larger than 0 MB."


def test_a_stored_file_is_served_as_an_attachment_never_sniffed(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("kit/modulo.pdf", ContentFile(files.PDF_BYTES))
    response = uploads.attachment_response(storage.open(name), filename="modulo.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="modulo.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == files.PDF_BYTES
