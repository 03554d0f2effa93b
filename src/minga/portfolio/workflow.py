"""The project workflow, declared once: states, moves, who takes them, what is said, what else changes.

draft → submitted → under_review → changes_requested (→ submitted again) or published →
in_implementation → completed; withdrawn from any state before completion. Registered with the
permission module by ``PortfolioConfig.ready()``; the services, the review and submission pages,
the actions box and the IATI writer all read this declaration.
"""

from django.utils.translation import gettext_lazy as _

from minga.accounts.workflows import Comment, NextStep, State, Transition, Who, Workflow
from minga.portfolio import validation
from minga.portfolio.inputs import project_input_from
from minga.portfolio.models import Status

SECRETARIAT = frozenset({Who.SECRETARIAT})
PROPOSER = frozenset({Who.PROPOSER})
EITHER = frozenset({Who.SECRETARIAT, Who.PROPOSER})


def _state(status: Status, **rules) -> State:
    return State(status.value, status.label, **rules)


def _incomplete(project) -> dict[str, list[str]]:
    return validation.check(project_input_from(project), complete=True)


def _stamp_submitted(project, at) -> dict:
    return {"submitted_at": at}


def _stamp_first_publication(project, at) -> dict:
    # The first publication is the one that counts: a date already recorded is kept.
    return {"published_at": at} if project.published_at is None else {}


PROJECT_WORKFLOW = Workflow(
    model="portfolio.project",
    state_field="status",
    public_field="is_public",
    states=(
        _state(Status.DRAFT, editable_by_proposer=True),
        _state(Status.SUBMITTED, next_step=NextStep(
            Status.UNDER_REVIEW, _("Start the review"), _("Wait for the secretariat to review it"))),
        _state(Status.UNDER_REVIEW, next_step=NextStep(
            Status.PUBLISHED, _("Publish it or request changes"), _("Wait for the secretariat's decision"))),
        _state(Status.CHANGES_REQUESTED, editable_by_proposer=True),
        # IATI ActivityStatus: a published project is 1 Pipeline/identification (it seeks funding and
        # has not started); completed is 4 Closed, because it is the last state of the workflow:
        # nothing later could report a financial sign-off, so 3 Finalisation would stay pending for ever.
        _state(Status.PUBLISHED, is_public=True, iati_status="1", next_step=NextStep(
            Status.IN_IMPLEMENTATION, _("Mark it in implementation when it starts"), _("Published: nothing to do"))),
        _state(Status.IN_IMPLEMENTATION, is_public=True, iati_status="2", next_step=NextStep(
            Status.COMPLETED, _("Mark it completed when it ends"), _("In implementation: nothing to do"))),
        _state(Status.COMPLETED, is_public=True, iati_status="4"),
        _state(Status.WITHDRAWN),
    ),
    # In the order of the buttons.
    transitions=(
        Transition((Status.DRAFT, Status.CHANGES_REQUESTED), Status.SUBMITTED, PROPOSER, _("Submit"),
                   done=_("Submitted to the secretariat."), guard=_incomplete,
                   guard_refused=_("Not submitted yet: the project is incomplete. Each missing item below "
                                   "links to the step where it is entered."),
                   effects=_stamp_submitted),
        Transition((Status.SUBMITTED,), Status.UNDER_REVIEW, SECRETARIAT, _("Start review"),
                   done=_("Review started.")),
        Transition((Status.SUBMITTED, Status.UNDER_REVIEW), Status.CHANGES_REQUESTED, SECRETARIAT,
                   _("Request changes"), done=_("Changes requested; the proposer sees your comment."),
                   comment=Comment.REQUIRED, comment_missing=_("Say what needs to change.")),
        Transition((Status.UNDER_REVIEW,), Status.PUBLISHED, SECRETARIAT, _("Publish"),
                   done=_("Published: the project is now in the public catalogue."),
                   effects=_stamp_first_publication, comment=Comment.OPTIONAL, confirm=True,
                   confirm_note=_("Everyone will see it in the public catalogue and in the exports (IATI "
                                  "included), and its editors will be told by e-mail.")),
        Transition((Status.PUBLISHED,), Status.IN_IMPLEMENTATION, EITHER, _("Mark in implementation"),
                   done=_("Marked in implementation.")),
        Transition((Status.IN_IMPLEMENTATION,), Status.COMPLETED, EITHER, _("Mark completed"),
                   done=_("Marked completed.")),
        Transition((Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CHANGES_REQUESTED, Status.PUBLISHED,
                    Status.IN_IMPLEMENTATION), Status.WITHDRAWN, EITHER, _("Withdraw"), done=_("Withdrawn."),
                   comment=Comment.OPTIONAL, confirm=True,
                   confirm_note=_("It leaves the review queue and, if it is published, the public catalogue; "
                                  "its history is kept.")),
    ),
)

# The states whose projects are in the public catalogue (and in IATI).
PUBLIC_STATUSES = PROJECT_WORKFLOW.public_states()
