from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.common import charts, formatting
from minga.common.page_cache import public_page
from minga.finance import selectors as finance_selectors
from minga.portfolio import selectors as portfolio_selectors
from minga.reference import selectors as reference_selectors


@require_GET
@public_page("home")
def home(request):
    people = reference_selectors.latest_people_per_host_country(request.user)
    map_rows = [{"iso3": row.country.iso3, "name": row.country.name, "status": "member",
                 "people": formatting.format_number(row.figure.value)} for row in people]
    shown = {row["iso3"] for row in map_rows}
    for country in reference_selectors.process_countries():
        if country.iso3 not in shown:
            map_rows.append({"iso3": country.iso3, "name": country.name,
                             "status": "origin" if country.is_origin else "member",
                             "people": _("country of origin") if country.is_origin else _("no figure yet")})
    bar_rows = [{"name": row.country.name, "people": row.figure.value,
                 "label": formatting.format_number(row.figure.value),
                 "as_of": formatting.format_month(row.figure.as_of)} for row in people]
    context = {
        "people": people,
        "regional_totals": reference_selectors.regional_totals(),
        "member_states": reference_selectors.countries_as_shown(reference_selectors.member_states()),
        "conferences": finance_selectors.conference_headlines(),
        "group_of_friends": reference_selectors.group_of_friends(),
        "map_chart": charts.process_map_chart(
            topojson_url=static("minga/geo/countries-americas.topo.json"), rows=map_rows),
        # Its data table is the page's people table, right below the chart (with the sources).
        "people_chart": charts.Chart(key="people", spec=charts.people_bar_spec(rows=bar_rows)),
        # The published portfolio, whoever asks: the same figures for every reader.
        "totals": portfolio_selectors.published_totals(),
        "latest": portfolio_selectors.latest_published(),
    }
    return render(request, "site/home.html", context)
