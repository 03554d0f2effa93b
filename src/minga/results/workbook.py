"""A project's results as XLSX: the template to fill in (one row per indicator × open period × territory) and the
export of what was reported, in the same columns.

The "Results" sheet names indicators, periods and territories as the pages do, chosen from drop-down lists (a
hidden "Lists" sheet); a report already stored fills its row, so that uploading the template unchanged changes
nothing. An "Instructions" sheet, in the reader's language, says what each column takes. Headers and sheet names
are recognised in any of the three languages (``header_keys``). Text is data, never a formula (``_put``: ``minga.common.text.put_data_cell``).
"""

from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from minga.common.text import normalise_name, put_data_cell
from minga.results import selectors
from minga.results.dimensions import DIMENSIONS, field_name
from minga.results.models import IndicatorKind

SHEET_RESULTS = gettext_lazy("Results")
SHEET_INSTRUCTIONS = gettext_lazy("Instructions")
SHEET_ABOUT = gettext_lazy("About")
LISTS_SHEET = "Lists"
MAX_ROWS = 2000  # rows read from one upload: each is checked and written through the report service


@dataclass(frozen=True)
class Column:
    key: str  # "indicator", "period", "territory", "value", "by_sex_female", "partial_sex", "note"
    header: str
    hint: str
    width: int


def columns() -> list[Column]:
    """The columns, labelled in the active language."""
    result = [
        Column("indicator", _("Indicator"), _("Choose from the list: one of this project's indicators."), 44),
        Column("period", _("Period"), _("Choose from the list: an open reporting period (2026 Q3, 2026-07)."), 12),
        Column("territory", _("Territory"), _("Choose from the list: one of the project's territories."), 34),
        Column("value", _("Value reached"), _("A number of zero or more; people in whole numbers. Leave it empty "
                                              "where there is nothing to report yet."), 14),
    ]
    for dimension, (label, categories) in DIMENSIONS.items():
        for category, category_label in categories.items():
            result.append(Column(field_name(dimension, category), f"{label}: {category_label}",
                                 _("People indicators only: how many of the value's people are in this group."), 14))
    for dimension, (label, _categories) in DIMENSIONS.items():
        result.append(Column(f"partial_{dimension}", _("%(dimension)s: partial (yes/no)") % {"dimension": label},
                             _("“yes” if the parts of this breakdown cover only part of the value; then they may add "
                               "up to less than it, never to more."), 14))
    result.append(Column("note", _("Note"), _("Anything a reader needs to understand the figure (at most 1000 "
                                              "characters)."), 40))
    return result


def header_keys() -> dict[str, str]:
    """Every header, in each of the three languages, as normalised text → column key."""
    keys = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in columns():
                keys[normalise_name(column.header)] = column.key
    return keys


def sheet_names(name) -> set[str]:
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(normalise_name(str(name)))
    return names


_put = put_data_cell  # text stays text, never a formula (minga.common.text)


def _row_of(indicator_name, period, territory, report) -> dict:
    row = {"indicator": indicator_name, "period": period.label, "territory": territory.name}
    if report is not None:
        row |= {"value": report.value, "note": report.note}
        for dimension, parts in report.breakdown.items():
            for category, value in parts.items():
                row[field_name(dimension, category)] = value
        for dimension in report.partial:
            row[f"partial_{dimension}"] = _("yes")
    return row


def _header(sheet, cols) -> None:
    for index, column in enumerate(cols, start=1):
        cell = _put(sheet, 1, index, column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "D2"


def _write_rows(sheet, cols, rows) -> None:
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(cols, start=1):
            _put(sheet, number, index, row.get(column.key))


def _save(workbook) -> bytes:
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def build_template(project) -> bytes:
    """The template of ``project`` in the active language: its open periods, reports already stored filled in."""
    tables = selectors.project_results(project)
    cols = columns()
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = str(SHEET_INSTRUCTIONS)
    sheet = workbook.create_sheet(str(SHEET_RESULTS))
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    open_periods = [period for period in (tables[0].periods if tables else []) if not period.is_locked]
    territories = tables[0].territories if tables else []
    rows = [_row_of(table.indicator.name_in()[0], period, territory, table.cells.get((period.pk, territory.key)))
            for table in tables for period in open_periods for territory in table.territories]
    _header(sheet, cols)
    _write_rows(sheet, cols, rows)
    values = {"indicator": [table.indicator.name_in()[0] for table in tables],
              "period": [period.label for period in open_periods],
              "territory": [territory.name for territory in territories],
              "partial": [_("yes"), _("no")]}
    ranges = {}
    for index, (name, entries) in enumerate(values.items(), start=1):
        letter = get_column_letter(index)
        for number, entry in enumerate(entries, start=1):
            _put(lists, number, index, entry)
        if entries:
            ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(entries)}"
    last = max(len(rows) + 1, 2) + 200  # room for rows the reporter adds
    for index, column in enumerate(cols, start=1):
        cells = f"{get_column_letter(index)}2:{get_column_letter(index)}{last}"
        kind = "partial" if column.key.startswith("partial_") else column.key
        prompt = {"showInputMessage": True, "promptTitle": column.header[:32], "prompt": column.hint[:255]}
        if kind in ranges:
            validation = DataValidation(type="list", formula1=ranges[kind], allow_blank=True, showErrorMessage=True,
                                        errorStyle="stop", errorTitle=column.header[:32],
                                        error=_("Choose a value from the list.")[:255], **prompt)
        elif column.key == "value" or column.key.startswith("by_"):
            validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                        showErrorMessage=True, errorTitle=column.header[:32],
                                        error=_("Write a number of zero or more.")[:255], **prompt)
        else:
            validation = DataValidation(allow_blank=True, **prompt)
        validation.add(cells)
        sheet.add_data_validation(validation)
    _fill_instructions(instructions, project, cols, people=any(t.indicator.kind == IndicatorKind.PEOPLE
                                                                for t in tables))
    workbook.active = 1
    return _save(workbook)


def _fill_instructions(sheet, project, cols, *, people: bool) -> None:
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    _put(sheet, 1, 1, _("Results of %(project)s: template") % {"project": project.code}).font = Font(bold=True,
                                                                                                   size=14)
    paragraphs = [
        _("The “%(sheet)s” sheet has one row per indicator, open period and territory. Write the value reached in "
          "each row you can report, and leave the others empty: an empty row is not reported (it stays missing, "
          "not zero). Keep the first row (the column names) as it is.") % {"sheet": SHEET_RESULTS},
        _("Upload the file on the project's results page (Upload a filled template). Every row is checked first. "
          "If any row has a problem, nothing is saved and you get the list of problems with their row numbers: "
          "correct them in this file and upload it again. When every row is right, all the reports are saved "
          "together."),
        _("Rows already reported come filled in: change a value to correct it. Uploading the same file twice "
          "changes nothing. A locked period is not in the template: ask the secretariat to open it again."),
        _("Each breakdown of a people indicator (sex, age group, population group) adds up to the value, unless "
          "you mark it partial. At most %(rows)s rows per file.") % {"rows": MAX_ROWS},
    ]
    if not people:
        paragraphs.pop()
    row = 3
    for paragraph in paragraphs:
        _put(sheet, row, 1, paragraph).alignment = wrap
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.row_dimensions[row].height = 15 * (len(paragraph) // 110 + 1)
        row += 1
    row += 1
    _put(sheet, row, 1, _("Column")).font = Font(bold=True)
    _put(sheet, row, 2, _("What to write")).font = Font(bold=True)
    for column in cols:
        row += 1
        _put(sheet, row, 1, column.header).alignment = wrap
        _put(sheet, row, 2, column.hint).alignment = wrap


def build_export(project) -> bytes:
    """What ``project`` reported, every period (locked ones too), in the template's columns, and an "About" sheet."""
    tables = selectors.project_results(project)
    cols = columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(SHEET_RESULTS)
    rows = [_row_of(table.indicator.name_in()[0], period, territory, report)
            for table in tables for period, cells, _total in table.rows for territory, report in cells if report]
    _header(sheet, cols)
    _write_rows(sheet, cols, rows)
    about = workbook.create_sheet(str(SHEET_ABOUT))
    about.column_dimensions["A"].width = 30
    about.column_dimensions["B"].width = 90
    lines = [(_("Project"), project.code), (_("Reports"), len(rows)),
             (_("Locked periods"), ", ".join(p.label for p in (tables[0].periods if tables else []) if p.is_locked)
              or "—"),
             (_("Note"), _("One row per report. A period or territory without a row was not reported: it is "
                           "missing, not zero."))]
    if any(table.indicator.is_illustrative for table in tables):
        lines.append((_("Note"), _("These indicators and reports were made up for the demonstration.")))
    for number, (label, value) in enumerate(lines, start=1):
        _put(about, number, 1, label).font = Font(bold=True)
        _put(about, number, 2, value).alignment = Alignment(wrap_text=True, vertical="top")
    return _save(workbook)
