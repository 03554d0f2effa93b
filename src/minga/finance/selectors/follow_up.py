"""One pledge or flow with its permission, a user's own, and the flows shown on a project's page."""

from dataclasses import dataclass

from minga.accounts import permissions
from minga.finance.tracking import FundingFlow, SourceKind, Stage, TrackedPledge
from minga.reference.models import Organisation


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


def may_pay_out(user, commitment: FundingFlow) -> bool:
    """Whether the user may record a disbursement against ``commitment`` (the flow form offers it): one entered by
    hand, of an organisation whose flows the user records."""
    return (commitment.stage == Stage.COMMITMENT and commitment.source_kind == SourceKind.MANUAL
            and permissions.can_create_any(user, FundingFlow)
            and permissions.editable(user, Organisation.objects.filter(pk=commitment.provider_id)).exists())
