"""Writes of results: a project's indicators and periods, the reports per period and territory, and locking.

Every write asks the permission module first (``results.*`` policies: the project's own editors and the
secretariat; locking is the secretariat's ``publish``), then goes through ``audit.services`` (whole-record
validation, optimistic version, history). A locked period refuses any new or changed report.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require
from minga.audit.services import EditConflict, record_create, record_update
from minga.common.cache import RESULTS, invalidates
from minga.results.dimensions import DIMENSIONS
from minga.results.models import Frequency, Indicator, IndicatorKind, ReportingPeriod, ResultReport
from minga.results.selectors import project_territories


@dataclass(frozen=True)
class IndicatorInput:
    name_es: str = ""
    name_pt: str = ""
    name_en: str = ""
    unit_es: str = ""
    unit_pt: str = ""
    unit_en: str = ""
    kind: str = IndicatorKind.PEOPLE
    aggregation: str = "sum"
    baseline: Decimal | None = None
    target: Decimal | None = None
    line: object = None  # a reference.Term of the lines of work, or None

    def fields(self) -> dict:
        return {name: (value.strip() if isinstance(value, str) else value) for name, value in self.__dict__.items()}


@dataclass(frozen=True)
class ReportInput:
    value: Decimal
    breakdown: dict = field(default_factory=dict)  # {dimension: {category: int}}
    partial: tuple = ()  # the dimensions whose parts cover only part of the total
    note: str = ""


@invalidates(RESULTS)
@transaction.atomic
def indicator_create(*, user, project, data: IndicatorInput) -> Indicator:
    position = Indicator.objects.filter(project=project).count()
    indicator = Indicator(project=project, position=position, **data.fields())
    require(user, Action.CREATE, indicator)
    return record_create(model=Indicator, user=user, fields={"project": project, "position": position,
                                                             **data.fields()})


@invalidates(RESULTS)
def indicator_update(*, user, indicator: Indicator, expected_version: int, data: IndicatorInput) -> Indicator:
    require(user, Action.CHANGE, indicator)
    return record_update(instance=indicator, user=user, expected_version=expected_version, changes=data.fields())


@invalidates(RESULTS)
@transaction.atomic
def period_create(*, user, project, frequency: str, year: int, number: int) -> ReportingPeriod:
    period = ReportingPeriod(project=project, frequency=frequency, year=year, number=number)
    require(user, Action.CREATE, period)
    other = ReportingPeriod.objects.filter(project=project).exclude(frequency=frequency).first()
    if other is not None:
        # Monthly and quarterly periods of one project would overlap, and a sum over them count twice.
        raise ValidationError({"frequency": [_("This project reports %(frequency)s; all its periods have the same "
                                               "length.") % {"frequency": other.get_frequency_display().lower()}]})
    if ReportingPeriod.objects.filter(project=project, frequency=frequency, year=year, number=number).exists():
        raise ValidationError({"number": [_("This project already has the period %(period)s.") % {
            "period": period.label}]})
    return record_create(model=ReportingPeriod, user=user, fields={
        "project": project, "frequency": frequency, "year": year, "number": number})


@invalidates(RESULTS)
def period_set_lock(*, user, period: ReportingPeriod, expected_version: int, locked: bool) -> ReportingPeriod:
    """Lock a period (its reports become final) or open it again: the secretariat's decision alone."""
    require(user, Action.PUBLISH, period)
    changes = {"is_locked": locked, "locked_at": timezone.now() if locked else None,
               "locked_by": user if locked else None}
    reason = _("Period locked") if locked else _("Period opened again")
    return record_update(instance=period, user=user, expected_version=expected_version, changes=changes,
                         reason=reason)


def _locked_refusal(period: ReportingPeriod) -> str:
    return _("The period %(period)s is locked: the secretariat has closed it, so its reports can no longer be "
             "added or changed. Ask the secretariat to open it again.") % {"period": period.label}


def _whole(number: Decimal) -> bool:
    return number == number.to_integral_value()


def _breakdown_errors(indicator: Indicator, data: ReportInput) -> dict[str, list[str]]:
    """Each dimension's parts add up to the total, or (marked partial) to no more than it."""
    errors: dict[str, list[str]] = {}
    if data.value is None or data.value < 0:
        return {"value": [_("Give the value reached: a number of zero or more.")]}
    if indicator.kind == IndicatorKind.PEOPLE and not _whole(data.value):
        errors["value"] = [_("People are counted in whole numbers.")]
    given = {dimension: parts for dimension, parts in data.breakdown.items() if parts}
    if given and indicator.kind != IndicatorKind.PEOPLE:
        errors["breakdown"] = [_("Only an indicator that counts people is broken down by sex, age and group.")]
        return errors
    for dimension, parts in given.items():
        if dimension not in DIMENSIONS or set(parts) - set(DIMENSIONS[dimension][1]):
            errors.setdefault("breakdown", []).append(_("Unknown disaggregation: %(name)s.") % {"name": dimension})
            continue
        label = DIMENSIONS[dimension][0]
        if any(value is None or value < 0 or not _whole(Decimal(value)) for value in parts.values()):
            errors.setdefault("breakdown", []).append(
                _("%(dimension)s: each part is a whole number of people.") % {"dimension": label})
            continue
        total = sum(Decimal(value) for value in parts.values())
        if dimension in data.partial:
            if total > data.value:
                errors.setdefault("breakdown", []).append(
                    _("%(dimension)s: the parts add up to %(parts)s, more than the total %(total)s.")
                    % {"dimension": label, "parts": f"{total:f}", "total": f"{data.value.normalize():f}"})
        elif total != data.value:
            errors.setdefault("breakdown", []).append(
                _("%(dimension)s: the parts add up to %(parts)s, not to the total %(total)s. Correct them, or mark "
                  "this breakdown as partial.")
                % {"dimension": label, "parts": f"{total:f}", "total": f"{data.value.normalize():f}"})
    return errors


def _clean_breakdown(data: ReportInput) -> tuple[dict, list]:
    breakdown = {dimension: {category: int(value) for category, value in parts.items()}
                 for dimension, parts in data.breakdown.items() if parts}
    return breakdown, sorted(dimension for dimension in data.partial if dimension in breakdown)


@invalidates(RESULTS)
@transaction.atomic
def report_save(*, user, indicator: Indicator, period: ReportingPeriod, territory: str, data: ReportInput,
                expected_version: int | None = None) -> ResultReport:
    """Create the report of one cell (indicator × period × territory), or change it against ``expected_version``.

    ``territory`` is one of the project's territories (``selectors.project_territories``): a subdivision
    code, or ``CODE/municipality id``. ``EditConflict`` when the cell's report changed since it was read
    (or appeared since, for a report sent as new).
    """
    project = indicator.project
    existing = (ResultReport.objects.select_for_update().filter(indicator=indicator, period=period)
                .filter(**_territory_lookup(territory)).first())
    probe = existing or ResultReport(indicator=indicator, period=period)
    require(user, Action.CHANGE if existing else Action.CREATE, probe)
    errors: dict[str, list[str]] = {}
    if period.project_id != project.pk or period.is_deleted:
        errors["period"] = [_("Choose one of this project's periods.")]
    elif ReportingPeriod.objects.filter(pk=period.pk, is_locked=True).exists():
        errors["period"] = [_locked_refusal(period)]
    territories = project_territories(project)
    if territory not in territories:
        errors["territory"] = [_("Choose one of the project's territories.")]
    errors.update(_breakdown_errors(indicator, data))
    if errors:
        raise ValidationError(errors)
    if existing is None and expected_version is not None:
        raise ValidationError({"territory": [_("This cell has no report yet: reload the page.")]})
    breakdown, partial = _clean_breakdown(data)
    fields = {"value": data.value, "breakdown": breakdown, "partial": partial, "note": data.note.strip()}
    if existing is not None:
        if expected_version is None:
            raise EditConflict(instance=existing, expected_version=0)
        return record_update(instance=existing, user=user, expected_version=expected_version,
                             changes={**fields, "reported_by": user})
    subdivision, municipality = territories[territory].subdivision, territories[territory].municipality
    return record_create(model=ResultReport, user=user, fields={
        "indicator": indicator, "period": period, "subdivision": subdivision, "municipality": municipality,
        "reported_by": user, **fields})


def _territory_lookup(territory: str) -> dict:
    subdivision, _sep, municipality = territory.partition("/")
    if municipality:
        return {"subdivision_id": subdivision, "municipality_id": municipality if municipality.isdigit() else -1}
    return {"subdivision_id": subdivision, "municipality__isnull": True}


__all__ = ["Frequency", "IndicatorInput", "ReportInput", "indicator_create", "indicator_update", "period_create",
           "period_set_lock", "report_save"]
