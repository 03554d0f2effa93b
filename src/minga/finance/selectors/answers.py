"""The issue's questions 1, 3–5 and 7, built on ``funding`` (question 2 and the report are ``funding_rows``;
question 6 is ``matches.donor_matches``)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.db.models import Prefetch

from minga.accounts import permissions
from minga.finance.selectors.funding import (
    ALL,
    CENT,
    HUNDRED,
    FundingFilters,
    Row,
    _flow_parts,
    _pledge_parts,
    funding_rows,
    stage_amounts,
    visible_flows,
    visible_pledges,
)
from minga.finance.tracking import FundingFlow, PledgeInstrument, Stage, TrackedPledge
from minga.portfolio.selectors import projects_visible
from minga.reference.models import PopulationFigure, PopulationGroup


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * HUNDRED / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else None


@dataclass
class Fulfilment:
    row: Row
    fulfilment_percent: Decimal | None  # disbursed / pledged
    median_days_to_disbursement: float | None  # pledge date to its first disbursement, over its pledges


def fulfilment(user, by: str, filters: FundingFilters = ALL) -> list[Fulfilment]:
    """Question 1: per conference or per donor, pledged, committed, disbursed, fulfilment, time to disburse."""
    first_paid: dict[int, date] = {}
    for flow in visible_flows(user, filters):
        if flow.stage == Stage.DISBURSEMENT and flow.pledge_id:
            first_paid[flow.pledge_id] = min(first_paid.get(flow.pledge_id, flow.value_date), flow.value_date)
    return fulfilment_of(funding_rows(user, by, filters), first_paid, visible_pledges(user, filters), by)


def fulfilment_of(rows: list[Row], first_paid: dict, pledges, by: str) -> list[Fulfilment]:
    """Question 1 from the rows, each pledge's first disbursement and the pledges (the dashboard's totals give them)."""
    days: dict[str, list[int]] = defaultdict(list)
    for pledge in pledges:
        if pledge.pk in first_paid:
            key = _pledge_parts(pledge, by)[0][0]
            days[key].append((first_paid[pledge.pk] - pledge.pledged_on).days)
    return [Fulfilment(row, _percent(row.disbursed, row.pledged), median(days[row.key]) if days[row.key] else None)
            for row in rows]


@dataclass
class Shares:
    key: str
    label: str
    humanitarian_usd: Decimal = Decimal(0)  # funding, by the flows' humanitarian flag
    development_usd: Decimal = Decimal(0)
    pledged_humanitarian_usd: Decimal = Decimal(0)  # pledged, by the pledges' humanitarian share
    pledged_development_usd: Decimal = Decimal(0)
    grant_usd: Decimal = Decimal(0)  # pledged, by instrument
    loan_usd: Decimal = Decimal(0)
    concessional_loan_usd: Decimal = Decimal(0)


def shares(user, by: str = "year", filters: FundingFilters = ALL) -> list[Shares]:
    """Question 3: humanitarian vs development and grant vs loan, per year or per country."""
    found: dict[str, Shares] = {}
    for flow, measure, usd, _own in stage_amounts(visible_flows(user, filters)):
        if measure != "funding" or usd is None:
            continue
        for key, label, fraction in _flow_parts(flow, by):
            target = found.setdefault(key, Shares(key, label))
            if flow.is_humanitarian:
                target.humanitarian_usd += usd * fraction
            else:
                target.development_usd += usd * fraction
    for pledge in visible_pledges(user, filters):
        if pledge.amount_usd is None:
            continue
        for key, label, fraction in _pledge_parts(pledge, by):
            target = found.setdefault(key, Shares(key, label))
            amount = pledge.amount_usd * fraction
            humanitarian = amount * pledge.humanitarian_percent / HUNDRED
            target.pledged_humanitarian_usd += humanitarian
            target.pledged_development_usd += amount - humanitarian
            if pledge.instrument == PledgeInstrument.LOAN:
                target.loan_usd += amount
                if pledge.is_concessional:
                    target.concessional_loan_usd += amount
            else:
                target.grant_usd += amount
    for row in found.values():
        for name in ("humanitarian_usd", "development_usd", "pledged_humanitarian_usd", "pledged_development_usd",
                     "grant_usd", "loan_usd", "concessional_loan_usd"):
            setattr(row, name, getattr(row, name).quantize(CENT, ROUND_HALF_UP))
    return sorted(found.values(), key=lambda row: row.key)


@dataclass
class PerCapita:
    row: Row
    figure: PopulationFigure | None  # the figure in force at the date: the latest on or before it, with its source
    committed_per_person: Decimal | None = None
    disbursed_per_person: Decimal | None = None


def figure_day(on: date, filters: FundingFilters) -> date:
    """The day whose population figures the money is divided by: ``on``, or, for one year's money, that year's last
    day when it is past: 2023's disbursements over the people there in 2023, not today."""
    return min(on, date(filters.year, 12, 31)) if filters.year else on


def per_capita(user, on: date, filters: FundingFilters = ALL) -> list[PerCapita]:
    """Question 4: per host country, USD committed and disbursed per refugee and migrant at ``on`` (``figure_day``)."""
    return per_capita_of(user, figure_day(on, filters), funding_rows(user, "country", filters))


def per_capita_by_subdivision(user, on: date, filters: FundingFilters = ALL) -> list[PerCapita]:
    """Question 4 per subdivision: the money with a subdivision named, per refugee and migrant counted there.

    Only a figure for the subdivision itself counts (never the country's, spread by guess): a row without
    one has ``figure`` None, "no figure" on the pages. The money of a country without a subdivision named
    (its row keyed by the country) has no figure either.
    """
    return per_capita_of(user, figure_day(on, filters), funding_rows(user, "subdivision", filters), by="subdivision")


def per_capita_of(user, on: date, rows: list[Row], *, by: str = "country") -> list[PerCapita]:
    """Question 4 for country rows (from the flows, or from the dashboard's totals), or subdivision rows."""
    figures = (permissions.visible(user, PopulationFigure.objects.all())
               .filter(group=PopulationGroup.REFUGEES_AND_MIGRANTS, as_of__lte=on).select_related("source"))
    if by == "subdivision":
        place = "subdivision_id"
        figures = figures.filter(subdivision_id__in=[row.key for row in rows])
    else:
        place = "country_id"
        figures = figures.filter(subdivision__isnull=True)
    in_force: dict[str, PopulationFigure] = {}
    for figure in figures.order_by(place, "-as_of", "-pk"):
        in_force.setdefault(getattr(figure, place), figure)
    answers = []
    for row in rows:
        figure = in_force.get(row.key)
        answer = PerCapita(row, figure)
        if figure is not None and figure.value:
            answer.committed_per_person = (row.committed / figure.value).quantize(CENT, ROUND_HALF_UP)
            answer.disbursed_per_person = (row.disbursed / figure.value).quantize(CENT, ROUND_HALF_UP)
        answers.append(answer)
    return answers


@dataclass
class ProjectCoverage:
    project: object
    requested_usd: Decimal | None
    funding_usd: Decimal
    status: str  # unfunded, partly, fully, unknown (no requested amount in USD)

    @property
    def gap_usd(self) -> Decimal | None:
        return None if self.requested_usd is None else max(self.requested_usd - self.funding_usd, Decimal(0))


@dataclass
class PortfolioCoverage:
    projects: list[ProjectCoverage] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    total_gap_usd: Decimal = Decimal(0)


def project_funding(user) -> dict[int, Decimal]:
    """Funding (each sum once, at its latest stage) per project, from the flows the user may see."""
    funded: dict[int, Decimal] = defaultdict(Decimal)
    flows = [flow for flow in visible_flows(user) if flow.project_id]
    for flow, measure, usd, _own in stage_amounts(flows):
        if measure == "funding" and usd is not None:
            funded[flow.project_id] += usd
    return funded


def portfolio_coverage(user) -> PortfolioCoverage:
    """Question 5: the visible published projects by funding status, and the total gap."""
    funded = project_funding(user)
    answer = PortfolioCoverage(counts={"unfunded": 0, "partly": 0, "fully": 0, "unknown": 0})
    for project in projects_visible(user).filter(is_public=True).order_by("code"):
        got = funded.get(project.pk, Decimal(0))
        requested = project.requested_usd
        if requested is None:
            status = "unknown"
        elif got <= 0:
            status = "unfunded"
        elif got < requested:
            status = "partly"
        else:
            status = "fully"
        coverage = ProjectCoverage(project, requested, got, status)
        answer.projects.append(coverage)
        answer.counts[status] += 1
        answer.total_gap_usd += coverage.gap_usd or Decimal(0)
    return answer


@dataclass
class PledgeTrail:
    pledge: TrackedPledge
    commitments: list = field(default_factory=list)  # [(commitment, [its disbursements])]
    disbursements: list = field(default_factory=list)  # disbursed against the pledge with no commitment
    projects: list = field(default_factory=list)
    territories: list = field(default_factory=list)  # the project locations, each once


def follow_pledge(user, pledge_pk: int) -> PledgeTrail:
    """Question 7, down: pledge → commitments and disbursements → projects → territories."""
    pledge = permissions.access(user, TrackedPledge.objects.select_related("donor", "conference"), pk=pledge_pk)
    flows = list(permissions.visible(user, FundingFlow.objects.filter(pledge=pledge))
                 .select_related("project", "receiver").order_by("value_date", "pk"))
    trail = PledgeTrail(pledge)
    by_commitment = defaultdict(list)
    for flow in flows:
        if flow.stage == Stage.DISBURSEMENT and flow.commitment_id:
            by_commitment[flow.commitment_id].append(flow)
    for flow in flows:
        if flow.stage == Stage.COMMITMENT:
            trail.commitments.append((flow, by_commitment.get(flow.pk, [])))
        elif flow.stage == Stage.DISBURSEMENT and not flow.commitment_id:
            trail.disbursements.append(flow)
    project_ids = [flow.project_id for flow in flows if flow.project_id]
    projects = (projects_visible(user).filter(pk__in=project_ids).order_by("code")
                .prefetch_related(Prefetch("locations")))
    trail.projects = list(projects)
    seen = set()
    for project in trail.projects:
        for location in project.locations.select_related("country", "subdivision").order_by("pk"):
            key = (location.country_id, location.subdivision_id, location.municipality_id)
            if key not in seen:
                seen.add(key)
                trail.territories.append(location)
    return trail


def pledges_behind(user, project) -> list[TrackedPledge]:
    """Question 7, up: the pledges whose flows fund ``project``."""
    pledge_ids = (permissions.visible(user, FundingFlow.objects.filter(project=project, pledge__isnull=False))
                  .values_list("pledge_id", flat=True))
    return list(permissions.visible(user, TrackedPledge.objects.filter(pk__in=pledge_ids))
                .select_related("donor", "conference").order_by("pledged_on", "pk"))
