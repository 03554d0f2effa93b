"""The public funding dashboard (/funding/): its filters, figures and tables, read from the answers as they are.

Nothing here counts money anew: the headline, the donor table and the country table are the rows of
``funding_rows`` (through ``fulfilment`` and ``per_capita``), summed or sorted; so the page and
``minga report funding`` always agree. For the public and the secretariat those rows are read from the
totals the writes keep (``selectors.totals``: the same rows, exactly, in a few queries whatever the number
of flows); an officer who also sees their own drafts gets them computed from the flows. Filters come in as GET parameters, chosen by name on the page;
a value that is not one of the choices is refused naming its parameter (``ParameterInvalid``).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.common.errors import ParameterInvalid
from minga.common.numbers import parse_count
from minga.common.text import sorted_as_shown
from minga.finance.models import Conference
from minga.finance.selectors import totals
from minga.finance.selectors.answers import (
    Fulfilment,
    PerCapita,
    figure_day,
    fulfilment,
    fulfilment_of,
    per_capita,
    per_capita_of,
)
from minga.finance.selectors.funding import (
    FundingFilters,
    Row,
    counted_flows,
    counted_requirements,
    pledges_under,
    row_keys,
    visible_pledges,
)
from minga.finance.tracking import FlowShare, FundingFlow, PledgeCountry, Requirement, TrackedPledge
from minga.reference.models import Country, Organisation, Term

PURPOSES = ("humanitarian", "integration")  # the flows' humanitarian flag; a pledge's purpose ("both" counts in each)
# Sort keys of each table: what a plain link may ask (a leading "-" sorts largest first).
DONOR_SORTS = ("label", "pledged", "committed", "disbursed", "fulfilment")
COUNTRY_SORTS = ("label", "requirement", "funding", "gap", "coverage", "per_person")


@dataclass(frozen=True)
class DashboardQuery:
    filters: FundingFilters
    donor_sort: str = "-pledged"
    country_sort: str = "-gap"

    def query(self, **changed) -> str:
        """The query string of these filters and sorts, with ``changed`` ones replaced (for the page's links)."""
        values = {"conference": self.filters.conference, "donor": self.filters.donor, "country": self.filters.country,
                  "theme": self.filters.theme, "year": self.filters.year,
                  "purpose": {True: "humanitarian", False: "integration", None: None}[self.filters.humanitarian],
                  "donor_sort": self.donor_sort, "country_sort": self.country_sort}
        values.update(changed)
        return "&".join(f"{name}={value}" for name, value in values.items() if value not in (None, ""))


@dataclass
class Options:
    conferences: list = field(default_factory=list)  # Conference
    donors: list = field(default_factory=list)  # Organisation
    countries: list = field(default_factory=list)  # Country
    themes: list = field(default_factory=list)  # Term: the themes a visible flow or pledge names


def options(user) -> Options:
    """What the filters offer: the conferences, the donors with a pledge or a counted flow the user may see,
    the countries of the process."""
    # Per organisation "has it one?" (an index look-up each), not the list of every flow's provider.
    pledges = permissions.visible(user, TrackedPledge.objects.filter(donor=OuterRef("pk")))
    flows = permissions.visible(user, FundingFlow.objects.filter(provider=OuterRef("pk")))
    donors = Organisation.objects.filter(Exists(pledges) | Exists(flows))
    countries = Country.objects.filter(Q(is_member_state=True) | Q(is_origin=True))
    themed_flows = permissions.visible(user, FundingFlow.objects.filter(theme=OuterRef("pk")))
    earmarked = permissions.visible(user, TrackedPledge.objects.filter(earmarks=OuterRef("pk")))
    # Two queries, not one with "Exists(…) | Exists(…)": under OR, PostgreSQL runs the flows' test as a
    # sub-plan per term that scans the flows (8 s per page at a million flows), not an index semi-join (4 ms).
    themes = {term.pk: term for query in (Exists(themed_flows), Exists(earmarked))
              for term in Term.objects.filter(query).select_related("vocabulary")}.values()
    return Options(conferences=list(Conference.objects.order_by("starts_on")),
                   donors=sorted_as_shown(donors, lambda organisation: organisation.name),
                   countries=sorted_as_shown(countries, lambda country: country.name),
                   themes=sorted(themes, key=lambda t: str(t).casefold()))


def _choice(value, choices, field_name):
    if value in (None, ""):
        return None
    if value not in choices:
        raise ParameterInvalid(field_name, _("Not one of the choices."))
    return value


def _sort(value, keys, field_name, default):
    if value in (None, ""):
        return default
    if value.removeprefix("-") not in keys:
        raise ParameterInvalid(field_name, _("One of: %(choices)s.") % {"choices": ", ".join(keys)})
    return value


def parse_query(params, offered: Options) -> DashboardQuery:
    """The filters and sorts of a request's GET parameters, or ``ParameterInvalid`` naming the one refused."""
    donor = parse_count(params.get("donor"), field="donor", minimum=1)
    if donor is not None and donor not in {o.pk for o in offered.donors}:
        raise ParameterInvalid("donor", _("Not one of the choices."))
    theme = parse_count(params.get("theme"), field="theme", minimum=1)
    if theme is not None and theme not in {t.pk for t in offered.themes}:
        raise ParameterInvalid("theme", _("Not one of the choices."))
    purpose = _choice(params.get("purpose"), PURPOSES, "purpose")
    filters = FundingFilters(
        year=parse_count(params.get("year"), field="year", minimum=1990, maximum=2100),
        donor=donor,
        conference=_choice(params.get("conference"), {c.code for c in offered.conferences}, "conference"),
        country=_choice(params.get("country"), {c.iso3 for c in offered.countries}, "country"),
        theme=theme,
        humanitarian=None if purpose is None else purpose == "humanitarian")
    return DashboardQuery(filters=filters,
                          donor_sort=_sort(params.get("donor_sort"), DONOR_SORTS, "donor_sort", "-pledged"),
                          country_sort=_sort(params.get("country_sort"), COUNTRY_SORTS, "country_sort", "-gap"))


@dataclass
class Headline(Row):
    """The page's totals: a report row of no key (pledged, committed, disbursed, funding, gap, coverage)."""

    key: str = ""
    label: str = ""


@dataclass
class Dashboard:
    query: DashboardQuery
    headline: Headline
    donors: list[Fulfilment]
    countries: list[PerCapita]
    requirement_sources: list  # Source, of the requirement cells counted
    illustrative_records: int  # pledges and flows among those shown that are made up for the demonstration


def _sorted(rows, sort: str, value_of):
    """Rows with a value first, sorted by it; rows without one (no requirement, no figure) last, by name."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    valued = [row for row in rows if value_of(row, key) is not None]
    empty = [row for row in rows if value_of(row, key) is None]
    if key == "label":
        return sorted(rows, key=lambda row: value_of(row, "label").casefold(), reverse=descending)
    valued.sort(key=lambda row: value_of(row, key), reverse=descending)
    return valued + sorted(empty, key=lambda row: value_of(row, "label").casefold())


def _donor_value(answer: Fulfilment, key: str):
    return answer.fulfilment_percent if key == "fulfilment" else getattr(answer.row, key)


def _country_value(answer: PerCapita, key: str):
    return answer.disbursed_per_person if key == "per_person" else getattr(answer.row, key)


def _requirement(filters: FundingFilters, countries: list[PerCapita]) -> tuple[Decimal | None, list]:
    """The requirement the headline sets the funding against, and the sources of the cells in it.

    A country filter: that country's cells; no donor or conference filter: the plan's regional total per
    year; a donor or a conference has no requirement of its own (docs/finance.md), so none is shown.
    """
    if filters.donor or filters.conference:
        return None, []
    cells = Requirement.objects.filter(amount_usd__isnull=False, sector__isnull=True, project__isnull=True)
    if filters.year:
        cells = cells.filter(year=filters.year)
    if filters.country:
        cells = cells.filter(country_id=filters.country)
        requirement = next((answer.row.requirement for answer in countries if answer.row.key == filters.country),
                           None)
    else:
        cells = cells.filter(country__isnull=True)
        requirement = None
    cells = counted_requirements(cells, country=bool(filters.country), sector=False)  # one plan per year: the RMRP
    cells = list(cells.select_related("source").order_by("year", "pk"))
    if not filters.country and cells:
        requirement = sum((cell.amount_usd for cell in cells), Decimal(0))
    sources = list({cell.source_id: cell.source for cell in cells}.values())
    return requirement, sources


def _illustrative(user, filters: FundingFilters) -> int:
    flows = permissions.visible(user, FundingFlow.objects.filter(is_illustrative=True))
    pledges = permissions.visible(user, TrackedPledge.objects.filter(is_illustrative=True))
    if filters.donor:
        flows, pledges = flows.filter(provider_id=filters.donor), pledges.filter(donor_id=filters.donor)
    if filters.conference:
        flows = flows.filter(pledge__conference__code=filters.conference)
        pledges = pledges.filter(conference__code=filters.conference)
    if filters.year:
        flows, pledges = flows.filter(value_date__year=filters.year), pledges.filter(pledged_on__year=filters.year)
    return flows.count() + pledges.count()


def illustrative_by_row(user, query: DashboardQuery, by: str) -> dict[str, int]:
    """Row key → how many of the pledges and flows the row counts are made up for the demonstration (the page says
    how many in all; a downloaded table says it per row, so that no made-up figure leaves as a real one)."""
    filters = query.filters
    flows = (counted_flows(user, filters).filter(is_illustrative=True)
             .select_related("provider", "pledge__conference", "theme")
             .prefetch_related(Prefetch("shares", FlowShare.objects.select_related("country", "subdivision"))))
    pledges = (pledges_under(user, filters).filter(is_illustrative=True).select_related("donor", "conference")
               .prefetch_related(Prefetch("countries", PledgeCountry.objects.select_related("country")), "earmarks"))
    counts: Counter = Counter()
    for record in (*flows, *pledges):
        if filters.country and filters.country not in row_keys(record, "country"):
            continue
        counts.update(row_keys(record, by))
    return dict(counts)


def _plain(amounts: dict) -> dict:
    return {currency: amount for currency, amount in sorted(amounts.items()) if amount}


def dashboard(user, query: DashboardQuery, *, on: date) -> Dashboard:
    """The page's figures; per person with the population figure in force at ``on`` (``answers.figure_day``)."""
    filters = query.filters
    view = totals.view_of(user)
    if view is None:
        countries = per_capita(user, on, filters)
        donors = fulfilment(user, "donor", filters)
    else:
        countries = per_capita_of(user, figure_day(on, filters), totals.funding_rows_kept(view, "country", filters))
        pledges = visible_pledges(user, filters, parts=False)
        donors = fulfilment_of(totals.funding_rows_kept(view, "donor", filters),
                               totals.first_disbursements_kept(view, filters, [p.pk for p in pledges]), pledges,
                               "donor")
    headline = Headline()
    for answer in countries:  # each flow's and pledge's country shares sum to its whole: the total, once
        row = answer.row
        headline.pledged += row.pledged
        headline.committed += row.committed
        headline.disbursed += row.disbursed
        headline.funding += row.funding
        for currency, amount in row.unconverted.items():
            headline.unconverted[currency] += amount
        for currency, amount in row.unconverted_pledged.items():
            headline.unconverted_pledged[currency] += amount
    headline.requirement, sources = _requirement(filters, countries)
    # Plain dicts, the zero amounts left out: a template looking up ``.items`` in a defaultdict would add a key.
    for answer in [*countries, *donors]:
        answer.row.unconverted = _plain(answer.row.unconverted)
        answer.row.unconverted_pledged = _plain(answer.row.unconverted_pledged)
    headline.unconverted, headline.unconverted_pledged = (_plain(headline.unconverted),
                                                          _plain(headline.unconverted_pledged))
    return Dashboard(query=query, headline=headline,
                     donors=_sorted(donors, query.donor_sort, _donor_value),
                     countries=_sorted(countries, query.country_sort, _country_value),
                     requirement_sources=sources, illustrative_records=_illustrative(user, filters))
