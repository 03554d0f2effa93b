"""The pages of a first-level subdivision and of a municipality (issue 12): people, projects, funding, local
governments and their needs, integration programmes; services join when the service directory lands.

They combine domains (reference, portfolio, finance, localgov, programmes), so they live on the site floor,
named in the ``reference`` namespace with the country page (``minga/urls.py``).
"""

from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from minga.capacity import selectors as capacity_selectors
from minga.common.page_cache import public_page
from minga.finance.selectors.funding import FundingFilters, funding_rows
from minga.localgov import selectors as localgov_selectors
from minga.portfolio import selectors as portfolio_selectors
from minga.portfolio.selectors import ProjectFilters
from minga.programmes import selectors as programme_selectors
from minga.reference import selectors as reference_selectors
from minga.reference.models import Municipality, Subdivision
from minga.services import selectors as service_selectors

TERRITORY_SERVICES = 10  # the rest through the directory's own search, linked below the list
TERRITORY_TRAININGS = 10


def subdivision_funding(user, subdivision: Subdivision):
    """The funding row of the subdivision (pledged, committed, disbursed, requirement, gap), or None."""
    rows = funding_rows(user, "subdivision", FundingFilters(country=subdivision.country_id))
    return next((row for row in rows if row.key == subdivision.code), None)


def _common(request, *, subdivision: Subdivision, municipality: Municipality | None) -> dict:
    where = {"municipality": municipality.pcode} if municipality else {"subdivision": subdivision.code}
    return {
        "subdivision": subdivision, "country": subdivision.country, "municipality": municipality,
        "figures": list(reference_selectors.population_figures_visible(request.user, subdivision=subdivision)
                        .order_by("-as_of", "group")),
        "totals": portfolio_selectors.published_totals(**where),
        "latest": portfolio_selectors.latest_published(**where),
        "funding": subdivision_funding(request.user, subdivision),
        "local_governments": list(localgov_selectors.local_governments(**where)),
        "needs": localgov_selectors.needs_in(request.user, **where),
        "programmes": list(programme_selectors.programmes(request.user, country=subdivision.country_id)),
        # The directory's services and the kit's trainings given here (a subdivision: in any of its towns).
        "services": service_selectors.search(
            request.user, service_selectors.SearchFilters(place=municipality.pcode if municipality else subdivision.code),
            limit=TERRITORY_SERVICES),
        "service_query": municipality.pcode if municipality else subdivision.code,
        "trainings": list(capacity_selectors.deliveries(request.user).filter(
            **({"municipality": municipality} if municipality else {"municipality__subdivision": subdivision}))
            [:TERRITORY_TRAININGS]),
        "catalogue_query": ProjectFilters(country=[subdivision.country_id],
                                          subdivision=[subdivision.code]).urlencode(),
    }


@public_page("subdivision")
def subdivision_detail(request, code):
    subdivision = get_object_or_404(Subdivision.objects.select_related("country", "parent"), code=code.upper())
    context = _common(request, subdivision=subdivision, municipality=None)
    context["units"] = list(Municipality.objects.filter(subdivision=subdivision, parent__isnull=True)
                            .order_by("name"))
    return render(request, "site/subdivision_detail.html", context)


@public_page("municipality")
def municipality_detail(request, pcode):
    municipality = get_object_or_404(Municipality.objects.select_related("subdivision__country", "parent"),
                                     pcode=pcode)
    context = _common(request, subdivision=municipality.subdivision, municipality=municipality)
    context["units"] = list(municipality.children.order_by("name"))
    return render(request, "site/municipality_detail.html", context)


def subdivision_url(code: str) -> str:
    return reverse("reference:subdivision_detail", args=[code])


territory_urlpatterns = [
    path("subdivisions/<str:code>/", subdivision_detail, name="subdivision_detail"),
    path("municipalities/<str:pcode>/", municipality_detail, name="municipality_detail"),
]
