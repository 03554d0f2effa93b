"""``funding_rows`` with the flows summed by the database: one aggregate query, whatever the number of flows.

``funding.funding_rows`` reads every visible flow into Python (exact, but linear in the flows: 20 s at 100,000
flows on PostgreSQL); the kept totals (``selectors.totals``) answer by country and donor only, and only for the
public and the secretariat. This module gives exactly ``funding_rows``' rows for every dimension, every filter
and every reader, with the counting rules of ``funding.stage_amounts`` written as SQL:

- amounts are summed as integers (cents; ``summed_exactly``: exact), grouped by the row's key, the share's percentage and
  the currency, and multiplied by the share in Python: exact on SQLite as on PostgreSQL, as the Decimal sums are;
- a commitment's funding is what is not disbursed against it among the flows counted under the same filters
  (a correlated sub-query on ``commitment_id`` over the same visible flows), never below nil, per commitment;
  with no USD rate, the same in its own currency (disbursements in that currency), under ``unconverted``;
- a flow splits by its shares for a country or subdivision (no share: regional); under a country filter,
  by the share of that country for the other dimensions (as ``_country_fraction``).

Pledges (far fewer than flows) and requirements are added by the same code as ``funding_rows``
(``funding.pledged_and_required``). tests/finance/test_funding_sql.py compares both on generated ledgers.
"""

from decimal import Decimal

from django.db.models import BigIntegerField, Case, Count, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractYear, Greatest, Round
from django.utils.translation import gettext as _

from minga.common.aggregates import summed_exactly
from minga.finance.models import Conference
from minga.finance.selectors.funding import (
    DIMENSIONS,
    HUNDRED,
    NONE,
    ONE,
    FundingFilters,
    Row,
    _regional,
    _subdivision_prefix,
    counted_flows,
    donor_labels,
    pledged_and_required,
)
from minga.finance.tracking import Stage
from minga.reference.models import Country, Subdivision, Term

INTEGER = BigIntegerField()
SHARES = ("country", "subdivision")  # the dimensions a flow's shares split
KEYS = {"country": ("shares__country_id",), "subdivision": ("shares__subdivision_id", "shares__country_id"),
        "donor": ("provider_id",), "conference": ("pledge__conference_id",), "theme": ("theme_id",),
        "year": ("flow_year",)}


def _cents(field: str):
    """An amount in whole cents (amounts have two decimals; on SQLite a decimal is stored as a REAL)."""
    return Cast(Round(F(field) * 100), INTEGER)


def _paid(base, *, usd: bool):
    """Per commitment (the outer row): the cents disbursed against it among ``base``, in USD or in its currency."""
    paid = base.filter(stage=Stage.DISBURSEMENT, commitment_id=OuterRef("pk"))
    paid = paid.filter(amount_usd__isnull=False) if usd else paid.filter(currency=OuterRef("currency"))
    amount = _cents("amount_usd" if usd else "amount")
    return Coalesce(Subquery(paid.order_by().values("commitment_id").annotate(s=Sum(amount)).values("s")[:1],
                             output_field=INTEGER), Value(0), output_field=INTEGER)


def _sums(user, by: str, filters: FundingFilters) -> list[dict]:
    base = counted_flows(user, filters)
    flows = base.annotate(flow_year=ExtractYear("value_date")) if by == "year" else base
    if filters.country and by not in SHARES:  # the part of each flow in that country (none: not counted)
        flows = flows.filter(shares__country_id=filters.country)
    percentage = ("shares__percentage",) if by in SHARES or filters.country else ()
    commitment, disbursement = Q(stage=Stage.COMMITMENT), Q(stage=Stage.DISBURSEMENT)
    usd, own = _cents("amount_usd"), _cents("amount")
    converted, unconverted = Q(amount_usd__isnull=False), Q(amount_usd__isnull=True)
    rest_usd = Greatest(usd - _paid(base, usd=True), Value(0), output_field=INTEGER)
    rest_own = Greatest(own - _paid(base, usd=False), Value(0), output_field=INTEGER)

    def sums(add):  # ``add``: SQLite's own SUM, or ExactSum past its limit (``summed_exactly``)
        def total(*whens):
            return add(Case(*whens, default=None, output_field=INTEGER))

        return list(flows.order_by().values(*KEYS[by], *percentage, "currency").annotate(
            records=Count("pk"),
            disbursed=total(When(disbursement & converted, then=usd)),
            committed=total(When(commitment & converted, then=usd)),
            rest=total(When(commitment & converted, then=rest_usd)),
            unconverted_paid=total(When(disbursement & unconverted, then=own)),
            unconverted_rest=total(When(commitment & unconverted, then=rest_own))))

    return summed_exactly(sums)


def _money(cents, fraction: Decimal) -> Decimal:
    return Decimal(int(cents or 0)) / HUNDRED * fraction


def funding_rows_sql(user, by: str, filters: FundingFilters) -> list[Row]:
    """Exactly ``funding.funding_rows(user, by, filters)``, the flows summed by the database."""
    if by not in DIMENSIONS:
        raise ValueError(by)
    groups = _sums(user, by, filters)
    labels = _labels(by, groups)
    prefix = _subdivision_prefix(filters.country) if filters.country else ""

    def in_country(key: str) -> bool:
        return key == filters.country or key.startswith(prefix)

    rows: dict[str, Row] = {}
    for group in groups:
        fraction = ONE if group.get("shares__percentage") is None else group["shares__percentage"] / HUNDRED
        key, label = labels[_label_key(by, group)]
        if not fraction or (filters.country and by in SHARES and not in_country(key)):
            continue  # as funding_rows: a nil share makes no row; a country's rows only under its filter
        row = rows.setdefault(key, Row(key=key, label=label))
        row.committed += _money(group["committed"], fraction)
        row.disbursed += _money(group["disbursed"], fraction)
        row.funding += _money(group["disbursed"], fraction) + _money(group["rest"], fraction)
        if group["unconverted_paid"] is not None or group["unconverted_rest"] is not None:
            row.unconverted[group["currency"]] += (_money(group["unconverted_paid"], fraction)
                                                   + _money(group["unconverted_rest"], fraction))
    return pledged_and_required(rows, user, by, filters, in_country)


def _label_key(by: str, group: dict):
    return tuple(group[name] for name in KEYS[by])


def _labels(by: str, groups: list[dict]) -> dict:
    """(the group's key columns) → (row key, label), as ``funding._flow_parts`` names them."""
    keys = {_label_key(by, group) for group in groups}
    found: dict = {}
    if by in SHARES:
        countries = {c.pk: c.name for c in Country._base_manager.filter(pk__in={k[-1] for k in keys if k[-1]})}
        subdivisions = dict(Subdivision._base_manager.filter(pk__in={k[0] for k in keys if by == "subdivision" and k[0]})
                            .values_list("pk", "name"))
        for key in keys:
            if key[-1] is None:
                found[key] = _regional()
            elif by == "country":
                found[key] = (key[0], countries[key[0]])
            elif key[0]:
                found[key] = (key[0], subdivisions[key[0]])
            else:
                found[key] = (key[1], _("%(country)s (no subdivision named)") % {"country": countries[key[1]]})
        return found
    values = {k[0] for k in keys if k[0] is not None}
    if by == "donor":
        found = {(pk,): label for pk, label in donor_labels(values).items()}
    elif by == "conference":
        found = {(c.pk,): (c.code, c.label) for c in Conference._base_manager.filter(pk__in=values)}
        found[(None,)] = (NONE, _("No conference"))
    elif by == "theme":
        found = {(t.pk,): (t.code, t.label) for t in Term._base_manager.filter(pk__in=values)}
        found[(None,)] = (NONE, _("No theme named"))
    else:
        found = {(year,): (str(year), str(year)) for year in values}
    return found
