"""An IATI activity's ``humanitarian-scope`` that names a humanitarian plan links the activity to that plan's
requirement (issue 11).

IATI's HumanitarianScopeVocabulary 2-1 ("Humanitarian Plan") gives the plan's code as OCHA FTS keys it (HPSE20,
an RMRP's code); Minga keeps each requirement cell of a plan under that code (``finance.Requirement.plan``: the
FTS plan overview, an HXL requirements table, or the secretariat's own entry). The link is read when asked, from
the scopes kept on the activity (``IatiActivity.data["humanitarian_scopes"]``, as published): so a requirement
stored after the activity (a plan overview imported later) links it too, in either order, and the import itself
does no extra work per activity. Codes compare without regard to case or spacing ("rmrp 2024" is "RMRP2024" is
not: spaces inside a code are kept, only runs of them are made one). A scope of another vocabulary (1-2 GLIDE, an
emergency) or naming a plan Minga holds no requirement for is kept as given, and said to be unmatched.
"""

from dataclasses import dataclass

from django.db.models.functions import Lower

from minga.accounts import permissions
from minga.finance.tracking import Requirement

PLAN_VOCABULARY = "2-1"


@dataclass(frozen=True)
class ScopeLink:
    """One humanitarian-scope as published, and the requirement cells of the plan it names (none: unmatched)."""

    type: str
    vocabulary: str
    code: str
    requirements: tuple = ()

    @property
    def names_a_plan(self) -> bool:
        return self.vocabulary == PLAN_VOCABULARY

    @property
    def is_linked(self) -> bool:
        return bool(self.requirements)


def plan_key(code: str) -> str:
    return " ".join(str(code).split()).casefold()


def _scopes(activity) -> list[tuple[str, str, str]]:
    scopes = (activity.data or {}).get("humanitarian_scopes") or []
    return [tuple((list(scope) + ["", "", ""])[:3]) for scope in scopes if isinstance(scope, list | tuple)]


def scope_links(activities, *, user=None) -> dict[int, list[ScopeLink]]:
    """Each activity's humanitarian scopes (by activity pk), in the order published, with the requirement cells
    (visible to ``user``) of the plan each names; one query for all the activities."""
    activities = list(activities)
    wanted = {plan_key(code) for activity in activities for _type, vocabulary, code in _scopes(activity)
              if vocabulary == PLAN_VOCABULARY and code.strip()}
    cells: dict[str, list] = {}
    if wanted:
        found = (Requirement.objects.annotate(key=Lower("plan")).filter(key__in=wanted)
                 .select_related("country", "source").order_by("plan", "year", "country_id", "pk"))
        for requirement in permissions.visible(user, found):
            cells.setdefault(plan_key(requirement.plan), []).append(requirement)
    return {activity.pk: [ScopeLink(kind, vocabulary, code, tuple(cells.get(plan_key(code), ()))
                                    if vocabulary == PLAN_VOCABULARY else ())
                          for kind, vocabulary, code in _scopes(activity)]
            for activity in activities}


def unmatched_plans(activities, *, user=None) -> list[tuple[str, str]]:
    """(activity identifier, plan code) of every scope naming a plan Minga holds no requirement for: what an
    import's report says was kept as given."""
    activities = list(activities)
    links = scope_links(activities, user=user)
    return [(activity.identifier, link.code) for activity in activities for link in links[activity.pk]
            if link.names_a_plan and not link.is_linked]
