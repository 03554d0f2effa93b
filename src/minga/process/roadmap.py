"""Reads about the roadmap: its actions by line of work, their flags, milestones and progress notes.

The flags are computed here from dates and progress, never stored, so they are always those of today:
- **overdue**: the due date has passed and the action is neither done nor dropped;
- **at risk**: not overdue, still open, started, and the share of its time already elapsed exceeds
  its reported progress by more than ``AT_RISK_MARGIN`` percentage points (an action at 20 % when
  60 % of its time is gone is at risk: 60 − 20 = 40 > 25). Progress not reported counts as 0 %.
An action without a start or a due date is never flagged: there is nothing to measure it against.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from minga.accounts import permissions
from minga.common.numbers import parse_count
from minga.common.text import sorted_as_shown
from minga.process.models import Milestone, ProgressUpdate, RoadmapAction, RoadmapStatus
from minga.reference.models import LINES_OF_WORK, Country, Organisation, Term

AT_RISK_MARGIN = 25  # percentage points of elapsed time ahead of progress
CLOSED = (RoadmapStatus.DONE, RoadmapStatus.DROPPED)


def is_overdue(action: RoadmapAction, today: date) -> bool:
    return action.due_on is not None and action.due_on < today and action.status not in CLOSED


def elapsed_percent(action: RoadmapAction, today: date) -> int | None:
    """How much of the action's time has gone, in whole percent (0–100); None without both dates."""
    if action.starts_on is None or action.due_on is None:
        return None
    span = (action.due_on - action.starts_on).days
    if today <= action.starts_on:
        return 0
    if span <= 0 or today >= action.due_on:
        return 100
    return (today - action.starts_on).days * 100 // span


def is_at_risk(action: RoadmapAction, today: date) -> bool:
    elapsed = elapsed_percent(action, today)
    if elapsed is None or action.status in CLOSED or is_overdue(action, today) or today <= action.starts_on:
        return False
    return elapsed - (action.progress or 0) > AT_RISK_MARGIN


def is_milestone_overdue(milestone: Milestone, today: date) -> bool:
    return milestone.done_on is None and milestone.due_on < today


@dataclass(frozen=True)
class ActionRow:
    action: RoadmapAction
    overdue: bool
    at_risk: bool


@dataclass(frozen=True)
class RoadmapFilters:
    line: str = ""
    status: str = ""
    lead: int | None = None
    country: str = ""  # ISO3: actions whose lead or a partner organisation is of that country

    @classmethod
    def from_querydict(cls, query) -> "RoadmapFilters":
        status = query.get("status", "")
        return cls(line=query.get("line", "")[:40].strip(), status=status if status in RoadmapStatus.values else "",
                   lead=parse_count(query.get("lead", ""), field="lead", minimum=1),
                   country=query.get("country", "")[:3].strip().upper())


def _actions() -> QuerySet:
    return RoadmapAction.objects.select_related("line", "lead_organisation", "source")


def rows(filters: RoadmapFilters, today: date) -> list[ActionRow]:
    found = _actions()
    if filters.line:
        found = found.filter(line__code=filters.line)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.lead:
        found = found.filter(lead_organisation_id=filters.lead)
    if filters.country:
        found = found.filter(pk__in=RoadmapAction.objects.filter(
            Q(lead_organisation__country_id=filters.country) | Q(partners__country_id=filters.country)).values("pk"))
    return [ActionRow(action, is_overdue(action, today), is_at_risk(action, today))
            # Within a line, the sourced actions before the demo's illustrative ones.
            for action in found.order_by("line__position", "line__code", "is_illustrative", "code")]


def grouped(action_rows: list[ActionRow]) -> list[tuple[Term, list[ActionRow]]]:
    """The rows under their line of work, in the vocabulary's order (rows come sorted by line)."""
    groups: list[tuple[Term, list[ActionRow]]] = []
    for row in action_rows:
        if not groups or groups[-1][0].pk != row.action.line_id:
            groups.append((row.action.line, []))
        groups[-1][1].append(row)
    return groups


def action(code: str) -> RoadmapAction:
    return (_actions().prefetch_related(
        "partners",
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
        Prefetch("updates", queryset=ProgressUpdate.objects.select_related("reported_by").order_by("-on_date", "-pk")))
        .get(code=code))


def linked_projects(user, action: RoadmapAction) -> list:
    """The portfolio projects linked to the action that the reader may see (the public: the published ones)."""
    return list(permissions.visible(user, action.projects.all()).select_related("country").order_by("code"))


def linked_services(user, action: RoadmapAction) -> list:
    """The directory's live services linked to the action, as the reader may see them."""
    return list(permissions.visible(user, action.services.all()).select_related("municipality", "subdivision")
                .order_by("name_es", "pk"))


def actions_for_service(service) -> list[RoadmapAction]:
    """The roadmap actions that link a service: what its page shows under "roadmap"."""
    return list(RoadmapAction.objects.filter(services=service).select_related("line").order_by("line__position",
                                                                                               "code"))


def lines() -> QuerySet:
    return Term.objects.filter(vocabulary_id=LINES_OF_WORK).order_by("position", "code")


def countries() -> list[Country]:
    """The countries of the lead and partner organisations of the actions: the choices of the "country" filter,
    by their name in the reader's language."""
    lead = RoadmapAction.objects.filter(lead_organisation__isnull=False).values("lead_organisation__country_id")
    partner = RoadmapAction.objects.filter(partners__isnull=False).values("partners__country_id")
    return sorted_as_shown(Country.objects.filter(Q(iso3__in=lead) | Q(iso3__in=partner)), lambda country: country.name)


def leads() -> QuerySet:
    """The organisations that lead at least one action: the choices of the "lead" filter."""
    return (Organisation.objects.filter(pk__in=RoadmapAction.objects.filter(lead_organisation__isnull=False)
                                        .values("lead_organisation_id")).order_by("name"))
