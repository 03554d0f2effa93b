"""The funding rows read from the totals the writes keep (``minga.finance.totals``), not from the flows.

Same answers as ``funding_rows`` by country and by donor, and as the flows' first disbursement per
pledge, for the two views the cells are kept for: what the public sees (``"public"``) and everything
(``"all"``: the secretariat and observers). Anyone else (an officer who also sees their own drafts)
reads the flows themselves: ``view_of`` answers None.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Min, Sum
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.common.aggregates import GroupKey, summed_exactly
from minga.finance.cells import BIT, MICRO
from minga.finance.models import Conference
from minga.finance.selectors.funding import NONE, REGIONAL, FundingFilters, Row, _requirements, donor_labels
from minga.finance.totals import ensure_fresh
from minga.finance.tracking import FundingTotal, PledgeFirstDisbursement
from minga.reference.models import Country

BY = {"country": "country", "donor": "donor_id"}
SUMS = ("records", "pledged", "committed", "disbursed", "funding", "unconverted", "unconverted_pledged")


def view_of(user) -> str | None:
    """Which kept view ``user`` sees, or None when their view is their own (read from the flows)."""
    actor = permissions.actor_for(user)
    if actor.is_secretariat or actor.is_observer:
        return "all"
    return None if actor.scopes else "public"


def _cells(view: str, filters: FundingFilters):
    """The cells counted under ``filters``, with each commitment's rest as it stands under them (its masks)."""
    narrowed = [name for name, on in (("year", filters.year), ("conference", filters.conference),
                                      ("theme", filters.theme), ("purpose", filters.humanitarian is not None)) if on]
    level = "base" if not narrowed else narrowed[0] if len(narrowed) == 1 else ""
    cells = FundingTotal.objects.filter(level=level)
    filtered = 0
    if view == "public":
        cells, filtered = cells.filter(is_public=True), filtered | BIT["public"]
    if filters.year:
        cells, filtered = cells.filter(year=filters.year), filtered | BIT["year"]
    if filters.donor:
        cells, filtered = cells.filter(donor_id=filters.donor), filtered | BIT["donor"]
    if filters.conference:
        conference = Conference.objects.filter(code=filters.conference).values_list("pk", flat=True).first()
        cells, filtered = cells.filter(conference_id=conference or -1), filtered | BIT["conference"]
    if filters.theme:  # the flows of the theme, the pledges earmarked for it (each whole)
        cells, filtered = cells.filter(theme_id=filters.theme).exclude(kind="pledge"), filtered | BIT["theme"]
    else:
        cells = cells.exclude(kind="earmark")
    if filters.humanitarian is not None:
        cells = cells.exclude(purpose="development" if filters.humanitarian else "humanitarian")
        filtered |= BIT["purpose"]
    if filters.country:
        cells = cells.filter(country=filters.country)
    return cells.alias(counted=F("mask").bitand(filtered)).filter(counted=F("mask"))


def funding_rows_kept(view: str, by: str, filters: FundingFilters) -> list[Row]:
    """``funding_rows(user, by, filters)`` for ``by`` country or donor, from the cells."""
    ensure_fresh()
    column = BY[by]
    cells = _cells(view, filters).values("currency", key=GroupKey(column)).order_by()
    sums = summed_exactly(lambda add: list(cells.annotate(**{f"sum_{name}": (Sum if name == "records" else add)(name)
                                                                       for name in SUMS})))
    found: dict = defaultdict(dict)
    for cell in sums:
        found[cell["key"]][cell["currency"]] = cell
    labels = _labels(by, [key for key, currencies in found.items() if (currencies.get("") or {}).get("sum_records")])
    rows: dict[str, Row] = {}
    for key, (row_key, label) in labels.items():
        row = rows[row_key] = Row(key=row_key, label=label)
        for currency, cell in found[key].items():
            if currency:
                row.unconverted[currency] += _amount(cell["sum_unconverted"])
                row.unconverted_pledged[currency] += _amount(cell["sum_unconverted_pledged"])
            else:
                for name in ("pledged", "committed", "disbursed", "funding"):
                    setattr(row, name, _amount(cell[f"sum_{name}"]))
    requirements = _requirements(by, filters)
    if requirements is not None:
        for key, (label, amount) in requirements.items():
            rows.setdefault(key, Row(key=key, label=label)).requirement = amount
    return sorted(rows.values(), key=lambda r: (r.key in (REGIONAL, NONE), r.key))


def _amount(millionths) -> Decimal:
    return Decimal(int(millionths or 0)) / MICRO


def _labels(by: str, keys: list) -> dict:
    """Cell key → (row key, label), as ``funding._flow_parts`` names them."""
    if by == "country":
        names = {country.pk: country.name for country in Country.objects.filter(pk__in=[k for k in keys if k])}
        return {key: (key, names[key]) if key else (REGIONAL, _("Regional (no country named)")) for key in keys}
    return donor_labels(keys)


def first_disbursements_kept(view: str, filters: FundingFilters, pledge_ids) -> dict[int, object]:
    """Pledge → the date of its first disbursement among the flows counted under ``filters``."""
    cells = PledgeFirstDisbursement.objects.filter(pledge_id__in=list(pledge_ids))
    if view == "public":
        cells = cells.filter(is_public=True)
    if filters.year:
        cells = cells.filter(year=filters.year)
    if filters.donor:
        cells = cells.filter(donor_id=filters.donor)
    if filters.theme:
        cells = cells.filter(theme_id=filters.theme)
    if filters.humanitarian is not None:
        cells = cells.filter(purpose="humanitarian" if filters.humanitarian else "development")
    # a conference filter: the pledges asked about are that conference's, and so their flows
    return dict(cells.values("pledge_id").order_by().annotate(first=Min("first_on"))
                .values_list("pledge_id", "first"))
