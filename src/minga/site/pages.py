"""Pages that combine domains: a country and an organisation with their projects (and pledges).

The reference floor gives what it knows of the country or organisation (``country_context``,
``organisation_context``); the portfolio and finance selectors give the rest. The addresses keep their
names in the ``reference`` namespace (``minga/urls.py`` joins ``reference_urlpatterns`` to that app's).
"""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from minga.common import charts, formatting
from minga.common.page_cache import public_page
from minga.finance import selectors as finance_selectors
from minga.portfolio import selectors as portfolio_selectors
from minga.portfolio.selectors import ProjectFilters
from minga.reference import boundaries
from minga.reference import views as reference_views
from minga.site.territories import subdivision_url, territory_urlpatterns


def _latest_people_per_subdivision(figures) -> dict[str, object]:
    """Subdivision code → its newest visible figure (any group), from the figures the page lists already."""
    latest = {}
    for figure in sorted((f for f in figures if f.subdivision_id), key=lambda f: (f.as_of, f.pk), reverse=True):
        latest.setdefault(figure.subdivision_id, figure)
    return latest


def country_map(country, subdivisions, figures, per_subdivision: dict[str, int]) -> charts.Chart:
    """The choropleth of the country's subdivisions, with its caption and its data table.

    Coloured by published projects per subdivision where any names one, else by the newest population
    figure of each subdivision (the figures the reader may see).
    """
    units = [unit for unit in subdivisions if unit.has_geometry]
    if per_subdivision:
        measure, measure_hashtag = _("Published projects"), "#output+projects+num"
        values = {unit.code: (per_subdivision.get(unit.code), "") for unit in units}
    else:
        measure, measure_hashtag = _("People (newest figure)"), "#population"
        people = _latest_people_per_subdivision(figures)
        values = {unit.code: (people[unit.code].value, formatting.format_month(people[unit.code].as_of))
                  if unit.code in people else (None, "") for unit in units}
    rows = [{"code": unit.code, "name": unit.name, "value": values[unit.code][0], "href": subdivision_url(unit.code),
             "label": formatting.format_number(values[unit.code][0]) if values[unit.code][0] is not None
             else _("no figure"), "as_of": values[unit.code][1]} for unit in units]
    return charts.subdivisions_choropleth_chart(topojson_url=boundaries.admin1_url(country.iso3), iso3=country.iso3,
                                                rows=rows, measure=measure, country_name=country.name,
                                                measure_hashtag=measure_hashtag)


@public_page("country")
def country_detail(request, iso3):
    context = reference_views.country_context(request, iso3)
    country = context["country"]
    per_subdivision = portfolio_selectors.published_per_subdivision(country.iso3)
    if country.is_member_state or country.is_origin:
        context["map_chart"] = country_map(
            country, context["subdivisions"], context["figures"], per_subdivision)
    context.update({
        "totals": portfolio_selectors.published_totals(country=country.iso3),
        "latest": portfolio_selectors.latest_published(country=country.iso3),
        "catalogue_query": ProjectFilters(country=[country.iso3]).urlencode(),
    })
    return render(request, "site/country_detail.html", context)


@public_page("organisation")
def organisation_detail(request, pk):
    context = reference_views.organisation_context(request, pk)
    organisation = context["organisation"]
    context.update({
        "projects": portfolio_selectors.organisation_projects(request.user, organisation),
        "pledges": finance_selectors.pledges_of(request.user, organisation),
    })
    return render(request, "site/organisation_detail.html", context)


reference_urlpatterns = [
    path("countries/<str:iso3>/", country_detail, name="country_detail"),
    path("organisations/<int:pk>/", organisation_detail, name="organisation_detail"),
    *territory_urlpatterns,
]
