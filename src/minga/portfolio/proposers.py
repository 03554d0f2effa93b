"""Who may propose a project: the kinds of organisation, and those a given user may propose for."""

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.portfolio.models import Project, Status
from minga.reference.models import Organisation, OrganisationType

# A member state's government body, one of its local governments, or another public-sector body.
PROPOSER_TYPES = (OrganisationType.GOVERNMENT, OrganisationType.LOCAL_GOVERNMENT, OrganisationType.OTHER_PUBLIC_SECTOR)


def proposable_organisations(user, *, also: Organisation | None = None):
    """The organisations ``user`` may propose a project for (the permission module decides), by country and name.

    ``also`` is kept in the list whatever the permissions say: the one a saved project already names.
    """
    candidates = (Organisation.objects.filter(organisation_type__in=PROPOSER_TYPES, country__is_member_state=True)
                  .select_related("country"))
    allowed = [organisation.pk for organisation in candidates if permissions.can(
        user, Action.CREATE, Project(proposing_organisation=organisation, country_id=organisation.country_id,
                                     status=Status.DRAFT))]
    if also is not None:
        allowed.append(also.pk)
    return Organisation.objects.filter(pk__in=allowed).select_related("country").order_by("country_id", "name")
