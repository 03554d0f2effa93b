"""Reads of local governments and their needs statements, through the permission module."""

from dataclasses import dataclass

from django.db.models import QuerySet

from minga.accounts import permissions
from minga.accounts.models import Role, RoleGrant
from minga.accounts.permissions import Action
from minga.localgov.models import LOCAL_GOVERNMENT, NeedsStatement
from minga.reference.models import Organisation


def local_governments(*, country: str = "", subdivision: str = "", municipality: str = "") -> QuerySet:
    """The live local governments (IATI type 11) of a territory, by name."""
    found = Organisation.objects.filter(organisation_type=LOCAL_GOVERNMENT, awaiting_approval=False)
    if country:
        found = found.filter(country_id=country)
    if subdivision:
        found = found.filter(subdivision_id=subdivision)
    if municipality:
        found = found.filter(municipality__pcode=municipality)
    return found.select_related("municipality").order_by("name")


def access_local_government(user, pk) -> Organisation:
    """The local government at ``pk`` if the user may see it, else ``NotFound`` (also for any other type)."""
    return permissions.access(user, Organisation.objects.filter(organisation_type=LOCAL_GOVERNMENT)
                              .select_related("country", "subdivision", "municipality"), pk=pk)


def access_needs_statement(user, pk, action: Action | str = Action.VIEW) -> NeedsStatement:
    return permissions.access(user, NeedsStatement.objects.select_related("organisation", "theme"), action, pk=pk)


def needs_of(user, organisation) -> list[NeedsStatement]:
    return list(permissions.visible(user, NeedsStatement.objects.filter(organisation=organisation))
                .select_related("theme").order_by("-pk"))


def needs_in(user, *, subdivision: str = "", municipality: str = "") -> list[NeedsStatement]:
    """The statements of the local governments of a territory (for the territory pages)."""
    found = NeedsStatement.objects.all()
    if subdivision:
        found = found.filter(organisation__subdivision_id=subdivision)
    if municipality:
        found = found.filter(organisation__municipality__pcode=municipality)
    return list(permissions.visible(user, found).select_related("theme", "organisation").order_by("-pk"))


@dataclass(frozen=True)
class FocalPoint:
    name: str


def focal_points(organisation) -> list[FocalPoint]:
    """The officers who answer for the local government on the platform (active grants), by name."""
    grants = RoleGrant.objects.filter(organisation=organisation, role=Role.LOCAL_GOVERNMENT_OFFICER,
                                      revoked_at__isnull=True, user__is_active=True).select_related("user")
    names = sorted({grant.user.get_full_name() or grant.user.username for grant in grants})
    return [FocalPoint(name=name) for name in names]
