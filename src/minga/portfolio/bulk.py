"""Bulk submission: an XLSX template with drop-down lists, and its upload, all rows or none.

The template has one row per project on its "Projects" sheet, one column per thing an official
knows: titles and summaries, the proposing organisation (a drop-down of those the user may propose
for), dates, territories, themes, one column per cross-cutting approach (a 0/1/2 drop-down), people
by group and by sex and age (one column each), money. Parts that are lists are written in one cell,
entries separated by semicolons, each "code: share" (``CO-NSA: 60; CO-ARA: 40``); one entry alone
counts as 100%. The drop-downs read their values from a hidden "Lists" sheet; an "Instructions"
sheet, in the user's language, explains every column with an example. Headers are recognised in
any of the three languages, so a file filled in by a colleague who reads English uploads as well.

An upload is read with openpyxl (read-only, cached values rather than formulas). Every row is
turned into the services' input (``portfolio.inputs``), checked (``validation.check`` for a draft,
then the permission module), and created inside ONE transaction; if any row has any error, the
transaction is rolled back and nothing is saved, and the report names each problem by row number
and column in the user's language. Creating inside the transaction, even when an earlier row
failed, finds the problems only the models see (a title too long, an SDG list badly written) in
the same report.

Duplicates: the model keeps no "your reference" of a row, so a file uploaded twice would create
its projects twice. A row whose proposing organisation and title (in any language it gives) match
a draft the same user created earlier, or an earlier row of the same file, is refused with a
message naming that draft or row. Projects past the draft state are not compared: a new proposal
may well reuse the title of a completed one.
"""

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from babel.numbers import get_territory_currencies
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.portfolio import documents, services
from minga.portfolio.inputs import DISPLAY_SEPARATOR, Lookups, leading_code, normalise, project_input_and_errors
from minga.portfolio.models import PopulationGroup, Project, ProjectPeople, SexAge, Status
from minga.portfolio.validation import ProjectInvalid, check
from minga.reference.models import Country, ExchangeRate, Municipality, Organisation, Significance, Subdivision, Term

MAX_ROWS = 200  # projects in one upload: each takes ~25 ms to create, so the request stays within seconds
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # what the XLSX may unpack to: refuses zip bombs before openpyxl reads
LISTS_SHEET = "Lists"
PROPOSER_TYPES = ("10", "11", "15")  # validation.check: government, local government, other public sector
DONOR_CURRENCIES = ("USD", "EUR", "CAD", "GBP", "CHF", "JPY", "NOK", "SEK", "DKK", "AUD", "KRW")

SHEET_PROJECTS = gettext_lazy("Projects")
SHEET_INSTRUCTIONS = gettext_lazy("Instructions")


class UploadRefused(Exception):
    """The file as a whole cannot be read as a filled-in template; the message says why."""


# Columns --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str  # "title_es", "countries", "marker:gender", "people:sex_age:women", …
    header: object  # callable giving the header in the active language
    hint: object  # callable
    example: object  # callable
    width: int
    section: str  # colours the header: what, where, themes, people, money


TITLE_EXAMPLES = {"es": "Centros de recepción en Norte de Santander", "pt": "Centros de acolhida em Norte de Santander",
                  "en": "Reception centres in Norte de Santander"}
PEOPLE_EXAMPLES = {"refugees_migrants": "700", "host_community": "300", "women": "600", "men": "400"}
SECTION_COLOURS = {"what": "1F4E79", "where": "2E7D32", "themes": "6A1B9A", "people": "AD1457", "money": "E65100"}


def _put(sheet, row: int, column: int, value):
    """Write a value as data: text that starts with "=" stays text, never a formula (names come from people)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _fixed(text):
    return lambda: str(text)


def columns() -> list[Column]:
    """The template's columns, in order; marker columns follow the markers of the reference data."""
    title_hint = gettext_lazy("The project's title. Give it in at least one of the three languages.")
    summary_hint = gettext_lazy("Two or three sentences: what the project does, where and for whom.")
    titles = [
        Column("title_es", _fixed(gettext_lazy("Title (Spanish)")), _fixed(title_hint), lambda: TITLE_EXAMPLES["es"],
               40, "what"),
        Column("title_pt", _fixed(gettext_lazy("Title (Portuguese)")), _fixed(title_hint),
               lambda: TITLE_EXAMPLES["pt"], 30, "what"),
        Column("title_en", _fixed(gettext_lazy("Title (English)")), _fixed(title_hint), lambda: TITLE_EXAMPLES["en"],
               30, "what"),
        Column("summary_es", _fixed(gettext_lazy("Summary (Spanish)")), _fixed(summary_hint), lambda: "", 50, "what"),
        Column("summary_pt", _fixed(gettext_lazy("Summary (Portuguese)")), _fixed(summary_hint), lambda: "", 40,
               "what"),
        Column("summary_en", _fixed(gettext_lazy("Summary (English)")), _fixed(summary_hint), lambda: "", 40, "what"),
    ]
    result = titles + [
        Column("proposing_organisation", _fixed(gettext_lazy("Proposing organisation")),
               _fixed(gettext_lazy("Choose from the list: the government body or local government that proposes "
                                   "the project (only those you may propose for are listed).")),
               lambda: "", 40, "what"),  # build_template shows the first organisation of the user's list
        Column("planned_start", _fixed(gettext_lazy("Planned start")),
               _fixed(gettext_lazy("A date: 2026-03-01 or 01/03/2026 (day first).")), lambda: "2026-03-01", 14, "what"),
        Column("planned_end", _fixed(gettext_lazy("Planned end")),
               _fixed(gettext_lazy("A date after the start.")), lambda: "2027-12-31", 14, "what"),
        Column("is_regional", _fixed(gettext_lazy("Regional (yes/no)")),
               _fixed(gettext_lazy("“yes” if the project covers the region rather than named territories; then "
                                   "leave the territory columns empty.")), lambda: _("no"), 12, "where"),
        Column("countries", _fixed(gettext_lazy("Countries")),
               _fixed(gettext_lazy("ISO codes of the countries with their shares in percent, e.g. COL: 100 or "
                                   "COL: 60; ECU: 40. Choose one from the list or type several.")),
               lambda: "COL: 100", 16, "where"),
        Column("subdivisions", _fixed(gettext_lazy("Subdivisions")),
               _fixed(gettext_lazy("Departments, states or provinces (ISO 3166-2 code or name) with their shares, "
                                   "e.g. CO-NSA: 60; CO-ARA: 40. Shares total 100.")),
               lambda: "CO-NSA: 60; CO-ARA: 40", 28, "where"),
        Column("municipalities", _fixed(gettext_lazy("Municipalities")),
               _fixed(gettext_lazy("Municipalities by official code (p-code) or name, with their shares, "
                                   "e.g. CO54001: 100.")), lambda: "CO54001: 100", 22, "where"),
        Column("themes:quito-axes", _fixed(gettext_lazy("Quito Process axes")),
               _fixed(gettext_lazy("Axes (code or name) with their shares, e.g. reception-centres: 70; "
                                   "gender-equity: 30. The codes are on the Instructions sheet.")),
               lambda: "reception-centres: 70; gender-equity: 30", 34, "themes"),
        Column("themes:lines-of-work-2023", _fixed(gettext_lazy("Lines of work (2023)")),
               _fixed(gettext_lazy("Lines of work of the 2023 meeting on local governments, with their shares, "
                                   "e.g. women-access-to-rights: 100.")),
               lambda: "women-access-to-rights: 100", 30, "themes"),
    ]
    for marker in Lookups().markers():
        result.append(Column(
            f"marker:{marker.code}", _MarkerHeader(marker),
            _fixed(gettext_lazy("How far the project pursues this approach: 0 not targeted, 1 significant "
                                "objective, 2 principal objective.")), lambda: "1", 18, "themes"))
    result += [
        Column("sdg_targets", _fixed(gettext_lazy("SDG targets")),
               _fixed(gettext_lazy("Targets of the Sustainable Development Goals, separated by commas, "
                                   "e.g. 5.2, 10.7.")),
               lambda: "5.2, 10.7", 14, "themes"),
        Column("people_total", _fixed(gettext_lazy("People served")),
               _fixed(gettext_lazy("How many people the project serves in all. Each breakdown below, when given, "
                                   "adds up to this number.")), lambda: "1000", 12, "people"),
        Column("people_with_disabilities", _fixed(gettext_lazy("Of whom persons with disabilities")),
               _fixed(gettext_lazy("How many of the people served are persons with disabilities.")),
               lambda: "40", 14, "people"),
    ]
    for dimension, choices in ((ProjectPeople.Dimension.POPULATION_GROUP, PopulationGroup),
                               (ProjectPeople.Dimension.SEX_AGE, SexAge)):
        hint = (gettext_lazy("People of this group. The groups together add up to the people served.")
                if dimension == ProjectPeople.Dimension.POPULATION_GROUP
                else gettext_lazy("People of this sex and age. Together they add up to the people served."))
        for value, label in choices.choices:
            result.append(Column(f"people:{dimension}:{value}", _Interpolated(gettext_lazy("%(category)s (people)"),
                                                                              category=label),
                                 _fixed(hint), lambda example=PEOPLE_EXAMPLES.get(value, ""): example, 14, "people"))
    result += [
        Column("budget_amount", _fixed(gettext_lazy("Total budget")),
               _fixed(gettext_lazy("The whole budget, in the currency of the next column, without a currency sign.")),
               lambda: "4000000", 16, "money"),
        Column("budget_currency", _fixed(gettext_lazy("Currency")),
               _fixed(gettext_lazy("ISO 4217 code of the budget's currency, e.g. COP, USD, EUR.")), lambda: "COP", 10,
               "money"),
        Column("budget_value_date", _fixed(gettext_lazy("Value date")),
               _fixed(gettext_lazy("The date whose exchange rate converts the budget to US dollars, e.g. the date "
                                   "of the budget.")), lambda: "2026-03-01", 14, "money"),
        Column("budget_years", _fixed(gettext_lazy("Budget by year")),
               _fixed(gettext_lazy("Each year with its amount, e.g. 2026: 2000000; 2027: 2000000. The years add up "
                                   "to the total budget.")), lambda: "2026: 2000000; 2027: 2000000", 30, "money"),
        Column("requested_amount", _fixed(gettext_lazy("Requested from the Group of Friends")),
               _fixed(gettext_lazy("How much of the budget is asked of the Group of Friends, in the same currency.")),
               lambda: "3000000", 18, "money"),
    ]
    return result


class _Interpolated:
    """A header built from a lazy pattern, rendered in whatever language is active when called."""

    def __init__(self, pattern, **values):
        self.pattern, self.values = pattern, values

    def __call__(self):
        return str(self.pattern) % {key: str(value) for key, value in self.values.items()}


class _MarkerHeader:
    def __init__(self, marker):
        self.marker = marker

    def __call__(self):
        return _("%(marker)s (0, 1, 2)") % {"marker": self.marker.label_in(translation.get_language())[0]}


def _header_index(cols: list[Column]) -> dict[str, Column]:
    """Normalised header text in each of the site's languages → column."""
    index = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in cols:
                index.setdefault(normalise(column.header()), column)
    for column in cols:  # the keys themselves, for files made by programs
        index.setdefault(normalise(column.key), column)
    return index


# Reference lists -----------------------------------------------------------------------------

def proposers_for(user) -> list[Organisation]:
    """The organisations ``user`` may propose a project for (the permission module decides)."""
    candidates = (Organisation.objects.filter(organisation_type__in=PROPOSER_TYPES, country__is_member_state=True)
                  .select_related("country").order_by("country_id", "organisation_type", "name"))
    return [organisation for organisation in candidates if permissions.can(
        user, Action.CREATE, Project(proposing_organisation=organisation, country_id=organisation.country_id,
                                     status=Status.DRAFT))]


def organisation_display(organisation: Organisation) -> str:
    return f"{organisation.name} [{organisation.pk}]"


def currencies() -> list[str]:
    codes = set(DONOR_CURRENCIES) | set(ExchangeRate.objects.values_list("currency", flat=True).distinct())
    for country in Country.objects.filter(is_member_state=True):
        codes.update(get_territory_currencies(country.iso2, start_date=timezone.localdate()))
    return sorted(codes)


def _yes_no() -> list[str]:
    return [_("yes"), _("no")]


def _lists(user) -> dict[str, list[str]]:
    language = translation.get_language()
    member_states = list(Country.objects.filter(is_member_state=True).order_by("iso3"))
    subdivisions = (Subdivision.objects.filter(country__is_member_state=True).order_by("country_id", "code"))
    municipalities = (Municipality.objects.filter(subdivision__country__is_member_state=True)
                      .order_by("pcode").values_list("pcode", "name", "subdivision_id"))
    terms = Term.objects.filter(vocabulary_id__in=("quito-axes", "lines-of-work-2023")).order_by("position", "code")
    scale = [f"{int(value)}{DISPLAY_SEPARATOR}{label}" for value, label in Significance.choices]
    return {
        "organisations": [organisation_display(o) for o in proposers_for(user)],
        "yes_no": _yes_no(),
        "currencies": currencies(),
        "countries": [f"{c.iso3}{DISPLAY_SEPARATOR}{c.name}" for c in member_states],
        "subdivisions": [f"{s.code}{DISPLAY_SEPARATOR}{s.name}" for s in subdivisions],
        "municipalities": [f"{pcode}{DISPLAY_SEPARATOR}{name} ({parent})" for pcode, name, parent in municipalities],
        "quito-axes": [f"{t.code}{DISPLAY_SEPARATOR}{t.label_in(language)[0]}" for t in terms
                       if t.vocabulary_id == "quito-axes"],
        "lines-of-work-2023": [f"{t.code}{DISPLAY_SEPARATOR}{t.label_in(language)[0]}" for t in terms
                               if t.vocabulary_id == "lines-of-work-2023"],
        "significance": scale,
        "population_groups": [f"{value}{DISPLAY_SEPARATOR}{label}" for value, label in PopulationGroup.choices],
        "sex_age": [f"{value}{DISPLAY_SEPARATOR}{label}" for value, label in SexAge.choices],
    }


# Which list each column's drop-down uses, and whether other values are refused (strict) or allowed
# (several entries typed in one cell).
DROP_DOWNS = {
    "proposing_organisation": ("organisations", True),
    "is_regional": ("yes_no", True),
    "countries": ("countries", False),
    "subdivisions": ("subdivisions", False),
    "municipalities": ("municipalities", False),
    "themes:quito-axes": ("quito-axes", False),
    "themes:lines-of-work-2023": ("lines-of-work-2023", False),
    "budget_currency": ("currencies", False),
}
LIST_HEADERS = {
    "organisations": gettext_lazy("Proposing organisations"), "yes_no": gettext_lazy("Yes or no"),
    "currencies": gettext_lazy("Currencies"), "countries": gettext_lazy("Countries"),
    "subdivisions": gettext_lazy("Subdivisions"), "municipalities": gettext_lazy("Municipalities"),
    "quito-axes": gettext_lazy("Quito Process axes"), "lines-of-work-2023": gettext_lazy("Lines of work (2023)"),
    "significance": gettext_lazy("Significance"), "population_groups": gettext_lazy("Population groups"),
    "sex_age": gettext_lazy("Sex and age"),
}


# The template ---------------------------------------------------------------------------------

def build_template(user) -> bytes:
    """The XLSX template for ``user``, in the active language."""
    cols = columns()
    lists = _lists(user)
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = str(SHEET_INSTRUCTIONS)
    sheet = workbook.create_sheet(str(SHEET_PROJECTS))
    list_sheet = workbook.create_sheet(LISTS_SHEET)
    list_sheet.sheet_state = "hidden"

    ranges = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        _put(list_sheet, 1, index, str(LIST_HEADERS[name])).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            _put(list_sheet, row, index, value)
        list_sheet.column_dimensions[letter].width = 48
        if values:
            ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"

    examples = {"proposing_organisation": lists["organisations"][0] if lists["organisations"] else ""}
    _fill_projects_sheet(sheet, cols, ranges, examples)
    _fill_instructions(instructions, cols, lists, examples)
    workbook.active = 0
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def _fill_projects_sheet(sheet, cols, ranges, examples):
    last_row = MAX_ROWS + 1
    for index, column in enumerate(cols, start=1):
        letter = get_column_letter(index)
        cell = _put(sheet, 1, index, column.header())
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=SECTION_COLOURS[column.section])
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        example = examples.get(column.key) or column.example()
        comment = Comment(f"{column.hint()}\n{_('Example')}: {example}" if example else column.hint(), "Minga")
        comment.width, comment.height = 320, 140
        cell.comment = comment
        sheet.column_dimensions[letter].width = column.width
        cells = f"{letter}2:{letter}{last_row}"
        prompt = {"showInputMessage": True, "promptTitle": column.header()[:32], "prompt": column.hint()[:255]}
        drop_down = DROP_DOWNS.get(column.key)
        if column.key.startswith("marker:"):
            drop_down = ("significance", True)
        if drop_down and drop_down[0] in ranges:
            name, strict = drop_down
            validation = DataValidation(
                type="list", formula1=ranges[name], allow_blank=True, showErrorMessage=strict,
                errorStyle="stop", errorTitle=column.header()[:32],
                error=_("Choose a value from the list.")[:255], **prompt)
        elif column.key.startswith("people") or column.key.startswith("people_"):
            validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                        showErrorMessage=True, errorTitle=column.header()[:32],
                                        error=_("Write a whole number of people.")[:255], **prompt)
        elif column.key in ("budget_amount", "requested_amount"):
            validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                        showErrorMessage=True, errorTitle=column.header()[:32],
                                        error=_("Write an amount without a currency sign.")[:255], **prompt)
        else:
            validation = DataValidation(allow_blank=True, **prompt)
        validation.add(cells)
        sheet.add_data_validation(validation)
        if column.key in ("planned_start", "planned_end", "budget_value_date"):
            for row in range(2, last_row + 1):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        elif column.key in ("budget_amount", "requested_amount"):
            for row in range(2, last_row + 1):
                sheet.cell(row=row, column=index).number_format = "#,##0.00"
    sheet.row_dimensions[1].height = 48
    sheet.freeze_panes = "B2"


def _fill_instructions(sheet, cols, lists, examples):
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 40
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    sheet.cell(row=row, column=1, value=_("Portfolio of Cooperation Projects: several projects in one file")).font = \
        Font(bold=True, size=14)
    row += 2
    paragraphs = [
        _("Fill in one row per project on the “%(sheet)s” sheet, from row 2 on, and leave its first row (the "
          "column names) as it is. Cells with a drop-down list offer the accepted values; every cell shows a hint "
          "when you select it.") % {"sheet": SHEET_PROJECTS},
        _("Upload the file on the platform (Projects → Upload several projects). Every row is checked first. If "
          "any row has a problem, nothing is saved and you get the list of problems by row and column: correct "
          "them in this file and upload it again. When every row is right, all the projects are created together "
          "as drafts."),
        _("Drafts are not public. Open each one on the platform to add documents and contacts, and submit it for "
          "review when it is complete."),
        _("Uploading the same file twice does not create its projects twice: a row with the same title and "
          "proposing organisation as one of your drafts is refused. To change a project already uploaded, edit "
          "its draft on the platform."),
        _("Several entries in one cell: separate them with semicolons and give each its share in percent, "
          "as in “CO-NSA: 60; CO-ARA: 40”. The shares in a cell total 100. One entry without a share counts as "
          "100%. Write codes or names."),
        _("Numbers: write amounts without a currency sign; 2000000, 2.000.000 and 2,000,000 all read as two "
          "million. Dates: 2026-03-01, or 01/03/2026 with the day first. At most %(rows)s projects per file.")
        % {"rows": MAX_ROWS},
    ]
    for paragraph in paragraphs:
        sheet.cell(row=row, column=1, value=paragraph).alignment = wrap
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        sheet.row_dimensions[row].height = 15 * (len(paragraph) // 140 + 1)
        row += 1
    row += 1
    for index, heading in enumerate((_("Column"), _("What to write"), _("Example")), start=1):
        sheet.cell(row=row, column=index, value=heading).font = Font(bold=True)
    sheet.freeze_panes = None
    row += 1
    for column in cols:
        _put(sheet, row, 1, column.header()).alignment = wrap
        _put(sheet, row, 2, column.hint()).alignment = wrap
        _put(sheet, row, 3, examples.get(column.key) or column.example()).alignment = wrap
        row += 1
    for name in ("quito-axes", "lines-of-work-2023", "significance"):
        row += 1
        sheet.cell(row=row, column=1, value=str(LIST_HEADERS[name])).font = Font(bold=True)
        row += 1
        for entry in lists[name]:
            code, _separator, label = entry.partition(DISPLAY_SEPARATOR)
            _put(sheet, row, 1, code)
            _put(sheet, row, 2, label)
            row += 1
    row += 1
    sheet.cell(row=row, column=1, value=_("The drop-down lists of the Countries, Subdivisions and Municipalities "
                                          "columns show every code with its name.")).alignment = wrap
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)


# Reading an upload ----------------------------------------------------------------------------

@dataclass
class SheetRow:
    number: int  # the row number the user sees in the spreadsheet
    values: dict  # column key → cell value


@dataclass
class UploadedSheet:
    columns: list[Column]
    rows: list[SheetRow]


def _refuse_unless_xlsx(uploaded_file) -> None:
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


def _sheet_names() -> set[str]:
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(normalise(SHEET_PROJECTS))
    return names


def read_upload(uploaded_file) -> UploadedSheet:
    """The rows of a filled-in template; raises UploadRefused when the file is not one."""
    _refuse_unless_xlsx(uploaded_file)
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise UploadRefused(_("The workbook could not be read (%(error)s). Save it again as .xlsx and retry.")
                            % {"error": type(error).__name__}) from error
    try:
        return _read_projects_sheet(workbook)
    finally:
        workbook.close()


def _read_projects_sheet(workbook) -> UploadedSheet:
    wanted = _sheet_names()
    names = [name for name in workbook.sheetnames if normalise(name) in wanted]
    if not names:
        raise UploadRefused(_("The workbook has no “%(sheet)s” sheet. Download the template and fill in its "
                              "“%(sheet)s” sheet.") % {"sheet": SHEET_PROJECTS})
    sheet = workbook[names[0]]
    cols = columns()
    index = _header_index(cols)
    headers = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None) or ()
    positions: dict[int, Column] = {}
    problems = []
    for position, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        column = index.get(normalise(header))
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
    if not problems and not present & {"title_es", "title_pt", "title_en"}:
        problems.append(_("No title column: keep at least one of the template's title columns."))
    if problems:
        raise UploadRefused(" ".join(problems + [_("Use the columns of the template, in its first row.")]))

    found = []
    # Bounded by the unpacked size checked before; empty rows (formatted but not filled) are skipped.
    rows = sheet.iter_rows(min_row=2, max_col=max(positions) + 1, values_only=True)
    for number, cells in enumerate(rows, start=2):
        values = {column.key: cells[position] for position, column in positions.items() if position < len(cells)}
        if all(_blank(value) for value in values.values()):
            continue
        found.append(SheetRow(number=number, values=values))
        if len(found) > MAX_ROWS:
            raise UploadRefused(_("The file has more than %(rows)s projects: split it into several files.")
                                % {"rows": MAX_ROWS})
    if not found:
        raise UploadRefused(_("The “%(sheet)s” sheet has no project: fill in one row per project, from row 2 on.")
                            % {"sheet": SHEET_PROJECTS})
    return UploadedSheet(columns=[positions[p] for p in sorted(positions)], rows=found)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
    text = normalise(_text(value))
    if not text:
        return False
    if text in YES or text == normalise(_("yes")):
        return True
    if text in NO or text == normalise(_("no")):
        return False
    return None


@dataclass
class RowPayload:
    payload: dict = field(default_factory=dict)
    origins: dict = field(default_factory=dict)  # part key → the column label of each entry, in order
    errors: list = field(default_factory=list)  # (column key, message)


def _row_payload(row: SheetRow, labels: dict[str, str]) -> RowPayload:
    result = RowPayload()
    payload, origins = result.payload, result.origins

    def fail(key, message):
        result.errors.append((key, message))

    def part(name, key, entry):
        payload.setdefault(name, []).append(entry)
        origins.setdefault(name, []).append(labels[key])

    for key, value in row.values.items():
        if key in ("title_es", "title_pt", "title_en", "summary_es", "summary_pt", "summary_en", "sdg_targets"):
            payload[key] = _text(value)
        elif key == "budget_currency":
            payload[key] = leading_code(_text(value)).upper()
        elif key == "proposing_organisation":
            payload[key] = _text(value) or None
        elif key in ("planned_start", "planned_end", "budget_value_date"):
            payload[key] = value if isinstance(value, (date, datetime)) else (_text(value) or None)
        elif key in ("budget_amount", "requested_amount", "people_total", "people_with_disabilities"):
            if _blank(value):
                payload[key] = None
            else:
                number = spreadsheet_number(value)
                if number is None:
                    fail(key, _("“%(value)s” is not a number.") % {"value": _text(value)})
                else:
                    payload[key] = number
        elif key == "is_regional":
            answer = _yes_no_value(value)
            if answer is None:
                fail(key, _("Write “%(yes)s” or “%(no)s”.") % {"yes": _("yes"), "no": _("no")})
            else:
                payload[key] = answer
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
            if not _blank(value):
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


# Importing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    position: int = field(default=0, compare=False)  # of the column in the sheet, to list a row's problems in order

    def __str__(self):
        return _("Row %(row)s, %(column)s: %(message)s") % {"row": self.row, "column": self.column,
                                                            "message": self.message}


@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # the new projects, in row order
    errors: list = field(default_factory=list)  # RowError, by row

    @property
    def saved(self) -> bool:
        return not self.errors


class _RollBack(Exception):
    pass


GROUP_LABELS = {
    "title": gettext_lazy("Title"), "summary": gettext_lazy("Summary"), "locations": gettext_lazy("Territories"),
    "themes": gettext_lazy("Quito Process axes"), "themes[quito-axes]": gettext_lazy("Quito Process axes"),
    "themes[lines-of-work-2023]": gettext_lazy("Lines of work (2023)"),
    "markers": gettext_lazy("Cross-cutting approaches"), "people": gettext_lazy("People"),
    "people[population_group]": gettext_lazy("People by population group"),
    "people[sex_age]": gettext_lazy("People by sex and age"),
}


# Where a group of columns starts, to order a row's problems as the columns are.
GROUP_FIRST_COLUMN = {"title": "title_es", "summary": "summary_es", "locations": "countries",
                      "themes": "themes:quito-axes", "markers": "marker:", "people": "people_total",
                      "people[population_group]": "people:population_group:", "people[sex_age]": "people:sex_age:"}


def _positions(cols: list[Column], labels: dict[str, str]) -> dict[str, int]:
    """Column label (or group label) → position in the sheet."""
    positions = {}
    for index, column in enumerate(cols, start=1):
        positions.setdefault(labels[column.key], index)
        for group, first in GROUP_FIRST_COLUMN.items():
            if column.key.startswith(first) and group in GROUP_LABELS:
                positions.setdefault(str(GROUP_LABELS[group]), index)
    return positions


def _column_for(path: str, labels: dict[str, str], origins: dict[str, list[str]]) -> str:
    """The column (or group of columns) a field path of the services' errors points to."""
    path = path.split("#")[0]  # "marker:gender#0": a cell of the sheet that could not be read
    match = re.match(r"^(\w+)\[(\d+)\]", path)
    if match and match.group(1) in origins:
        entries = origins[match.group(1)]
        position = int(match.group(2))
        if 1 <= position <= len(entries):
            return entries[position - 1]
    if path in GROUP_LABELS:
        return str(GROUP_LABELS[path])
    base = path.split(".")[0].split("[")[0]
    if base in labels:
        return labels[base]
    if base in GROUP_LABELS:
        return str(GROUP_LABELS[base])
    return _("Project")


def _row_errors(number, errors: dict, labels, origins, positions) -> list[RowError]:
    found = []
    for path, messages in errors.items():
        column = _column_for(path, labels, origins)
        found += [RowError(number, column, message, positions.get(column, 0)) for message in messages]
    return found


# The checks a cell that could not be read would make misleading (a sum missing that cell's entries).
def _unsure_checks(column_key: str) -> set[str]:
    if column_key in ("countries", "subdivisions", "municipalities"):
        return {"locations"}
    if column_key.startswith("people") or column_key == "people_total":
        return {"people", "people_with_disabilities"}
    if column_key in ("budget_amount", "budget_years"):
        return {"budget_years", "requested_amount"}
    if column_key in ("planned_start", "planned_end"):
        return {"planned_end", "budget_years"}
    return {column_key.split(":")[0]}


def _top(path: str) -> str:
    return re.split(r"[\[.]", path, maxsplit=1)[0]


def _title_keys(data: dict, organisation_id) -> set[tuple]:
    return {(organisation_id, language, normalise(data.get(f"title_{language}") or ""))
            for language in ("es", "pt", "en") if (data.get(f"title_{language}") or "").strip()}


def import_projects(*, user, uploaded_file) -> ImportResult:
    """Create one draft per row, all or none; raises UploadRefused when the file is not a filled-in template."""
    sheet = read_upload(uploaded_file)
    lookups = Lookups(lenient=True)
    cols = columns()
    labels = {column.key: column.header() for column in cols}
    positions = _positions(cols, labels)

    drafts = {}
    for project in Project.objects.filter(created_by=user, status=Status.DRAFT).only(
            "code", "proposing_organisation_id", "title_es", "title_pt", "title_en"):
        for key in _title_keys({f"title_{c}": getattr(project, f"title_{c}") for c in ("es", "pt", "en")},
                               project.proposing_organisation_id):
            drafts.setdefault(key, project.code)
    earlier_rows: dict[tuple, int] = {}

    errors: list[RowError] = []
    ready = []
    for row in sheet.rows:
        converted = _row_payload(row, labels)
        data, input_errors = project_input_and_errors(converted.payload, lookups=lookups)
        unsure = set().union(*(_unsure_checks(key) for key, _message in converted.errors)) | {
            _top(path) for path in input_errors}
        row_errors = {f"{key}#{index}": [message] for index, (key, message) in enumerate(converted.errors)}
        for path, messages in input_errors.items():
            row_errors.setdefault(path, []).extend(messages)
        # Every problem of the row at once, but no sum over cells that could not be read.
        for path, messages in check(data, complete=False).items():
            if _top(path) not in unsure:
                row_errors.setdefault(path, []).extend(messages)
        organisation = data.get("proposing_organisation")
        if organisation is not None and organisation.country_id and not permissions.can(
                user, Action.CREATE, Project(proposing_organisation=organisation, country_id=organisation.country_id,
                                             status=Status.DRAFT)):
            row_errors.setdefault("proposing_organisation", []).append(
                _("You may not propose projects for “%(organisation)s”.") % {"organisation": organisation.name})
        if organisation is not None:
            for key in _title_keys(data, organisation.pk):
                if key in drafts:
                    row_errors.setdefault("title", []).append(_(
                        "You already have a draft with this title for this organisation (%(code)s): edit that "
                        "draft on the platform, or change the title if this is another project.") % {
                        "code": drafts[key]})
                    break
                if key in earlier_rows:
                    row_errors.setdefault("title", []).append(_(
                        "Row %(row)s has the same title and proposing organisation.") % {"row": earlier_rows[key]})
                    break
            for key in _title_keys(data, organisation.pk):
                earlier_rows.setdefault(key, row.number)
        if row_errors:
            errors += sorted(_row_errors(row.number, row_errors, labels, converted.origins, positions),
                             key=lambda error: error.position)
            continue
        ready.append((row, data, converted.origins))

    created = []
    try:
        with transaction.atomic():
            for row, data, origins in ready:
                try:
                    created.append(services.project_create(user=user, data=data))
                except ProjectInvalid as invalid:
                    errors += sorted(_row_errors(row.number, invalid.errors, labels, origins, positions),
                                     key=lambda error: error.position)
                except ValidationError as invalid:
                    messages = invalid.message_dict if hasattr(invalid, "error_dict") else {"": invalid.messages}
                    errors += sorted(_row_errors(row.number, messages, labels, origins, positions),
                                     key=lambda error: error.position)
                except PermissionDenied as refused:
                    column = labels["proposing_organisation"]
                    errors.append(RowError(row.number, column, str(refused), positions[column]))
            if errors:
                raise _RollBack
    except _RollBack:
        return ImportResult(created=[], errors=sorted(errors, key=lambda error: error.row))
    return ImportResult(created=created, errors=[])
