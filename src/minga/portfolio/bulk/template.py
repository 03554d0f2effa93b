"""The XLSX template of the bulk upload: its columns, the drop-down lists, the instructions sheet.

The "Projects" sheet has one row per project and one column per thing an official knows. The
columns of the scalar fields follow the field table (``portfolio.inputs.fields``): those written
out below carry their own header, hint and example; a field added to the table gets a column
labelled and explained as its model field is. The drop-downs read their values from a hidden
"Lists" sheet; an "Instructions" sheet, in the user's language, explains every column with an
example. Headers are recognised in any of the three languages (``header_index``).
"""

from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from minga.common.text import normalise_name, put_data_cell
from minga.portfolio.bulk.safety import MAX_ROWS
from minga.portfolio.inputs import DISPLAY_SEPARATOR, FIELD_OF_NAME, Kind, Lookups, currencies
from minga.portfolio.models import PopulationGroup, Project, ProjectPeople, SexAge
from minga.portfolio.proposers import proposable_organisations
from minga.reference.models import (
    LINES_OF_WORK,
    QUITO_AXES,
    Country,
    Municipality,
    Organisation,
    Significance,
    Subdivision,
    Term,
)

LISTS_SHEET = "Lists"
SHEET_PROJECTS = gettext_lazy("Projects")
SHEET_INSTRUCTIONS = gettext_lazy("Instructions")
AXES_COLUMN, LINES_COLUMN = f"themes:{QUITO_AXES}", f"themes:{LINES_OF_WORK}"


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


_put = put_data_cell  # text stays text, never a formula (minga.common.text)


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
        Column(AXES_COLUMN, _fixed(gettext_lazy("Quito Process axes")),
               _fixed(gettext_lazy("Axes (code or name) with their shares, e.g. reception-centres: 70; "
                                   "gender-equity: 30. The codes are on the Instructions sheet.")),
               lambda: "reception-centres: 70; gender-equity: 30", 34, "themes"),
        Column(LINES_COLUMN, _fixed(gettext_lazy("Lines of work (2023)")),
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
                                 _fixed(hint), lambda example=PEOPLE_EXAMPLES.get(value, ""): example, 14, "people"))  # noqa: B008 -- bound per category on purpose
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
    return result + _table_columns({column.key for column in result})


# The colour of a column added from the field table, by the form step of its field.
SECTION_OF_STEP = {1: "what", 2: "where", 3: "themes", 4: "people", 5: "money", 6: "what"}


def _table_columns(written: set[str]) -> list[Column]:
    """A column for each field of the table that has one but is not written out above."""
    added = []
    for name, row in FIELD_OF_NAME.items():
        if row.column and name not in written:
            model_field = Project._meta.get_field(name)
            label, hint = model_field.verbose_name, model_field.help_text or model_field.verbose_name
            added.append(Column(name, _fixed(_Capitalised(label)), _fixed(_Capitalised(hint)), lambda: "", 16,
                                SECTION_OF_STEP.get(row.step, "what")))
    return added


class _Capitalised:
    def __init__(self, text):
        self.text = text

    def __str__(self):
        return capfirst(str(self.text))


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


def header_index(cols: list[Column]) -> dict[str, Column]:
    """Normalised header text in each of the site's languages → column."""
    index = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in cols:
                index.setdefault(normalise_name(column.header()), column)
    for column in cols:  # the keys themselves, for files made by programs
        index.setdefault(normalise_name(column.key), column)
    return index


# Reference lists -----------------------------------------------------------------------------

def organisation_display(organisation: Organisation) -> str:
    return f"{organisation.name} [{organisation.pk}]"


def _yes_no() -> list[str]:
    return [_("yes"), _("no")]


def _lists(user) -> dict[str, list[str]]:
    language = translation.get_language()
    member_states = list(Country.objects.filter(is_member_state=True).order_by("iso3"))
    subdivisions = (Subdivision.objects.filter(country__is_member_state=True).order_by("country_id", "code"))
    municipalities = (Municipality.objects.filter(subdivision__country__is_member_state=True)
                      .order_by("pcode").values_list("pcode", "name", "subdivision_id"))
    terms = Term.objects.filter(vocabulary_id__in=(QUITO_AXES, LINES_OF_WORK)).order_by("position", "code")
    scale = [f"{int(value)}{DISPLAY_SEPARATOR}{label}" for value, label in Significance.choices]
    return {
        "organisations": [organisation_display(o) for o in proposable_organisations(user).order_by(
            "country_id", "organisation_type", "name")],
        "yes_no": _yes_no(),
        "currencies": currencies(),
        "countries": [f"{c.iso3}{DISPLAY_SEPARATOR}{c.name}" for c in member_states],
        "subdivisions": [f"{s.code}{DISPLAY_SEPARATOR}{s.name}" for s in subdivisions],
        "municipalities": [f"{pcode}{DISPLAY_SEPARATOR}{name} ({parent})" for pcode, name, parent in municipalities],
        QUITO_AXES: [f"{t.code}{DISPLAY_SEPARATOR}{t.label_in(language)[0]}" for t in terms
                     if t.vocabulary_id == QUITO_AXES],
        LINES_OF_WORK: [f"{t.code}{DISPLAY_SEPARATOR}{t.label_in(language)[0]}" for t in terms
                        if t.vocabulary_id == LINES_OF_WORK],
        "significance": scale,
        "population_groups": [f"{value}{DISPLAY_SEPARATOR}{label}" for value, label in PopulationGroup.choices],
        "sex_age": [f"{value}{DISPLAY_SEPARATOR}{label}" for value, label in SexAge.choices],
    }


# Which list each column's drop-down uses, and whether other values are refused (strict) or allowed
# (several entries typed in one cell).
DROP_DOWNS = {
    "proposing_organisation": ("organisations", True),
    **{name: ("yes_no", True) for name, row in FIELD_OF_NAME.items() if row.kind == Kind.BOOL},
    "countries": ("countries", False),
    "subdivisions": ("subdivisions", False),
    "municipalities": ("municipalities", False),
    AXES_COLUMN: (QUITO_AXES, False),
    LINES_COLUMN: (LINES_OF_WORK, False),
    **{name: ("currencies", False) for name, row in FIELD_OF_NAME.items() if row.kind == Kind.CURRENCY},
}
LIST_HEADERS = {
    "organisations": gettext_lazy("Proposing organisations"), "yes_no": gettext_lazy("Yes or no"),
    "currencies": gettext_lazy("Currencies"), "countries": gettext_lazy("Countries"),
    "subdivisions": gettext_lazy("Subdivisions"), "municipalities": gettext_lazy("Municipalities"),
    QUITO_AXES: gettext_lazy("Quito Process axes"), LINES_OF_WORK: gettext_lazy("Lines of work (2023)"),
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


def _kind(column: Column) -> str | None:
    row = FIELD_OF_NAME.get(column.key)
    return row.kind if row else None


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
        elif _kind(column) == Kind.COUNT or column.key.startswith("people:"):
            validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                        showErrorMessage=True, errorTitle=column.header()[:32],
                                        error=_("Write a whole number of people.")[:255], **prompt)
        elif _kind(column) == Kind.AMOUNT:
            validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                        showErrorMessage=True, errorTitle=column.header()[:32],
                                        error=_("Write an amount without a currency sign.")[:255], **prompt)
        else:
            validation = DataValidation(allow_blank=True, **prompt)
        validation.add(cells)
        sheet.add_data_validation(validation)
        if _kind(column) == Kind.DATE:
            for row in range(2, last_row + 1):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        elif _kind(column) == Kind.AMOUNT:
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
    _put(sheet, row, 1, _("Portfolio of Cooperation Projects: several projects in one file")).font = \
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
        _put(sheet, row, 1, paragraph).alignment = wrap
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        sheet.row_dimensions[row].height = 15 * (len(paragraph) // 140 + 1)
        row += 1
    row += 1
    for index, heading in enumerate((_("Column"), _("What to write"), _("Example")), start=1):
        _put(sheet, row, index, heading).font = Font(bold=True)
    sheet.freeze_panes = None
    row += 1
    for column in cols:
        _put(sheet, row, 1, column.header()).alignment = wrap
        _put(sheet, row, 2, column.hint()).alignment = wrap
        _put(sheet, row, 3, examples.get(column.key) or column.example()).alignment = wrap
        row += 1
    for name in (QUITO_AXES, LINES_OF_WORK, "significance"):
        row += 1
        _put(sheet, row, 1, str(LIST_HEADERS[name])).font = Font(bold=True)
        row += 1
        for entry in lists[name]:
            code, _separator, label = entry.partition(DISPLAY_SEPARATOR)
            _put(sheet, row, 1, code)
            _put(sheet, row, 2, label)
            row += 1
    row += 1
    _put(sheet, row, 1, _("The drop-down lists of the Countries, Subdivisions and Municipalities "
                          "columns show every code with its name.")).alignment = wrap
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
