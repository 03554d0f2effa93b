"""Reads of the portfolio, with visibility applied: the catalogue's filters, "my projects", the review queue.

``projects_matching`` states every filter of the catalogue in SQL (the API's list and the exports
read it). The catalogue page (``catalogue``) computes the same filtered view, with its facet counts,
totals and one page, from the facet index kept in memory (``facet_index``). It starts from the
permission module's ``visible`` queryset, and a test holds the two to the same results. See
docs/benchmarks.md for what each costs at 20,000 projects.
"""

from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils.translation import get_language, gettext, override

from minga.accounts import permissions
from minga.portfolio.facet_entries import AXES, GAP_RANGES, LINES
from minga.portfolio.facet_index import INDEX
from minga.portfolio.models import (
    PopulationGroup, Project, ProjectLocation, ProjectMarker, ProjectPeople, ProjectTheme, SexAge, Status,
)
from minga.portfolio.services import normalise_text
from minga.reference.models import Country, Marker, OrganisationType, Subdivision, Term

SORTS = {
    "newest": ("-published_at", "-created_at", "-pk"),
    "oldest": ("published_at", "created_at", "pk"),
    "gap_desc": ("-gap_usd", "-pk"),
    "gap_asc": ("gap_usd", "pk"),
    "budget_desc": ("-budget_usd", "-pk"),
    "code": ("code",),
}


@dataclass
class ProjectFilters:
    """Every filter of the catalogue; built from a query string so that each filtered view has a stable URL."""

    q: str = ""
    country: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-3 of a territory
    subdivision: list[str] = field(default_factory=list)  # ISO 3166-2
    axis: list[str] = field(default_factory=list)  # term codes of quito-axes
    line: list[str] = field(default_factory=list)  # term codes of lines-of-work-2023
    marker: list[str] = field(default_factory=list)  # marker codes, significance 1 or 2
    group: list[str] = field(default_factory=list)  # population groups served
    status: list[str] = field(default_factory=list)
    organisation_type: list[str] = field(default_factory=list)  # IATI type of the proposing organisation
    proposer_country: list[str] = field(default_factory=list)
    gap_min: Decimal | None = None
    gap_max: Decimal | None = None
    sort: str = "newest"

    LIST_FIELDS = ("country", "subdivision", "axis", "line", "marker", "group", "status", "organisation_type",
                   "proposer_country")

    @classmethod
    def from_querydict(cls, query) -> "ProjectFilters":
        values = {}
        for name in cls.LIST_FIELDS:
            items = []
            for raw in query.getlist(name):
                items.extend(part.strip() for part in raw.split(",") if part.strip())
            values[name] = items
        values["q"] = query.get("q", "").strip()[:200]
        for name in ("gap_min", "gap_max"):
            try:
                values[name] = Decimal(query.get(name)) if query.get(name) else None
            except InvalidOperation:
                values[name] = None
            if values[name] is not None and not values[name].is_finite():
                values[name] = None
        sort = query.get("sort", "newest")
        values["sort"] = sort if sort in SORTS else "newest"
        return cls(**values)

    def as_query(self) -> list[tuple[str, str]]:
        pairs = []
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, list):
                pairs.extend((item.name, v) for v in value)
            elif value not in (None, "") and not (item.name == "sort" and value == "newest"):
                pairs.append((item.name, str(value)))
        return pairs

    def urlencode(self, **changes) -> str:
        """The query string of these filters, with ``changes`` (field=value) applied: links that keep the rest."""
        pairs = [(name, value) for name, value in self.as_query() if name not in changes]
        for name, value in changes.items():
            if isinstance(value, list):
                pairs.extend((name, v) for v in value)
            elif value not in (None, ""):
                pairs.append((name, str(value)))
        return urlencode(pairs)

    @property
    def is_filtered(self) -> bool:
        return any(value for name, value in self.as_query() if name != "sort")


def projects_visible(user) -> QuerySet:
    return permissions.visible(user, Project.objects.all())


def projects_matching(user, filters: ProjectFilters) -> QuerySet:
    """The visible projects that pass every filter, unordered, each once.

    A filter on a part is ``pk IN (subquery)``: no project repeats, and the database starts from the
    few parts that match.
    """
    queryset = projects_visible(user)
    if filters.q:
        for word in normalise_text(filters.q).split():
            queryset = queryset.filter(search_text__contains=word)

    def having(model, **conditions):
        return Q(pk__in=model.objects.filter(**conditions).values("project_id"))

    if filters.country:
        queryset = queryset.filter(having(ProjectLocation, country_id__in=[c.upper() for c in filters.country]))
    if filters.subdivision:
        queryset = queryset.filter(having(ProjectLocation,
                                          subdivision_id__in=[s.upper() for s in filters.subdivision]))
    if filters.axis:
        queryset = queryset.filter(having(ProjectTheme, term__vocabulary_id=AXES, term__code__in=filters.axis))
    if filters.line:
        queryset = queryset.filter(having(ProjectTheme, term__vocabulary_id=LINES, term__code__in=filters.line))
    if filters.marker:
        queryset = queryset.filter(having(ProjectMarker, marker_id__in=filters.marker, significance__gte=1))
    if filters.group:
        queryset = queryset.filter(having(ProjectPeople, dimension=ProjectPeople.Dimension.POPULATION_GROUP,
                                          category__in=filters.group, people__gt=0))
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    if filters.organisation_type:
        queryset = queryset.filter(proposing_organisation__organisation_type__in=filters.organisation_type)
    if filters.proposer_country:
        queryset = queryset.filter(country_id__in=[c.upper() for c in filters.proposer_country])
    if filters.gap_min is not None:
        queryset = queryset.filter(gap_usd__gte=filters.gap_min)
    if filters.gap_max is not None:
        queryset = queryset.filter(gap_usd__lte=filters.gap_max)
    return queryset


def projects_search(user, filters: ProjectFilters) -> QuerySet:
    """The visible projects that pass the filters, each once, in the chosen order."""
    return (projects_matching(user, filters).select_related("proposing_organisation", "country")
            .order_by(*ordering_expressions(filters.sort)))


def my_projects(user) -> QuerySet:
    """Projects in the user's scope, whatever their state (drafts included)."""
    return (permissions.in_scope(user, Project.objects.all())
            .select_related("proposing_organisation", "country").order_by("-updated_at"))


def review_queue(user) -> QuerySet:
    """For the secretariat: what waits for a decision, oldest submission first."""
    if not permissions.actor_for(user).is_secretariat:
        return Project.objects.none()
    return (Project.objects.filter(status__in=[Status.SUBMITTED, Status.UNDER_REVIEW])
            .select_related("proposing_organisation", "country").order_by("submitted_at", "pk"))


# --- The public catalogue: one filtered set, its facet counts and totals, one page of it -----------------------

PER_PAGE = 25

# GAP_RANGES (facet_entries): funding-gap ranges offered as a facet (USD), each [minimum, maximum); None is open.
SUBDIVISIONS_SHOWN = 25  # with no country chosen, only the subdivisions with most projects are listed
LABELS_CACHE_SECONDS = 600  # names of countries, subdivisions, terms and markers per language
CENT = Decimal("0.01")


def _ordering(sort: str) -> list[tuple[str, bool]]:
    """The sort as (field, descending) pairs; empty values (not converted, not published) always sort last."""
    return [(name.lstrip("-"), name.startswith("-")) for name in SORTS[sort]]


def ordering_expressions(sort: str) -> list:
    return [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
            for name, descending in _ordering(sort)]


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
        .defer(*(f"{name}_{code}" for name in ("summary", "description") for code in ("es", "pt", "en")),
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


def catalogue(user, filters: ProjectFilters, page_number=1) -> Catalogue:
    """One filtered view of the catalogue as the page shows it: a page of rows, facet counts and totals.

    Facet counts are over the current result set: for each value, how many of these projects have it.
    The facet index computes the counts, the totals and the page's keys (it dates the data in two
    queries and reads the user's visible keys once per state of the data). Then one query reads
    the page's rows and one their territories. Names of countries, subdivisions, terms and markers
    come from a cached table (``_reference_labels``).
    """
    number = _page_number(page_number)
    visible = projects_visible(user)
    order = _ordering(filters.sort)
    found = INDEX.search(visible, filters, order=order, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    paginator = Paginator([], PER_PAGE)
    paginator.count = found.total  # shadows the cached property: the total is known, no COUNT(*) again
    if number > paginator.num_pages:  # past the end, as Paginator.get_page does: the last page
        number = paginator.num_pages
        found.page = INDEX.search(visible, filters, order=order, offset=(number - 1) * PER_PAGE,
                                  limit=PER_PAGE).page
    counts = found.counts
    totals = Totals(projects=found.total, converted=counts.get("converted", {}).get("", 0),
                    not_converted=counts.get("not_converted", {}).get("", 0),
                    **{f"{name}_usd": (Decimal(found.sums[name]) / 100).quantize(CENT)
                       for name in ("requested", "secured", "gap")})
    page = Page(_listed(found.page), number, paginator)
    return Catalogue(filters=filters, page=page, totals=totals, facets=_facets(filters, counts),
                     gap_ranges=_gap_ranges(filters, counts.get("gap_range", {})))


# --- The project page ----------------------------------------------------------------------------------------------


def project_visible(user, code: str) -> Project | None:
    """The project with this code if the user may see it; None otherwise (the page answers 404, not 403)."""
    project = (Project.all_objects.select_related("proposing_organisation", "country", "created_by")
               .filter(code=code).first())
    if project is None or not permissions.can(user, permissions.Action.VIEW, project):
        return None
    return project


@dataclass
class ShownText:
    """One of the texts in the reader's language, or in another with a visible marker, and its other versions."""

    text: str
    language: str
    fallback: bool
    others: list[tuple[str, str]]  # (language, text) of the versions not shown first


@dataclass
class ProjectPage:
    project: Project
    title: ShownText
    summary: ShownText
    description: ShownText
    countries: list[ProjectLocation]
    subdivisions: list[ProjectLocation]
    municipalities: list[ProjectLocation]
    themes: list[tuple[str, list[tuple[str, str, Decimal]]]]  # (vocabulary label, [(label, language, share)])
    markers: list[ProjectMarker]
    people_by_group: list[ProjectPeople]
    people_by_sex_age: list[ProjectPeople]
    budget_years: list[tuple[int, Decimal, Decimal | None]]  # (year, amount, USD equivalent)
    funding: list
    participants: list
    contacts: list
    documents: list
    transitions: list
    secured_share: int | None  # per cent of the requested amount secured, for the bar
    not_converted: bool
    territory_map: dict | None = None  # what core.charts.project_territories_map_spec needs


def _shown(project: Project, name: str, reader: str) -> ShownText:
    text, language = project.text_in(name, reader)
    others = [(code, getattr(project, f"{name}_{code}")) for code in ("es", "pt", "en")
              if code != language and getattr(project, f"{name}_{code}")]
    return ShownText(text=text, language=language, fallback=bool(text) and language != reader, others=others)


def project_page(project: Project) -> ProjectPage:
    """Everything the project page shows, read in a fixed number of queries."""
    reader = reader_language()
    locations = list(project.locations.select_related("country", "subdivision", "municipality__subdivision"))
    vocabularies: dict[str, tuple[str, list]] = {}
    for theme in project.themes.select_related("term__vocabulary").order_by("term__vocabulary_id", "term__position"):
        vocabulary = theme.term.vocabulary
        label, language = theme.term.label_in(reader)
        vocabularies.setdefault(vocabulary.code, (vocabulary.label, []))[1].append(
            (label, "" if language == reader else language, theme.percentage))
    people = list(project.people.all())
    group_order = [value for value, _label in PopulationGroup.choices]
    sex_age_order = [value for value, _label in SexAge.choices]
    by_group = sorted((p for p in people if p.dimension == ProjectPeople.Dimension.POPULATION_GROUP),
                      key=lambda p: group_order.index(p.category) if p.category in group_order else 99)
    by_sex_age = sorted((p for p in people if p.dimension == ProjectPeople.Dimension.SEX_AGE),
                        key=lambda p: sex_age_order.index(p.category) if p.category in sex_age_order else 99)
    years = []
    for row in project.budget_years.all():
        usd = None
        if project.budget_usd is not None and project.budget_amount:
            usd = (row.amount * project.budget_usd / project.budget_amount).quantize(CENT)
        years.append((row.year, row.amount, usd))
    share = None
    if project.requested_usd and project.secured_usd is not None:
        share = min(100, int(project.secured_usd * 100 / project.requested_usd))

    territory_map = None
    countries = sorted({location.country_id for location in locations})
    if countries:
        named = {location.subdivision_id for location in locations if location.subdivision_id}
        units = list(Subdivision.objects.filter(country_id__in=countries, has_geometry=True))
        highlighted = set(named)
        for iso3 in countries:  # a country without named subdivisions: the project covers all of it
            if not any(location.subdivision_id for location in locations if location.country_id == iso3):
                highlighted |= {unit.code for unit in units if unit.country_id == iso3}
        names = {unit.code: unit.name for unit in units}
        territory_map = {"countries": countries, "names": names, "highlighted": highlighted}

    return ProjectPage(
        project=project,
        title=_shown(project, "title", reader), summary=_shown(project, "summary", reader),
        description=_shown(project, "description", reader),
        countries=[loc for loc in locations if loc.level == "country"],
        subdivisions=[loc for loc in locations if loc.level == "subdivision"],
        municipalities=[loc for loc in locations if loc.level == "municipality"],
        themes=list(vocabularies.values()),
        markers=list(project.markers.select_related("marker").order_by("marker__position")),
        people_by_group=by_group, people_by_sex_age=by_sex_age, budget_years=years,
        funding=list(project.funding.select_related("funder").order_by("value_date", "pk")),
        participants=list(project.participants.select_related("organisation").order_by("role", "pk")),
        contacts=list(project.contacts.order_by("pk")),
        documents=list(project.documents.filter(removed_at__isnull=True).order_by("kind", "uploaded_at", "pk")),
        transitions=list(project.transitions.select_related("user").order_by("at", "pk")),
        secured_share=share,
        not_converted=(project.requested_amount is not None and project.requested_usd is None)
        or project.secured_usd is None,
        territory_map=territory_map,
    )
