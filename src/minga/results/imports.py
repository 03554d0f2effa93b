"""The upload of a filled results template: every row right and all stored in one transaction, or nothing stored.

The file passes the portfolio bulk upload's checks first (``portfolio.bulk.safety``: size, sniffed type, unpacked
size, XML elements, no document type; openpyxl read-only). Each row names an indicator, a period and a territory
as the template does (in any of the three languages); the report service (``services.report_save``) checks and
writes it, so a row is refused for exactly the reasons the form refuses it. Every wrong row is listed with its
row number; one wrong row rolls back all the others. A row equal to the stored report is left alone, so that
uploading the same file again changes nothing.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require
from minga.audit.services import EditConflict
from minga.common.cache import RESULTS, invalidates
from minga.common.text import normalise_name
from minga.portfolio.bulk import UploadRefused, spreadsheet_number
from minga.portfolio.bulk.safety import open_workbook
from minga.results import selectors, services
from minga.results.dimensions import DIMENSIONS, field_name
from minga.results.models import Indicator, ReportingPeriod, ResultReport
from minga.results.services import ReportInput
from minga.results.workbook import MAX_ROWS, SHEET_RESULTS, columns, header_keys, sheet_names

REQUIRED = ("indicator", "period", "territory", "value")
YES, NO = {"yes", "si", "sim", "x", "1", "true"}, {"", "no", "nao", "0", "false"}


@dataclass
class RowError:
    row: int
    messages: list[str]


@dataclass
class ImportResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    indicator: Indicator | None = None
    period: ReportingPeriod | None = None
    territory: str = ""
    data: ReportInput | None = None
    messages: list[str] = field(default_factory=list)


class _RollBack(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _names(project):
    """Normalised names → indicator, period and territory key, as the template writes them in any language."""
    indicators, territories = {}, {}
    project_territories = selectors.project_territories(project)
    for indicator in Indicator.objects.filter(project=project):
        for language in ("es", "pt", "en"):
            name = getattr(indicator, f"name_{language}")
            if name:
                indicators.setdefault(normalise_name(name), indicator)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for key, territory in project_territories.items():
                territories.setdefault(normalise_name(territory.name), key)
    for key in project_territories:
        territories.setdefault(normalise_name(key), key)
    periods = {normalise_name(period.label): period for period in ReportingPeriod.objects.filter(project=project)}
    return indicators, periods, territories


def _read_rows(uploaded_file, project) -> list[_Row]:
    """The filled rows of the template (blank rows skipped), with the problems found in their cells."""
    workbook = open_workbook(uploaded_file, _("The workbook is too large to read; upload at most %(rows)s rows of "
                                              "results per file.") % {"rows": MAX_ROWS})
    try:
        wanted = sheet_names(SHEET_RESULTS)
        names = [name for name in workbook.sheetnames if normalise_name(name) in wanted]
        if not names:
            raise UploadRefused(_("The workbook has no “%(sheet)s” sheet: download the template and fill it in.")
                                % {"sheet": SHEET_RESULTS})
        rows = workbook[names[0]].iter_rows(values_only=True)
        headers = next(rows, ())
        keys = header_keys()
        index = {keys[normalise_name(_text(header))]: number for number, header in enumerate(headers)
                 if normalise_name(_text(header)) in keys}
        labels = {column.key: column.header for column in columns()}
        missing = [labels[key] for key in REQUIRED if key not in index]
        if missing:
            raise UploadRefused(_("The “%(sheet)s” sheet lacks the columns %(columns)s: download the template again.")
                                % {"sheet": SHEET_RESULTS, "columns": ", ".join(missing)})
        found = []
        lookups = _names(project)
        for number, values in enumerate(rows, start=2):
            cells = {key: values[position] if position < len(values) else None for key, position in index.items()}
            if all(_text(value) == "" for value in cells.values()):
                continue
            if len(found) == MAX_ROWS:
                raise UploadRefused(_("The sheet has more than %(rows)s filled rows: split it into several files.")
                                    % {"rows": MAX_ROWS})
            row = _read_row(number, cells, labels, lookups)
            if row is not None:
                found.append(row)
        return found
    finally:
        workbook.close()


def _read_row(number, cells, labels, lookups) -> _Row | None:
    """One row, or None for a row that reports nothing (its value, breakdown and note empty)."""
    indicators, periods, territories = lookups
    reported = [key for key in cells if key not in ("indicator", "period", "territory") and _text(cells[key])]
    if not reported:
        return None
    row = _Row(number)

    def named(key, table):
        text = _text(cells.get(key))
        found = table.get(normalise_name(text))
        if found is None:
            row.messages.append(
                {"indicator": _("Indicator: “%(name)s” is not an indicator of this project."),
                 "period": _("Period: “%(name)s” is not a reporting period of this project."),
                 "territory": _("Territory: “%(name)s” is not one of the project's territories.")}[key]
                % {"name": text} if text else _("%(column)s: empty.") % {"column": labels[key]})
        return found

    row.indicator, row.period = named("indicator", indicators), named("period", periods)
    row.territory = named("territory", territories) or ""

    def number_in(key):
        text = _text(cells.get(key))
        if not text:
            return None
        value = spreadsheet_number(cells[key])
        if value is None:
            row.messages.append(_("%(column)s: “%(text)s” is not a number.") % {"column": labels[key], "text": text})
        return value

    value = number_in("value")
    breakdown = {}
    for dimension, (_label, categories) in DIMENSIONS.items():
        parts = {category: number_in(field_name(dimension, category)) for category in categories}
        parts = {category: part for category, part in parts.items() if part is not None}
        if parts:
            breakdown[dimension] = parts
    partial = []
    for dimension in DIMENSIONS:
        text = normalise_name(_text(cells.get(f"partial_{dimension}")))
        if text in YES or text == normalise_name(_("yes")):
            partial.append(dimension)
        elif text not in NO and text != normalise_name(_("no")):
            row.messages.append(_("%(column)s: write “yes” or “no”.") % {"column": labels[f"partial_{dimension}"]})
    row.data = ReportInput(value=value, breakdown=breakdown, partial=tuple(partial),
                           note=_text(cells.get("note")))
    return row


def _same(report: ResultReport, data: ReportInput) -> bool:
    breakdown = {dimension: {category: int(value) for category, value in parts.items()}
                 for dimension, parts in data.breakdown.items()}
    return (report.value == data.value and report.breakdown == breakdown and report.note == data.note.strip()
            and sorted(report.partial) == sorted(d for d in data.partial if d in breakdown))


def _service_messages(error: ValidationError, labels: dict[str, str]) -> list[str]:
    return [f"{labels[name]}: {message}" if name in labels else message
            for name, messages in error.message_dict.items() for message in messages]


@invalidates(RESULTS)
def import_reports(*, user, project, uploaded_file) -> ImportResult:
    """Store every row of ``uploaded_file``, or none; ``UploadRefused`` when the file is not a results template."""
    require(user, Action.CREATE, ResultReport(indicator=Indicator(project=project)))
    rows = _read_rows(uploaded_file, project)
    labels = {column.key: column.header for column in columns()}
    result = ImportResult()
    seen: dict[tuple, int] = {}
    stored = {(report.indicator_id, report.period_id, report.territory_key): report for report in
              ResultReport.objects.filter(indicator__project=project)}
    try:
        with transaction.atomic():
            for row in rows:
                _store(user, row, seen, stored, labels, result)
            if result.errors:
                raise _RollBack
    except _RollBack:
        return ImportResult(errors=result.errors)
    return result


def _store(user, row: _Row, seen, stored, labels, result: ImportResult) -> None:
    messages = row.messages
    if row.indicator and row.period and row.territory:
        key = (row.indicator.pk, row.period.pk, row.territory)
        if key in seen:
            messages.append(_("The same indicator, period and territory as row %(row)s: give each cell once.")
                            % {"row": seen[key]})
        seen.setdefault(key, row.number)
    if row.data.value is None and not messages:
        messages.append(_("%(column)s: empty. Give the value reached, or leave the whole row empty.")
                        % {"column": labels["value"]})
    if not messages:
        existing = stored.get(key)
        # A locked period's row goes to the service even when unchanged: the service says why it is refused.
        if existing is not None and _same(existing, row.data) and not row.period.is_locked:
            result.unchanged += 1
            return
        try:
            services.report_save(user=user, indicator=row.indicator, period=row.period, territory=row.territory,
                                 data=row.data, expected_version=existing.version if existing else None)
        except ValidationError as error:
            messages.extend(_service_messages(error, labels))
        except EditConflict as error:
            messages.append(str(error))
        else:
            if existing is None:
                result.created += 1
            else:
                result.changed += 1
    if messages:
        result.errors.append(RowError(row.number, messages))


__all__ = ["ImportResult", "RowError", "import_reports"]
