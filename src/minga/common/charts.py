"""Vega-Lite specifications for the pages' charts (rendered in the browser by the vendored vega-embed).

Specs are plain dicts so that the same spec can later be rendered to SVG for PDF reports.
"""

import json

from django.utils.translation import gettext as _

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; never fetched
MEMBER_COLOUR = "#1f6f8b"
ORIGIN_COLOUR = "#e07a1f"
OTHER_COLOUR = "#d9dee3"


def process_map_spec(*, topojson_url: str, rows: list[dict]) -> dict:
    """Member states and the country of origin on a map of the Americas; people in the tooltip.

    ``rows``: dicts with iso3, name, status ("member"/"origin"), people (text, already formatted).
    """
    member, origin, other = _("Quito Process member state"), _("Country of origin"), _("Other country")
    for row in rows:
        row["status_label"] = member if row["status"] == "member" else origin
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 460,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"url": topojson_url, "format": {"type": "topojson", "feature": "countries"}},
        "transform": [
            {"lookup": "properties.iso_a3",
             "from": {"data": {"values": rows}, "key": "iso3", "fields": ["name", "status_label", "people"]}},
            {"calculate": f"datum.status_label ? datum.status_label : {_js_string(other)}", "as": "status_label"},
            {"calculate": "datum.name ? datum.name : datum.properties.name", "as": "name"},
        ],
        "projection": {"type": "mercator", "center": [-72, -12], "scale": 330},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
        "encoding": {
            "color": {
                "field": "status_label", "type": "nominal", "title": None,
                "scale": {"domain": [member, origin, other], "range": [MEMBER_COLOUR, ORIGIN_COLOUR, OTHER_COLOUR]},
                "legend": {"orient": "bottom-left"},
            },
            "tooltip": [
                {"field": "name", "type": "nominal", "title": _("Country")},
                {"field": "people", "type": "nominal", "title": _("Refugees and migrants from Venezuela")},
            ],
        },
    }


def people_bar_spec(*, rows: list[dict]) -> dict:
    """Refugees and migrants per host country, largest first. ``rows``: name, people (int), label."""
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": {"step": 22},
        # The axis labels count within the container's width: on a phone the chart shrinks, never the page.
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": rows},
        "mark": {"type": "bar", "color": MEMBER_COLOUR},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "people", "type": "quantitative", "title": _("People"),
                  "axis": {"format": "~s"}},
            "tooltip": [{"field": "name", "title": _("Country")}, {"field": "label", "title": _("People")},
                        {"field": "as_of", "title": _("As of")}],
        },
    }


def _js_string(text: str) -> str:
    return json.dumps(text)


def _admin1_map(*, topojson_url: str, countries: list[str], names: dict[str, str], highlighted: set[str],
                marked: str, unmarked: str, unmarked_colour: str, height: int) -> dict:
    """First-level units of ``countries`` from the committed admin-1 TopoJSON, ``highlighted`` ones coloured."""
    rows = [{"code": code, "name": name, "status": marked if code in highlighted else unmarked}
            for code, name in names.items()]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"url": topojson_url, "format": {"type": "topojson", "feature": "admin1"}},
        "transform": [
            {"filter": {"field": "properties.country", "oneOf": sorted(countries)}},
            {"lookup": "properties.iso_3166_2",
             "from": {"data": {"values": rows}, "key": "code", "fields": ["name", "status"]}},
            {"calculate": f"datum.status ? datum.status : {_js_string(unmarked)}", "as": "status"},
            {"calculate": "datum.name ? datum.name : datum.properties.name", "as": "name"},
        ],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
        "encoding": {
            "color": {"field": "status", "type": "nominal", "title": None,
                      "scale": {"domain": [marked, unmarked], "range": [ORIGIN_COLOUR, unmarked_colour]},
                      "legend": {"orient": "bottom"}},
            "tooltip": [{"field": "name", "type": "nominal", "title": _("Subdivision")},
                        {"field": "properties.iso_3166_2", "type": "nominal", "title": _("Code")}],
        },
    }


def subdivisions_map_spec(*, topojson_url: str, iso3: str, names: dict[str, str], highlighted: set[str]) -> dict:
    """The first-level units of one country; units with a visible figure are coloured."""
    return _admin1_map(topojson_url=topojson_url, countries=[iso3], names=names, highlighted=highlighted,
                       marked=_("With a figure of its own"), unmarked=_("Subdivision"),
                       unmarked_colour=MEMBER_COLOUR, height=380)


def project_territories_map_spec(*, topojson_url: str, countries: list[str], names: dict[str, str],
                                 highlighted: set[str]) -> dict:
    """The first-level units of a project's countries; the units the project works in are coloured.

    ``names``: ISO 3166-2 code → name of the units on the map; ``highlighted``: the project's units
    (a project named only at country level has all the units of that country highlighted).
    """
    return _admin1_map(topojson_url=topojson_url, countries=countries, names=names, highlighted=highlighted,
                       marked=_("Project territory"), unmarked=_("Other subdivision"),
                       unmarked_colour=OTHER_COLOUR, height=340)


def subdivisions_choropleth_spec(*, topojson_url: str, iso3: str, rows: list[dict], measure: str) -> dict:
    """The first-level units of one country coloured by a figure (``measure``: what it counts).

    ``rows``: code, name, value (a number, or None where the unit has none: drawn grey), label (the value
    formatted for the reader) and as_of (its date as text, or ""). A grey layer draws every unit; the
    coloured layer only those with a value, so that a unit without one is never read as zero.
    """
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 380,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"url": topojson_url, "format": {"type": "topojson", "feature": "admin1"}},
        "transform": [
            {"filter": {"field": "properties.country", "equal": iso3}},
            {"lookup": "properties.iso_3166_2",
             "from": {"data": {"values": rows}, "key": "code", "fields": ["name", "value", "label", "as_of"]}},
            {"calculate": "datum.name ? datum.name : datum.properties.name", "as": "name"},
            {"calculate": f"datum.label ? datum.label : {_js_string(_('no figure'))}", "as": "label"},
        ],
        "projection": {"type": "mercator"},
        "layer": [
            {"mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6, "fill": OTHER_COLOUR},
             "encoding": {"tooltip": [{"field": "name", "type": "nominal", "title": _("Subdivision")},
                                      {"field": "label", "type": "nominal", "title": measure}]}},
            {"transform": [{"filter": "isValid(datum.value)"}],
             "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
             "encoding": {
                 "color": {"field": "value", "type": "quantitative", "title": measure,
                           "scale": {"scheme": "blues"}, "legend": {"orient": "bottom", "format": "~s"}},
                 "tooltip": [{"field": "name", "type": "nominal", "title": _("Subdivision")},
                             {"field": "label", "type": "nominal", "title": measure},
                             {"field": "as_of", "type": "nominal", "title": _("As of")}]}},
        ],
    }
