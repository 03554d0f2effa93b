"""Reads of results, and the aggregates that do not count people twice.

How an indicator's reports combine is its ``aggregation``:

- **sum**: periods add up, and places add up (people reached in each quarter, in each territory);
- **max**: the largest value, across periods and across places (never added: the same people are counted
  again in every period);
- **latest**: per place, the value of its latest reported period; across several places that reported
  there is no latest value, so none is given (the table shows each place's);

A period (or a cell) without a report is *missing*, never zero: its total is None, and a total over
periods says which ones it lacks. The public reads a published project's results; the project's editors
and the observers also those of unpublished ones (``permissions.visible``).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.results.models import Aggregation, Indicator, IndicatorKind, ReportingPeriod, ResultReport, territory_key


@dataclass(frozen=True)
class Territory:
    key: str
    subdivision: object  # reference.Subdivision
    municipality: object | None  # reference.Municipality
    rest: bool = False  # a subdivision some of whose municipalities the project names apart: its other places

    @property
    def name(self) -> str:
        if self.municipality:
            return f"{self.municipality.name} ({self.subdivision.name})"
        if self.rest:
            return _("%(subdivision)s, other places") % {"subdivision": self.subdivision.name}
        return self.subdivision.name


def project_territories(project) -> dict[str, Territory]:
    """The territories a project reports on: its locations at subdivision or municipality level, in order.

    Where a project names a subdivision and also municipalities in it, the subdivision's report covers its
    other places (the municipalities report apart), so that adding the places up counts no one twice.
    """
    # The subdivision's own row first, then its municipalities, on every database (NULL sorts differently).
    locations = list(project.locations.filter(subdivision__isnull=False).select_related("subdivision", "municipality")
                     .order_by("subdivision__name", F("municipality__name").asc(nulls_first=True)))
    split = {location.subdivision_id for location in locations if location.municipality_id}
    territories = {}
    for location in locations:
        key = territory_key(location.subdivision_id, location.municipality_id)
        territories[key] = Territory(key, location.subdivision, location.municipality,
                                     rest=not location.municipality_id and location.subdivision_id in split)
    return territories


def combine_periods(values: list[Decimal | None], aggregation: str) -> Decimal | None:
    """The values of one place, oldest period first (None: not reported), combined as the indicator says."""
    reported = [value for value in values if value is not None]
    if not reported:
        return None
    if aggregation == Aggregation.SUM:
        return sum(reported, Decimal(0))
    if aggregation == Aggregation.MAX:
        return max(reported)
    return reported[-1]


def combine_places(values: list[Decimal | None], aggregation: str) -> Decimal | None:
    """The values of several places (one period, or each place's combined value): added up only for a sum."""
    reported = [value for value in values if value is not None]
    if not reported:
        return None
    if aggregation == Aggregation.SUM:
        return sum(reported, Decimal(0))
    if aggregation == Aggregation.MAX:
        return max(reported)
    # A latest value is one place's: with one place reported it is that one's, with more there is none.
    return reported[0] if len(reported) == 1 else None


@dataclass
class IndicatorTable:
    """One indicator's reports as a table of periods × territories, with its totals and what is missing."""

    indicator: Indicator
    periods: list
    territories: list[Territory]
    cells: dict = field(default_factory=dict)  # (period pk, territory key) -> ResultReport
    period_totals: dict = field(default_factory=dict)  # period pk -> Decimal | None
    territory_totals: dict = field(default_factory=dict)  # territory key -> Decimal | None
    total: Decimal | None = None
    missing: list = field(default_factory=list)  # (period, territory) without a report

    def value(self, period_pk: int, key: str) -> Decimal | None:
        report = self.cells.get((period_pk, key))
        return None if report is None else report.value

    @property
    def missing_periods(self) -> list:
        """The periods with no report in any territory."""
        return [period for period in self.periods if self.period_totals.get(period.pk) is None]

    @property
    def territory_total_list(self) -> list[tuple]:
        return [(territory, self.territory_totals[territory.key]) for territory in self.territories]

    @property
    def rows(self) -> list[tuple]:
        """(period, [(territory, report or None)], period total) for the template."""
        return [(period, [(territory, self.cells.get((period.pk, territory.key))) for territory in self.territories],
                 self.period_totals[period.pk]) for period in self.periods]


def indicator_table(indicator: Indicator, periods: list, territories: list[Territory],
                    reports: list[ResultReport]) -> IndicatorTable:
    table = IndicatorTable(indicator, periods, territories)
    rule = indicator.aggregation
    table.cells = {(report.period_id, report.territory_key): report for report in reports}
    for period in periods:
        table.period_totals[period.pk] = combine_places(
            [table.value(period.pk, territory.key) for territory in territories], rule)
    for territory in territories:
        table.territory_totals[territory.key] = combine_periods(
            [table.value(period.pk, territory.key) for period in periods], rule)
    table.total = combine_places([table.territory_totals[territory.key] for territory in territories], rule)
    table.missing = [(period, territory) for period in periods for territory in territories
                     if (period.pk, territory.key) not in table.cells]
    return table


def project_results(project) -> list[IndicatorTable]:
    """Every indicator of a project as a table (four queries, whatever the number of reports)."""
    territories = list(project_territories(project).values())
    periods = list(ReportingPeriod.objects.filter(project=project).select_related("locked_by"))
    indicators = list(Indicator.objects.filter(project=project).select_related("line"))
    reports: dict[int, list] = {indicator.pk: [] for indicator in indicators}
    for report in (ResultReport.objects.filter(indicator__in=indicators, period__deleted_at__isnull=True)
                   .select_related("municipality")):
        reports[report.indicator_id].append(report)
    return [indicator_table(indicator, periods, territories, reports[indicator.pk]) for indicator in indicators]


def access_indicator(user, pk, action: Action | str = Action.VIEW) -> Indicator:
    return permissions.access(user, Indicator.objects.select_related("project", "line"), action, pk=pk)


def access_period(user, pk, action: Action | str = Action.VIEW) -> ReportingPeriod:
    return permissions.access(user, ReportingPeriod.objects.select_related("project"), action, pk=pk)


def visible_indicators(user) -> QuerySet:
    return permissions.visible(user, Indicator.objects.all())


@dataclass
class PlaceFigure:
    """People reached in one subdivision (or a whole country): how many, from how many projects, what is missing."""

    code: str
    name: str
    people: Decimal | None = None
    projects: set = field(default_factory=set)
    missing_cells: int = 0
    by_line: dict = field(default_factory=dict)  # line term pk -> Decimal


def _add(figure: PlaceFigure, project_pk: int, line_pk, value: Decimal | None, missing: int) -> None:
    figure.projects.add(project_pk)
    figure.missing_cells += missing
    if value is None:
        return
    figure.people = (figure.people or Decimal(0)) + value
    figure.by_line[line_pk] = figure.by_line.get(line_pk, Decimal(0)) + value


def people_by_subdivision(user, country_code: str) -> tuple[list[PlaceFigure], list[IndicatorTable]]:
    """People reached per subdivision of a country, from the people indicators of the projects the user sees.

    Within one project and one subdivision, the largest of its people indicators of a line of work counts
    (two indicators of one project may count the same people); each indicator combines its own periods and
    municipalities by its rule first (a "latest" indicator over several municipalities gives no figure).
    Different projects are added up. Cells not reported are counted as missing, never as zero.
    """
    indicators = list(visible_indicators(user).filter(kind=IndicatorKind.PEOPLE, project__deleted_at__isnull=True)
                      .filter(project__locations__country_id=country_code).distinct()
                      .select_related("project", "line"))
    projects = {indicator.project_id: indicator.project for indicator in indicators}
    periods: dict[int, list] = {pk: [] for pk in projects}
    for period in ReportingPeriod.objects.filter(project__in=projects):
        periods[period.project_id].append(period)
    territories = {pk: [t for t in project_territories(project).values() if t.subdivision.country_id == country_code]
                   for pk, project in projects.items()}
    reports: dict[int, list] = {indicator.pk: [] for indicator in indicators}
    for report in ResultReport.objects.filter(indicator__in=indicators, period__deleted_at__isnull=True,
                                              subdivision__country_id=country_code):
        reports[report.indicator_id].append(report)
    tables = [indicator_table(indicator, periods[indicator.project_id], territories[indicator.project_id],
                              reports[indicator.pk]) for indicator in indicators]
    # (project, line, subdivision) -> the largest indicator value there, and its missing cells
    best: dict[tuple, tuple[Decimal | None, int]] = {}
    names: dict[str, str] = {}
    for table in tables:
        per_subdivision: dict[str, list] = {}
        for territory in table.territories:
            names[territory.subdivision.code] = territory.subdivision.name
            per_subdivision.setdefault(territory.subdivision.code, []).append(table.territory_totals[territory.key])
        for code, values in per_subdivision.items():
            value = combine_places(values, table.indicator.aggregation)
            missing = sum(1 for period, territory in table.missing if territory.subdivision.code == code)
            key = (table.indicator.project_id, table.indicator.line_id, code)
            old_value, old_missing = best.get(key, (None, 0))
            if old_value is None or (value is not None and value > old_value):
                best[key] = (value, missing)
            elif value is None:
                best[key] = (old_value, max(old_missing, missing))
    figures: dict[str, PlaceFigure] = {}
    for (project_pk, line_pk, code), (value, missing) in best.items():
        figure = figures.setdefault(code, PlaceFigure(code, names[code]))
        _add(figure, project_pk, line_pk, value, missing)
    return sorted(figures.values(), key=lambda figure: figure.name), tables
