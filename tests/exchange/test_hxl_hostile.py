"""Issue 15, item 4: an XLSX given to the HXL import (``minga import hxl`` and the secretariat's upload page) passes
the checks the bulk project upload makes before a library reads it: a zip bomb (a small file whose sheet XML
unpacks to far more) and a sheet declaring entities or a DTD are refused with a clear message, nothing written."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from minga.exchange.hxl_import import preview
from minga.reference.models import PopulationFigure

pytestmark = pytest.mark.django_db
URL = "/projects/import/hxl/"
MAX_ELEMENTS, MAX_UNPACKED_MB = 1_000_000, 100  # hxl_import.MAX_XLSX_ELEMENTS, MAX_XLSX_UNPACKED


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def workbook(sheet_xml=None) -> bytes:
    """A real HXL workbook; with ``sheet_xml``, its sheet replaced by that XML."""
    book = openpyxl.Workbook()
    for row in [["País", "Personas", "Fecha"], ["#country+code", "#affected+refugees", "#date"],
                ["COL", 2860000, "2025-05-31"]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if sheet_xml is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    return out.getvalue()


SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}'
         '</sheetData></worksheet>')
BOMB_ROWS = MAX_ELEMENTS // 2 + 1  # two elements each: more than the limit in all


def bomb() -> bytes:
    rows = "".join(f'<row r="{n}"><c r="A{n}"/></row>' for n in range(1, BOMB_ROWS + 1))
    return workbook(SHEET.format(doctype="", rows=rows))


TOO_LARGE = (f"bomb.xlsx: the workbook unpacks to more than {MAX_UNPACKED_MB} MB or holds more than "
             f"{MAX_ELEMENTS:,} XML elements: too large to read as a table.")
ENTITIES = ("The workbook declares XML entities or a document type, which a spreadsheet never needs. Save it "
            "again as .xlsx from your spreadsheet program and retry.")


def test_a_real_workbook_still_previews(tmp_path):
    (tmp_path / "people.xlsx").write_bytes(workbook())
    result = preview(tmp_path / "people.xlsx")
    assert (result.kind, result.problem, len(result.accepted), result.rejected) == ("population", "", 1, [])


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    data = bomb()
    assert len(data) < 10 * 1024 ** 2  # within the upload's limit; far larger unpacked
    (tmp_path / "bomb.xlsx").write_bytes(data)
    result = preview(tmp_path / "bomb.xlsx")
    assert (result.kind, result.problem, result.accepted) == (None, TOO_LARGE, [])


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE worksheet SYSTEM "http://example.invalid/evil.dtd">',
    '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
], ids=["entities", "external-dtd", "xxe"])
def test_a_sheet_declaring_entities_is_refused(tmp_path, doctype):
    (tmp_path / "evil.xlsx").write_bytes(workbook(SHEET.format(
        doctype=doctype, rows='<row r="1"><c r="A1" t="inlineStr"><is><t>#country+code</t></is></c></row>')))
    result = preview(tmp_path / "evil.xlsx")
    assert (result.kind, result.problem) == (None, f"evil.xlsx: {ENTITIES}")


def test_the_upload_page_refuses_the_bomb_and_writes_nothing(client_as, users):
    before = PopulationFigure.all_objects.count()
    client = client_as(users["secretariat"])
    response = client.post(URL, {"table": SimpleUploadedFile("bomb.xlsx", bomb(), "application/octet-stream")},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert TOO_LARGE in response.content.decode()
    response = client.post(URL, {"step": "confirm"}, HTTP_ACCEPT_LANGUAGE="en")
    assert PopulationFigure.all_objects.count() == before
