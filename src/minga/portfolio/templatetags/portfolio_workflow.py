"""{% project_transitions project as transitions %}: the moves the signed-in user may make, with their labels.

The permission module decides (``allowed_transitions``); this only names the buttons.
"""

from django import template

from minga.accounts import permissions
from minga.portfolio.forms import transition_label
from minga.portfolio.models import ProjectDocument

register = template.Library()

# Shown after a confirmation (a second button), and with a comment box; a comment is required where marked.
CONFIRMED = {"withdrawn"}
COMMENTED = {"changes_requested": True, "withdrawn": False}


@register.simple_tag(takes_context=True)
def project_transitions(context, project) -> list[dict]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return [{"status": target, "label": transition_label(target), "confirm": target in CONFIRMED,
             "comment": target in COMMENTED, "comment_required": COMMENTED.get(target, False)}
            for target in permissions.allowed_transitions(user, project)]


@register.simple_tag
def document_kinds() -> list[tuple[str, str]]:
    return list(ProjectDocument.Kind.choices)
