"""Coverage of the priority municipalities: a table, one map per country (officials trained per first-level
subdivision, over the priority municipalities), and the same table as CSV."""

from dataclasses import replace

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.capacity import selectors
from minga.capacity.models import ROLES, SEXES
from minga.common import charts, formatting
from minga.common.page_cache import public_page
from minga.reference.boundaries import admin1_url
from minga.reference.models import Country, Subdivision


def coverage_maps(rows: list[selectors.CoverageRow]) -> list[charts.Chart]:
    """Per country with priority municipalities: its subdivisions coloured by officials trained there."""
    found = selectors.per_subdivision(rows)
    countries = {country.iso3: country for country in Country.objects.filter(iso3__in=found)}
    units = Subdivision.objects.filter(country_id__in=found, is_admin1=True).order_by("name")
    maps = []
    for iso3 in sorted(found):
        values = found[iso3]
        unit_rows = [{"code": unit.code, "name": unit.name, "value": values.get(unit.code),
                      "label": formatting.format_number(values[unit.code]) if unit.code in values else _("no figure"),
                      "as_of": ""} for unit in units if unit.country_id == iso3 and unit.has_geometry]
        chart = charts.subdivisions_choropleth_chart(
            topojson_url=admin1_url(iso3), iso3=iso3, rows=unit_rows, measure=_("Officials trained"),
            country_name=countries[iso3].name, measure_hashtag="#reached+trained")
        maps.append(replace(chart, key=f"coverage-map-{iso3.lower()}"))
    return maps


@require_GET
@public_page("capacity-coverage")
def coverage(request):
    found = selectors.coverage()
    return render(request, "capacity/coverage.html", {
        "coverage": found, "roles": ROLES, "sexes": SEXES,
        "maps": coverage_maps(found.rows)})
