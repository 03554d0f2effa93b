"""The workflow pages: the secretariat's review queue and the one endpoint that moves a project between states.

Who may move a project where is the permission module's answer (``allowed_transitions``); what is
said afterwards comes from the workflow declaration (``portfolio.workflow``); the service records
who, when and why. A refusal is a 403 page, never a silent no-op.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.accounts import permissions
from minga.accounts.workflows import Comment
from minga.audit.services import EditConflict
from minga.portfolio import selectors, services
from minga.portfolio.forms import LAST_STEP, TransitionForm
from minga.portfolio.models import ProjectTransition, Status
from minga.portfolio.validation import ProjectInvalid
from minga.portfolio.views.submission import edit_url
from minga.portfolio.workflow import PROJECT_WORKFLOW


@login_required
def review_queue(request):
    if not permissions.actor_for(request.user).is_secretariat:
        raise PermissionDenied(_("Only the Technical Secretariat reviews projects."))
    today = timezone.localdate()
    queue = selectors.review_queue(request.user).prefetch_related(
        Prefetch("transitions", queryset=ProjectTransition.objects.select_related("user").order_by("at", "pk")))
    rows = []
    for project in queue:
        transitions = list(project.transitions.all())
        submission = next((t for t in reversed(transitions) if t.to_status == Status.SUBMITTED), None)
        comments = [t for t in transitions if t.comment]
        submitted = project.submitted_at or project.created_at
        rows.append({
            "project": project,
            "submitted_by": submission.user if submission else None,
            "submitted_on": submitted,
            "age_days": (today - timezone.localtime(submitted).date()).days,
            "last_comment": comments[-1] if comments else None,
        })
    return render(request, "portfolio/review_queue.html", {"rows": rows})


@login_required
@require_POST
def project_transition(request, code):
    project = selectors.access_project(request.user, code)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Say which status to move the project to, and the version you read."))
    target = form.cleaned_data["to_status"]
    # Refuse before anything else, so that a refusal is the same whatever else the request holds.
    permissions.require_transition(request.user, project, target)
    move = PROJECT_WORKFLOW.transition(project.status, target)
    try:
        services.project_transition(project=project, user=request.user, to_status=target,
                                    expected_version=form.cleaned_data["version"],
                                    comment=form.cleaned_data["comment"], fields=form.cleaned_data["fields"])
    except EditConflict as error:
        messages.error(request, str(error))
    except ProjectInvalid as error:
        if move.guard_refused and "comment" not in error.errors:
            # The guard found the project incomplete: the last step lists what is missing, with links.
            messages.error(request, move.guard_refused)
            return redirect(edit_url(project, LAST_STEP))
        for field_messages in error.errors.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, move.done or _("Status changed."))
    return redirect(project)


@login_required
def project_transition_confirm(request, code, status):
    """The page that asks a second time for a move declared ``confirm`` (publish, withdraw), with its comment
    box: a plain GET page and form, so that it works without JavaScript. The move itself is the POST above."""
    project = selectors.access_project(request.user, code)
    permissions.require_transition(request.user, project, status)
    move = PROJECT_WORKFLOW.transition(project.status, status)
    return render(request, "portfolio/transition_confirm.html", {
        "project": project, "move": move, "comment": move.comment != Comment.NONE,
        "comment_required": move.comment == Comment.REQUIRED})


urlpatterns = [
    path("review/", review_queue, name="review_queue"),
    path("<project_code:code>/transition/", project_transition, name="project_transition"),
    path("<project_code:code>/transition/<slug:status>/", project_transition_confirm,
         name="project_transition_confirm"),
]
