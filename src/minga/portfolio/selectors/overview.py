"""The portfolio as other pages show it: published totals, the latest published, per-subdivision counts, and
the projects an organisation proposes, takes part in and funds.

Totals follow the catalogue's rule (``Totals``): requested, secured and gap are USD sums over the projects
whose three USD figures are known; a project with an amount that could not be converted is counted apart
(``not_converted``), never added as zero. A project is counted once however many countries it names.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum

from minga.accounts import permissions
from minga.common.languages import LANGUAGES
from minga.portfolio.models import ParticipantRole, Project, ProjectFunding, ProjectLocation, ProjectParticipant
from minga.portfolio.selectors.catalogue_view import CENT, Totals
from minga.portfolio.selectors.facet_counts import CONVERTED, NOT_CONVERTED
from minga.portfolio.workflow import PUBLIC_STATUSES

NEWEST = F("published_at").desc(nulls_last=True)  # the unpublished last, on every database
LATEST = 5  # the latest published projects a page lists
LISTED = 50  # at most this many projects per list on an organisation's page (the count says how many in all)
# The long texts no list shows: left unread.
LONG_TEXTS = tuple(f"{name}_{code}" for name in ("summary", "description") for code in LANGUAGES) + (
    "search_text", "parts_summary")


def published_projects(*, country: str | None = None, subdivision: str | None = None,
                       municipality: str | None = None) -> QuerySet:
    """The published portfolio, whoever asks (what the public sees); ``country``, ``subdivision`` (ISO 3166-2),
    ``municipality`` (p-code): naming that territory."""
    projects = Project.objects.filter(is_public=True, status__in=PUBLIC_STATUSES)
    where = {key: value for key, value in (("country_id", country), ("subdivision_id", subdivision),
                                            ("municipality__pcode", municipality)) if value}
    if where:
        projects = projects.filter(pk__in=ProjectLocation.objects.filter(**where).values("project_id"))
    return projects


def totals_of(projects: QuerySet) -> Totals:
    """Counts and USD sums of ``projects`` in one aggregate, as the catalogue's totals."""
    figures = projects.order_by().aggregate(
        projects=Count("pk"), converted=Count("pk", filter=CONVERTED), not_converted=Count("pk", filter=NOT_CONVERTED),
        **{f"{name}_usd": Sum(f"{name}_usd", filter=CONVERTED) for name in ("requested", "secured", "gap")})
    return Totals(**{name: value if name in ("projects", "converted", "not_converted")
                     else Decimal(value or 0).quantize(CENT) for name, value in figures.items()})


def published_totals(**territory) -> Totals:
    """``territory``: ``country``, ``subdivision`` or ``municipality``, as ``published_projects`` takes them."""
    return totals_of(published_projects(**territory))


def latest_published(*, limit: int = LATEST, **territory) -> list[Project]:
    """The newest published projects (by publication date), with their proposer; the long texts left unread."""
    return list(published_projects(**territory).select_related("proposing_organisation").defer(*LONG_TEXTS)
                .order_by("-published_at", "-pk")[:limit])


def published_per_subdivision(country: str) -> dict[str, int]:
    """ISO 3166-2 code → how many published projects name that subdivision of ``country`` (each once)."""
    rows = (ProjectLocation.objects.filter(country_id=country, subdivision__isnull=False,
                                           project__in=published_projects().values("pk"))
            .order_by().values_list("subdivision_id").annotate(n=Count("project", distinct=True)))
    return dict(rows)


@dataclass
class Listed:
    """Some of a list (at most ``LISTED``) and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class OrganisationProjects:
    proposed: Listed
    participating: Listed  # (project, [role labels])
    funding: Listed  # ProjectFunding rows with their project


def _first(queryset: QuerySet) -> Listed:
    """The first ``LISTED`` of ``queryset``; counted apart only when there may be more."""
    rows = list(queryset[:LISTED])
    return Listed(rows=rows, total=len(rows) if len(rows) < LISTED else queryset.count())


def organisation_projects(user, organisation) -> OrganisationProjects:
    """The projects ``organisation`` proposes, takes part in (by IATI role) and funds, as ``user`` may see them.

    The permission module decides: the public sees published projects only, a scoped user also those in
    their scope. Three queries (a count more for a list that is full), however many projects.
    """
    visible = permissions.visible(user, Project.objects.all())
    proposed = visible.filter(proposing_organisation=organisation).defer(*LONG_TEXTS).order_by(NEWEST, "-pk")

    roles = (ProjectParticipant.objects.filter(organisation=organisation, project__in=visible.values("pk"))
             .select_related("project").defer(*(f"project__{name}" for name in LONG_TEXTS))
             .order_by(F("project__published_at").desc(nulls_last=True), "-project_id", "role"))
    # One row per role, a project's roles together: LISTED projects take at most this many rows, so the first
    # LISTED projects read are whole; the projects are counted apart only when the rows ran out.
    limit = LISTED * len(ParticipantRole)
    rows = list(roles[:limit])
    by_project: dict[int, tuple[Project, list[str]]] = {}
    for row in rows:
        by_project.setdefault(row.project_id, (row.project, []))[1].append(str(ParticipantRole(row.role).label))
    participating = list(by_project.values())
    participating_total = (len(participating) if len(rows) < limit
                           else roles.order_by().values("project_id").distinct().count())

    funding = (ProjectFunding.objects.filter(funder=organisation, project__in=visible.values("pk"))
               .select_related("project").defer(*(f"project__{name}" for name in LONG_TEXTS))
               .order_by("-value_date", "-pk"))
    return OrganisationProjects(proposed=_first(proposed),
                                participating=Listed(rows=participating[:LISTED], total=participating_total),
                                funding=_first(funding))
