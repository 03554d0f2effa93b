"""The checks an uploaded file passes before openpyxl reads it: size, type (sniffed, not named), unpacked size,
and the XML inside (no document type declaration, a bounded number of elements)."""

import xml.parsers.expat
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from minga.portfolio import documents

MAX_ROWS = 200  # projects in one upload: each takes ~25 ms to create, so the request stays within seconds
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # what the XLSX may unpack to: refuses zip bombs before openpyxl reads
# XML elements in the whole workbook. A template filled with 200 projects holds ~16,000; openpyxl spends a few
# microseconds on each element it reads (styles and shared strings are read whole when the workbook opens), so
# this bound keeps any file the size check lets through within about a second of reading.
MAX_XML_ELEMENTS = 300_000
_CHUNK = 64 * 1024


class UploadRefused(Exception):
    """The file as a whole cannot be read as a filled-in template; the message says why."""


def refuse_unless_xlsx(uploaded_file, too_large: str = "") -> None:
    """``too_large``: what to say of a workbook too large to read (the projects' upload says at most how many
    projects; another upload names what it holds)."""
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
    refused = UploadRefused(too_large or _("The workbook is too large to read; upload at most %(rows)s projects "
                                           "per file.") % {"rows": MAX_ROWS})
    refuse_unsafe_archive(uploaded_file, max_unpacked=MAX_UNPACKED_BYTES, max_elements=MAX_XML_ELEMENTS,
                          too_large=refused)
    uploaded_file.seek(0)


def refuse_unsafe_archive(file, *, max_unpacked: int, max_elements: int, too_large: UploadRefused) -> None:
    """The checks on what an XLSX holds, for any reader of one (the bulk upload, the HXL import): raise
    ``too_large`` when it unpacks to more than ``max_unpacked`` bytes or holds more than ``max_elements`` XML
    elements, and refuse a part that declares a document type (entities, an external DTD)."""
    try:
        with zipfile.ZipFile(file) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_unpacked:
                raise too_large
            if _xml_elements(archive, max_elements) > max_elements:
                raise too_large
    except zipfile.BadZipFile as error:
        raise UploadRefused(_("The workbook could not be read (%(error)s). Save it again as .xlsx and retry.")
                            % {"error": type(error).__name__}) from error


class _Stop(Exception):
    pass


def _xml_elements(archive: zipfile.ZipFile, limit: int = MAX_XML_ELEMENTS) -> int:
    """How many XML elements the parts hold, counted with expat before openpyxl builds anything; stops counting
    past the bound. A part that declares a document type is refused: a workbook has no use for one, and its
    entities could expand into far more than the file's size."""
    count = 0

    def element(_name, _attributes):
        nonlocal count
        count += 1
        if count > limit:
            raise _Stop

    def doctype(*_args):
        raise UploadRefused(_("The workbook declares XML entities or a document type, which a spreadsheet never "
                              "needs. Save it again as .xlsx from your spreadsheet program and retry."))

    for info in archive.infolist():
        parser = xml.parsers.expat.ParserCreate()
        parser.StartElementHandler = element
        parser.StartDoctypeDeclHandler = doctype
        parser.EntityDeclHandler = doctype
        try:
            with archive.open(info) as part:
                while chunk := part.read(_CHUNK):
                    parser.Parse(chunk, False)
        except _Stop:
            break
        except xml.parsers.expat.ExpatError:
            continue  # not XML (an image) or damaged: openpyxl says so if it needs the part
        except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as error:
            raise UploadRefused(_("The workbook could not be read (%(error)s). Save it again as .xlsx and retry.")
                                % {"error": type(error).__name__}) from error
    return count


def open_workbook(uploaded_file, too_large: str = ""):
    """The workbook (read-only, cached values rather than formulas) of a file that passed the checks."""
    refuse_unless_xlsx(uploaded_file, too_large)
    try:
        return load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UploadRefused(_("The workbook could not be read (%(error)s). Save it again as .xlsx and retry.")
                            % {"error": type(error).__name__}) from error
