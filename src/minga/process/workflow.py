"""The roadmap action's workflow, declared once: planned → under way ⇄ delayed → done; dropped by the secretariat.

The officers of an action's lead organisation move it as they report progress (``Who.PROPOSER``: the
access policy's editors whose scope covers the lead organisation); dropping an action, or reopening
one that is done or dropped, is the secretariat's decision. Registered by ``ProcessConfig.ready()``;
the progress service and the update form read this declaration.
"""

from django.utils.translation import gettext_lazy as _

from minga.accounts.workflows import State, Transition, Who, Workflow
from minga.process.models import RoadmapStatus

SECRETARIAT = frozenset({Who.SECRETARIAT})
LEAD = frozenset({Who.SECRETARIAT, Who.PROPOSER})
S = RoadmapStatus

ROADMAP_WORKFLOW = Workflow(
    model="process.roadmapaction",
    state_field="status",
    states=tuple(State(status.value, status.label) for status in RoadmapStatus),
    transitions=(
        Transition((S.PLANNED, S.DELAYED), S.UNDER_WAY, LEAD, _("Mark under way"), done=_("Marked under way.")),
        Transition((S.PLANNED, S.UNDER_WAY), S.DELAYED, LEAD, _("Mark delayed"), done=_("Marked delayed.")),
        Transition((S.UNDER_WAY, S.DELAYED), S.DONE, LEAD, _("Mark done"), done=_("Marked done.")),
        Transition((S.PLANNED, S.UNDER_WAY, S.DELAYED), S.DROPPED, SECRETARIAT, _("Drop"), done=_("Dropped.")),
        Transition((S.DONE, S.DROPPED), S.UNDER_WAY, SECRETARIAT, _("Reopen"), done=_("Reopened.")),
    ),
)
