"""Vega-Lite specifications for the pages' charts (rendered in the browser by the vendored vega-embed).

Specs are plain dicts so that the same spec can later be rendered to SVG for PDF reports. Each spec's
``description`` is a sentence saying what the chart shows, with its key figure: the page prints it as the
chart's caption and names the chart by it (Vega would otherwise call it "Vega visualization"), and a
``Chart`` adds the table of the same data for readers who cannot see the chart or have not loaded it yet.
"""

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from minga.common.formatting import format_number

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; never fetched
MEMBER_COLOUR = "#1f6f8b"
ORIGIN_COLOUR = "#e07a1f"
OTHER_COLOUR = "#d9dee3"


@dataclass
class Chart:
    """A chart as a page shows it: the spec, its caption (the spec's description) and the same data as a table.

    ``key`` names the chart's elements in the page (``<key>-spec``, ``<key>-caption``); ``rows`` are lists
    of cells already written for the reader. No rows: the page shows the data in a table of its own nearby.
    """

    key: str
    spec: dict
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)  # HXL, one per column: the data table's CSV

    @property
    def headers(self) -> list[tuple[str, str]]:
        """Each column with its hashtag ("" where none is given)."""
        return list(zip(self.columns, [*self.hashtags, *[""] * (len(self.columns) - len(self.hashtags))], strict=True))

    @property
    def caption(self) -> str:
        return self.spec["description"]

    @property
    def spec_id(self) -> str:
        return f"{self.key}-spec"


def process_map_spec(*, topojson_url: str, rows: list[dict]) -> dict:
    """Member states and the country of origin on a map of the Americas; people in the tooltip.

    ``rows``: dicts with iso3, name, status ("member"/"origin"), people (text, already formatted).
    The projection fits the map to the width it is given (a phone's too): no scale or centre is fixed.
    """
    member, origin, other = _("Quito Process member state"), _("Country of origin"), _("Other country")
    for row in rows:
        row["status_label"] = member if row["status"] == "member" else origin
    members = sum(1 for row in rows if row["status"] == "member")
    origins = ", ".join(row["name"] for row in rows if row["status"] == "origin")
    return {
        "$schema": SCHEMA,
        "description": ngettext(
            "Map of Latin America and the Caribbean: %(count)s Quito Process member state, in blue, and the "
            "country of origin, %(origin)s, in orange.",
            "Map of Latin America and the Caribbean: the %(count)s Quito Process member states, in blue, and "
            "the country of origin, %(origin)s, in orange.", members) % {
                "count": format_number(members), "origin": origins},
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
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
        "encoding": {
            "color": {
                "field": "status_label", "type": "nominal", "title": None,
                "scale": {"domain": [member, origin, other], "range": [MEMBER_COLOUR, ORIGIN_COLOUR, OTHER_COLOUR]},
                "legend": {"orient": "bottom", "direction": "vertical"},
            },
            "tooltip": [
                {"field": "name", "type": "nominal", "title": _("Country")},
                {"field": "people", "type": "nominal", "title": _("Refugees and migrants from Venezuela")},
            ],
        },
    }


def process_map_chart(*, topojson_url: str, rows: list[dict]) -> Chart:
    spec = process_map_spec(topojson_url=topojson_url, rows=rows)
    return Chart(key="map", spec=spec, columns=[_("Country"), pgettext("map legend", "Role"),
                                                _("Refugees and migrants from Venezuela")],
                 rows=[[row["name"], row["status_label"], row["people"]] for row in rows],
                 hashtags=["#country+name", "#country+type", "#affected+refugees+migrants"])


def people_bar_spec(*, rows: list[dict]) -> dict:
    """Refugees and migrants per host country, largest first. ``rows``: name, people (int), label, as_of."""
    if rows:
        top = max(rows, key=lambda row: row["people"])
        description = ngettext(
            "Refugees and migrants from Venezuela in %(count)s host country: %(country)s hosts the most, "
            "%(people)s people (%(as_of)s). The table below gives each figure with its source.",
            "Refugees and migrants from Venezuela in %(count)s host countries: %(country)s hosts the most, "
            "%(people)s people (%(as_of)s). The table below gives each figure with its source.", len(rows)) % {
                "count": format_number(len(rows)), "country": top["name"], "people": top["label"],
                "as_of": top["as_of"]}
    else:
        description = _("Refugees and migrants from Venezuela per host country: no published figure yet.")
    return {
        "$schema": SCHEMA,
        "description": description,
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


def _admin1_layer(*, topojson_url: str, iso3: str, rows: list[dict], unmarked: str) -> dict:
    return {
        "data": {"url": topojson_url, "format": {"type": "topojson", "feature": "admin1"}},
        "transform": [
            {"filter": {"field": "properties.country", "oneOf": [iso3]}},
            {"lookup": "properties.iso_3166_2",
             "from": {"data": {"values": rows}, "key": "code", "fields": ["name", "status"]}},
            {"calculate": f"datum.status ? datum.status : {_js_string(unmarked)}", "as": "status"},
            {"calculate": "datum.name ? datum.name : datum.properties.name", "as": "name"},
        ],
    }


def _admin1_map(*, topojson_urls: dict[str, str], names: dict[str, str], highlighted: set[str],
                marked: str, unmarked: str, unmarked_colour: str, height: int, description: str) -> dict:
    """First-level units of the countries of ``topojson_urls`` (alpha-3 → that country's own boundary file,
    ``admin1/<ISO3>.topo.json``), ``highlighted`` ones coloured. One country: one data source; several: one
    layer each, sharing the projection, which fits them all to the chart's width."""
    rows = [{"code": code, "name": name, "status": marked if code in highlighted else unmarked}
            for code, name in names.items()]
    drawn = {
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.6},
        "encoding": {
            "color": {"field": "status", "type": "nominal", "title": None,
                      "scale": {"domain": [marked, unmarked], "range": [ORIGIN_COLOUR, unmarked_colour]},
                      "legend": {"orient": "bottom"}},
            "tooltip": [{"field": "name", "type": "nominal", "title": _("Subdivision")},
                        {"field": "properties.iso_3166_2", "type": "nominal", "title": _("Code")}],
        },
    }
    layers = [_admin1_layer(topojson_url=url, iso3=iso3, rows=rows, unmarked=unmarked)
              for iso3, url in sorted(topojson_urls.items())]
    spec = {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "projection": {"type": "mercator"},
    }
    if len(layers) == 1:
        return {**spec, **layers[0], **drawn}
    return {**spec, "layer": [{**layer, **drawn} for layer in layers]}


def _admin1_rows(names: dict[str, str], highlighted: set[str]) -> list[list[str]]:
    return [[name, code, _("yes") if code in highlighted else _("no")]
            for code, name in sorted(names.items(), key=lambda item: item[1])]


def project_territories_map_spec(*, topojson_urls: dict[str, str], names: dict[str, str], highlighted: set[str],
                                 country_names: dict[str, str] | None = None) -> dict:
    """The first-level units of a project's countries; the units the project works in are coloured.

    ``topojson_urls``: each country's alpha-3 → its boundary file; ``names``: ISO 3166-2 code → name of
    the units on the map; ``highlighted``: the project's units (a project named only at country level has
    all the units of that country highlighted).
    """
    country_names = country_names or {}
    countries = ", ".join(country_names.get(iso3, iso3) for iso3 in sorted(topojson_urls))
    description = ngettext(
        "Map of the first-level subdivisions of %(countries)s: the project works in %(marked)s of the "
        "%(count)s drawn (in orange).",
        "Map of the first-level subdivisions of %(countries)s: the project works in %(marked)s of the "
        "%(count)s drawn (in orange).", len(names)) % {
            "countries": countries, "marked": format_number(len(highlighted & set(names))),
            "count": format_number(len(names))}
    return _admin1_map(topojson_urls=topojson_urls, names=names, highlighted=highlighted,
                       marked=_("Project territory"), unmarked=_("Other subdivision"),
                       unmarked_colour=OTHER_COLOUR, height=340, description=description)


def subdivisions_choropleth_chart(*, topojson_url: str, iso3: str, rows: list[dict], measure: str,
                                  country_name: str = "", measure_hashtag: str = "#indicator+num") -> Chart:
    """The choropleth with its caption and, as its table, the subdivisions that have a value."""
    spec = subdivisions_choropleth_spec(topojson_url=topojson_url, iso3=iso3, rows=rows, measure=measure,
                                        country_name=country_name)
    valued = [row for row in rows if row["value"] is not None]
    with_dates = any(row["as_of"] for row in valued)
    return Chart(key="subdivisions-map", spec=spec,
                 columns=[_("Subdivision"), measure, *([_("As of")] if with_dates else [])],
                 rows=[[row["name"], row["label"], *([row["as_of"]] if with_dates else [])] for row in valued],
                 hashtags=["#adm1+name", measure_hashtag, *(["#date+reported"] if with_dates else [])])


def subdivisions_choropleth_spec(*, topojson_url: str, iso3: str, rows: list[dict], measure: str,
                                 country_name: str = "") -> dict:
    """The first-level units of one country coloured by a figure (``measure``: what it counts).

    ``rows``: code, name, value (a number, or None where the unit has none: drawn grey), label (the value
    formatted for the reader) and as_of (its date as text, or ""). A grey layer draws every unit; the
    coloured layer only those with a value, so that a unit without one is never read as zero.
    """
    valued = sum(1 for row in rows if row["value"] is not None)
    # Rows that carry an address ("href") make the map a way down: a click opens that unit's page.
    link = [{"field": "href", "type": "nominal"}] if any(row.get("href") for row in rows) else []
    spec = {
        "$schema": SCHEMA,
        "description": ngettext(
            "Map of the %(count)s first-level subdivision of %(country)s, coloured by %(measure)s; %(valued)s "
            "of them has a value (the others are grey).",
            "Map of the %(count)s first-level subdivisions of %(country)s, coloured by %(measure)s; %(valued)s "
            "of them have a value (the others are grey).", len(rows)) % {
                "count": format_number(len(rows)), "country": country_name or iso3, "measure": measure.lower(),
                "valued": format_number(valued)},
        "width": "container",
        "height": 380,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"url": topojson_url, "format": {"type": "topojson", "feature": "admin1"}},
        "transform": [
            {"filter": {"field": "properties.country", "equal": iso3}},
            {"lookup": "properties.iso_3166_2",
             "from": {"data": {"values": rows}, "key": "code", "fields": ["name", "value", "label", "as_of", *(["href"] if link else [])]}},
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
    for layer in spec["layer"] if link else ():
        layer["encoding"]["href"] = link[0]
    return spec


def project_territories_map_chart(*, topojson_urls: dict[str, str], names: dict[str, str], highlighted: set[str],
                                  country_names: dict[str, str]) -> Chart:
    spec = project_territories_map_spec(topojson_urls=topojson_urls, names=names, highlighted=highlighted,
                                        country_names=country_names)
    return Chart(key="project-map", spec=spec, columns=[_("Subdivision"), _("Code"), _("Project territory")],
                 rows=_admin1_rows(names, highlighted), hashtags=["#adm1+name", "#adm1+code", "#meta+project"])
