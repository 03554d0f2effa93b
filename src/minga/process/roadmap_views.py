"""The roadmap's pages: the table by line of work, an action, its progress form and the table's exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.accounts import permissions
from minga.audit.selectors import conflict_of
from minga.audit.services import EditConflict
from minga.common.errors import ParameterInvalid
from minga.common.hxl import csv_response
from minga.common.languages import LANGUAGES
from minga.common.page_cache import public_page
from minga.common.uploads import attachment_response
from minga.common.versions import parse_version
from minga.process import export, printing, roadmap, services, timeline
from minga.process.forms import EvidenceForm, LinkedServicesForm, ProgressForm
from minga.process.models import ActionEvidence, ProgressUpdate, RoadmapAction, RoadmapStatus


def _filtered(request):
    filters = roadmap.RoadmapFilters.from_querydict(request.GET)
    return filters, roadmap.rows(filters, timezone.localdate())


def _refused(request, error: ParameterInvalid):
    return render(request, "400.html", {"message": f"{error.field}: {error.message}"}, status=400)


@require_GET
@public_page("process-roadmap")
def roadmap_table(request):
    try:
        filters, rows = _filtered(request)
    except ParameterInvalid as error:
        return _refused(request, error)
    return render(request, "process/roadmap.html", {**_filter_context(request, filters, rows), "view": "table",
                                                    "groups": roadmap.grouped(rows)})


def _filter_context(request, filters, rows) -> dict:
    return {"filters": filters, "count": len(rows), "lines": roadmap.lines(), "statuses": RoadmapStatus.choices,
            "leads": roadmap.leads(), "countries": roadmap.countries(), "margin": roadmap.AT_RISK_MARGIN,
            "query": request.GET.urlencode()}


@require_GET
@public_page("process-roadmap-timeline")
def roadmap_timeline(request):
    """The actions as bars on one time axis, by line of work (Gantt-style)."""
    try:
        filters, rows = _filtered(request)
    except ParameterInvalid as error:
        return _refused(request, error)
    span = timeline.span(rows, timezone.localdate())
    groups = [(line, timeline.bars(line_rows, span)) for line, line_rows in roadmap.grouped(rows)]
    return render(request, "process/roadmap_timeline.html", {
        **_filter_context(request, filters, rows), "view": "timeline", "span": span, "bar_groups": groups,
        "scale": timeline.SCALE})


@require_GET
@public_page("process-roadmap-board")
def roadmap_board(request):
    """The actions in one column per status."""
    try:
        filters, rows = _filtered(request)
    except ParameterInvalid as error:
        return _refused(request, error)
    return render(request, "process/roadmap_board.html", {
        **_filter_context(request, filters, rows), "view": "board", "columns": timeline.by_status(rows)})


@require_GET
def roadmap_export(request, fmt):
    try:
        _filters, rows = _filtered(request)
    except ParameterInvalid as error:
        return _refused(request, error)
    if fmt == "csv":
        return csv_response(export.as_csv(rows), "minga-roadmap.csv")
    response = HttpResponse(export.as_xlsx(rows), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="minga-roadmap.{fmt}"'
    return response


def _action(code: str) -> RoadmapAction:
    try:
        return roadmap.action(code)
    except RoadmapAction.DoesNotExist:
        raise Http404 from None


@require_GET
@public_page("process-roadmap-action")
def roadmap_action(request, code):
    action = _action(code)
    today = timezone.localdate()
    return render(request, "process/roadmap_action.html", {
        "action": action, "overdue": roadmap.is_overdue(action, today), "at_risk": roadmap.is_at_risk(action, today),
        "milestones": [(milestone, roadmap.is_milestone_overdue(milestone, today))
                       for milestone in action.milestones.all()],
        "may_report": permissions.can(request.user, "create", ProgressUpdate(action=action)),
        "may_add_evidence": permissions.can(request.user, "create", ActionEvidence(action=action)),
        "projects": roadmap.linked_projects(request.user, action),
        "services": roadmap.linked_services(request.user, action),
        "may_link": permissions.can(request.user, "change", action),
    })


@login_required
def roadmap_progress(request, code):
    action = _action(code)
    if not permissions.can(request.user, "create", ProgressUpdate(action=action)):
        raise PermissionDenied(_("Only the secretariat and the officers of the lead organisation report progress."))
    context = {"action": action}
    if request.method != "POST":
        form = ProgressForm(initial={"on_date": timezone.localdate(), "status": action.status,
                                     "progress": action.progress or 0})
        return render(request, "process/roadmap_progress.html", {**context, "form": form, "version": action.version})
    form = ProgressForm(request.POST)
    version, conflict = request.POST.get("version", ""), None  # shown again for a mistake: the version read
    if form.is_valid():
        try:
            services.record_progress(user=request.user, action=action, data=form.to_input(),
                                     expected_version=parse_version(version, field="version"))
        except ValidationError as error:
            form.show_errors(error.message_dict)
        except EditConflict as error:
            form.add_error(None, str(error))
            conflict, version = conflict_of(error), error.instance.version  # saving again applies to it
        else:
            messages.success(request, _("Progress recorded."))
            return redirect(action.get_absolute_url())
    return render(request, "process/roadmap_progress.html", {**context, "form": form, "version": version,
                                                            "conflict": conflict}, status=400)


@require_GET
def roadmap_report(request, language):
    """The progress report for a plenary as a PDF, in ``language`` (es, pt or en)."""
    if language not in LANGUAGES:
        raise Http404
    response = HttpResponse(printing.report_pdf(language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{printing.report_filename(language)}"'
    return response


@login_required
def roadmap_evidence(request, code):
    action = _action(code)
    if not permissions.can(request.user, "create", ActionEvidence(action=action)):
        raise PermissionDenied(_("Only the secretariat and the officers of the lead organisation add evidence."))
    form = EvidenceForm(request.POST or None, request.FILES or None, initial={"on_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(user=request.user, action=action, data=form.to_input())
        except ValidationError as error:
            form.show_errors(error.message_dict)
        else:
            messages.success(request, _("Evidence added."))
            return redirect(action.get_absolute_url())
    return render(request, "process/roadmap_evidence.html", {"action": action, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_GET
def evidence_file(request, code, pk):
    """An evidence document's uploaded file, as a download (evidence is public, as the action's page is)."""
    evidence = ActionEvidence.objects.filter(action__code=code, pk=pk).select_related("action").first()
    if evidence is None or not evidence.file:
        raise Http404
    return attachment_response(evidence.file, filename=evidence.file_name)


@login_required
def roadmap_links(request, code):
    """The action's edit page for its links: the directory's services it set up or relies on."""
    action = _action(code)
    if not permissions.can(request.user, "change", action):
        raise PermissionDenied(_("Only the secretariat changes the action's links."))
    if request.method != "POST":
        form = LinkedServicesForm(initial={"services": list(action.services.all())})
        return render(request, "process/roadmap_links.html", {"action": action, "form": form,
                                                              "version": action.version})
    form = LinkedServicesForm(request.POST)
    version = request.POST.get("version", "")
    if form.is_valid():
        try:
            services.services_link(user=request.user, action=action, services=tuple(form.cleaned_data["services"]),
                                   expected_version=parse_version(version, field="version"))
        except ValidationError as error:
            form.show_errors(error.message_dict)
        except (EditConflict, ParameterInvalid) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Linked services saved."))
            return redirect(action.get_absolute_url())
    return render(request, "process/roadmap_links.html", {"action": action, "form": form, "version": version},
                  status=400)
