"""The catalogue's filters in SQL: one ``ProjectFilters`` per query string, the projects that pass it, the sorts.

The API's list, the exports and the SQL catalogue (``facet_counts``) read these; the facet index
(``facet_index``) states the same rules over bitsets, and tests hold the two to the same results.
"""

import re
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet

from minga.accounts import permissions
from minga.common.numbers import NumberInvalid, bounded_amount, parse_amount, parse_localized_amount
from minga.common.text import normalise_text, refuse_control_characters
from minga.portfolio.facet_entries import AXES, LINES
from minga.portfolio.models import Project, ProjectLocation, ProjectMarker, ProjectPeople, ProjectTheme
from minga.portfolio.workflow import PUBLIC_STATUSES

SORTS = {
    "newest": ("-published_at", "-created_at", "-pk"),
    "oldest": ("published_at", "created_at", "pk"),
    "gap_desc": ("-gap_usd", "-pk"),
    "gap_asc": ("gap_usd", "pk"),
    "budget_desc": ("-budget_usd", "-pk"),
    "code": ("code",),
}


def query_texts(query, name: str) -> list[str]:
    """The values of parameter ``name``; raises TextInvalid for one with a control character.

    Such a value is no search anyone typed, and PostgreSQL refuses a NUL in a query (a 500 before).
    """
    values = query.getlist(name)
    for value in values:
        refuse_control_characters(name, value)
    return values


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
    def from_querydict(cls, query, *, localized: bool = False) -> "ProjectFilters":
        """The filters of a query string; raises NumberInvalid (naming the parameter) for a number out of bounds.

        ``localized`` (the catalogue page, whose boxes people type in): an amount is read as the reader's language
        writes it ("1.000.000" or "12,5" in Spanish), or as the page's own links write it ("0.01"); anything else
        is refused (NumberInvalid), never dropped. Without it (the API) amounts are machine notation, and text that
        is no number at all is dropped, as it always was."""
        values = {}
        for name in cls.LIST_FIELDS:
            items = []
            for raw in query_texts(query, name):
                items.extend(part.strip() for part in raw.split(",") if part.strip())
            values[name] = items
        values["q"] = (query_texts(query, "q") or [""])[-1].strip()[:200]
        for name in ("gap_min", "gap_max"):
            # A number out of bounds is refused (NumberInvalid) in either mode,
            # before anything turns it into an integer of a million digits.
            if localized:
                values[name] = _typed_amount(query.get(name), field=name)
            else:
                values[name] = parse_amount(query.get(name), field=name, signed=True, lenient=True)
        sort = query.get("sort", "newest")
        values["sort"] = sort if sort in SORTS else "newest"
        return cls(**values)

    def as_query(self) -> list[tuple[str, str]]:
        pairs = []
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, list):
                pairs.extend((item.name, v) for v in value)
            elif isinstance(value, Decimal):
                # Never "1000.500" (a thousand and a half, which Spanish reads as a million): at most the 2 cents.
                pairs.append((item.name, format(value.normalize(), "f")))
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


# The page's own links write an amount in machine notation, with at most the two cents after the point: "0.01",
# "999999.99". A Spanish "1.000" (three digits after the point) is a thousand, never one.
_MACHINE_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")


def _typed_amount(value, *, field: str) -> Decimal | None:
    """An amount typed in a catalogue box in the reader's language, or as the page's links write it."""
    try:
        return parse_localized_amount(value, field=field, signed=True)
    except NumberInvalid as error:
        text = value.strip() if isinstance(value, str) else ""
        if _MACHINE_AMOUNT.fullmatch(text):
            return parse_amount(text, field=field, signed=True)
        try:
            number = Decimal(text)  # at most MAX_TEXT characters: parse_localized_amount checked
        except (InvalidOperation, ValueError):
            number = None
        if number is not None and number.is_finite():
            bounded_amount(number, field=field, signed=True)  # out of bounds ("1e999999", "0.001"): says so
        raise error from None  # not written as this language writes amounts ("12,5" in English, "abc")


def projects_visible(user) -> QuerySet:
    return permissions.visible(user, Project.objects.all())


def public_projects(filters: ProjectFilters | None = None, *, include_illustrative: bool = False) -> QuerySet:
    """The projects that may leave the platform as public records (IATI): the public catalogue's, in a public
    state only, whoever asks. Illustrative samples are not real projects: left out unless asked for (to try
    a format with the demo data; the export then marks each one)."""
    projects = projects_search(None, filters or ProjectFilters()).filter(status__in=PUBLIC_STATUSES, is_public=True)
    return projects if include_illustrative else projects.filter(is_illustrative=False)


def projects_matching(user, filters: ProjectFilters) -> QuerySet:
    """The visible projects that pass every filter, unordered, each once."""
    return filtered(projects_visible(user), filters)


def filtered(queryset: QuerySet, filters: ProjectFilters) -> QuerySet:
    """The projects of ``queryset`` that pass every filter, each once.

    A filter on a part is ``pk IN (subquery)``: no project repeats, and the database starts from the
    few parts that match.
    """
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


def sort_order(sort: str) -> list[tuple[str, bool]]:
    """The sort as (field, descending) pairs; empty values (not converted, not published) always sort last."""
    return [(name.lstrip("-"), name.startswith("-")) for name in SORTS[sort]]


def ordering_expressions(sort: str) -> list:
    return order_expressions(sort_order(sort))


def order_expressions(order: list[tuple[str, bool]]) -> list:
    """(field, descending) pairs as the ORM's ordering, empty values last either way."""
    return [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
            for name, descending in order]
