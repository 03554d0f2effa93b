"""One pledge or flow with its permission, a user's own, and the flows shown on a project's page."""

from dataclasses import dataclass

from minga.accounts import permissions
from minga.finance.tracking import FundingFlow, SourceKind, Stage, TrackedPledge


def access_pledge(user, pk, action="view") -> TrackedPledge:
    """Not visible → ``NotFound``; visible but not allowed → ``PermissionDenied``."""
    return permissions.access(user, TrackedPledge.objects.select_related("donor", "conference"), action, pk=pk)


def access_flow(user, pk, action="view") -> FundingFlow:
    return permissions.access(user, FundingFlow.objects.select_related("provider", "receiver", "project",
                                                                       "commitment"), action, pk=pk)


def paid_against(user, commitment: FundingFlow) -> list[FundingFlow]:
    """The disbursements the user may see that pay out ``commitment``, in the order they were made."""
    if commitment.stage != Stage.COMMITMENT:
        return []
    return list(permissions.visible(user, FundingFlow.objects.filter(commitment=commitment))
                .order_by("value_date", "pk"))


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


def commitments_to_pay(user):
    """The commitments the user may record a disbursement against: entered by hand (an imported one is paid out by
    its source's own disbursements, which the next import brings and links: one recorded by hand beside them would
    count the money twice), of the organisations whose flows the user records."""
    return permissions.in_scope(user, FundingFlow.objects.filter(stage=Stage.COMMITMENT,
                                                                 source_kind=SourceKind.MANUAL))


def may_pay_out(user, commitment: FundingFlow) -> bool:
    """Whether the flow form offers ``commitment`` to the user for a new disbursement."""
    return (commitment.stage == Stage.COMMITMENT and permissions.can_create_any(user, FundingFlow)
            and commitments_to_pay(user).filter(pk=commitment.pk).exists())
