"""The follow-up workflows of pledges and flows, declared once.

A flow: draft → reported (by its donor officer) → confirmed (by the focal point of the receiving
country) → validated (by the secretariat, public from then on). A regional flow (no receiving
country) has no focal point to confirm it: the secretariat validates it once reported. Either
side may send a reported or confirmed record back to draft with a comment. A pledge has no
recipient to confirm it: draft → reported → validated. Registered by ``FinanceConfig.ready()``.
"""

from django.utils.translation import gettext_lazy as _

from minga.accounts.workflows import Comment, NextStep, State, Transition, Who, Workflow
from minga.finance.tracking import FollowUp

SECRETARIAT = frozenset({Who.SECRETARIAT})
PROPOSER = frozenset({Who.PROPOSER})
CONFIRMER = frozenset({Who.CONFIRMER})


def _state(state: FollowUp, **rules) -> State:
    return State(state.value, state.label, **rules)


def _needs_confirmation(flow) -> dict[str, list[str]]:
    if flow.country_id is not None:
        return {"status": [str(_("The focal point of the receiving country confirms this flow first."))]}
    return {}


DRAFT = _state(FollowUp.DRAFT, editable_by_proposer=True)
REPORTED = _state(FollowUp.REPORTED)
VALIDATED = _state(FollowUp.VALIDATED, is_public=True)

_REPORT = Transition((FollowUp.DRAFT,), FollowUp.REPORTED, PROPOSER, _("Report"), done=_("Reported."))
_RETURN_HELP = _("Say what must be corrected.")

FLOW_WORKFLOW = Workflow(
    model="finance.fundingflow",
    state_field="status",
    public_field="is_public",
    states=(
        DRAFT,
        _state(FollowUp.REPORTED, next_step=NextStep(
            FollowUp.CONFIRMED, _("Confirm that it was received"), _("Wait for the recipient country to confirm it"))),
        _state(FollowUp.CONFIRMED, next_step=NextStep(
            FollowUp.VALIDATED, _("Validate it"), _("Wait for the secretariat to validate it"))),
        VALIDATED,
    ),
    transitions=(
        _REPORT,
        Transition((FollowUp.REPORTED,), FollowUp.CONFIRMED, CONFIRMER, _("Confirm receipt"),
                   done=_("Confirmed: the secretariat validates it next.")),
        Transition((FollowUp.CONFIRMED,), FollowUp.VALIDATED, SECRETARIAT, _("Validate"),
                   done=_("Validated: the flow is now public.")),
        Transition((FollowUp.REPORTED,), FollowUp.VALIDATED, SECRETARIAT, _("Validate"),
                   done=_("Validated: the flow is now public."), guard=_needs_confirmation,
                   guard_refused=_("Not validated yet.")),
        Transition((FollowUp.REPORTED, FollowUp.CONFIRMED), FollowUp.DRAFT, SECRETARIAT | CONFIRMER, _("Send back"),
                   done=_("Sent back to its donor."), comment=Comment.REQUIRED, comment_missing=_RETURN_HELP),
    ),
)

PLEDGE_WORKFLOW = Workflow(
    model="finance.trackedpledge",
    state_field="status",
    public_field="is_public",
    states=(DRAFT, REPORTED, VALIDATED),
    transitions=(
        _REPORT,
        Transition((FollowUp.REPORTED,), FollowUp.VALIDATED, SECRETARIAT, _("Validate"),
                   done=_("Validated: the pledge is now public.")),
        Transition((FollowUp.REPORTED,), FollowUp.DRAFT, SECRETARIAT, _("Send back"),
                   done=_("Sent back to its donor."), comment=Comment.REQUIRED, comment_missing=_RETURN_HELP),
    ),
)
