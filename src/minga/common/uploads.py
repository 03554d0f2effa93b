"""Office documents uploaded to Minga (the kit's library, a roadmap action's evidence): checked before storing.

A file is recognised by its bytes, not by the name it came with: a PDF by its signature, the Office Open
XML formats (DOCX, PPTX, XLSX) by the part their package holds, the OpenDocument formats (ODT, ODS, ODP)
by the ``mimetype`` member their standard puts first. Anything else is refused, whatever its extension;
the stored name gets the extension of what the file really is. ``attachment_response`` serves a stored
file so that a browser saves it instead of running it.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from minga.common.errors import ParameterInvalid

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", PPTX: ".pptx", XLSX: ".xlsx", ODT: ".odt", ODS: ".ods", ODP: ".odp"}
# What the file field offers to pick (the check itself reads the bytes).
ACCEPT = ",".join(EXTENSIONS.values())
_OOXML_PARTS = (("word/document.xml", DOCX), ("ppt/presentation.xml", PPTX), ("xl/workbook.xml", XLSX))


class UploadInvalid(ParameterInvalid):
    """An uploaded file Minga does not keep: too large, empty or of a type it does not accept."""


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def _zip_type(handle) -> str | None:
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return declared if declared in (ODT, ODS, ODP) else None
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OOXML_PARTS if part in names), None)


def sniff(handle) -> str | None:
    """The real type of a file from its bytes; None when it is none of the accepted ones."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(handle)
    return None


def check_upload(uploaded_file, field: str = "file") -> CheckedUpload:
    """The upload's safe name, real type and size; ``UploadInvalid`` (named by ``field``) if it is refused."""
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise UploadInvalid(field, _("The file is larger than %(limit)s MB.") % {
            "limit": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if uploaded_file.size == 0:
        raise UploadInvalid(field, _("The file is empty."))
    content_type = sniff(uploaded_file)
    uploaded_file.seek(0)
    if content_type is None:
        raise UploadInvalid(field, _("Only PDF, Word (DOCX), PowerPoint (PPTX), Excel (XLSX) and OpenDocument "
                                     "(ODT, ODS, ODP) files are accepted; this file is none of them, whatever "
                                     "its name says."))
    stem = PurePath(uploaded_file.name or "document").stem[:100]
    name = (get_valid_filename(stem) if stem.strip(" .") else "document") + EXTENSIONS[content_type]
    return CheckedUpload(name=name, content_type=content_type, size=uploaded_file.size)


def attachment_response(stored_file, *, filename: str) -> FileResponse:
    """A stored file as a download: never shown inline, never sniffed into something runnable."""
    try:
        handle = stored_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = sniff(handle) or "application/octet-stream"
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
