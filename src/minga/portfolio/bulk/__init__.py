"""Bulk submission: an XLSX template with drop-down lists, and its upload, all rows or none.

``template`` builds the template, ``safety`` checks an uploaded file before it is read, ``cells``
reads the sheet and its cells, ``importer`` creates the drafts and reports the problems.
"""

from minga.portfolio.bulk.cells import RowPayload, SheetRow, UploadedSheet, read_upload, row_payload, spreadsheet_number
from minga.portfolio.bulk.importer import ImportResult, RowError, import_projects
from minga.portfolio.bulk.safety import MAX_ROWS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES, UploadRefused
from minga.portfolio.bulk.template import Column, build_template, columns, organisation_display

__all__ = [
    "MAX_ROWS", "MAX_UNPACKED_BYTES", "MAX_UPLOAD_BYTES", "Column", "ImportResult", "RowError", "RowPayload",
    "SheetRow", "UploadRefused", "UploadedSheet", "build_template", "columns", "import_projects",
    "organisation_display", "read_upload", "row_payload", "spreadsheet_number",
]
