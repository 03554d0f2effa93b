"""Reads of the portfolio, with visibility applied: the catalogue's filters, "my projects", the review queue."""

from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation

from django.db.models import Q, QuerySet

from minga.accounts import permissions
from minga.portfolio.models import Project, Status
from minga.portfolio.services import normalise_text

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


def projects_visible(user) -> QuerySet:
    return permissions.visible(user, Project.objects.all())


def projects_search(user, filters: ProjectFilters) -> QuerySet:
    queryset = projects_visible(user)
    if filters.q:
        for word in normalise_text(filters.q).split():
            queryset = queryset.filter(search_text__contains=word)
    if filters.country:
        queryset = queryset.filter(locations__country_id__in=[c.upper() for c in filters.country])
    if filters.subdivision:
        queryset = queryset.filter(locations__subdivision_id__in=[s.upper() for s in filters.subdivision])
    if filters.axis:
        queryset = queryset.filter(themes__term__vocabulary_id="quito-axes", themes__term__code__in=filters.axis)
    if filters.line:
        queryset = queryset.filter(themes__term__vocabulary_id="lines-of-work-2023", themes__term__code__in=filters.line)
    if filters.marker:
        queryset = queryset.filter(markers__marker_id__in=filters.marker, markers__significance__gte=1)
    if filters.group:
        queryset = queryset.filter(people__dimension="population_group", people__category__in=filters.group,
                                   people__people__gt=0)
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
    # Joins through the parts can repeat a project; keep each once.
    ids = queryset.values("pk")
    return (Project.objects.filter(pk__in=ids).select_related("proposing_organisation", "country")
            .order_by(*SORTS[filters.sort]))


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
