"""Attachments: PDF, DOCX and XLSX only, recognised by their content, not by the name they came with."""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from minga.portfolio.validation import ProjectInvalid

MAX_DOCUMENT_BYTES = 15 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx"}


@dataclass
class CheckedUpload:
    name: str
    content_type: str
    size: int


def sniff(head: bytes, handle) -> str | None:
    """The real type of a file from its bytes; None when it is none of the three."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def check_upload(uploaded_file) -> CheckedUpload:
    if uploaded_file.size > MAX_DOCUMENT_BYTES:
        raise ProjectInvalid({"document": [_("The file is larger than %(limit)s MB.") % {
            "limit": MAX_DOCUMENT_BYTES // (1024 * 1024)}]})
    if uploaded_file.size == 0:
        raise ProjectInvalid({"document": [_("The file is empty.")]})
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    content_type = sniff(head, uploaded_file)
    uploaded_file.seek(0)
    if content_type is None:
        raise ProjectInvalid({"document": [_("Only PDF, Word (DOCX) and Excel (XLSX) files are accepted; "
                                             "this file is none of them, whatever its name says.")]})
    stem = PurePath(uploaded_file.name or "document").stem[:150] or "document"
    name = get_valid_filename(stem) + EXTENSIONS[content_type]
    return CheckedUpload(name=name, content_type=content_type, size=uploaded_file.size)
