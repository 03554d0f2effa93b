"""The public catalogue: one filtered set of projects, its facet counts and totals, one page of it.

``catalogue`` computes the filtered view, with its facet counts, totals and one page, from the
facet index kept in memory (``facet_index``) or, when ``MINGA_CATALOGUE_INDEX`` is ``sql``, from
plain SQL (``facet_counts``). Both start from the permission module's ``visible`` queryset, and
tests hold both to the SQL filters (``filters.projects_matching``). See docs/benchmarks.md for
what each costs at 20,000 projects.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils.translation import get_language, gettext, override

from minga.common.languages import LANGUAGES
from minga.portfolio.facet_entries import AXES, GAP_RANGES, LINES
from minga.portfolio.facet_index import INDEX, Found
from minga.portfolio.models import PopulationGroup, Project, ProjectLocation, Status
from minga.portfolio.selectors import facet_counts
from minga.portfolio.selectors.filters import ProjectFilters, projects_visible, sort_order
from minga.reference.models import Country, Marker, OrganisationType, Subdivision, Term

PER_PAGE = 25

# GAP_RANGES (facet_entries): funding-gap ranges offered as a facet (USD), each [minimum, maximum); None is open.
SUBDIVISIONS_SHOWN = 25  # with no country chosen, only the subdivisions with most projects are listed
LABELS_CACHE_SECONDS = 600  # names of countries, subdivisions, terms and markers per language
CENT = Decimal("0.01")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    language: str = ""  # the label's language when it is not the reader's (shown as a fallback marker)


@dataclass
class Facet:
    name: str  # the query parameter
    label: str
    values: list[FacetValue]
    note: str = ""


@dataclass
class GapRange:
    minimum: Decimal | None
    maximum: Decimal | None
    count: int
    selected: bool = False
    query: str = ""  # the current filters with this range instead of the chosen one


@dataclass
class Totals:
    """The result set in figures: USD sums over its converted projects, and how many could not be converted.

    A project is "converted" when its three USD figures are known (the gap needs the other two), and
    "not converted" when it has an amount that could not be converted; one that has asked for nothing
    yet is neither.
    """

    projects: int = 0
    converted: int = 0
    not_converted: int = 0
    requested_usd: Decimal = Decimal(0)
    secured_usd: Decimal = Decimal(0)
    gap_usd: Decimal = Decimal(0)


@dataclass
class Catalogue:
    filters: ProjectFilters
    page: Page  # its projects each carry ``listing`` (see ProjectListing)
    totals: Totals
    facets: list[Facet]
    gap_ranges: list[GapRange]

    @property
    def query(self) -> str:
        """The filters as a query string (no page number): the stable address of this view."""
        return self.filters.urlencode()


@dataclass
class ProjectListing:
    """What a catalogue row shows beyond the record's own fields."""

    title: str
    title_language: str  # set when the title is not in the reader's language: the visible fallback
    places: list[tuple[str, list[str]]]  # (country name, subdivision names)
    not_converted: bool


def reader_language() -> str:
    return (get_language() or "es")[:2]


def _labelled(obj, reader: str) -> tuple[str, str]:
    text, language = obj.label_in(reader)
    return text, "" if language == reader else language


@dataclass
class _ReferenceLabels:
    """The names the catalogue shows for codes, in one language: read once, then kept with the counts."""

    countries: dict[str, tuple[str, bool]]  # iso3 → (name, is a member state)
    subdivisions: dict[str, tuple[str, str]]  # ISO 3166-2 → (name, iso3)
    terms: dict[str, list[tuple[int, str, str, str]]]  # vocabulary → [(pk, code, label, fallback language)]
    markers: list[tuple[str, str, str]]  # (code, label, fallback language)


def _reference_labels(reader: str) -> _ReferenceLabels:
    key = f"portfolio:catalogue-labels:{reader}"
    labels = cache.get(key)
    if labels is None:
        with override(reader):
            countries = {c.iso3: (c.name, c.is_member_state) for c in Country.objects.all()}
        terms = {AXES: [], LINES: []}
        for term in Term.objects.filter(vocabulary_id__in=(AXES, LINES)).order_by("vocabulary_id", "position", "code"):
            terms[term.vocabulary_id].append((term.pk, term.code, *_labelled(term, reader)))
        labels = _ReferenceLabels(
            countries=countries,
            subdivisions={code: (name, iso3) for code, name, iso3 in Subdivision.objects.values_list(
                "code", "name", "country_id")},
            terms=terms, markers=[(m.code, *_labelled(m, reader)) for m in Marker.objects.order_by("position")])
        cache.set(key, labels, LABELS_CACHE_SECONDS)
    return labels


def _facets(filters: ProjectFilters, counts: dict[str, dict]) -> list[Facet]:
    reader = reader_language()
    labels = _reference_labels(reader)

    def values(name, choices: list[tuple[str, str, str]], found: dict, *, keep_empty: bool):
        """Short closed lists keep their values at zero, so that one more can be added to those chosen."""
        picked = set(getattr(filters, name))
        return [FacetValue(value=value, label=label, count=int(found.get(value, 0)), selected=value in picked,
                           language=language)
                for value, label, language in choices if keep_empty or found.get(value) or value in picked]

    found_countries = counts.get("country", {})
    chosen_countries = {c.upper() for c in filters.country}
    countries = sorted(((iso3, name, "") for iso3, (name, member) in labels.countries.items()
                        if member or iso3 in chosen_countries or iso3 in found_countries), key=lambda c: c[1])

    found_units = counts.get("subdivision", {})
    chosen_units = {s.upper() for s in filters.subdivision}
    ranked = sorted(found_units, key=lambda code: (-found_units[code], code))
    note = ""
    if chosen_countries:
        shown = [code for code in ranked if labels.subdivisions.get(code, ("", ""))[1] in chosen_countries]
    else:
        if len(ranked) > SUBDIVISIONS_SHOWN:
            note = gettext("The %(number)s subdivisions with most projects; choose a country to list all of "
                           "its subdivisions.") % {"number": SUBDIVISIONS_SHOWN}
        shown = ranked[:SUBDIVISIONS_SHOWN]
    subdivision_values = sorted(
        (FacetValue(value=code, label=f"{labels.subdivisions[code][0]} ({labels.subdivisions[code][1]})",
                    count=int(found_units.get(code, 0)), selected=code in chosen_units)
         for code in set(shown) | chosen_units if code in labels.subdivisions), key=lambda v: (-v.count, v.label))

    found_terms = counts.get("term", {})
    terms = {vocabulary: [(code, label, language) for _pk, code, label, language in rows]
             for vocabulary, rows in labels.terms.items()}
    term_counts = {vocabulary: {code: found_terms.get(str(pk), 0) for pk, code, _label, _language in rows}
                   for vocabulary, rows in labels.terms.items()}
    markers = labels.markers

    return [
        Facet("country", gettext("Country"), values("country", countries, found_countries, keep_empty=True)),
        Facet("subdivision", gettext("Subdivision"), subdivision_values, note),
        Facet("axis", gettext("Quito Process axis"), values("axis", terms[AXES], term_counts[AXES], keep_empty=True)),
        Facet("line", gettext("Line of work (2023)"), values("line", terms[LINES], term_counts[LINES],
                                                               keep_empty=True)),
        Facet("marker", gettext("Cross-cutting marker"), values("marker", markers, counts.get("marker", {}),
                                                                keep_empty=True),
              gettext("Projects where it is a significant or the principal objective.")),
        Facet("group", gettext("Population group"), values(
            "group", [(v, str(label), "") for v, label in PopulationGroup.choices], counts.get("group", {}),
            keep_empty=True)),
        Facet("status", gettext("Status"), values(
            "status", [(v, str(label), "") for v, label in Status.choices], counts.get("status", {}),
            keep_empty=False)),
        Facet("organisation_type", gettext("Proposing organisation type"), values(
            "organisation_type", [(v, f"{v} — {label}", "") for v, label in OrganisationType.choices],
            counts.get("organisation_type", {}), keep_empty=False)),
    ]


def _gap_ranges(filters: ProjectFilters, counts: dict) -> list[GapRange]:
    ranges = []
    for i, (low, high) in enumerate(GAP_RANGES):
        minimum = None if low is None else Decimal(low)
        top = None if high is None else Decimal(high) - CENT  # gap_max is inclusive
        ranges.append(GapRange(minimum=minimum, maximum=None if high is None else Decimal(high),
                               count=int(counts.get(str(i), 0)),
                               selected=(filters.gap_min, filters.gap_max) == (minimum, top),
                               query=filters.urlencode(gap_min=minimum, gap_max=top)))
    return ranges


def _listed(ids: list[int]) -> list[Project]:
    """The page's projects, in the given order, each with its ``listing``; without the long texts."""
    reader = reader_language()
    labels = _reference_labels(reader)
    found = {project.pk: project for project in (
        Project.all_objects.filter(pk__in=ids).select_related("proposing_organisation")
        .defer(*(f"{name}_{code}" for name in ("summary", "description") for code in LANGUAGES),
               "search_text", "parts_summary"))}
    places: dict[int, dict[str, list[str]]] = {pk: {} for pk in found}
    for project_id, iso3, unit in (ProjectLocation.objects.filter(project_id__in=ids)
                                   .order_by("country_id", "subdivision_id")
                                   .values_list("project_id", "country_id", "subdivision_id")):
        names = places[project_id].setdefault(labels.countries.get(iso3, (iso3, False))[0], [])
        name = labels.subdivisions.get(unit, (unit, ""))[0] if unit else None
        if name and name not in names:
            names.append(name)
    projects = [found[pk] for pk in ids if pk in found]
    for project in projects:
        title, language = project.text_in("title", reader)
        project.listing = ProjectListing(
            title=title or project.code, title_language="" if language == reader else language,
            places=sorted(places[project.pk].items()),
            not_converted=(project.requested_amount is not None and project.requested_usd is None)
            or project.secured_usd is None)
    return projects


def _page_number(raw) -> int:
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def _search(visible, filters: ProjectFilters, *, order, offset: int, limit: int) -> Found:
    """The counts, sums and page keys of one view, from the backend the settings choose."""
    if settings.MINGA_CATALOGUE_INDEX == "sql":
        return facet_counts.search(visible, filters, order=order, offset=offset, limit=limit)
    return INDEX.search(visible, filters, order=order, offset=offset, limit=limit)


def catalogue(user, filters: ProjectFilters, page_number=1) -> Catalogue:
    """One filtered view of the catalogue as the page shows it: a page of rows, facet counts and totals.

    Facet counts follow faceted-search convention: each value counts the projects that pass every filter
    but its own facet's (how many results ticking it gives); totals and sums are the result's.
    By default (``MINGA_CATALOGUE_INDEX=memory``) the facet index computes the counts, the totals and
    the page's keys (it dates the data in two queries and reads the user's visible keys once per state
    of the data); with ``sql``, plain SQL does (``facet_counts``: one GROUP BY per facet), to the same
    result. Then one query reads the page's rows and one their territories. Names of countries,
    subdivisions, terms and markers come from a cached table (``_reference_labels``).
    """
    number = _page_number(page_number)
    visible = projects_visible(user)
    order = sort_order(filters.sort)
    found = _search(visible, filters, order=order, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    paginator = Paginator([], PER_PAGE)
    paginator.count = found.total  # shadows the cached property: the total is known, no COUNT(*) again
    if number > paginator.num_pages:  # past the end, as Paginator.get_page does: the last page
        number = paginator.num_pages
        found.page = _search(visible, filters, order=order, offset=(number - 1) * PER_PAGE, limit=PER_PAGE).page
    counts = found.counts
    totals = Totals(projects=found.total, converted=counts.get("converted", {}).get("", 0),
                    not_converted=counts.get("not_converted", {}).get("", 0),
                    **{f"{name}_usd": (Decimal(found.sums[name]) / 100).quantize(CENT)
                       for name in ("requested", "secured", "gap")})
    page = Page(_listed(found.page), number, paginator)
    return Catalogue(filters=filters, page=page, totals=totals, facets=_facets(filters, counts),
                     gap_ranges=_gap_ranges(filters, counts.get("gap_range", {})))
