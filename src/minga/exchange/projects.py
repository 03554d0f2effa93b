"""One project as flat, typed values: the shared ground of the CSV (HXL) and XLSX exports.

Both exports show the same columns, labelled in the reader's language, in the same order; they
differ only in grain (see ``minga.exchange.hxl`` and ``minga.exchange.xlsx``):

- the CSV has one row per project and first-level territory, because HXL tools filter and count
  on the value of one cell (``#country+code``, ``#adm1+code``);
- the XLSX has one row per project, with its territories listed in one cell, because people sum
  spreadsheet columns and a project must then be counted once.

Values are Python objects (``Decimal``, ``date``, ``int``, ``bool``, ``str``; ``None`` for
nothing), so that each writer can type its cells. A USD amount that could not be converted stays
``None`` and the row says "not converted" in the note column: never a zero.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minga.portfolio.models import (
    PopulationGroup,
    Project,
    ProjectLocation,
    ProjectPeople,
    ProjectTheme,
    SexAge,
    Status,
)
from minga.reference.models import LINES_OF_WORK, QUITO_AXES, Marker

AXES, LINES = QUITO_AXES, LINES_OF_WORK
LIST_SEPARATOR = "|"  # inside one cell of the CSV, between several values of one kind


class Kind:
    TEXT = "text"
    INTEGER = "integer"
    AMOUNT = "amount"  # in the project's own currency
    USD = "usd"
    DATE = "date"
    PERCENT = "percent"  # 0-100
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation: evaluated in the language active when the file is written
    hxl: str
    kind: str = Kind.TEXT


# Territory columns of the CSV: one territory per row.
TERRITORY_COLUMNS = [
    Column("country_code", _("Country code"), "#country+code"),
    Column("country_name", _("Country"), "#country+name"),
    Column("country_share", _("Country share (%)"), "#meta+share+country+pct", Kind.PERCENT),
    Column("adm1_code", _("Subdivision code (ISO 3166-2)"), "#adm1+code"),
    Column("adm1_name", _("Subdivision"), "#adm1+name"),
    Column("adm1_share", _("Subdivision share (%)"), "#meta+share+adm1+pct", Kind.PERCENT),
    Column("adm2_code", _("Municipality codes (p-codes)"), "#adm2+code"),
    Column("adm2_name", _("Municipalities"), "#adm2+name"),
]

# Territory columns of the XLSX: every territory of the project in one cell, with its share.
TERRITORY_SUMMARY_COLUMNS = [
    Column("countries_code", _("Country codes"), "#country+code"),
    Column("countries", _("Countries (share)"), "#country+name"),
    Column("subdivisions_code", _("Subdivision codes (ISO 3166-2)"), "#adm1+code"),
    Column("subdivisions", _("Subdivisions (share)"), "#adm1+name"),
    Column("municipalities_code", _("Municipality codes (p-codes)"), "#adm2+code"),
    Column("municipalities", _("Municipalities (share)"), "#adm2+name"),
]

# People: HXL's core attributes for sex and age; the population groups keep Minga's own codes.
SEX_AGE_HXL = {
    SexAge.GIRLS: "+f+children", SexAge.BOYS: "+m+children", SexAge.ADOLESCENT_GIRLS: "+f+adolescents",
    SexAge.ADOLESCENT_BOYS: "+m+adolescents", SexAge.WOMEN: "+f+adults", SexAge.MEN: "+m+adults",
    SexAge.OLDER_PERSONS: "+elderly",
}


def _head_columns() -> list[Column]:
    return [
        Column("code", _("Code"), "#activity+code"),
        Column("title", _("Title"), "#activity+title"),
        Column("title_language", _("Language of the title"), "#meta+title+lang"),
        Column("summary", _("Summary"), "#activity+description"),
        Column("summary_language", _("Language of the summary"), "#meta+description+lang"),
        Column("status", _("Status"), "#status+name"),
        Column("status_code", _("Status code"), "#status+code"),
        Column("proposer", _("Proposing organisation"), "#org+name+proposer"),
        Column("proposer_type", _("Type of proposing organisation"), "#org+type+proposer"),
        Column("proposer_country", _("Proposing country"), "#meta+proposer+country"),
        Column("regional", _("Regional"), "#meta+regional", Kind.BOOLEAN),
    ]


def _tail_columns(markers: list[Marker]) -> list[Column]:
    columns = [
        Column("axes_code", _("Quito Process axes (codes)"), "#sector+code"),
        Column("axes", _("Quito Process axes"), "#sector+name"),
        Column("lines", _("Lines of work (2023)"), "#sector+line+name"),
    ]
    for marker in markers:
        attribute = marker.code.replace("-", "_")
        columns.append(Column(f"marker:{marker.code}", marker.label, f"#indicator+marker+{attribute}", Kind.INTEGER))
    columns += [
        Column("sdg_targets", _("SDG targets"), "#meta+sdg+target"),
        Column("planned_start", _("Planned start"), "#date+start", Kind.DATE),
        Column("planned_end", _("Planned end"), "#date+end", Kind.DATE),
        Column("currency", _("Currency"), "#currency"),
        Column("budget", _("Total budget"), "#value+budget", Kind.AMOUNT),
        Column("requested", _("Requested from the Group of Friends"), "#value+requested", Kind.AMOUNT),
        Column("value_date", _("Value date"), "#date+value", Kind.DATE),
        Column("budget_usd", _("Total budget (USD)"), "#value+budget+usd", Kind.USD),
        Column("requested_usd", _("Requested (USD)"), "#value+requested+usd", Kind.USD),
        Column("secured_usd", _("Secured (USD)"), "#value+secured+usd", Kind.USD),
        Column("gap_usd", _("Funding gap (USD)"), "#value+gap+usd", Kind.USD),
        Column("funders", _("Secured from"), "#org+name+funder"),
        Column("note", _("Note"), "#meta+note"),
        Column("conversion", _("Conversion to USD"), "#meta+conversion"),
        Column("people_total", _("People served"), "#targeted+total", Kind.INTEGER),
        Column("people_with_disabilities", _("Of whom persons with disabilities"), "#targeted+disabled", Kind.INTEGER),
    ]
    for value, label in PopulationGroup.choices:
        columns.append(Column(f"group:{value}", label, f"#targeted+{value}", Kind.INTEGER))
    for value, label in SexAge.choices:
        columns.append(Column(f"sex_age:{value}", label, f"#targeted{SEX_AGE_HXL[value]}", Kind.INTEGER))
    columns += [
        Column("published_at", _("Published"), "#date+published", Kind.DATE),
        Column("illustrative", _("Illustrative sample"), "#meta+illustrative", Kind.BOOLEAN),
    ]
    return columns


def export_markers() -> list[Marker]:
    return list(Marker.objects.order_by("position", "code"))


def columns(markers: list[Marker], *, per_territory: bool) -> list[Column]:
    """Every column, in order: the project, its territories, then themes, dates, money and people."""
    places = TERRITORY_COLUMNS if per_territory else TERRITORY_SUMMARY_COLUMNS
    return _head_columns() + places + _tail_columns(markers)


def with_parts(queryset: QuerySet) -> QuerySet:
    """The projects with everything an export reads, in a fixed number of queries."""
    return queryset.select_related("proposing_organisation", "country").prefetch_related(
        Prefetch("locations", queryset=ProjectLocation.objects.select_related(
            "country", "subdivision", "municipality__subdivision").order_by("country_id", "subdivision_id", "pk")),
        Prefetch("themes", queryset=ProjectTheme.objects.select_related("term").order_by(
            "term__vocabulary_id", "-percentage", "term__position", "term__code")),
        "markers", "people", "funding__funder",
    )


def not_converted(project: Project) -> bool:
    """Whether an amount the project gives has no US-dollar value (shown empty, never as zero)."""
    return ((project.budget_amount is not None and project.budget_usd is None)
            or (project.requested_amount is not None and project.requested_usd is None)
            or (project.secured_usd is None and bool(project.funding.all()))
            or (project.requested_amount is not None and project.gap_usd is None))


def _joined(values) -> str:
    return LIST_SEPARATOR.join(str(value) for value in values if value)


def project_values(project: Project, markers: list[Marker]) -> dict:
    """The project's own values (everything but the territories)."""
    title, title_language = project.text_in("title")
    summary, summary_language = project.text_in("summary")
    themes = list(project.themes.all())
    axes = [theme.term for theme in themes if theme.term.vocabulary_id == AXES]
    lines = [theme.term for theme in themes if theme.term.vocabulary_id == LINES]
    significance = {row.marker_id: row.significance for row in project.markers.all()}
    people = {(row.dimension, row.category): row.people for row in project.people.all()}
    values = {
        "code": project.code,
        "title": title, "title_language": title_language if title else "",
        "summary": summary, "summary_language": summary_language if summary else "",
        "status": str(project.get_status_display()), "status_code": project.status,
        "proposer": project.proposing_organisation.name,
        "proposer_type": str(project.proposing_organisation.get_organisation_type_display()),
        "proposer_country": project.country_id,
        "regional": project.is_regional,
        "axes_code": _joined(term.code for term in axes),
        "axes": _joined(term.label for term in axes),
        "lines": _joined(term.label for term in lines),
        "sdg_targets": _joined(part.strip() for part in project.sdg_targets.split(",")),
        "planned_start": project.planned_start, "planned_end": project.planned_end,
        "currency": project.budget_currency,
        "budget": project.budget_amount, "requested": project.requested_amount,
        "value_date": project.budget_value_date,
        "budget_usd": project.budget_usd, "requested_usd": project.requested_usd,
        "secured_usd": project.secured_usd, "gap_usd": project.gap_usd,
        "funders": _joined(dict.fromkeys(row.funder.name for row in project.funding.all())),
        "note": gettext("not converted") if not_converted(project) else "",
        "conversion": project.conversion_note,
        "people_total": project.people_total,
        "people_with_disabilities": project.people_with_disabilities,
        "published_at": project.published_at.date() if project.published_at else None,
        "illustrative": project.is_illustrative,
    }
    for marker in markers:
        values[f"marker:{marker.code}"] = significance.get(marker.code)
    for value in PopulationGroup.values:
        values[f"group:{value}"] = people.get((ProjectPeople.Dimension.POPULATION_GROUP, value))
    for value in SexAge.values:
        values[f"sex_age:{value}"] = people.get((ProjectPeople.Dimension.SEX_AGE, value))
    return values


@dataclass
class Territory:
    """A country, or one of its first-level subdivisions, with the municipalities named in it."""

    country: object
    country_share: Decimal | None
    subdivision: object = None
    subdivision_share: Decimal | None = None
    municipalities: list = None


def territories(project: Project) -> list[Territory]:
    """The project's places at the first administrative level, countries in the order given.

    A country with no subdivision named is one territory; each subdivision named is one; a
    municipality joins its subdivision (which is a territory even if only its municipality was named).
    """
    by_country: dict[str, dict] = {}
    for location in project.locations.all():
        entry = by_country.setdefault(location.country_id, {
            "country": location.country, "share": None, "subdivisions": {}})
        if location.level == "country":
            entry["share"] = location.percentage
            continue
        subdivision = location.subdivision or location.municipality.subdivision
        sub = entry["subdivisions"].setdefault(subdivision.code, {
            "subdivision": subdivision, "share": None, "municipalities": []})
        if location.level == "subdivision":
            sub["share"] = location.percentage
        else:
            sub["municipalities"].append(location.municipality)
    found = []
    for entry in by_country.values():
        if not entry["subdivisions"]:
            found.append(Territory(entry["country"], entry["share"], municipalities=[]))
        for sub in entry["subdivisions"].values():
            found.append(Territory(entry["country"], entry["share"], sub["subdivision"], sub["share"],
                                   sub["municipalities"]))
    return found


def territory_values(territory: Territory | None) -> dict:
    """The territory columns of one CSV row (all empty for a regional project or one with no place)."""
    if territory is None:
        return {column.key: None for column in TERRITORY_COLUMNS}
    subdivision, municipalities = territory.subdivision, territory.municipalities or []
    return {
        "country_code": territory.country.iso3, "country_name": territory.country.name,
        "country_share": territory.country_share,
        "adm1_code": subdivision.code if subdivision else None,
        "adm1_name": subdivision.name if subdivision else None,
        "adm1_share": territory.subdivision_share,
        "adm2_code": _joined(unit.pcode for unit in municipalities) or None,
        "adm2_name": _joined(unit.name for unit in municipalities) or None,
    }


def _percent(value: Decimal | None) -> str:
    return f" ({value.normalize():f}%)" if value is not None else ""


def territories_summary(project: Project) -> dict:
    """The territory columns of one XLSX row: every place in one cell, with its share."""
    places = territories(project)
    countries = list({territory.country.iso3: territory for territory in places}.values())
    subdivisions = [territory for territory in places if territory.subdivision is not None]
    municipalities = [unit for territory in places for unit in territory.municipalities or []]
    shares = {location.municipality_id: location.percentage for location in project.locations.all()
              if location.municipality_id}
    return {
        "countries_code": ", ".join(t.country.iso3 for t in countries) or None,
        "countries": "; ".join(f"{t.country.name}{_percent(t.country_share)}" for t in countries) or None,
        "subdivisions_code": ", ".join(t.subdivision.code for t in subdivisions) or None,
        "subdivisions": "; ".join(f"{t.subdivision.name}{_percent(t.subdivision_share)}" for t in subdivisions)
                        or None,
        "municipalities_code": ", ".join(unit.pcode for unit in municipalities) or None,
        "municipalities": "; ".join(f"{unit.name}{_percent(shares.get(unit.pk))}" for unit in municipalities) or None,
    }


def rows_by_territory(projects, markers: list[Marker]):
    """One row per project and first-level territory (one row for a project with none)."""
    for project in projects:
        own = project_values(project, markers)
        for territory in territories(project) or [None]:
            yield {**own, **territory_values(territory)}


def rows_by_project(projects, markers: list[Marker]):
    """One row per project, territories listed together."""
    for project in projects:
        yield {**project_values(project, markers), **territories_summary(project)}


def filters_description(filters) -> list[tuple[str, str]]:
    """The catalogue filters in force, as (label, value) pairs in the reader's language."""
    labels = {
        "q": _("Words"), "country": _("Country"), "subdivision": _("Subdivision"), "axis": _("Quito Process axis"),
        "line": _("Line of work"), "marker": _("Cross-cutting approach"), "group": _("Population group"),
        "status": _("Status"), "organisation_type": _("Type of proposing organisation"),
        "proposer_country": _("Proposing country"), "gap_min": _("Funding gap at least (USD)"),
        "gap_max": _("Funding gap at most (USD)"), "sort": _("Order"),
    }
    statuses = dict(Status.choices)
    grouped = defaultdict(list)
    for name, value in filters.as_query():
        grouped[str(labels.get(name, name))].append(str(statuses.get(value, value)) if name == "status" else value)
    return [(label, ", ".join(values)) for label, values in grouped.items()]
