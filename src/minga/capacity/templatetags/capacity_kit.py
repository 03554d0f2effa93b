"""The kit's part of a roadmap action's page: the trainings that count for it and the coverage they give.

A template tag rather than an import: the roadmap (``process``) must not import the kit that builds on it.
"""

from django import template

from minga.capacity import selectors
from minga.capacity.models import ROLES, SEXES

register = template.Library()

# The roadmap action the 2023 declaration calls the capacity-development kit: its page always shows coverage.
KIT_ACTION = "capacity-development-kit"


@register.inclusion_tag("capacity/_action_kit.html", takes_context=True)
def action_kit(context, action):
    deliveries = list(selectors.deliveries(None).filter(action=action))
    shown = bool(deliveries) or action.code == KIT_ACTION
    return {"shown": shown, "deliveries": deliveries,
            "coverage": selectors.coverage(action_id=action.pk) if shown else None,
            "roles": ROLES, "sexes": SEXES, "request": context.get("request")}
