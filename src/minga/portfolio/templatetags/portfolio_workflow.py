"""{% project_transitions project as transitions %}: the moves the signed-in user may make, with their labels.

The permission module decides (``allowed_moves``); the workflow declaration (``portfolio.workflow``)
names the buttons and says which ask for a comment or a confirmation.
"""

from django import template

from minga.accounts import permissions
from minga.accounts.workflows import Comment
from minga.portfolio.inputs.concerns import concerns
from minga.portfolio.models import ProjectDocument

register = template.Library()


@register.simple_tag(takes_context=True)
def project_transitions(context, project) -> list[dict]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return [{"status": move.target, "label": move.label, "confirm": move.confirm,
             "comment": move.comment != Comment.NONE, "comment_required": move.comment == Comment.REQUIRED}
            for move in permissions.allowed_moves(user, project)]


@register.simple_tag
def document_kinds() -> list[tuple[str, str]]:
    return list(ProjectDocument.Kind.choices)


@register.simple_tag
def change_concerns() -> list[tuple[str, str, int]]:
    """What a request for changes may name, for its checkboxes: (code, label, step) in form order."""
    return [(code, str(label), step) for code, label, step in concerns()]
