"""Reads of one project by its code, with its permission, and the lists of projects a user works on."""

from django.db.models import QuerySet

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.portfolio.models import Project, Status


def access_project(user, code: str, action: Action | str = Action.VIEW, *, include_deleted: bool = False,
                   queryset: QuerySet | None = None) -> Project:
    """The project at ``code``, for pages and the API alike (the exports read lists: ``projects_search``).

    Raises ``permissions.NotFound`` when there is none or the user may not see it (pages answer 404,
    the API 404 JSON: a hidden project looks like a missing one), and ``PermissionDenied`` (403) when
    they may see it but not do ``action``. Deleted projects are looked at only with ``include_deleted``
    (the project page, for the secretariat). ``queryset`` chooses what is read with it (the API's parts).
    """
    if queryset is None:
        queryset = Project.all_objects.select_related("proposing_organisation", "country", "created_by")
    return permissions.access(user, queryset, action, include_deleted=include_deleted, code=code)


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
