"""The finance pages of one conference, one donor and one country, and the records behind each of their numbers.

Nothing here counts money anew: each page is the dashboard (``dashboard.dashboard``) with one filter set,
plus the answers of ``answers`` for that filter, so a page and the dashboard filtered the same way always
show the same figures. ``records`` lists the pledges or flows that a figure sums, under the same filters.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from statistics import median

from django.http import Http404

from minga.finance.models import Conference
from minga.finance.selectors.answers import (
    Fulfilment,
    PerCapita,
    Shares,
    _percent,
    fulfilment,
    per_capita_of,
    shares,
)
from minga.finance.selectors.dashboard import Dashboard, DashboardQuery, dashboard
from minga.finance.selectors.funding import (
    ALL,
    FundingFilters,
    Row,
    _country_fraction,
    _flow_parts,
    _pledge_parts,
    funding_rows,
    visible_flows,
    visible_pledges,
)
from minga.finance.selectors.matches import donor_matches
from minga.finance.tracking import Stage
from minga.portfolio.selectors.matching import FundingMatches
from minga.reference.models import Country, Organisation, Subdivision

MEASURES = ("pledged", "committed", "disbursed")


@dataclass
class FinancePage:
    filters: FundingFilters
    found: Dashboard  # headline (pledged … coverage), donors, countries: the dashboard under ``filters``
    fulfilment_percent: Decimal | None  # disbursed / pledged
    median_days_to_disbursement: float | None  # pledge date to its first disbursement, over its pledges
    shares: list[Shares] = field(default_factory=list)  # per year
    conferences: list[Fulfilment] = field(default_factory=list)  # a donor's, per conference
    subdivisions: list[Row] = field(default_factory=list)  # a country's, per subdivision
    subdivisions_per_capita: list[PerCapita] = field(default_factory=list)  # the same rows, per person where a figure is
    units: list = field(default_factory=list)  # a country's subdivisions drawn on its map (Subdivision)
    matches: FundingMatches | None = None  # a donor's: the projects it might fund (question 6)


def _in_country(parts, country: str | None) -> bool:
    return country is None or _country_fraction(parts, country) > 0


def _median_days(user, filters: FundingFilters) -> float | None:
    """Days from each pledge to its first disbursement (under ``filters``), their median."""
    first_paid: dict[int, date] = {}
    for flow in visible_flows(user, filters):
        if flow.stage == Stage.DISBURSEMENT and flow.pledge_id:
            first_paid[flow.pledge_id] = min(first_paid.get(flow.pledge_id, flow.value_date), flow.value_date)
    days = [(first_paid[pledge.pk] - pledge.pledged_on).days for pledge in visible_pledges(user, filters)
            if pledge.pk in first_paid and _in_country(_pledge_parts(pledge, "country"), filters.country)]
    return median(days) if days else None


def _page(user, filters: FundingFilters, on: date) -> FinancePage:
    found = dashboard(user, DashboardQuery(filters=filters), on=on)
    return FinancePage(filters=filters, found=found,
                       fulfilment_percent=_percent(found.headline.disbursed, found.headline.pledged),
                       median_days_to_disbursement=_median_days(user, filters),
                       shares=shares(user, "year", filters) if not filters.country else [])


def conference_page(user, code: str, *, on: date) -> tuple[Conference, FinancePage]:
    conference = Conference.objects.select_related("host_country").filter(code=code).first()
    if conference is None:
        raise Http404
    return conference, _page(user, FundingFilters(conference=code), on)


def donor_page(user, pk: int, *, on: date) -> tuple[Organisation, FinancePage]:
    """A donor's page; an organisation that neither pledged nor gave (that the user may see) has none."""
    donor = Organisation.objects.filter(pk=pk).first()
    if donor is None:
        raise Http404
    filters = FundingFilters(donor=pk)
    page = _page(user, filters, on)
    if not page.found.donors:
        raise Http404
    page.conferences = fulfilment(user, "conference", filters)
    page.matches = donor_matches(user, [pk])  # the same list as its donor officers' "my projects"
    return donor, page


def country_page(user, iso3: str, *, on: date) -> tuple[Country, FinancePage]:
    country = Country.objects.filter(pk=iso3.upper()).first()
    if country is None or not (country.is_member_state or country.is_origin):
        raise Http404
    filters = FundingFilters(country=country.iso3)
    page = _page(user, filters, on)
    page.subdivisions = funding_rows(user, "subdivision", filters)
    page.subdivisions_per_capita = per_capita_of(user, on, page.subdivisions, by="subdivision")
    page.units = list(Subdivision.objects.filter(country=country, has_geometry=True).order_by("code"))
    return country, page


@dataclass
class Records:
    measure: str
    pledges: list = field(default_factory=list)  # TrackedPledge
    flows: list = field(default_factory=list)  # FundingFlow


def records(user, filters: FundingFilters = ALL, measure: str = "pledged") -> Records:
    """The pledges (``pledged``) or the commitments or disbursements a figure under ``filters`` sums.

    A record split across countries is listed once under a country filter if any share of it is there.
    """
    if measure not in MEASURES:
        raise ValueError(measure)
    found = Records(measure)
    if measure == "pledged":
        found.pledges = [pledge for pledge in visible_pledges(user, filters)
                         if _in_country(_pledge_parts(pledge, "country"), filters.country)]
    else:
        stage = Stage.COMMITMENT if measure == "committed" else Stage.DISBURSEMENT
        found.flows = [flow for flow in visible_flows(user, filters)
                       if flow.stage == stage and _in_country(_flow_parts(flow, "country"), filters.country)]
    return found
