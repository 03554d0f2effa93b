"""A donor officer's pages: record and correct a pledge or a flow, and see their own. Thin: parse, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.audit.selectors import conflict_of
from minga.audit.services import EditConflict
from minga.common.versions import parse_version
from minga.finance import services
from minga.finance.forms import FlowForm, PledgeForm, show_errors
from minga.finance.inputs import FinanceInvalid
from minga.finance.selectors.follow_up import access_flow, access_pledge, commitments_to_pay, my_funding
from minga.finance.tracking import FundingFlow, Stage, TrackedPledge


def _save(request, form, write, done: str, template: str, context: dict):
    status = 200
    if form.is_valid():
        try:
            record = write(form.to_input())
        except FinanceInvalid as error:
            show_errors(form, error.errors)
        except EditConflict as error:
            form.add_error(None, str(error))
            # The box says what the other person changed; saving again applies this form to the version now stored.
            context = {**context, "conflict": conflict_of(error), "version": error.instance.version}
            status = 409
        else:
            messages.success(request, done)
            return record
    return render(request, template, {**context, "form": form}, status=status)


@login_required
def pledge_new(request):
    permissions.require_create_any(request.user, TrackedPledge)
    form = PledgeForm(request.POST or None, user=request.user)
    context = {"heading": _("Record a pledge")}
    if request.method != "POST":
        return render(request, "finance/pledge_form.html", {**context, "form": form})
    saved = _save(request, form, lambda data: services.pledge_create(user=request.user, data=data),
                  _("Pledge recorded as a draft."), "finance/pledge_form.html", context)
    return redirect("finance:my_funding") if isinstance(saved, TrackedPledge) else saved


@login_required
def pledge_edit(request, pk):
    pledge = access_pledge(request.user, pk, "change")
    context = {"heading": _("Correct a pledge"), "record": pledge, "version": pledge.version}
    if request.method != "POST":
        form = PledgeForm(initial=PledgeForm.initial_of(pledge), user=request.user)
        return render(request, "finance/pledge_form.html", {**context, "form": form})
    form = PledgeForm(request.POST, user=request.user, record=pledge)
    version = parse_version(request.POST.get("version"), field="version")
    context["version"] = version  # shown again for a mistake, the form keeps the version read
    saved = _save(request, form, lambda data: services.pledge_update(
        pledge=pledge, user=request.user, data=data, expected_version=version),
        _("Saved."), "finance/pledge_form.html", context)
    return redirect("finance:my_funding") if isinstance(saved, TrackedPledge) else saved


def _paying_out(request) -> dict:
    """``?commitment=<id>``, from a commitment's page: a disbursement against it, its parties and money filled in."""
    given = request.GET.get("commitment", "")
    commitment = (commitments_to_pay(request.user).filter(pk=int(given)).first()
                  if given.isascii() and given.isdigit() and len(given) <= 18 else None)
    if commitment is None:
        return {}
    return {**FlowForm.initial_of(commitment), "stage": Stage.DISBURSEMENT, "commitment": commitment,
            "amount": None, "value_date": None}


@login_required
def flow_new(request):
    permissions.require_create_any(request.user, FundingFlow)
    form = FlowForm(request.POST or None, user=request.user,
                    initial=None if request.method == "POST" else _paying_out(request))
    context = {"heading": _("Record a commitment or a disbursement")}
    if request.method != "POST":
        return render(request, "finance/flow_form.html", {**context, "form": form})
    saved = _save(request, form, lambda data: services.flow_create(user=request.user, data=data),
                  _("Flow recorded as a draft."), "finance/flow_form.html", context)
    if isinstance(saved, FundingFlow):
        return redirect(saved.project.get_absolute_url() if saved.project_id else reverse("finance:my_funding"))
    return saved


@login_required
def flow_edit(request, pk):
    flow = access_flow(request.user, pk, "change")
    context = {"heading": _("Correct a flow"), "record": flow, "version": flow.version}
    if request.method != "POST":
        form = FlowForm(initial=FlowForm.initial_of(flow), user=request.user, record=flow)
        return render(request, "finance/flow_form.html", {**context, "form": form})
    form = FlowForm(request.POST, user=request.user, record=flow)
    version = parse_version(request.POST.get("version"), field="version")
    context["version"] = version  # shown again for a mistake, the form keeps the version read
    saved = _save(request, form, lambda data: services.flow_update(
        flow=flow, user=request.user, data=data, expected_version=version),
        _("Saved."), "finance/flow_form.html", context)
    return redirect("finance:my_funding") if isinstance(saved, FundingFlow) else saved


@login_required
def my_funding_page(request):
    return render(request, "finance/my_funding.html", {"mine": my_funding(request.user)})
