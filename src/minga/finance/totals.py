"""The dashboard's totals (``FundingTotal``), kept exact by every write of a flow or a pledge.

What a record contributes is a pure function of its "group": a commitment with the disbursements made
against it (what it leaves undisbursed depends on them), a disbursement on its own, a pledge. A write
computes its groups' contributions before and after, and adds the difference to the cells in the same
transaction (``kept``); a bulk importer calls ``refresh_totals_for`` after inserting; ``rebuild_funding_totals``
recomputes everything (``minga rebuild_funding_totals``); writes made around the services are followed
by ``totals_signals``. The counting rules are those of ``selectors.funding`` (docs/finance.md, "Counting
once"); tests/finance/test_totals.py checks that
the cells give exactly its answers after any sequence of writes.

A commitment's undisbursed rest depends on the filters: under a year filter only the disbursements of
that year count against it. The filters are equalities on six dimensions (``DIMS``), so a disbursement
counts under a filter exactly when it agrees with its commitment on the filtered dimensions. The rest
is stored as its Möbius terms over the dimensions where some disbursement disagrees: the row of mask T
counts under every filter of dimensions S with T ⊆ S, and the rows that count sum to the rest under S.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q

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

MICRO = Decimal(1_000_000)
HUNDRED = Decimal(100)
DIMS = ("year", "donor", "conference", "theme", "purpose", "public")  # mask bit i is DIMS[i]
BIT = {name: 1 << index for index, name in enumerate(DIMS)}
KEY = ("level", "kind", "donor_id", "country", "year", "purpose", "theme_id", "conference_id", "is_public", "mask", "currency")
MEASURES = ("records", "pledged", "committed", "disbursed", "funding", "unconverted", "unconverted_pledged")
COUNTED = (Stage.COMMITMENT, Stage.DISBURSEMENT)
_in_service: ContextVar[bool] = ContextVar("minga_totals_in_service", default=False)


def micro(value: Decimal) -> int:
    """An amount in millionths; refused if it is finer (it would not sum exactly)."""
    scaled = value * MICRO
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} is finer than a millionth")
    return int(scaled)


@dataclass(frozen=True)
class FlowFact:
    pk: int
    stage: str
    group: int  # the commitment it pays out, else itself
    pledge: int | None
    value_date: object
    year: int
    donor: int
    conference: int
    theme: int
    purpose: str
    public: bool
    amount: Decimal
    currency: str
    usd: Decimal | None
    parts: tuple  # ((country or "", fraction), ...), merged by country, zero shares left out

    def dims(self) -> tuple:
        return (self.year, self.donor, self.conference, self.theme, self.purpose, self.public)


def _parts(shares) -> tuple:
    merged: dict = {}
    for country, percentage in shares:
        merged[country] = merged.get(country, Decimal(0)) + percentage / HUNDRED
    if not merged:
        return (("", Decimal(1)),)
    return tuple((country, fraction) for country, fraction in merged.items() if fraction)


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


def fact_of(row, shares) -> FlowFact:
    (pk, stage, commitment, pledge, value_date, provider, conference, theme, humanitarian, public, amount, currency,
     usd) = row
    return FlowFact(pk=pk, stage=stage, group=commitment or pk, pledge=pledge, value_date=value_date,
                    year=value_date.year, donor=provider,
                    conference=conference or 0, theme=theme or 0,
                    purpose="humanitarian" if humanitarian else "development", public=public, amount=amount,
                    currency=currency, usd=usd, parts=_parts(shares))


class Cells(defaultdict):
    """Cell key → [records, pledged, committed, disbursed, funding, unconverted, unconverted_pledged]."""

    def __init__(self):
        super().__init__(lambda: [0] * len(MEASURES))

    def add(self, key: tuple, **amounts):
        cell = self[key]
        for name, value in amounts.items():
            cell[MEASURES.index(name)] += value

    def minus(self, other: "Cells") -> "Cells":
        delta = Cells()
        for key in set(self) | set(other):
            values = [a - b for a, b in zip(self.get(key, [0] * 7), other.get(key, [0] * 7), strict=True)]
            if any(values):
                delta[key] = values
        return delta


def _flow_key(fact: FlowFact, country: str, mask: int = 0, currency: str = "") -> tuple:
    return ("flow", fact.donor, country, fact.year, fact.purpose, fact.theme, fact.conference, fact.public, mask,
            currency)


def _submasks(mask: int):
    sub = mask
    while True:
        yield sub
        if sub == 0:
            return
        sub = (sub - 1) & mask


def _disagreement(flow: FlowFact, commitment: FlowFact) -> int:
    return sum(BIT[name] for name, a, b in zip(DIMS, flow.dims(), commitment.dims(), strict=True) if a != b)


def add_group(cells: Cells, members: list[FlowFact]) -> None:
    """What one group of counted flows gives to the cells (selectors.funding.stage_amounts, by share)."""
    commitment = next((m for m in members if m.stage == Stage.COMMITMENT and m.pk == m.group), None)
    for flow in members:
        if flow.stage == Stage.DISBURSEMENT:
            for country, fraction in flow.parts:
                if flow.usd is None:
                    cells.add(_flow_key(flow, country), records=1)
                    cells.add(_flow_key(flow, country, currency=flow.currency),
                              unconverted=micro(flow.amount * fraction))
                else:
                    usd = micro(flow.usd * fraction)
                    cells.add(_flow_key(flow, country), records=1, disbursed=usd, funding=usd)
        elif flow is not commitment:  # a commitment against a commitment: counted as itself
            _add_commitment(cells, flow, [])
    if commitment is not None:
        _add_commitment(cells, commitment, [m for m in members if m.stage == Stage.DISBURSEMENT])


def _add_commitment(cells: Cells, commitment: FlowFact, paid: list[FlowFact]) -> None:
    differ = 0
    for flow in paid:
        differ |= _disagreement(flow, commitment)

    def rest(filtered: int) -> Decimal:
        """Undisbursed under filters of the dimensions ``filtered``: USD, or its own currency if unconverted."""
        counted = [f for f in paid if not _disagreement(f, commitment) & filtered]
        if commitment.usd is None:
            done = sum((f.amount for f in counted if f.currency == commitment.currency), Decimal(0))
            return max(commitment.amount - done, Decimal(0))
        done = sum((f.usd for f in counted if f.usd is not None), Decimal(0))
        return max(commitment.usd - done, Decimal(0))

    values = {subset: rest(subset) for subset in _submasks(differ)}
    for country, fraction in commitment.parts:
        usd = None if commitment.usd is None else micro(commitment.usd * fraction)
        cells.add(_flow_key(commitment, country), records=1, committed=usd or 0)
        for subset in values:  # Möbius terms: sum over U ⊆ T of (-1)^|T - U| rest(U)
            term = sum((values[u] if bin(subset ^ u).count("1") % 2 == 0 else -values[u])
                       for u in _submasks(subset))
            if not term and subset:
                continue
            if commitment.usd is None:
                cells.add(_flow_key(commitment, country, subset, commitment.currency),
                          unconverted=micro(term * fraction))
            else:
                cells.add(_flow_key(commitment, country, subset), funding=micro(term * fraction))


def add_pledge(cells: Cells, pledge: TrackedPledge, countries: list, earmarks: list[int]) -> None:
    parts = [(country, percentage / HUNDRED) for country, percentage in countries] or [("", Decimal(1))]
    themes = [("pledge", 0)] + [("earmark", theme) for theme in sorted(set(earmarks))]
    for kind, theme in themes:
        for country, fraction in parts:
            if not fraction:
                continue
            key = (kind, pledge.donor_id, country, pledge.pledged_on.year, pledge.purpose, theme,
                   pledge.conference_id or 0, pledge.is_public, 0, "")
            if pledge.amount_usd is None:
                cells.add(key, records=1)
                cells.add(key[:-1] + (pledge.currency,), unconverted_pledged=micro(pledge.amount * fraction))
            else:
                cells.add(key, records=1, pledged=micro(pledge.amount_usd * fraction))


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
    found = set()
    for pk, commitment in FundingFlow.all_objects.filter(pk__in=list(flow_ids)).values_list("pk", "commitment_id"):
        found.add(commitment or pk)
    return found


# The levels: which of the filter dimensions each keeps (donor, country and the public flag are always kept).
LEVELS = {"base": (), "year": ("year",), "conference": ("conference",), "theme": ("theme",), "purpose": ("purpose",)}
_POSITION = {"year": 3, "purpose": 4, "theme": 5, "conference": 6}  # in a cell's key (without its level)
_DROPPED = {"year": 0, "purpose": "", "theme": 0, "conference": 0}


def leveled(cells: Cells) -> Cells:
    """Each cell at the full level and at every coarser level it belongs to, its amounts summed there."""
    found = Cells()
    for key, values in cells.items():
        for level, kept in (("", tuple(DIMS)), *LEVELS.items()):
            if level and not _belongs(key, level, kept):
                continue
            projected = list(key)
            if level:
                for name, position in _POSITION.items():
                    if name not in kept:
                        projected[position] = _DROPPED[name]
            target = found[(level, *projected)]
            for index, value in enumerate(values):
                target[index] += value
    return found


def _belongs(key: tuple, level: str, kept: tuple) -> bool:
    kind, mask = key[0], key[8]
    if (kind == "earmark") != (level == "theme") and kind != "flow":
        return False  # the earmarks serve the theme filter only, the whole pledges every other
    allowed = BIT["donor"] | BIT["public"] | sum(BIT[name] for name in kept)
    return not mask & ~allowed


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
    reading the flows back (that re-read was a quarter of an IATI import's time). That holds for a new flow
    that is its own group and pays out no pledge (no commitment, no parent, no pledge: nothing else can count
    with it yet), whose amounts and shares the database gives back equal; any other is refreshed from the
    database as ``refresh_totals_for`` does.
    """
    cells, others = Cells(), []
    for flow, parts in zip(flows, shares, strict=True):
        if flow.commitment_id or flow.parent_id or flow.pledge_id or flow.deleted_at is not None or not (
                _read_back_equal(flow.amount, _PLACES["amount"])
                and _read_back_equal(flow.amount_usd, _PLACES["amount_usd"])
                and all(_read_back_equal(percentage, _PLACES["percentage"]) for _country, percentage in parts)):
            others.append(flow.pk)
            continue
        if flow.stage in COUNTED:  # else counted nowhere (as ``_flow_facts`` leaves it out)
            add_lone_flow(cells, flow, parts)
    with transaction.atomic():
        _apply(cells)
        if others:
            Change().apply(new_flows=others)


_RECORDS, _COMMITTED, _DISBURSED, _FUNDING, _UNCONVERTED = (MEASURES.index(name) for name in (
    "records", "committed", "disbursed", "funding", "unconverted"))


def add_lone_flow(cells: Cells, flow, shares) -> None:
    """What ``add_group`` adds for a group of this one counted flow (``flow``: a row with a flow's attributes, as
    inserted; no commitment, parent or pledge: its own group, paying nothing out), without building its fact.

    The same cells, to the millionth (tests/finance/test_totals_lone_flow.py holds them to ``add_group``). An
    import adds tens of thousands of such flows: at 50 MB, ``refresh_totals_for_new_flows`` took 0.43–0.45 s through
    ``fact_of`` and ``add_group``, 0.20–0.21 s through this.
    """
    disbursed = flow.stage == Stage.DISBURSEMENT
    amount, usd, currency = flow.amount, flow.amount_usd, flow.currency
    # A commitment with no disbursement against it leaves all of itself (never less than nothing) to disburse.
    rest = amount if disbursed else max(usd if usd is not None else amount, Decimal(0))
    purpose = "humanitarian" if flow.is_humanitarian else "development"
    head = ("flow", flow.provider_id)
    tail = (flow.value_date.year, purpose, flow.theme_id or 0, 0, flow.is_public, 0)
    for country, fraction in _parts(shares):
        key = (*head, country, *tail, "")
        cell = cells[key]
        cell[_RECORDS] += 1
        if usd is None:
            cells[(*head, country, *tail, currency)][_UNCONVERTED] += micro(rest * fraction)
        elif disbursed:
            value = micro(usd * fraction)
            cell[_DISBURSED] += value
            cell[_FUNDING] += value
        else:
            cell[_COMMITTED] += micro(usd * fraction)
            cell[_FUNDING] += micro(rest * fraction)


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
