"""What each flow and pledge gives the dashboard's cells (``FundingTotal``): pure arithmetic on a record's values,
no database (``minga.finance.totals`` reads the records and adds what this computes to the cells).

A commitment's undisbursed rest depends on the filters: under a year filter only the disbursements of
that year count against it. The filters are equalities on six dimensions (``DIMS``), so a disbursement
counts under a filter exactly when it agrees with its commitment on the filtered dimensions. The rest
is stored as its Möbius terms over the dimensions where some disbursement disagrees: the row of mask T
counts under every filter of dimensions S with T ⊆ S, and the rows that count sum to the rest under S.
"""

from collections import defaultdict
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from minga.finance.tracking import Stage, TrackedPledge

MICRO = Decimal(1_000_000)
HUNDRED = Decimal(100)
DIMS = ("year", "donor", "conference", "theme", "purpose", "public")  # mask bit i is DIMS[i]
BIT = {name: 1 << index for index, name in enumerate(DIMS)}
MEASURES = ("records", "pledged", "committed", "disbursed", "funding", "unconverted", "unconverted_pledged")
_INDEX = {name: index for index, name in enumerate(MEASURES)}
_RECORDS, _COMMITTED, _DISBURSED, _FUNDING, _UNCONVERTED = (_INDEX[name] for name in (
    "records", "committed", "disbursed", "funding", "unconverted"))


def micro(value: Decimal) -> int:
    """An amount in millionths; refused if it is finer (it would not sum exactly)."""
    scaled = value * MICRO
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} is finer than a millionth")
    return int(scaled)


class FlowFact(NamedTuple):
    """A counted flow's values as the cells read them (a named tuple: an import builds tens of thousands)."""

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


def _parts(shares) -> tuple:
    merged: dict = {}
    for country, percentage in shares:
        merged[country] = merged.get(country, Decimal(0)) + percentage / HUNDRED
    if not merged:
        return (("", Decimal(1)),)
    return tuple((country, fraction) for country, fraction in merged.items() if fraction)


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
            cell[_INDEX[name]] += value

    def minus(self, other: "Cells") -> "Cells":
        delta = Cells()
        for key in set(self) | set(other):
            values = [a - b for a, b in zip(self.get(key, [0] * 7), other.get(key, [0] * 7), strict=True)]
            if any(values):
                delta[key] = values
        return delta


def _cell_key(donor, country: str, year: int, purpose: str, theme: int, conference: int, public: bool, mask: int = 0,
              currency: str = "") -> tuple:
    """A flow's cell (``totals.KEY`` less its level): the one place its parts are put in order."""
    return ("flow", donor, country, year, purpose, theme, conference, public, mask, currency)


def _flow_key(fact: FlowFact, country: str, mask: int = 0, currency: str = "") -> tuple:
    return _cell_key(fact.donor, country, fact.year, fact.purpose, fact.theme, fact.conference, fact.public, mask,
                     currency)


def _submasks(mask: int):
    sub = mask
    while True:
        yield sub
        if sub == 0:
            return
        sub = (sub - 1) & mask


_dims = attrgetter(*DIMS)
_BITS = tuple(BIT[name] for name in DIMS)


def _disagreement(flow: FlowFact, commitment: FlowFact) -> int:
    mask = 0
    for bit, a, b in zip(_BITS, _dims(flow), _dims(commitment), strict=True):
        if a != b:
            mask |= bit
    return mask


def add_group(cells: Cells, members: list[FlowFact]) -> None:
    """What one group of counted flows gives to the cells (selectors.funding.stage_amounts, by share)."""
    commitment = next((m for m in members if m.stage == Stage.COMMITMENT and m.pk == m.group), None)
    for flow in members:
        if flow.stage == Stage.DISBURSEMENT:
            for country, fraction in flow.parts:
                cell = cells[_flow_key(flow, country)]
                cell[_RECORDS] += 1
                if flow.usd is None:
                    cells[_flow_key(flow, country, currency=flow.currency)][_UNCONVERTED] += (
                        micro(flow.amount * fraction))
                else:
                    usd = micro(flow.usd * fraction)
                    cell[_DISBURSED] += usd
                    cell[_FUNDING] += usd
        elif flow is not commitment:  # a commitment against a commitment: counted as itself
            _add_commitment(cells, flow, [])
    if commitment is not None:
        _add_commitment(cells, commitment, [m for m in members if m.stage == Stage.DISBURSEMENT])


def _add_commitment(cells: Cells, commitment: FlowFact, paid: list[FlowFact]) -> None:
    # Each disbursement's disagreement with its commitment, once: the rests below read it for every subset.
    masked = [(_disagreement(flow, commitment), flow) for flow in paid]
    differ = 0
    for mask, _flow in masked:
        differ |= mask
    unconverted = commitment.usd is None

    def rest(filtered: int) -> Decimal:
        """Undisbursed under filters of the dimensions ``filtered``: USD, or its own currency if unconverted."""
        if unconverted:
            done = sum((f.amount for mask, f in masked if not mask & filtered and f.currency == commitment.currency),
                       Decimal(0))
            return max(commitment.amount - done, Decimal(0))
        done = sum((f.usd for mask, f in masked if not mask & filtered and f.usd is not None), Decimal(0))
        return max(commitment.usd - done, Decimal(0))

    values = {subset: rest(subset) for subset in _submasks(differ)}
    # Möbius terms: sum over U ⊆ T of (-1)^|T - U| rest(U); the same for every country, each given its fraction.
    terms = [(subset, sum((values[u] if bin(subset ^ u).count("1") % 2 == 0 else -values[u])
                          for u in _submasks(subset)))
             for subset in values]
    for country, fraction in commitment.parts:
        cell = cells[_flow_key(commitment, country)]
        cell[_RECORDS] += 1
        if not unconverted:
            cell[_COMMITTED] += micro(commitment.usd * fraction)
        for subset, term in terms:
            if not term and subset:
                continue
            if unconverted:
                cells[_flow_key(commitment, country, subset, commitment.currency)][_UNCONVERTED] += (
                    micro(term * fraction))
            else:
                cells[_flow_key(commitment, country, subset)][_FUNDING] += micro(term * fraction)


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
    donor, year, theme, public = flow.provider_id, flow.value_date.year, flow.theme_id or 0, flow.is_public
    purpose = "humanitarian" if flow.is_humanitarian else "development"
    for country, fraction in _parts(shares):
        cell = cells[_cell_key(donor, country, year, purpose, theme, 0, public)]  # no conference: no pledge paid
        cell[_RECORDS] += 1
        if usd is None:
            cells[_cell_key(donor, country, year, purpose, theme, 0, public, currency=currency)][_UNCONVERTED] += (
                micro(rest * fraction))
        elif disbursed:
            value = micro(usd * fraction)
            cell[_DISBURSED] += value
            cell[_FUNDING] += value
        else:
            cell[_COMMITTED] += micro(usd * fraction)
            cell[_FUNDING] += micro(rest * fraction)


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
