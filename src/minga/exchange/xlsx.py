"""Projects as an XLSX workbook: a typed "Projects" sheet and an "About" sheet saying what it holds.

One row per project (territories listed together in their cells) so that summing a column counts
each project once; the CSV export (``minga.exchange.hxl``) has one row per territory instead.
Numbers are numbers, dates are dates, USD amounts carry a number format; an amount that could
not be converted is an empty cell with "not converted" in the note column, never a zero. Text is
data, never a formula: every row goes through ``_append`` (see ``minga.common.text``).
"""

import io
from collections import defaultdict
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from minga.common.text import append_data_row
from minga.exchange import projects as flat
from minga.reference.models import ExchangeRate, Vocabulary

PROJECTS_SHEET = "Projects"
ABOUT_SHEET = "About"
USD_FORMAT = '#,##0.00 "USD"'
AMOUNT_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
WIDTHS = {flat.Kind.TEXT: 28, flat.Kind.DATE: 12, flat.Kind.USD: 18, flat.Kind.AMOUNT: 18,
          flat.Kind.INTEGER: 12, flat.Kind.PERCENT: 10, flat.Kind.BOOLEAN: 10}
NARROW = {"code": 18, "title_language": 8, "summary_language": 8, "status_code": 16, "proposer_country": 10,
          "currency": 9, "title": 50, "summary": 60}


def _value(column: flat.Column, value):
    # Booleans stay booleans: Excel and LibreOffice show them in the reader's own language.
    return None if value in (None, "") else value


_append = append_data_row  # one row of values; text stays text (minga.common.text says how)


def audience_of(user) -> str:
    """Whose visibility an export applied, for its "About" sheet."""
    if user is None or not user.is_authenticated:
        return _("the public (not signed in)")
    return _("%(user)s, signed in") % {"user": user.get_username()}


def _write_projects(sheet, rows, columns) -> int:
    _append(sheet, [str(column.label) for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = {flat.Kind.USD: USD_FORMAT, flat.Kind.AMOUNT: AMOUNT_FORMAT, flat.Kind.INTEGER: INTEGER_FORMAT,
               flat.Kind.DATE: DATE_FORMAT}
    count = 0
    for count, row in enumerate(rows, start=1):
        _append(sheet, [_value(column, row[column.key]) for column in columns])
        for column_number, column in enumerate(columns, start=1):
            number_format = formats.get(column.kind)
            if number_format:
                sheet.cell(row=count + 1, column=column_number).number_format = number_format
    for column_number, column in enumerate(columns, start=1):
        width = NARROW.get(column.key, WIDTHS[column.kind])
        sheet.column_dimensions[get_column_letter(column_number)].width = width
    sheet.freeze_panes = "B2"  # the header row and the project code stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _sources(projects) -> list[str]:
    """Where the figures and lists come from: the rates of each currency shown, the theme vocabularies."""
    currencies = {currency for currency in projects.values_list("budget_currency", flat=True) if currency}
    currencies.update(projects.exclude(funding__currency=None).values_list("funding__currency", flat=True))
    currencies.discard("USD")
    by_source = defaultdict(set)
    for rate in ExchangeRate.objects.filter(currency__in=currencies).select_related("source"):
        by_source[str(rate.source)].add(rate.currency)
    from_table = set().union(*by_source.values()) if by_source else set()
    sources = [_("Exchange rates for %(currencies)s: %(source)s") % {"currencies": ", ".join(sorted(codes)),
                                                                    "source": source}
               for source, codes in sorted(by_source.items())]
    if currencies - from_table:
        sources.append(_("Exchange rates for %(currencies)s: European Central Bank reference rates") % {
            "currencies": ", ".join(sorted(currencies - from_table))})
    for vocabulary in Vocabulary.objects.filter(code__in=[flat.AXES, flat.LINES]).select_related("source"):
        if vocabulary.source:
            sources.append(f"{vocabulary.label}: {vocabulary.source}")
    return sources


def _write_about(sheet, *, filters, audience: str, exported_at: datetime, count: int, sources: list[str],
                 illustrative: bool) -> None:
    local = timezone.localtime(exported_at)
    _append(sheet, [_("Portfolio of Cooperation Projects: export")])
    sheet["A1"].font = Font(bold=True, size=13)
    _append(sheet, [])
    _append(sheet, [_("Exported at"), local.replace(tzinfo=None), timezone.get_current_timezone_name()])
    sheet["B3"].number_format = "yyyy-mm-dd hh:mm"
    _append(sheet, [_("Projects"), count])
    _append(sheet, [_("Visible to"), audience])
    _append(sheet, [])
    _append(sheet, [_("Filters")])
    described = flat.filters_description(filters)
    if not described:
        _append(sheet, [_("None"), _("every project visible to the audience above")])
    for label, value in described:
        _append(sheet, [label, value])
    _append(sheet, [])
    _append(sheet, [_("Notes")])
    notes = [
        _("One row per project; the territory cells list every country, subdivision and municipality "
          "with its share of the project at that level."),
        _("USD amounts are converted at the exchange rate of each amount's value date; the column "
          "“Conversion to USD” gives the rate and its source."),
        _("“not converted”: an amount is in a currency with no exchange rate for its value date. Its USD "
          "cell is left empty, and it is not counted as zero; totals that include it are not known."),
        _("The funding gap is the amount requested from the Group of Friends less what is secured."),
        _("Cross-cutting approaches: 0 not targeted, 1 significant objective, 2 principal objective "
          "(OECD policy-marker scale)."),
    ]
    if illustrative:
        notes.append(_("Rows marked as illustrative samples were made up for the demonstration; they are not real."))
    for note in notes:
        _append(sheet, ["", note])
    _append(sheet, [])
    _append(sheet, [_("Sources")])
    for source in sources:
        _append(sheet, ["", source])
    for row in sheet.iter_rows():
        row[0].font = Font(bold=True)
        for cell in row[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100


def projects_xlsx(projects, *, filters, audience: str, exported_at: datetime | None = None) -> bytes:
    """The workbook's bytes for ``projects`` (a queryset), labelled in the active language.

    ``filters`` is the ``ProjectFilters`` used; ``audience`` says whose visibility applied.
    """
    exported_at = exported_at or timezone.now()
    markers = flat.export_markers()
    columns = flat.columns(markers, per_territory=False)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PROJECTS_SHEET
    listed = list(flat.with_parts(projects))
    count = _write_projects(sheet, flat.rows_by_project(listed, markers), columns)
    _write_about(workbook.create_sheet(ABOUT_SHEET), filters=filters, audience=audience, exported_at=exported_at,
                 count=count, sources=_sources(projects),
                 illustrative=any(project.is_illustrative for project in listed))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
