"""History, delete and restore for any editable record, addressed by model label and primary key."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.accounts.permissions import POLICIES, Action, access
from minga.audit import selectors, services


def _record(request, model_label: str, pk, action: Action, *, include_deleted: bool = False):
    """The record, if the user may see it (else 404: as for one that does not exist, so that the answer
    does not tell a draft exists) and may do ``action`` to it (else 403)."""
    if model_label not in POLICIES:
        raise Http404
    model = apps.get_model(model_label)
    if not hasattr(model, "history"):
        raise Http404
    manager = getattr(model, "all_objects", model._default_manager)
    return access(request.user, manager.all(), action, include_deleted=include_deleted, pk=pk)


def _back(instance):
    url = getattr(instance, "get_absolute_url", None)
    return url() if url and instance.deleted_at is None else "site:home"


def history(request, model_label, pk):
    # The secretariat reads a deleted record's history too; anyone else is answered as if it did not exist.
    instance = _record(request, model_label, pk, Action.VIEW_HISTORY, include_deleted=True)
    return render(request, "audit/history.html", {
        "record": instance, "entries": selectors.history_of(instance),
        "model_name": instance._meta.verbose_name,
    })


@login_required
@require_POST
def delete(request, model_label, pk):
    instance = _record(request, model_label, pk, Action.DELETE, include_deleted=True)
    services.soft_delete(instance=instance, user=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("“%(record)s” was deleted. The secretariat can restore it.") % {"record": instance})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "site:home"
    return redirect(target)


@login_required
@require_POST
def restore(request, model_label, pk):
    instance = _record(request, model_label, pk, Action.RESTORE, include_deleted=True)
    restored = services.restore(instance=instance, user=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("“%(record)s” was restored.") % {"record": restored})
    return redirect(_back(restored))
