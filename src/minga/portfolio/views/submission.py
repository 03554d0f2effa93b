"""Submission pages: the multi-step project form, its check-as-you-type endpoint, documents, "my projects".

Thin: the steps (``portfolio.forms``) read the input, ``validation.check`` and the services decide.
A step is saved only when the whole project, with that step's changes, passes the checks; the
version read with the page travels in a hidden field so that a stale save is refused (409) with
the conflict box, and nothing is overwritten.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.audit import reasons
from minga.audit.selectors import conflict_of
from minga.audit.services import EditConflict
from minga.common.versions import parse_version
from minga.portfolio import selectors, services, validation
from minga.portfolio.forms import LAST_STEP, STEP_TITLES, STEPS, BasicsStep, DocumentUploadForm, step_of
from minga.portfolio.inputs import input_prefetches, project_input_from
from minga.portfolio.models import Project, ProjectTransition, Status
from minga.portfolio.workflow import PROJECT_WORKFLOW
from minga.reference.models import Marker


def _step_number(request) -> int:
    try:
        number = int(request.GET.get("step", 1))
    except ValueError:
        return 1
    return number if 1 <= number <= LAST_STEP else 1


def _complete_required(project: Project | None) -> bool:
    """As the services do: a draft may be incomplete; a project further along must stay complete."""
    return project is not None and project.status not in PROJECT_WORKFLOW.editable_states()


def _check(step, project: Project | None) -> dict[str, list[str]]:
    """The cross-part checks on the project as it would be with this step's input, without saving."""
    given = step.service_input()
    return validation.check(given.over(project_input_from(project)) if project is not None else given,
                            complete=_complete_required(project))


def _steps_nav(project: Project | None, current: int) -> list[dict]:
    return [{"number": number, "title": title, "current": number == current,
             "url": (f"{reverse('portfolio:project_edit', args=[project.code])}?step={number}" if project else None)}
            for number, title in STEP_TITLES.items()]


def edit_url(project: Project, step: int) -> str:
    return f"{reverse('portfolio:project_edit', args=[project.code])}?step={step}"


def _render_step(request, step, *, project=None, errors=None, conflict=None, status=200, narrowing=False,
                 version=None):
    # Narrowing the lists (without JavaScript) is no save: the page comes back as sent, without complaints.
    slots, elsewhere = ({}, []) if narrowing else step.place(errors or {})
    validate_url = (reverse("portfolio:project_edit_validate", args=[project.code]) if project
                    else reverse("portfolio:project_validate"))
    context = {
        "project": project, "step": step, "steps": _steps_nav(project, step.number),
        "slots": slots, "elsewhere": elsewhere, "problem_count": sum(len(m) for m in slots.values()) + len(elsewhere),
        "checked": step.data is not None and not narrowing,
        "version": (conflict.version if conflict is not None else version if version is not None
                    else project.version if project else None),
        "conflict": conflict,
        "validate_url": f"{validate_url}?step={step.number}",
        # The secretariat's request for changes, at the top of every step while the project waits on it.
        "changes_requested": selectors.changes_requested(project, request.user) if project else None,
    }
    return render(request, "portfolio/submission_form.html", context, status=status)


@login_required
def project_create(request):
    step = BasicsStep(user=request.user, data=request.POST if request.method == "POST" else None)
    if not step.has_organisations():
        raise PermissionDenied(_("You may not propose projects for any organisation."))
    errors = None
    if request.method == "POST":
        if step.is_valid():
            try:
                project = services.project_create(user=request.user, data=step.service_input())
            except validation.ProjectInvalid as error:
                errors = error.errors
            except PermissionDenied as error:
                errors = {"proposing_organisation": [str(error)]}
            else:
                messages.success(request, _("Draft %(code)s saved. You can come back to it any time from “My "
                                            "projects”.") % {"code": project.code})
                return redirect(edit_url(project, 2 if request.POST.get("after") == "next" else 1))
        else:
            errors = _check(step, None)
    return _render_step(request, step, errors=errors)


@login_required
def project_edit(request, code):
    project = selectors.access_project(request.user, code, Action.CHANGE)
    number = _step_number(request)
    if number == LAST_STEP:
        return _documents_step(request, project)
    step = STEPS[number](user=request.user, project=project, data=request.POST if request.method == "POST" else None)
    errors, conflict, status, version = None, None, 200, None
    if request.method == "POST":
        try:
            version = parse_version(request.POST.get("version"))
        except ValidationError as error:
            return HttpResponseBadRequest(error.messages[0], content_type="text/plain; charset=utf-8")
        if request.POST.get("after") == "narrow":
            # The version read with the page stays: a save after narrowing is checked against it.
            return _render_step(request, step, project=project, narrowing=True, version=version)
        if step.is_valid():
            try:
                services.project_update(project=project, user=request.user, data=step.service_input(),
                                        expected_version=version,
                                        reason=reasons.code("step", str(step.number)))
            except EditConflict as error:
                conflict, status = conflict_of(error), 409
            except validation.ProjectInvalid as error:
                errors = error.errors
            except PermissionDenied as error:
                errors = {"proposing_organisation": [str(error)]}
            else:
                messages.success(request, _("Saved."))
                following = number + 1 if request.POST.get("after") == "next" else number
                return redirect(edit_url(project, following))
        else:
            errors = _check(step, project)
    # Shown again for a mistake, the form keeps the version read: a save after the fix is checked against it.
    return _render_step(request, step, project=project, errors=errors, conflict=conflict, status=status,
                        version=version)


def _validate(request, step, project):
    """Errors of the step as typed so far, placed next to their fields (htmx out-of-band swaps)."""
    step.is_valid()
    slots, elsewhere = step.place(_check(step, project))
    return render(request, "portfolio/submission_check.html", {
        "step": step, "slots": slots, "elsewhere": elsewhere, "slot_ids": step.slot_ids(), "project": project,
        "problem_count": sum(len(m) for m in slots.values()) + len(elsewhere), "checked": True,
    })


@login_required
@require_POST
def project_validate(request):
    step = BasicsStep(user=request.user, data=request.POST)
    if not step.has_organisations():
        raise PermissionDenied(_("You may not propose projects for any organisation."))
    return _validate(request, step, None)


@login_required
@require_POST
def project_edit_validate(request, code):
    project = selectors.access_project(request.user, code, Action.CHANGE)
    number = _step_number(request)
    if number not in STEPS:
        raise Http404
    return _validate(request, STEPS[number](user=request.user, project=project, data=request.POST), project)


def completeness(project: Project, *, marker_count: int | None = None) -> list[dict]:
    """What a submission still lacks or gets wrong, each with the step where it is fixed."""
    errors = validation.check(project_input_from(project), complete=True, marker_count=marker_count)
    items = [{"key": key, "message": message, "step": step_of(key), "step_title": STEP_TITLES[step_of(key)],
              "url": edit_url(project, step_of(key))}
             for key, messages_ in errors.items() for message in messages_]
    return sorted(items, key=lambda item: item["step"])


def _documents_step(request, project):
    if request.method == "POST":
        return redirect(edit_url(project, LAST_STEP))
    return render(request, "portfolio/submission_documents.html", {
        "project": project, "steps": _steps_nav(project, LAST_STEP), "step_title": STEP_TITLES[LAST_STEP],
        "documents": project.documents.filter(removed_at__isnull=True).order_by("uploaded_at", "pk"),
        "upload_form": DocumentUploadForm(), "missing": completeness(project),
        "may_submit": permissions.can_transition(request.user, project, Status.SUBMITTED),
        "next_url": edit_url(project, LAST_STEP),
        "changes_requested": selectors.changes_requested(project, request.user),
    })


def _next_url(request, project) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return project.get_absolute_url()


@login_required
@require_POST
def document_upload(request, code):
    project = selectors.access_project(request.user, code, Action.CHANGE)
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.project_document_add(project=project, user=request.user,
                                                     uploaded_file=form.cleaned_data["file"],
                                                     kind=form.cleaned_data["kind"])
        except validation.ProjectInvalid as error:
            for messages_ in error.errors.values():
                for message in messages_:
                    messages.error(request, _("Not uploaded: %(reason)s") % {"reason": message})
        else:
            messages.success(request, _("“%(name)s” uploaded.") % {"name": document.original_name})
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(request, _("Not uploaded: %(reason)s") % {
                    "reason": f"{label}: {message}" if label else message})
    return redirect(_next_url(request, project))


def next_action(user, project: Project, last_comment: str = "", *, marker_count: int | None = None) -> dict:
    """What should happen next to ``project``, said for ``user``, with where to do it."""
    allowed = permissions.allowed_transitions(user, project)
    status = project.status
    state = PROJECT_WORKFLOW.state(status)
    if state.editable_by_proposer and permissions.can(user, Action.CHANGE, project):
        missing = completeness(project, marker_count=marker_count)
        if status == Status.CHANGES_REQUESTED:
            text = _("Make the requested changes, then submit again")
        elif missing:
            text = _("Complete the project (%(count)s items missing), then submit") % {"count": len(missing)}
        else:
            text = _("Ready: submit it to the secretariat")
        return {"text": text, "url": missing[0]["url"] if missing else edit_url(project, LAST_STEP),
                "comment": last_comment if status == Status.CHANGES_REQUESTED else ""}
    step = state.next_step
    if step is None:
        text = _("Nothing to do")
    else:
        text = step.text if step.target in allowed else step.otherwise
    return {"text": str(text), "url": project.get_absolute_url() if allowed else "", "comment": ""}


@login_required
def my_projects(request):
    # Each draft's completeness is checked from its parts: read them for all projects at once.
    projects = list(selectors.my_projects(request.user).select_related("proposing_organisation__country")
                    .prefetch_related(*input_prefetches()))
    marker_count = Marker.objects.count()
    comments = {}
    for transition in (ProjectTransition.objects.filter(project__in=projects, to_status=Status.CHANGES_REQUESTED)
                       .order_by("at", "pk")):
        comments[transition.project_id] = transition.comment  # the latest one wins
    rows = [{"project": project,
             "next": next_action(request.user, project, comments.get(project.pk, ""), marker_count=marker_count)}
            for project in projects]
    return render(request, "portfolio/submission_my_projects.html", {
        "rows": rows, "can_create": permissions.can_create_any(request.user, Project),
        # A donor officer proposes nothing: what their organisation funds, and what it might fund next.
        "matching": selectors.funding_matches(request.user)})


urlpatterns = [
    path("new/", project_create, name="project_create"),
    path("new/validate/", project_validate, name="project_validate"),
    path("mine/", my_projects, name="my_projects"),
    path("<project_code:code>/edit/", project_edit, name="project_edit"),
    path("<project_code:code>/edit/validate/", project_edit_validate, name="project_edit_validate"),
    path("<project_code:code>/documents/", document_upload, name="document_upload"),
]
