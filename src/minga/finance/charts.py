"""The funding dashboard's charts: Vega-Lite specs as ``minga.common.charts.Chart``s (caption + data table)."""

import json
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minga.common.charts import OTHER_COLOUR, SCHEMA, Chart
from minga.common.formatting import for_machines, format_money, format_number


def _usd(value: Decimal | None) -> str:
    return "—" if value is None else format_money(value, "USD")


def _percent(value: Decimal | None) -> str:
    """"4.7 %" on the page; 4.7 in its table's CSV (``formatting.machine_values``), as a spreadsheet reads it."""
    if value is None:
        return "" if for_machines() else "—"
    return format_number(value, digits=1) if for_machines() else f"{format_number(value, digits=1)} %"


def donor_bars_chart(donors) -> Chart:
    """Pledged, committed and disbursed per donor (``donors``: ``Fulfilment`` answers, in the table's order)."""
    stages = (("pledged", _("Pledged")), ("committed", _("Committed")), ("disbursed", _("Disbursed")))
    values = [{"donor": answer.row.label, "stage": label, "usd": float(getattr(answer.row, name)),
               "label": _usd(getattr(answer.row, name))}
              for answer in donors for name, label in stages]
    if donors:
        top = max(donors, key=lambda answer: answer.row.disbursed)
        description = ngettext(
            "Pledged, committed and disbursed, in US dollars, for %(count)s donor: %(donor)s disbursed "
            "%(amount)s. The table below gives each figure.",
            "Pledged, committed and disbursed, in US dollars, for %(count)s donors: %(donor)s disbursed the "
            "most, %(amount)s. The table below gives each figure.", len(donors)) % {
                "count": format_number(len(donors)), "donor": top.row.label, "amount": _usd(top.row.disbursed)}
    else:
        description = _("Pledged, committed and disbursed per donor: no record matches these filters.")
    spec = {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": {"step": 14},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "donor", "type": "nominal", "title": None, "sort": None},
            "yOffset": {"field": "stage", "type": "nominal", "sort": None},
            "x": {"field": "usd", "type": "quantitative", "title": _("US dollars"), "axis": {"format": "~s"}},
            "color": {"field": "stage", "type": "nominal", "title": None, "sort": None,
                      "scale": {"range": ["#9ecae1", "#4292c6", "#08519c"]}, "legend": {"orient": "bottom"}},
            "tooltip": [{"field": "donor", "title": _("Donor")}, {"field": "stage", "title": _("Stage")},
                        {"field": "label", "title": _("US dollars")}],
        },
    }
    # Its data table is the donor table right below it (sortable, with a CSV download).
    return Chart(key="donors", spec=spec)


def _country_map_spec(*, description: str, topojson_url: str, rows: list[dict], field: str, empty_label: str,
                      tooltip_title: str, legend_title: str, scheme: str) -> dict:
    """A choropleth of one figure per country on the map of the Americas: countries without it grey."""
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": 420,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"url": topojson_url, "format": {"type": "topojson", "feature": "countries"}},
        "transform": [
            {"lookup": "properties.iso_a3", "from": {"data": {"values": rows}, "key": "iso3",
                                                     "fields": [field, "label"]}},
            {"calculate": "datum.properties.name", "as": "name"},
            {"calculate": f"datum.label ? datum.label : {json.dumps(empty_label)}", "as": "label"},
        ],
        "projection": {"type": "mercator"},
        "layer": [
            {"mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6, "fill": OTHER_COLOUR},
             "encoding": {"tooltip": [{"field": "name", "type": "nominal", "title": _("Country")},
                                      {"field": "label", "type": "nominal", "title": tooltip_title}]}},
            {"transform": [{"filter": f"isValid(datum.{field})"}],
             "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
             "encoding": {
                 "color": {"field": field, "type": "quantitative", "title": legend_title,
                           "scale": {"scheme": scheme}, "legend": {"orient": "bottom", "format": "~s"}},
                 "tooltip": [{"field": "name", "type": "nominal", "title": _("Country")},
                             {"field": "label", "type": "nominal", "title": tooltip_title}]}},
        ],
    }


def gap_map_chart(*, topojson_url: str, countries) -> Chart:
    """The gap (requirement − funding) of each country with a requirement, on the map of the Americas."""
    rows = [{"iso3": answer.row.key, "name": answer.row.label, "gap": float(answer.row.gap),
             "label": _usd(answer.row.gap)} for answer in countries if answer.row.gap is not None]
    if rows:
        widest = max(rows, key=lambda row: row["gap"])
        description = ngettext(
            "Map of the gap between requirement and funding in %(count)s country with a requirement: "
            "%(country)s, %(gap)s. Countries without a requirement are grey.",
            "Map of the gap between requirement and funding in %(count)s countries with a requirement: the "
            "widest is %(country)s, %(gap)s. Countries without a requirement are grey.", len(rows)) % {
                "count": format_number(len(rows)), "country": widest["name"], "gap": widest["label"]}
    else:
        description = _("Map of the gap between requirement and funding: no country requirement for these filters.")
    spec = _country_map_spec(description=description, topojson_url=topojson_url, rows=rows, field="gap",
                             empty_label=_("no requirement"), tooltip_title=_("Gap"),
                             legend_title=_("Gap (US dollars)"), scheme="oranges")
    return Chart(key="gap-map", spec=spec, columns=[_("Country"), _("Gap"), _("Coverage")],
                 rows=[[answer.row.label, _usd(answer.row.gap),
                        _percent(answer.row.coverage)]
                       for answer in countries if answer.row.gap is not None],
                 hashtags=["#country+name", "#value+funding+gap+usd", "#value+funding+pct"])


def shares_chart(rows) -> Chart:
    """Per year, the shares of funding by purpose (humanitarian or development and integration) and of what was
    pledged by instrument (grant or loan), stacked to 100 % (``rows``: ``answers.Shares`` per year)."""
    purpose, instrument = _("Funding by purpose"), _("Pledged by instrument")
    parts = ((purpose, _("Humanitarian"), "humanitarian_usd"),
             (purpose, _("Development and integration"), "development_usd"),
             (instrument, _("Grant"), "grant_usd"), (instrument, _("Loan"), "loan_usd"))
    values = [{"year": row.label, "series": series, "part": part, "usd": float(getattr(row, name)),
               "label": _usd(getattr(row, name))} for row in rows for series, part, name in parts]
    if rows:
        description = ngettext(
            "Shares per year, for %(count)s year: funding that is humanitarian or for development and "
            "integration, and pledges that are grants or loans. The table below gives each amount.",
            "Shares per year, for %(count)s years: funding that is humanitarian or for development and "
            "integration, and pledges that are grants or loans. The table below gives each amount.", len(rows)) % {
                "count": format_number(len(rows))}
    else:
        description = _("Shares per year: no record matches these filters.")
    spec = {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": 220,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": None},
            "xOffset": {"field": "series", "type": "nominal", "sort": None},
            "y": {"field": "usd", "type": "quantitative", "stack": "normalize", "title": None,
                  "axis": {"format": "%"}},
            "color": {"field": "part", "type": "nominal", "title": None, "sort": None,
                      "scale": {"range": ["#d94801", "#fdae6b", "#08519c", "#9ecae1"]},
                      "legend": {"orient": "bottom", "columns": 2}},
            "tooltip": [{"field": "year", "title": _("Year")}, {"field": "series", "title": _("Measure")},
                        {"field": "part", "title": _("Part")}, {"field": "label", "title": _("US dollars")}],
        },
    }
    return Chart(key="shares", spec=spec,
                 columns=[_("Year"), _("Humanitarian"), _("Development and integration"), _("Grant"), _("Loan")],
                 rows=[[row.label, *(_usd(getattr(row, name)) for _series, _part, name in parts)] for row in rows],
                 hashtags=["#date+year", "#value+funding+humanitarian+usd", "#value+funding+development+usd",
                           "#value+funding+grant+usd", "#value+funding+loan+usd"])


def per_capita_map_chart(*, topojson_url: str, countries) -> Chart:
    """USD disbursed per refugee and migrant in each country with a population figure, on the map of the Americas
    (``countries``: ``PerCapita`` answers, their figure the one in force at the page's date)."""
    rows = [{"iso3": answer.row.key, "name": answer.row.label, "value": float(answer.disbursed_per_person),
             "label": _usd(answer.disbursed_per_person)} for answer in countries
            if answer.disbursed_per_person is not None]
    if rows:
        top = max(rows, key=lambda row: row["value"])
        description = ngettext(
            "Map of the US dollars disbursed per refugee and migrant in %(count)s country with a population "
            "figure: %(country)s, %(amount)s. Countries without a figure are grey.",
            "Map of the US dollars disbursed per refugee and migrant in %(count)s countries with a population "
            "figure: the most is %(country)s, %(amount)s. Countries without a figure are grey.", len(rows)) % {
                "count": format_number(len(rows)), "country": top["name"], "amount": top["label"]}
    else:
        description = _("Map of the US dollars disbursed per refugee and migrant: no country has a population "
                        "figure for these filters.")
    spec = _country_map_spec(description=description, topojson_url=topojson_url, rows=rows, field="value",
                             empty_label=_("no figure"), tooltip_title=_("Disbursed per person"),
                             legend_title=_("Disbursed per person"), scheme="blues")
    return Chart(key="per-capita-map", spec=spec, columns=[_("Country"), _("Disbursed per person")],
                 rows=[[row["name"], row["label"]] for row in rows],
                 hashtags=["#country+name", "#value+funding+disbursed+per_person+usd"])


def subdivision_funding_chart(*, topojson_url: str, country, subdivisions, rows) -> Chart:
    """Funding (each sum once) per first-level subdivision of ``country`` (``rows``: ``funding.Row`` by subdivision;
    a unit no flow names is grey, never zero)."""
    from minga.common.charts import subdivisions_choropleth_chart

    funding = {row.key: row.funding for row in rows}
    values = [{"code": unit.code, "name": unit.name, "value": float(funding[unit.code]) if unit.code in funding
               else None, "label": _usd(funding[unit.code]) if unit.code in funding else _("no figure"), "as_of": ""}
              for unit in subdivisions]
    return subdivisions_choropleth_chart(topojson_url=topojson_url, iso3=country.iso3, rows=values,
                                         measure=_("Funding"), country_name=country.name,
                                         measure_hashtag="#value+funding+total+usd")
