"""The dashboard's totals (``FundingTotal``), kept exact by every write of a flow or a pledge.

What a record contributes is a pure function of its "group": a commitment with the disbursements made
against it (what it leaves undisbursed depends on them), a disbursement on its own, a pledge. A write
computes its groups' contributions before and after, and adds the difference to the cells in the same
transaction (``kept``); a bulk importer calls ``refresh_totals_for`` after inserting; ``rebuild_funding_totals``
recomputes everything (``minga rebuild_funding_totals``); writes made around the services are followed
by ``totals_signals``. The counting rules are those of ``selectors.funding`` (docs/finance.md, "Counting
once"); tests/finance/test_totals.py checks that
the cells give exactly its answers after any sequence of writes.

What each record gives the cells is computed by ``minga.finance.cells`` (pure arithmetic); this module reads the
records, and adds what it computes to the cells.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Q

from minga.finance.cells import MEASURES, Cells, FlowFact, add_group, add_lone_flow, add_pledge, fact_of, leveled
from minga.finance.tracking import (
    FlowShare,
    FundingFlow,
    FundingTotal,
    FundingTotalsState,
    PledgeCountry,
    PledgeFirstDisbursement,
    Stage,
    TrackedPledge,
)

KEY = ("level", "kind", "donor_id", "country", "year", "purpose", "theme_id", "conference_id", "is_public", "mask", "currency")
COUNTED = (Stage.COMMITMENT, Stage.DISBURSEMENT)
_in_service: ContextVar[bool] = ContextVar("minga_totals_in_service", default=False)
FLOW_VALUES = ("pk", "stage", "commitment_id", "pledge_id", "value_date", "provider_id", "pledge__conference_id",
               "theme_id", "is_humanitarian", "is_public", "amount", "currency", "amount_usd")


def _flow_facts(condition: Q) -> list[FlowFact]:
    """The counted flows (live, not passed on, committed or disbursed) matching ``condition``."""
    rows = list(FundingFlow.all_objects.filter(condition, deleted_at__isnull=True, parent__isnull=True,
                                               stage__in=COUNTED).values_list(*FLOW_VALUES))
    shares = defaultdict(list)
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), 5000):
        for flow_id, country, percentage in (FlowShare.objects.filter(flow_id__in=ids[start:start + 5000])
                                             .order_by("pk").values_list("flow_id", "country_id", "percentage")):
            shares[flow_id].append((country, percentage))
    return [fact_of(row, shares[row[0]]) for row in rows]


def _group_condition(groups) -> Q:
    groups = list(groups)
    return Q(pk__in=groups) | Q(commitment_id__in=groups)


def _cells_of(groups: set[int], pledges: set[int], *, leaving_out: frozenset = frozenset()) -> tuple[Cells, set]:
    """The contributions of these groups and pledges, and the pledges their disbursements are against."""
    cells = Cells()
    by_group = defaultdict(list)
    for fact in (_flow_facts(_group_condition(groups)) if groups else []):
        if fact.group in groups and fact.pk not in leaving_out:
            by_group[fact.group].append(fact)
    for members in by_group.values():
        add_group(cells, members)
    paid_pledges = {f.pledge for members in by_group.values() for f in members if f.pledge}
    _add_pledges(cells, TrackedPledge.all_objects.filter(pk__in=list(pledges), deleted_at__isnull=True))
    return cells, paid_pledges


def _add_pledges(cells: Cells, pledges) -> None:
    pledges = list(pledges)
    ids = [p.pk for p in pledges]
    countries, earmarks = defaultdict(list), defaultdict(list)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for pledge_id, country, percentage in (PledgeCountry.objects.filter(pledge_id__in=chunk).order_by("pk")
                                               .values_list("pledge_id", "country_id", "percentage")):
            countries[pledge_id].append((country, percentage))
        for pledge_id, term_id in TrackedPledge.earmarks.through.objects.filter(
                trackedpledge_id__in=chunk).values_list("trackedpledge_id", "term_id"):
            earmarks[pledge_id].append(term_id)
    for pledge in pledges:
        add_pledge(cells, pledge, countries[pledge.pk], earmarks[pledge.pk])


def _groups_of(flow_ids) -> set[int]:
    """The groups these flows are in now, and each flow's own: a write may unlink a disbursement from its
    commitment, making it its own group after the write (a group with no member gives nothing)."""
    found = set()
    for pk, commitment in FundingFlow.all_objects.filter(pk__in=list(flow_ids)).values_list("pk", "commitment_id"):
        found.add(pk)
        if commitment:
            found.add(commitment)
    return found


def _apply(delta: Cells) -> None:
    """Add ``delta`` to the cells (an upsert adding to what is there, on SQLite as on PostgreSQL)."""
    delta = leveled(delta)
    if not delta:
        return
    table = connection.ops.quote_name(FundingTotal._meta.db_table)
    columns = ", ".join((*KEY, *MEASURES))
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in MEASURES)
    values = ", ".join(["%s"] * (len(KEY) + len(MEASURES)))
    sql = (f"INSERT INTO {table} ({columns}) VALUES ({values}) "  # noqa: S608 -- names from the model only
           f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*key, *values) for key, values in sorted(delta.items())])


def _refresh_first_disbursements(pledges: set[int]) -> None:
    """Recompute, for these pledges, the first disbursement per combination of the flow filters."""
    pledges = {p for p in pledges if p}
    if not pledges:
        return
    PledgeFirstDisbursement.objects.filter(pledge_id__in=pledges).delete()
    facts = _flow_facts(Q(pledge_id__in=pledges, stage=Stage.DISBURSEMENT))
    PledgeFirstDisbursement.objects.bulk_create(_first_disbursements(facts))


def _first_disbursements(facts) -> list[PledgeFirstDisbursement]:
    first: dict = {}
    for fact in facts:
        if fact.stage != Stage.DISBURSEMENT or not fact.pledge:
            continue
        key = (fact.pledge, fact.donor, fact.year, fact.purpose, fact.theme, fact.public)
        first[key] = min(first.get(key, fact.value_date), fact.value_date)
    return [PledgeFirstDisbursement(pledge_id=pledge, donor_id=donor, year=year, purpose=purpose, theme_id=theme,
                                    is_public=public, first_on=first_on)
            for (pledge, donor, year, purpose, theme, public), first_on in first.items()]


class Change:
    """The totals' side of one write: contributions before, then after, the difference added."""

    def __init__(self, *, flows=(), commitments=(), pledges=(), pledge_flows: bool = False):
        self.groups = _groups_of(flows) | {c for c in commitments if c}
        self.pledges = {p for p in pledges if p}
        if pledge_flows and self.pledges:  # a pledge's conference is its flows' conference
            self.groups |= _groups_of(FundingFlow.all_objects.filter(pledge_id__in=self.pledges)
                                      .values_list("pk", flat=True))
        self.before, self.paid = _cells_of(self.groups, self.pledges)

    def apply(self, *, new_flows=(), new_pledges=()) -> None:
        """After the write; ``new_flows``/``new_pledges``: records it created (they had no contribution)."""
        new_flows = set(new_flows)
        groups = self.groups | _groups_of(new_flows)
        pledges = self.pledges | set(new_pledges)
        missing = groups - self.groups
        before = self.before
        if missing:  # groups reached only through new flows: before = them without the new flows
            extra, paid = _cells_of(missing, set(), leaving_out=frozenset(new_flows))
            before = _merged(before, extra)
            self.paid |= paid
        after, paid = _cells_of(groups, pledges)
        _apply(after.minus(before))
        _refresh_first_disbursements(self.paid | paid)


def _merged(a: Cells, b: Cells) -> Cells:
    merged = Cells()
    for cells in (a, b):
        for key, values in cells.items():
            merged[key] = [x + y for x, y in zip(merged[key], values, strict=True)]
    return merged


def in_service() -> bool:
    """Whether a service's write is under way (``kept``): the signals then leave the totals to it."""
    return _in_service.get()


@contextmanager
def kept(**touched):
    """Around a service's write: ``with kept(flows=[...]) as change: ...; change.created(...)``."""
    change = Change(**touched)
    change.created_flows, change.created_pledges = [], []
    token = _in_service.set(True)
    try:
        yield change
    finally:
        _in_service.reset(token)
    change.apply(new_flows=change.created_flows, new_pledges=change.created_pledges)


def refresh_totals_for(*, flow_ids=(), pledge_ids=()) -> None:
    """After inserting flows and pledges in bulk (bulk_create, with their shares): add what they give.

    Only for NEW records (their groups' totals before are computed without them); a bulk UPDATE of
    existing flows must be wrapped in ``kept(flows=ids, commitments=...)`` or followed by ``rebuild_funding_totals``.
    """
    with transaction.atomic():
        Change().apply(new_flows=flow_ids, new_pledges=pledge_ids)


# What a value must be for the database to give it back equal (``_read_back_equal``): SQLite reads decimals through
# a float of 15 significant digits; both databases keep a field's decimal places.
_READ_BACK_DIGITS = 15
_PLACES = {"amount": 2, "amount_usd": 2, "percentage": 2}


def _read_back_equal(value, places: int) -> bool:
    if value is None:
        return True
    _sign, digits, exponent = value.as_tuple()
    return isinstance(exponent, int) and exponent >= -places and len(digits) <= _READ_BACK_DIGITS


def refresh_totals_for_new_flows(flows: list, shares: list[list]) -> None:
    """After inserting these brand-new flows (rows with a flow's attributes, as inserted) and their shares
    (``[(country_id, percentage), ...]`` per flow, in insertion order): add what they give to the cells.

    The same cells as ``refresh_totals_for(flow_ids=...)``, computed from the values just inserted instead of
    reading the flows back (that re-read was a quarter of an IATI import's time). That holds for a new group: a
    new flow that is its own group, or a new commitment with the new disbursements that pay it out (an IATI
    activity's), none passing money on or paying out a pledge (nothing else can count with them yet), whose amounts
    and shares the database gives back equal; any other group is refreshed from the database as
    ``refresh_totals_for`` does.
    """
    cells, others = Cells(), []
    new = {flow.pk: (flow, parts) for flow, parts in zip(flows, shares, strict=True)}
    groups = defaultdict(list)  # the new commitments paid out by new flows, with those flows
    for flow in flows:
        if flow.commitment_id in new:
            groups[flow.commitment_id].append(flow)
    for flow, parts in new.values():
        if flow.pk in groups or flow.commitment_id in groups:
            continue
        if flow.commitment_id or not _simply_new(flow, parts):
            others.append(flow.pk)
        elif flow.stage in COUNTED:  # else counted nowhere (as ``_flow_facts`` leaves it out)
            add_lone_flow(cells, flow, parts)
    for commitment, paying in groups.items():
        members = [new[commitment][0], *paying]
        if members[0].commitment_id is None and all(_simply_new(member, new[member.pk][1]) for member in members):
            add_group(cells, [_new_fact(member, new[member.pk][1]) for member in members if member.stage in COUNTED])
        else:
            others.extend(member.pk for member in members)
    with transaction.atomic():
        _apply(cells)
        if others:
            Change().apply(new_flows=others)


def _simply_new(flow, parts) -> bool:
    """Whether what the new ``flow`` gives can be computed from its values: it passes nothing on, pays out no pledge,
    and the database gives its amounts and shares back equal."""
    return (not flow.parent_id and not flow.pledge_id and flow.deleted_at is None
            and _read_back_equal(flow.amount, _PLACES["amount"])
            and _read_back_equal(flow.amount_usd, _PLACES["amount_usd"])
            and all(_read_back_equal(percentage, _PLACES["percentage"]) for _country, percentage in parts))


def _new_fact(flow, parts) -> FlowFact:
    """A new flow's fact as ``_flow_facts`` reads it back (no pledge: no conference)."""
    return fact_of((flow.pk, flow.stage, flow.commitment_id, None, flow.value_date, flow.provider_id, None,
                    flow.theme_id, flow.is_humanitarian, flow.is_public, flow.amount, flow.currency, flow.amount_usd),
                   parts)


@transaction.atomic
def rebuild_funding_totals(*, chunk: int = 50_000) -> int:
    """Recompute every cell from the flows and pledges (after a bulk change, or to check); the number of cells."""
    FundingTotalsState.objects.all().delete()
    FundingTotal.objects.all().delete()
    PledgeFirstDisbursement.objects.all().delete()
    cells, first = Cells(), []
    top = FundingFlow.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, top + 1, chunk):
        end = start + chunk  # the groups start..end: commitments and lone flows, and what is paid against them
        facts = _flow_facts(Q(commitment_id__isnull=True, pk__gte=start, pk__lt=end)
                            | Q(commitment_id__gte=start, commitment_id__lt=end))
        by_group = defaultdict(list)
        for fact in facts:
            by_group[fact.group].append(fact)
        for members in by_group.values():
            add_group(cells, members)
        first += _first_disbursements(facts)
    _add_pledges(cells, TrackedPledge.all_objects.filter(deleted_at__isnull=True).iterator(chunk_size=5000))
    FundingTotal.objects.bulk_create((FundingTotal(**dict(zip(KEY, key, strict=True)),
                                                   **dict(zip(MEASURES, values, strict=True)))
                                      for key, values in leveled(cells).items() if any(values)), batch_size=5000)
    _merge_first(first)
    return len(cells)


def _merge_first(rows: list[PledgeFirstDisbursement]) -> None:
    """The rows of several chunks: one per cell, the earliest date."""
    earliest: dict = {}
    for row in rows:
        key = (row.pledge_id, row.donor_id, row.year, row.purpose, row.theme_id, row.is_public)
        if key not in earliest or row.first_on < earliest[key].first_on:
            earliest[key] = row
    PledgeFirstDisbursement.objects.bulk_create(earliest.values(), batch_size=5000)


def ensure_fresh() -> None:
    """Before reading the cells: rebuild them if a write went around the services (``totals_signals``)."""
    if FundingTotalsState.objects.exists():
        rebuild_funding_totals()
