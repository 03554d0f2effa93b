"""The checks an uploaded file passes before openpyxl reads it: size, type (sniffed, not named), unpacked size."""

import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from minga.portfolio import documents

MAX_ROWS = 200  # projects in one upload: each takes ~25 ms to create, so the request stays within seconds
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # what the XLSX may unpack to: refuses zip bombs before openpyxl reads


class UploadRefused(Exception):
    """The file as a whole cannot be read as a filled-in template; the message says why."""


def refuse_unless_xlsx(uploaded_file) -> None:
    if uploaded_file.size == 0:
        raise UploadRefused(_("The file is empty."))
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)})
    uploaded_file.seek(0)
    head = uploaded_file.read(8)
    uploaded_file.seek(0)
    kind = documents.sniff(head, uploaded_file)
    uploaded_file.seek(0)
    if kind != documents.XLSX:
        raise UploadRefused(_("This file is not an Excel workbook (XLSX), whatever its name says. Download the "
                              "template, fill it in and upload it as .xlsx."))
    with zipfile.ZipFile(uploaded_file) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    uploaded_file.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadRefused(_("The workbook is too large to read; upload at most %(rows)s projects per file.")
                            % {"rows": MAX_ROWS})


def open_workbook(uploaded_file):
    """The workbook (read-only, cached values rather than formulas) of a file that passed the checks."""
    refuse_unless_xlsx(uploaded_file)
    try:
        return load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UploadRefused(_("The workbook could not be read (%(error)s). Save it again as .xlsx and retry.")
                            % {"error": type(error).__name__}) from error
