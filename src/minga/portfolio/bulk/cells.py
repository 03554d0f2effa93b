"""Reading a filled-in template: its header row, its rows, and each cell as people write it.

Parts that are lists are written in one cell, entries separated by semicolons, each "code: share"
(``CO-NSA: 60; CO-ARA: 40``); one entry alone counts as 100%. A row becomes a payload in codes
(``RowPayload``), which ``portfolio.inputs`` turns into the services' input.
"""

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from minga.common.text import normalise_name
from minga.portfolio.bulk.safety import MAX_ROWS, UploadRefused, open_workbook
from minga.portfolio.bulk.template import SHEET_PROJECTS, Column, columns, header_index
from minga.portfolio.inputs import FIELD_OF_NAME, Kind, is_blank, leading_code

# Reading an upload ----------------------------------------------------------------------------

# The part of the sheet that is read at all: a file may leave empty rows between projects and add a few
# columns of its own, but a row or a heading beyond these bounds refuses the file before its rows are read.
LAST_SHEET_ROW = 1000
SPARE_COLUMNS = 20
# What openpyxl raises on a sheet whose XML is damaged or whose cells hold what their type says they cannot.
_UNREADABLE = (ParseError, ValueError, TypeError, KeyError, IndexError, zipfile.BadZipFile, EOFError)

@dataclass
class SheetRow:
    number: int  # the row number the user sees in the spreadsheet
    values: dict  # column key → cell value


@dataclass
class UploadedSheet:
    columns: list[Column]
    rows: list[SheetRow]


def _sheet_names() -> set[str]:
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(normalise_name(SHEET_PROJECTS))
    return names


def read_upload(uploaded_file) -> UploadedSheet:
    """The rows of a filled-in template; raises UploadRefused when the file is not one."""
    workbook = open_workbook(uploaded_file)
    try:
        # openpyxl reads a sheet lazily: its XML is parsed here, row by row, not when the workbook opens.
        return _read_projects_sheet(workbook)
    except _UNREADABLE as error:
        raise UploadRefused(_("The “%(sheet)s” sheet could not be read (%(error)s). Save the workbook again as "
                              ".xlsx and retry.") % {"sheet": SHEET_PROJECTS, "error": type(error).__name__}) from error
    finally:
        workbook.close()


def _read_projects_sheet(workbook) -> UploadedSheet:
    wanted = _sheet_names()
    names = [name for name in workbook.sheetnames if normalise_name(name) in wanted]
    if not names:
        raise UploadRefused(_("The workbook has no “%(sheet)s” sheet. Download the template and fill in its "
                              "“%(sheet)s” sheet.") % {"sheet": SHEET_PROJECTS})
    sheet = workbook[names[0]]
    cols = columns()
    index = header_index(cols)
    last_column = len(cols) + SPARE_COLUMNS
    beyond_rows = UploadRefused(_(
        "The “%(sheet)s” sheet goes on below row %(last)s. Keep the projects in rows 2 to %(last)s (at most "
        "%(rows)s) and delete the rows below, even empty ones, or split the file.") % {
        "sheet": SHEET_PROJECTS, "last": LAST_SHEET_ROW, "rows": MAX_ROWS})
    beyond_columns = UploadRefused(_(
        "The “%(sheet)s” sheet goes on to the right of column %(letter)s. Use the columns of the template and "
        "delete the columns to the right, even empty ones.") % {
        "sheet": SHEET_PROJECTS, "letter": get_column_letter(last_column)})
    # The size the sheet declares (its <dimension>), when it declares one, refuses a file before any row is read.
    if (sheet.max_row or 0) > LAST_SHEET_ROW:
        raise beyond_rows
    if (sheet.max_column or 0) > last_column:
        raise beyond_columns
    headers = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None) or ()
    if any(not is_blank(header) for header in headers[last_column:]):
        raise beyond_columns
    positions: dict[int, Column] = {}
    problems = []
    for position, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        column = index.get(normalise_name(header))
        letter = get_column_letter(position + 1)
        if column is None:
            problems.append(_("Unknown column “%(header)s” (column %(letter)s).") % {
                "header": header, "letter": letter})
        elif column in positions.values():
            problems.append(_("The column “%(header)s” appears twice (column %(letter)s).") % {
                "header": header, "letter": letter})
        else:
            positions[position] = column
    present = {column.key for column in positions.values()}
    if not problems and "proposing_organisation" not in present:
        problems.append(_("The column “%(header)s” is missing.") % {"header": _("Proposing organisation")})
    if not problems and not present & set(FIELD_OF_NAME["title_es"].names):
        problems.append(_("No title column: keep at least one of the template's title columns."))
    if problems:
        raise UploadRefused(" ".join(problems + [_("Use the columns of the template, in its first row.")]))

    found = []
    # Streamed (read-only mode) within the template's columns and down to one row past the last one read:
    # openpyxl yields that row only when the sheet has a row below the last one, whatever its declared size.
    # Empty rows (formatted but not filled) are skipped.
    rows = sheet.iter_rows(min_row=2, max_row=LAST_SHEET_ROW + 1, max_col=max(positions) + 1, values_only=True)
    for number, cells in enumerate(rows, start=2):
        if number > LAST_SHEET_ROW:
            raise beyond_rows
        values = {column.key: cells[position] for position, column in positions.items() if position < len(cells)}
        if all(is_blank(value) for value in values.values()):
            continue
        found.append(SheetRow(number=number, values=values))
        if len(found) > MAX_ROWS:
            raise UploadRefused(_("The file has more than %(rows)s projects: split it into several files.")
                                % {"rows": MAX_ROWS})
    if not found:
        raise UploadRefused(_("The “%(sheet)s” sheet has no project: fill in one row per project, from row 2 on.")
                            % {"sheet": SHEET_PROJECTS})
    return UploadedSheet(columns=[positions[p] for p in sorted(positions)], rows=found)


# Cells ----------------------------------------------------------------------------------------

ENTRY = re.compile(r"^(?P<reference>.*?)\s*(?::\s*(?P<value>[-+]?\d[\d.,\s\u00a0\u202f]*)\s*%?)?\s*$", re.DOTALL)


def spreadsheet_number(value) -> Decimal | None:
    """A number as people write it: 2000000, 2.000.000, 2,000,000, 1.234,50 or 1,234.50.

    The amounts and shares here have at most two decimals, so a separator followed by exactly three
    digits separates thousands, in either convention.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).removesuffix("%")
    if not re.fullmatch(r"[-+]?\d[\d.,]*", text):
        return None
    dots, commas = text.count("."), text.count(",")
    decimal_mark = None
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
    elif dots + commas == 1:
        mark = "." if dots else ","
        if len(text) - text.rfind(mark) - 1 != 3:
            decimal_mark = mark
    thousands = {".", ","} - {decimal_mark}
    whole, _mark, fraction = text.partition(decimal_mark) if decimal_mark else (text, "", "")
    if any(mark in fraction for mark in ".,"):
        return None
    groups = re.split(r"[.,]", whole.lstrip("+-"))
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])):
        return None
    digits = whole
    for mark in thousands:
        digits = digits.replace(mark, "")
    return Decimal(f"{digits}.{fraction}" if fraction else digits)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _entries(value, *, default_share: bool) -> tuple[list[tuple[str, object]], str | None]:
    """"CO-NSA: 60; CO-ARA: 40" → [("CO-NSA", Decimal(60)), ("CO-ARA", Decimal(40))], or an error."""
    text = _text(value)
    if not text:
        return [], None
    parts = [part.strip() for part in re.split(r"[;\n\r]+", text) if part.strip()]
    entries = []
    for part in parts:
        match = ENTRY.match(part)
        reference, raw = match.group("reference").strip(), match.group("value")
        if not reference:
            return [], _("“%(entry)s” names nothing before the colon.") % {"entry": part}
        if ":" in reference:
            return [], _("“%(entry)s”: separate the entries with semicolons, as in “CO-NSA: 60; CO-ARA: 40”.") % {
                "entry": part}
        if raw is None:
            if not default_share or len(parts) > 1:
                return [], _("“%(entry)s” has no share or amount after a colon.") % {"entry": part}
            entries.append((reference, Decimal(100)))
            continue
        number = spreadsheet_number(raw)
        if number is None:
            return [], _("“%(value)s” is not a number.") % {"value": raw.strip()}
        entries.append((reference, number))
    return entries, None


YES = {"yes", "y", "si", "sim", "true", "1", "x", "verdadero", "verdadeiro"}
NO = {"no", "n", "nao", "false", "0", "falso"}


def _yes_no_value(value) -> bool | None:
    """True, False, or None when the cell says neither; empty means no."""
    if isinstance(value, bool):
        return value
    text = normalise_name(_text(value))
    if not text:
        return False
    if text in YES or text == normalise_name(_("yes")):
        return True
    if text in NO or text == normalise_name(_("no")):
        return False
    return None


@dataclass
class RowPayload:
    payload: dict = field(default_factory=dict)
    origins: dict = field(default_factory=dict)  # part key → the column label of each entry, in order
    errors: list = field(default_factory=list)  # (column key, message)


def row_payload(row: SheetRow, labels: dict[str, str]) -> RowPayload:
    result = RowPayload()
    payload, origins = result.payload, result.origins

    def fail(key, message):
        result.errors.append((key, message))

    def part(name, key, entry):
        payload.setdefault(name, []).append(entry)
        origins.setdefault(name, []).append(labels[key])

    for key, value in row.values.items():
        if key in FIELD_OF_NAME:
            _scalar(key, value, payload, fail)
        elif key in ("countries", "subdivisions", "municipalities"):
            entries, error = _entries(value, default_share=True)
            if error:
                fail(key, error)
            level = {"countries": "country", "subdivisions": "subdivision", "municipalities": "municipality"}[key]
            for reference, share in entries:
                part("locations", key, {level: reference, "percentage": share})
        elif key.startswith("themes:"):
            entries, error = _entries(value, default_share=True)
            if error:
                fail(key, error)
            for reference, share in entries:
                part("themes", key, {"vocabulary": key.removeprefix("themes:"), "code": reference, "percentage": share})
        elif key.startswith("marker:"):
            text = leading_code(_text(value))
            if text:
                significance = spreadsheet_number(text)
                if significance not in (0, 1, 2):
                    fail(key, _("Significance is 0, 1 or 2."))
                else:
                    part("markers", key, {"marker": key.removeprefix("marker:"), "significance": int(significance)})
        elif key.startswith("people:"):
            if not is_blank(value):
                _prefix, dimension, category = key.split(":")
                number = spreadsheet_number(value)
                if number is None or number < 0 or number != number.to_integral_value():
                    fail(key, _("“%(value)s” is not a whole number of people.") % {"value": _text(value)})
                else:
                    part("people", key, {"dimension": dimension, "category": category, "people": int(number)})
        elif key == "budget_years":
            entries, error = _entries(value, default_share=False)
            if error:
                fail(key, error)
            for year, amount in entries:
                part("budget_years", key, {"year": year, "amount": amount})
    return result


def _scalar(key, value, payload, fail) -> None:
    """One cell of a field of the table, read by the field's kind."""
    kind = FIELD_OF_NAME[key].kind
    if kind == Kind.TEXT:
        payload[key] = _text(value)
    elif kind == Kind.CURRENCY:
        payload[key] = leading_code(_text(value)).upper()
    elif kind == Kind.ORGANISATION:
        payload[key] = _text(value) or None
    elif kind == Kind.DATE:
        payload[key] = value if isinstance(value, (date, datetime)) else (_text(value) or None)
    elif kind in (Kind.AMOUNT, Kind.COUNT):
        if is_blank(value):
            payload[key] = None
        else:
            number = spreadsheet_number(value)
            if number is None:
                fail(key, _("“%(value)s” is not a number.") % {"value": _text(value)})
            else:
                payload[key] = number
    elif kind == Kind.BOOL:
        answer = _yes_no_value(value)
        if answer is None:
            fail(key, _("Write “%(yes)s” or “%(no)s”.") % {"yes": _("yes"), "no": _("no")})
        else:
            payload[key] = answer
