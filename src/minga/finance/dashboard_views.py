"""The public funding dashboard (/funding/) and its tables as CSV (/funding/donors.csv, /funding/countries.csv)."""

from django.http import Http404
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.common.errors import ParameterInvalid
from minga.common.hxl import csv_response, table_csv
from minga.common.page_cache import public_page
from minga.finance import charts
from minga.finance.selectors import dashboard as selectors
from minga.finance.selectors.report import KEYS, hashtags, unconverted_text

# The donor table's CSV: the report's columns, then the share disbursed of what was pledged the page shows.
# How many of a row's pledges and flows are made up for the demonstration (0 in a real deployment's rows).
ILLUSTRATIVE, ILLUSTRATIVE_HASHTAG = "illustrative_records", "#meta+illustrative+count"
DONOR_EXTRA = "fulfilment_percent"
DONOR_HASHTAG = "#value+funding+fulfilment+pct"
# The country table's CSV: the report's columns, then what the page adds beside them.
COUNTRY_EXTRA = ("coverage_percent", "population", "population_as_of", "population_source",
                 "disbursed_per_person_usd")
# The population is tagged as the pages tag it (and the HXL import reads it back, with its date and source);
# the source is its address where it has one, else its publisher: #meta+source, which is either.
COUNTRY_HASHTAGS = {"coverage_percent": "#value+funding+pct", "population": "#affected+refugees+migrants",
                    "population_as_of": "#date+population", "population_source": "#meta+source",
                    "disbursed_per_person_usd": "#value+funding+disbursed+per_person+usd"}


def _bad_parameter(request, error: ParameterInvalid):
    """400 naming the query parameter that may not be used, and why (as the catalogue answers)."""
    return render(request, "400.html", {"message": f"{error.field}: {error.message}"}, status=400)


def _read(request):
    offered = selectors.options(request.user)
    query = selectors.parse_query(request.GET, offered)
    return offered, selectors.dashboard(request.user, query, on=timezone.localdate())


@require_GET
@public_page("funding")
def funding_dashboard(request):
    try:
        offered, found = _read(request)
    except ParameterInvalid as error:
        return _bad_parameter(request, error)
    query = found.query
    return render(request, "finance/funding_dashboard.html", {
        "found": found, "offered": offered, "filters": query.filters,
        "purpose": {True: "humanitarian", False: "integration", None: ""}[query.filters.humanitarian],
        "query": query.query(),
        "donor_chart": charts.donor_bars_chart(found.donors),
        "gap_chart": charts.gap_map_chart(topojson_url=static("minga/geo/countries-americas.topo.json"),
                                          countries=found.countries),
        "per_capita_chart": charts.per_capita_map_chart(
            topojson_url=static("minga/geo/countries-americas.topo.json"), countries=found.countries),
        "donor_columns": _columns(query, "donor_sort", (
            ("label", _("Donor")), ("pledged", _("Pledged")), ("committed", _("Committed")),
            ("disbursed", _("Disbursed")), ("fulfilment", _("Disbursed of pledged")))),
        "country_columns": _columns(query, "country_sort", (
            ("label", _("Country")), ("requirement", _("Requirement")), ("funding", _("Funding")),
            ("gap", _("Gap")), ("coverage", _("Coverage")), ("per_person", _("Disbursed per person")))),
    })


def _columns(query, parameter: str, columns) -> list[tuple[str, str, str, str]]:
    """Each column's (key, heading, address of the page sorted by it, aria-sort value or "")."""
    current = getattr(query, parameter)
    found = []
    for key, heading in columns:
        state = ""
        if current.removeprefix("-") == key:
            state = "descending" if current.startswith("-") else "ascending"
        found.append((key, heading, "?" + query.query(**{parameter: _next_sort(current, key)}), state))
    return found


def _next_sort(current: str, key: str) -> str:
    """A column's link: largest first (names A to Z), and the other way round when already so sorted."""
    first = key if key == "label" else f"-{key}"
    return (key if first.startswith("-") else f"-{key}") if current == first else first


@require_GET
@public_page("funding-csv")
def funding_csv(request, table: str):
    if table not in ("donors", "countries"):
        raise Http404
    try:
        _offered, found = _read(request)
    except ParameterInvalid as error:
        return _bad_parameter(request, error)
    made_up = selectors.illustrative_by_row(request.user, found.query, "donor" if table == "donors" else "country")
    if table == "donors":
        text = _donors_csv(found.donors, made_up)
    else:
        text = _countries_csv(found.countries, made_up)
    return csv_response(text, f"funding-{table}.csv")


def _report_cells(row) -> list:
    """``report.render``'s columns of one row, as values ``table_csv`` writes (and guards against formulas)."""
    values = row.as_dict()
    return [unconverted_text(values[key]) if isinstance(values[key], dict) else values[key] for key in KEYS]


def _donors_csv(donors, made_up: dict[str, int]) -> str:
    """``report.render``'s columns for each donor row, then "Disbursed of pledged", as the page shows it, and how
    many of the row's records are made up for the demonstration."""
    headers = [*KEYS, DONOR_EXTRA, ILLUSTRATIVE]
    return table_csv(headers, {**hashtags("donor"), DONOR_EXTRA: DONOR_HASHTAG, ILLUSTRATIVE: ILLUSTRATIVE_HASHTAG},
                     [[*_report_cells(answer.row), answer.fulfilment_percent, made_up.get(answer.row.key, 0)]
                      for answer in donors])


def _countries_csv(countries, made_up: dict[str, int]) -> str:
    """``report.render``'s columns for each country row, then coverage and per person with its figure, and how many
    of the row's records are made up for the demonstration."""
    rows = []
    for answer in countries:
        figure = answer.figure
        rows.append([
            *_report_cells(answer.row), answer.row.coverage,
            None if figure is None else figure.value,
            None if figure is None else figure.as_of.isoformat(),
            None if figure is None else figure.source.url or figure.source.publisher,
            answer.disbursed_per_person, made_up.get(answer.row.key, 0)])
    return table_csv([*KEYS, *COUNTRY_EXTRA, ILLUSTRATIVE],
                     {**hashtags("country"), **COUNTRY_HASHTAGS, ILLUSTRATIVE: ILLUSTRATIVE_HASHTAG}, rows)
