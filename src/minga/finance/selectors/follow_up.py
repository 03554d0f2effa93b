"""One pledge or flow with its permission, a user's own, and the flows shown on a project's page."""

from dataclasses import dataclass

from minga.accounts import permissions
from minga.finance.tracking import FundingFlow, TrackedPledge


def access_pledge(user, pk, action="view") -> TrackedPledge:
    """Not visible → ``NotFound``; visible but not allowed → ``PermissionDenied``."""
    return permissions.access(user, TrackedPledge.objects.select_related("donor", "conference"), action, pk=pk)


def access_flow(user, pk, action="view") -> FundingFlow:
    return permissions.access(user, FundingFlow.objects.select_related("provider", "receiver", "project"), action,
                              pk=pk)


@dataclass
class MyFunding:
    pledges: list
    flows: list


def my_funding(user) -> MyFunding:
    """The pledges and flows of the user's organisations, whatever their state."""
    pledges = (permissions.in_scope(user, TrackedPledge.objects.all()).select_related("donor", "conference")
               .order_by("-pledged_on", "-pk"))
    flows = (permissions.in_scope(user, FundingFlow.objects.all()).select_related("provider", "receiver", "project")
             .order_by("-value_date", "-pk"))
    return MyFunding(list(pledges), list(flows))


def flows_for_project(user, project) -> list[FundingFlow]:
    """The flows the user may see that fund ``project`` (the public: the validated ones)."""
    return list(permissions.visible(user, FundingFlow.objects.filter(project=project))
                .select_related("provider", "receiver").order_by("value_date", "pk"))
