"""The finance pages of a conference, a donor and a country, the records behind their numbers, and one pledge
or flow with its follow-up and its workflow buttons. Thin: parse, call the selectors or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minga.accounts import permissions
from minga.accounts.workflows import Comment
from minga.audit.services import EditConflict
from minga.common.errors import ParameterInvalid
from minga.common.page_cache import public_page
from minga.common.versions import parse_version
from minga.finance import charts, services
from minga.finance import conference_report as conference_reports
from minga.finance.dashboard_views import _bad_parameter
from minga.finance.inputs import FinanceInvalid
from minga.finance.selectors import dashboard as dashboard_selectors
from minga.finance.selectors import pages
from minga.finance.selectors.answers import follow_pledge
from minga.finance.selectors.follow_up import access_flow, access_pledge, may_pay_out, paid_against
from minga.finance.workflow import FLOW_WORKFLOW, PLEDGE_WORKFLOW
from minga.reference import boundaries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _records_query(filters, **more) -> str:
    """The records page's query string for a figure under ``filters`` (the dashboard's parameter names)."""
    query = dashboard_selectors.DashboardQuery(filters=filters).query(donor_sort=None, country_sort=None)
    extra = "&".join(f"{name}={value}" for name, value in more.items() if value)
    return "&".join(part for part in (query, extra) if part)


def _context(page, **more) -> dict:
    return {"page": page, "found": page.found, "headline": page.found.headline,
            "records_query": _records_query(page.filters), "shares_chart": charts.shares_chart(page.shares), **more}


@require_GET
@public_page("funding-conference")
def conference_funding(request, code):
    conference, page = pages.conference_page(request.user, code, on=timezone.localdate())
    return render(request, "finance/conference_funding.html", _context(
        page, conference=conference, report_languages=(("es", "Español"), ("pt", "Português"), ("en", "English"))))


@require_GET
@public_page("funding-donor")
def donor_funding(request, pk):
    donor, page = pages.donor_page(request.user, pk, on=timezone.localdate())
    return render(request, "finance/donor_funding.html", _context(page, donor=donor))


@require_GET
@public_page("funding-country")
def country_funding(request, iso3):
    country, page = pages.country_page(request.user, iso3, on=timezone.localdate())
    return render(request, "finance/country_funding.html", _context(
        page, country=country, map_chart=charts.subdivision_funding_chart(
            topojson_url=boundaries.admin1_url(country.iso3), country=country, subdivisions=page.units,
            rows=page.subdivisions) if _any_mapped(page) else None))


def _any_mapped(page) -> bool:
    """A map only where a subdivision on it has funding: an all-grey map says nothing (and has no marks to name)."""
    codes = {unit.code for unit in page.units}
    return any(row.key in codes for row in page.subdivisions)


@require_GET
def conference_report(request, code, fmt):
    """The follow-up report as a file; not kept by ``@public_page`` (its cache holds text pages, not PDFs)."""
    language = request.GET.get("language") or "es"
    if fmt not in conference_reports.FORMATS or language not in conference_reports.LANGUAGES:
        return _bad_parameter(request, ParameterInvalid(
            "language", _("One of: %(choices)s.") % {"choices": ", ".join(conference_reports.LANGUAGES)}))
    write = conference_reports.report_pdf if fmt == "pdf" else conference_reports.report_xlsx
    content_type = "application/pdf" if fmt == "pdf" else XLSX
    response = HttpResponse(write(request.user, code, language), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{conference_reports.report_filename(code, language, fmt)}"')
    return response


@require_GET
@public_page("funding-records")
def funding_records(request):
    measure = request.GET.get("measure") or "pledged"
    try:
        if measure not in pages.MEASURES:
            raise ParameterInvalid("measure", _("One of: %(choices)s.") % {"choices": ", ".join(pages.MEASURES)})
        query = dashboard_selectors.parse_query(request.GET, dashboard_selectors.options(request.user))
    except ParameterInvalid as error:
        return _bad_parameter(request, error)
    found = pages.records(request.user, query.filters, measure)
    return render(request, "finance/funding_records.html", {
        "found": found, "filters": query.filters, "measure": measure,
        "queries": {name: _records_query(query.filters, measure=name) for name in pages.MEASURES}})


@require_GET
@public_page("pledge")
def pledge_detail(request, pk):
    trail = follow_pledge(request.user, pk)
    return render(request, "finance/pledge_detail.html", {
        "trail": trail, "record": trail.pledge, "moves": permissions.allowed_moves(request.user, trail.pledge),
        "may_change": permissions.can(request.user, "change", trail.pledge)})


@require_GET
@public_page("flow")
def flow_detail(request, pk):
    flow = access_flow(request.user, pk)
    return render(request, "finance/flow_detail.html", {
        "flow": flow, "record": flow,
        "shares": list(flow.shares.select_related("country", "subdivision").order_by("pk")),
        "moves": permissions.allowed_moves(request.user, flow),
        "may_change": permissions.can(request.user, "change", flow),
        "commitment": flow.commitment if flow.commitment_id and permissions.can(
            request.user, "view", flow.commitment) else None,
        "paid": paid_against(request.user, flow),
        "may_pay": may_pay_out(request.user, flow)})


def _transition(request, record, workflow, move_record):
    target = request.POST.get("to_status", "")
    try:
        version = parse_version(request.POST.get("version"))
    except ValidationError:
        version = None
    if not target or version is None:
        return HttpResponseBadRequest(_("Say which status to move the record to, and the version you read."))
    # Refuse before anything else, so that a refusal is the same whatever else the request holds.
    permissions.require_transition(request.user, record, target)
    move = workflow.transition(record.status, target)
    comment = request.POST.get("comment", "") if move.comment != Comment.NONE else ""
    try:
        move_record(to_status=target, expected_version=version, comment=comment)
    except EditConflict:
        record.refresh_from_db()
        messages.error(request, _("Someone else changed this record: it is now “%(state)s”, at version "
                                  "%(version)s. Nothing was changed; look at it again before you act.") % {
            "state": workflow.label(record.status), "version": record.version})
    except FinanceInvalid as error:
        for field_messages in error.errors.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, move.done or _("Status changed."))
    return redirect(record)


@login_required
@require_POST
def pledge_transition(request, pk):
    pledge = access_pledge(request.user, pk)
    return _transition(request, pledge, PLEDGE_WORKFLOW, lambda **move: services.pledge_transition(
        pledge=pledge, user=request.user, **move))


@login_required
@require_POST
def flow_transition(request, pk):
    flow = access_flow(request.user, pk)
    return _transition(request, flow, FLOW_WORKFLOW, lambda **move: services.flow_transition(
        flow=flow, user=request.user, **move))
