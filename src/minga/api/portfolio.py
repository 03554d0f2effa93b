"""The Portfolio of Cooperation Projects through the API: list, detail, create, update, move through the workflow.

Thin: the selectors read with the caller's visibility, ``portfolio.inputs`` turns codes into the
services' input, the services check the permission module and write. A project the caller may
not see is answered 404, as if it did not exist; one the caller sees but may not change, 403.
Writes need a bearer token and carry the version they edited (stale: 409, nothing written).
"""

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from minga.accounts.permissions import Action
from minga.api.auth import TokenAuth, caller
from minga.api.pagination import Paged
from minga.api.portfolio_schemas import (
    ConflictOut,
    ProjectErrorOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ProjectQuery,
    TransitionIn,
)
from minga.api.schemas import ErrorOut
from minga.common.page_cache import public_page
from minga.common.versions import parse_version
from minga.portfolio import selectors, services
from minga.portfolio.inputs import Lookups, project_input
from minga.portfolio.models import Project, ProjectFunding, ProjectLocation, ProjectParticipant, ProjectTheme
from minga.portfolio.selectors import ProjectFilters

router = Router(tags=["portfolio"])


def _with_parts(queryset):
    """Everything ProjectOut shows, in a fixed number of queries whatever the page size."""
    return queryset.select_related("proposing_organisation", "country").prefetch_related(
        Prefetch("locations", queryset=ProjectLocation.objects.select_related("country", "subdivision",
                                                                              "municipality")),
        Prefetch("themes", queryset=ProjectTheme.objects.select_related("term__vocabulary").order_by(
            "term__vocabulary_id", "-percentage", "pk")),
        "markers__marker", "people", "budget_years", "contacts",
        Prefetch("funding", queryset=ProjectFunding.objects.select_related("funder").order_by("pk")),
        Prefetch("participants", queryset=ProjectParticipant.objects.select_related("organisation").order_by("pk")),
    )


def _access(user, code: str, action: Action = Action.VIEW) -> Project:
    """The project with its parts; NotFound (404) when hidden, PermissionDenied (403) when ``action`` is refused."""
    return selectors.access_project(user, code, action, queryset=_with_parts(Project.objects.all()))


def _fresh(project: Project) -> Project:
    return _with_parts(Project.objects.filter(pk=project.pk)).get()


def _as(request: HttpRequest, user):
    """Remember who is calling, for the parts of the answer that depend on it (contacts, transitions)."""
    request.minga_caller = user
    return user


@router.get("/projects", response={200: list[ProjectOut], 401: ErrorOut, 422: ProjectErrorOut},
            url_name="project_list",
            summary="Projects of the portfolio, with the catalogue's filters",
            description="The projects the caller may see (anonymous callers: published, in implementation or "
                        "completed ones; focal points and local-government officers also their own drafts), filtered "
                        "and sorted as in the catalogue at /projects/ (same query string), paginated with limit and "
                        "offset. 422 names a parameter that cannot be used (e.g. an amount beyond 16 digits).")
@decorate_view(public_page("api:project_list"))  # the public's answer, kept until a write it can see
@paginate(Paged)
def project_list(request, filters: Query[ProjectQuery]):
    user = _as(request, caller(request))
    return _with_parts(selectors.projects_search(user, ProjectFilters.from_querydict(request.GET)))


@router.get("/projects/{code}", response={200: ProjectOut, 401: ErrorOut, 404: ErrorOut}, url_name="project_detail",
            summary="One project with its parts, money and links",
            description="404 when the project does not exist or the caller may not see it.")
def project_detail(request, code: str):
    user = _as(request, caller(request))
    return _access(user, code)


@router.post("/projects", auth=TokenAuth(), url_name="project_create",
             response={201: ProjectOut, 401: ErrorOut, 403: ErrorOut, 422: ProjectErrorOut},
             summary="Create a project (a draft)",
             description="Body in codes: organisations by id or IATI identifier, territories by ISO 3166-1 alpha-3, "
                         "ISO 3166-2 or p-code, themes by vocabulary and term code, markers by code. A draft may be "
                         "incomplete; shares, people and yearly amounts must add up. 422 names every problem by "
                         "field path; 403 when the caller may not propose for that organisation.")
def project_create(request, payload: ProjectIn):
    user = _as(request, request.auth)
    data = project_input(payload.dict(exclude_unset=True), lookups=Lookups())
    project = services.project_create(user=user, data=data)
    return Status(201, _fresh(project))


@router.patch("/projects/{code}", auth=TokenAuth(), url_name="project_update",
              response={200: ProjectOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut,
                        422: ProjectErrorOut},
              summary="Change a project",
              description="Send the version you read and only the fields to change; a list (locations, themes, …) "
                          "replaces the whole list. A stale version gets 409 with the current version and nothing is "
                          "written. Proposers change their projects while they are drafts or changes are requested.")
def project_update(request, code: str, payload: ProjectPatch):
    user = _as(request, request.auth)
    project = _access(user, code, Action.CHANGE)
    changes = payload.dict(exclude_unset=True)
    version, reason = parse_version(changes.pop("version"), field="version"), changes.pop("reason", "")
    data = project_input(changes, lookups=Lookups())
    updated = services.project_update(project=project, user=user, data=data, expected_version=version,
                                      reason=reason)
    return _fresh(updated)


@router.post("/projects/{code}/transitions", auth=TokenAuth(), url_name="project_transition",
             response={200: ProjectOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut,
                       422: ProjectErrorOut},
             summary="Move a project through the workflow",
             description="draft → submitted → under_review → changes_requested / published → in_implementation → "
                         "completed; withdrawn from any state. 403 when the caller may not make this move, 422 when "
                         "a submission is incomplete or a request for changes has no comment, 409 on a stale version. "
                         "allowed_transitions in the project tells which moves the caller may make.")
def project_transition(request, code: str, payload: TransitionIn):
    user = _as(request, request.auth)
    project = _access(user, code)
    moved = services.project_transition(project=project, user=user, to_status=payload.to_status,
                                        expected_version=parse_version(payload.version, field="version"),
                                        comment=payload.comment)
    return _fresh(moved)
