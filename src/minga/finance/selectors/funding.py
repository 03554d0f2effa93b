"""Where the money went: the answers of issue 10, computed from the flows and pledges the reader may see.

Counting rules (docs/finance.md, "Counting once"):
- a flow that passes on another flow's money (``parent``) is not counted again: the money counts at the
  parent, the first time it leaves a donor;
- committed = the commitments; disbursed = the disbursements; funding = each sum of money once at its
  latest stage: the disbursements, plus what of each commitment is not yet disbursed against it;
- expenditure and incoming funds are reported by the receivers of money already counted: not summed;
- a flow split across countries (its shares) counts by share, and its shares sum back to its total;
- an amount without a USD conversion is listed under ``unconverted`` by currency, never counted as 0.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.finance.tracking import FlowShare, FundingFlow, PledgeCountry, Requirement, Stage, TrackedPledge
from minga.reference.models import Country, Organisation

DIMENSIONS = ("country", "subdivision", "donor", "conference", "theme", "year")
CENT = Decimal("0.01")
ONE = Decimal(1)
HUNDRED = Decimal(100)
REGIONAL = "regional"
NONE = "none"
# The plan whose requirements are counted: the RMRP (its cells are named "RMRP", "RMRP 2019", "RMRP 2023-2024",
# and, imported from FTS, "RMRP 2020 (FTS <code>)": exchange.fts_plans.plan_name). The word, not a prefix: an FTS
# code that happens to begin with those letters is another plan. Other plans' cells (FTS imports of other
# appeals, a country's HRP) stay on record but are not summed: adding two plans' asks for the same year and
# place counts the same needs twice.
COUNTED_PLAN = "RMRP"
IS_COUNTED_PLAN = Q(plan__iexact=COUNTED_PLAN) | Q(plan__istartswith=f"{COUNTED_PLAN} ")


@dataclass(frozen=True)
class FundingFilters:
    year: int | None = None
    donor: int | None = None  # organisation pk
    conference: str | None = None  # conference code
    country: str | None = None  # ISO 3166-1 alpha-3
    theme: int | None = None  # term pk
    humanitarian: bool | None = None


ALL = FundingFilters()  # no filter


@dataclass
class Row:
    key: str
    label: str
    pledged: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    funding: Decimal = Decimal(0)
    requirement: Decimal | None = None
    unconverted: dict = field(default_factory=lambda: defaultdict(Decimal))
    unconverted_pledged: dict = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def gap(self) -> Decimal | None:
        return None if self.requirement is None else self.requirement - self.funding

    @property
    def coverage(self) -> Decimal | None:
        if not self.requirement:
            return None
        return (self.funding * HUNDRED / self.requirement).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def as_dict(self) -> dict:
        """The row as ``minga report funding`` and the API give it (amounts as strings with two decimals)."""
        def money(value):
            return None if value is None else str(value.quantize(CENT, ROUND_HALF_UP))
        return {"key": self.key, "label": self.label, "pledged_usd": money(self.pledged),
                "funding_usd": money(self.funding), "committed_usd": money(self.committed),
                "disbursed_usd": money(self.disbursed), "requirement_usd": money(self.requirement),
                "gap_usd": money(self.gap),
                "unconverted": {code: money(amount) for code, amount in sorted(self.unconverted.items()) if amount},
                "unconverted_pledged": {code: money(amount)
                                        for code, amount in sorted(self.unconverted_pledged.items()) if amount}}


def _organisation_key(organisation) -> str:
    return organisation.iati_identifier or f"minga-organisation-{organisation.pk}"


def donor_labels(pks) -> dict[int, tuple[str, str]]:
    """Organisation pk → (row key, label) of each donor row read from sums (kept or summed by the database),
    deleted organisations included, named as ``_flow_parts`` names them."""
    organisations = Organisation.all_objects.filter(pk__in=pks).values_list("pk", "name", "iati_identifier")
    return {pk: (_organisation_key(SimpleNamespace(pk=pk, iati_identifier=identifier)), name)
            for pk, name, identifier in organisations}


def counted_flows(user, filters: FundingFilters = ALL):
    """The queryset of the counted flows (commitments and disbursements, not passed on) the user may see under
    ``filters`` (all but ``country``, which splits flows by their shares rather than selecting them)."""
    flows = (permissions.visible(user, FundingFlow.objects.all())
             .filter(stage__in=(Stage.COMMITMENT, Stage.DISBURSEMENT), parent__isnull=True))
    if filters.year:
        flows = flows.filter(value_date__year=filters.year)
    if filters.donor:
        flows = flows.filter(provider_id=filters.donor)
    if filters.conference:
        flows = flows.filter(pledge__conference__code=filters.conference)
    if filters.theme:
        flows = flows.filter(theme_id=filters.theme)
    if filters.humanitarian is not None:
        flows = flows.filter(is_humanitarian=filters.humanitarian)
    return flows


def visible_flows(user, filters: FundingFilters = ALL):
    """The counted flows the user may see, with what they need."""
    flows = (counted_flows(user, filters)
             .select_related("provider", "theme", "pledge__conference", "commitment")
             .prefetch_related(Prefetch("shares", queryset=FlowShare.objects.select_related("country", "subdivision")
                                        .order_by("pk"))))
    return list(flows.order_by("pk"))


def pledges_under(user, filters: FundingFilters = ALL):
    """The queryset of the pledges the user may see under ``filters`` (all but ``country``, as for the flows)."""
    pledges = permissions.visible(user, TrackedPledge.objects.all())
    if filters.year:
        pledges = pledges.filter(pledged_on__year=filters.year)
    if filters.donor:
        pledges = pledges.filter(donor_id=filters.donor)
    if filters.conference:
        pledges = pledges.filter(conference__code=filters.conference)
    if filters.theme:
        pledges = pledges.filter(earmarks=filters.theme)
    if filters.humanitarian is True:
        pledges = pledges.exclude(purpose="development")
    if filters.humanitarian is False:
        pledges = pledges.exclude(purpose="humanitarian")
    return pledges


def visible_pledges(user, filters: FundingFilters = ALL, *, parts: bool = True):
    """The pledges the user may see under ``filters``; ``parts=False``: without their countries and earmarks
    (prefetching them costs a query set per pledge in Python, which the dashboard's totals do not need)."""
    pledges = pledges_under(user, filters)
    if not parts:  # what fulfilment needs: each pledge's date and donor
        pledges = pledges.select_related("donor").only("pk", "pledged_on", "donor__id", "donor__name",
                                                        "donor__iati_identifier")
    else:
        pledges = pledges.select_related("donor", "conference").prefetch_related(
            Prefetch("countries", queryset=PledgeCountry.objects.select_related("country").order_by("pk")), "earmarks")
    return list(pledges.order_by("pk"))


def _regional():
    return (REGIONAL, _("Regional (no country named)"))


def _flow_parts(flow, by: str) -> list[tuple[str, str, Decimal]]:
    """(key, label, fraction of the flow) for the dimension ``by``; the fractions sum to 1."""
    shares = list(flow.shares.all())
    if by == "country":
        if not shares:
            return [(*_regional(), ONE)]
        merged: dict = {}
        for share in shares:
            key = share.country_id
            label, fraction = merged.get(key, (share.country.name, Decimal(0)))
            merged[key] = (label, fraction + share.percentage / HUNDRED)
        return [(key, label, fraction) for key, (label, fraction) in merged.items()]
    if by == "subdivision":
        if not shares:
            return [(*_regional(), ONE)]
        return [(share.subdivision_id, share.subdivision.name, share.percentage / HUNDRED) if share.subdivision_id
                else (share.country_id, _("%(country)s (no subdivision named)") % {"country": share.country.name},
                      share.percentage / HUNDRED) for share in shares]
    if by == "donor":
        return [(_organisation_key(flow.provider), flow.provider.name, ONE)]
    if by == "conference":
        conference = flow.pledge.conference if flow.pledge_id and flow.pledge.conference_id else None
        return [(conference.code, conference.label, ONE) if conference else (NONE, _("No conference"), ONE)]
    if by == "theme":
        return [(flow.theme.code, flow.theme.label, ONE) if flow.theme_id else (NONE, _("No theme named"), ONE)]
    return [(str(flow.value_date.year), str(flow.value_date.year), ONE)]


def _pledge_parts(pledge, by: str) -> list[tuple[str, str, Decimal]]:
    if by in ("country", "subdivision"):
        countries = list(pledge.countries.all())
        if not countries:
            return [(*_regional(), ONE)]
        if by == "subdivision":  # pledges name countries, not subdivisions
            return [(c.country_id, _("%(country)s (no subdivision named)") % {"country": c.country.name},
                     c.percentage / HUNDRED) for c in countries]
        return [(c.country_id, c.country.name, c.percentage / HUNDRED) for c in countries]
    if by == "donor":
        return [(_organisation_key(pledge.donor), pledge.donor.name, ONE)]
    if by == "conference":
        return [(pledge.conference.code, pledge.conference.label, ONE) if pledge.conference_id
                else (NONE, _("No conference"), ONE)]
    if by == "theme":
        earmarks = sorted(pledge.earmarks.all(), key=lambda term: term.code)
        if not earmarks:
            return [(NONE, _("No theme named"), ONE)]
        return [(term.code, term.label, ONE / len(earmarks)) for term in earmarks]  # split evenly
    return [(str(pledge.pledged_on.year), str(pledge.pledged_on.year), ONE)]


def row_keys(record, by: str) -> set[str]:
    """The keys of the rows by ``by`` a flow or pledge counts in (its shares, earmarks...)."""
    parts = _flow_parts(record, by) if isinstance(record, FundingFlow) else _pledge_parts(record, by)
    return {key for key, _label, _fraction in parts}


def _country_fraction(parts_by_country, country: str | None) -> Decimal:
    if country is None:
        return ONE
    return sum((fraction for key, _label, fraction in parts_by_country if key == country), Decimal(0))


def stage_amounts(flows) -> list[tuple[FundingFlow, str, Decimal | None, Decimal]]:
    """Each flow's amounts per measure: (flow, measure, usd or None, amount in its currency).

    A commitment counts in ``funding`` only for what was not disbursed against it (among ``flows``).
    """
    paid_usd: dict = defaultdict(Decimal)
    paid_own: dict = defaultdict(Decimal)
    for flow in flows:
        if flow.stage == Stage.DISBURSEMENT and flow.commitment_id:
            if flow.amount_usd is not None:
                paid_usd[flow.commitment_id] += flow.amount_usd
            commitment_currency = getattr(flow.commitment, "currency", None) if flow.commitment_id else None
            if flow.currency == commitment_currency:
                paid_own[flow.commitment_id] += flow.amount
    measures = []
    for flow in flows:
        if flow.stage == Stage.COMMITMENT:
            measures.append((flow, "committed", flow.amount_usd, flow.amount))
            rest_usd = None if flow.amount_usd is None else max(flow.amount_usd - paid_usd[flow.pk], Decimal(0))
            rest_own = max(flow.amount - paid_own[flow.pk], Decimal(0))
            measures.append((flow, "funding", rest_usd, rest_own))
        else:
            measures.append((flow, "disbursed", flow.amount_usd, flow.amount))
            measures.append((flow, "funding", flow.amount_usd, flow.amount))
    return measures


def counted_requirements(cells, *, country: bool, sector: bool):
    """The requirement cells counted, one per year and place: of the RMRP's cells for the same year, country
    (or the region) and sector (or all), the one entered last (a revision of the plan supersedes its cell),
    never another plan's. ``country``/``sector``: whether the cells asked about name one."""
    same = Requirement.objects.filter(IS_COUNTED_PLAN, year=OuterRef("year"), project__isnull=True,
                                      amount_usd__isnull=False)
    same = same.filter(country=OuterRef("country")) if country else same.filter(country__isnull=True)
    same = same.filter(sector=OuterRef("sector")) if sector else same.filter(sector__isnull=True)
    return cells.filter(pk=Subquery(same.order_by("-pk").values("pk")[:1]))


def _requirements(by: str, filters: FundingFilters) -> dict[str, tuple[str, Decimal]] | None:
    """The plan requirements at the level of ``by`` (see ``Requirement``, ``counted_requirements``): None where
    no plan gives one."""
    cells = Requirement.objects.select_related("country", "sector")
    if filters.year:
        cells = cells.filter(year=filters.year)
    if by == "country":
        cells = cells.filter(country__isnull=False, sector__isnull=True, project__isnull=True)
    elif by == "year":
        cells = cells.filter(country__isnull=True, sector__isnull=True, project__isnull=True)
    elif by == "theme":
        cells = cells.filter(country__isnull=True, sector__isnull=False, project__isnull=True)
    else:
        return None
    if filters.country:
        if by != "country":
            return None
        cells = cells.filter(country_id=filters.country)
    cells = counted_requirements(cells, country=by == "country", sector=by == "theme")
    found: dict = {}
    for cell in cells.filter(amount_usd__isnull=False):
        if by == "country":
            key, label = cell.country_id, cell.country.name
        elif by == "year":
            key = label = str(cell.year)
        else:
            key, label = cell.sector.code, cell.sector.label
        previous = found.get(key, (label, Decimal(0)))[1]
        found[key] = (label, previous + cell.amount_usd)
    return found


def funding_rows(user, by: str, filters: FundingFilters = ALL) -> list[Row]:
    """One row per key of ``by``: pledged, committed, disbursed, funding, requirement, gap, unconverted."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    rows: dict[str, Row] = {}
    prefix = _subdivision_prefix(filters.country) if filters.country else ""

    def in_country(key: str) -> bool:
        return key == filters.country or key.startswith(prefix)

    def row(key, label) -> Row:
        if key not in rows:
            rows[key] = Row(key=key, label=label)
        return rows[key]

    for flow, measure, usd, own in stage_amounts(visible_flows(user, filters)):
        within = _country_fraction(_flow_parts(flow, "country"), filters.country)
        for key, label, fraction in _flow_parts(flow, by):
            if filters.country and by in ("country", "subdivision") and not in_country(key):
                continue
            share = fraction if by in ("country", "subdivision") else fraction * within
            if not share:
                continue
            target = row(key, label)
            if usd is None:
                if measure == "funding":
                    target.unconverted[flow.currency] += own * share
            else:
                setattr(target, measure, getattr(target, measure) + usd * share)
    return pledged_and_required(rows, user, by, filters, in_country)


def pledged_and_required(rows: dict[str, Row], user, by: str, filters: FundingFilters, in_country) -> list[Row]:
    """Add the visible pledges and the requirements to ``rows`` (key → Row, the flows' part): the sorted rows.

    Shared by ``funding_rows`` and ``funding_sql.funding_rows_sql`` (which sums the flows in the database)."""
    def row(key, label) -> Row:
        if key not in rows:
            rows[key] = Row(key=key, label=label)
        return rows[key]

    for pledge in visible_pledges(user, filters):
        within = _country_fraction(_pledge_parts(pledge, "country"), filters.country)
        for key, label, fraction in _pledge_parts(pledge, by):
            if filters.country and by in ("country", "subdivision") and not in_country(key):
                continue
            share = fraction if by in ("country", "subdivision") else fraction * within
            if not share:
                continue
            target = row(key, label)
            if pledge.amount_usd is None:
                target.unconverted_pledged[pledge.currency] += pledge.amount * share
            else:
                target.pledged += pledge.amount_usd * share
    requirements = _requirements(by, filters)
    if requirements is not None:
        for key, (label, amount) in requirements.items():
            row(key, label).requirement = amount
    return sorted(rows.values(), key=lambda r: (r.key in (REGIONAL, NONE), r.key))


def _subdivision_prefix(country: str) -> str:
    """ISO 3166-2 codes of a country's subdivisions start with its alpha-2 code and a hyphen."""
    found = Country.objects.filter(pk=country).values_list("iso2", flat=True).first()
    return f"{found}-" if found else "\0"
