"""The results' tables as CSV with an HXL hashtag row (``minga.common.hxl``): people reached per subdivision of a
country, as the territory page shows it (same country, same projects seen by the reader)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.common.hxl import csv_response, table_csv
from minga.common.page_cache import public_page
from minga.results import selectors
from minga.results.views import _country  # the page's own choice of the country, so that both agree

TERRITORY_HASHTAGS = ["#country+code", "#adm1+code", "#adm1+name", "#reached", "#output+projects+num",
                      "#meta+missing+num",
                      "#meta+illustrative"]


@require_GET
@public_page("results-territory-csv")
def territory_csv(request):
    country, _countries = _country(request)
    if country is None:
        return HttpResponse(_("country: choose a member state from the list."), status=400,
                            content_type="text/plain; charset=utf-8")
    figures, tables = selectors.people_by_subdivision(request.user, country.iso3)
    # As the page: the figures are illustrative when an indicator counted is (the demo's), and the CSV says so.
    illustrative = _("yes") if any(table.indicator.is_illustrative for table in tables) else ""
    headers = [_("Country"), _("Official code (p-code)"), _("Subdivision"), _("People reached"), _("Projects"),
               _("Cells missing"),
               _("Illustrative")]
    rows = [[country.iso3, figure.code, figure.name, "" if figure.people is None else figure.people,
             len(figure.projects), figure.missing_cells, illustrative] for figure in figures]
    return csv_response(table_csv(headers, TERRITORY_HASHTAGS, rows),
                        f"minga-people-reached-{country.iso3.lower()}.csv")
