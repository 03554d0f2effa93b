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
from django.utils.translation import gettext, ngettext

from minga.accounts import permissions
from minga.finance.tracking import Requirement

PLAN_VOCABULARY = "2-1"
SHOWN_IDENTIFIERS = 3  # an import's report names the first few activities naming an unmatched plan


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
    return _scope_triples(activity.data)


def _scope_triples(data: dict | None) -> list[tuple[str, str, str]]:
    """(type, vocabulary, code) of each humanitarian scope an activity's ``data`` keeps, padded to three."""
    scopes = (data or {}).get("humanitarian_scopes") or []
    return [tuple((list(scope) + ["", "", ""])[:3]) for scope in scopes if isinstance(scope, list | tuple)]


def plan_codes(data: dict) -> list[str]:
    """The plan codes an activity's scopes name (its ``data`` as read), once each, in the order published."""
    codes = {}
    for _type, vocabulary, code in _scope_triples(data):
        if vocabulary == PLAN_VOCABULARY and code.strip():
            codes.setdefault(plan_key(code), code)
    return list(codes.values())


def held_plans(keys) -> set[str]:
    """Which of these plan keys (``plan_key``) name a requirement Minga holds, whoever may see it; one query."""
    keys = set(keys)
    if not keys:
        return set()
    return {plan_key(plan) for plan in Requirement.objects.annotate(key=Lower("plan")).filter(key__in=keys)
            .values_list("plan", flat=True).distinct()}


def unmatched_plan_line(code: str, count: int, identifiers) -> str:
    """One line of an import's report: a plan code that names no requirement, and the activities naming it."""
    shown = ", ".join(list(identifiers)[:SHOWN_IDENTIFIERS]) + (", …" if count > SHOWN_IDENTIFIERS else "")
    return ngettext("Plan %(code)s names no requirement held here (kept as given): %(count)s activity (%(shown)s)",
                    "Plan %(code)s names no requirement held here (kept as given): %(count)s activities (%(shown)s)",
                    count) % {"code": code, "count": count, "shown": shown}


def unmatched_plans_heading() -> str:
    return gettext("Plans named by the activities that no requirement holds")


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
