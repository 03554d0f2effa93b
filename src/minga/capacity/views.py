"""The kit's pages: the library, the deliveries (list, page, form) and the coverage (table, maps, CSV)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.accounts import permissions
from minga.audit.selectors import conflict_of
from minga.audit.services import EditConflict
from minga.capacity import selectors, services
from minga.capacity.forms import DeliveryForm, initial_of
from minga.capacity.models import ROLES, SEXES, KitResource, ResourceLanguage, TrainingDelivery
from minga.common.errors import ParameterInvalid
from minga.common.page_cache import public_page
from minga.common.versions import parse_version


@require_GET
@public_page("capacity-library")
def library(request):
    language = request.GET.get("language", "")
    language = language if language in ResourceLanguage.values else ""
    return render(request, "capacity/library.html", {
        "entries": selectors.library(language), "language": language, "languages": ResourceLanguage.choices,
        "may_keep": permissions.can(request.user, "create", KitResource())})


@require_GET
@public_page("capacity-deliveries")
def delivery_list(request):
    return render(request, "capacity/delivery_list.html", {
        "deliveries": selectors.deliveries(request.user),
        "may_record": permissions.can_create_any(request.user, TrainingDelivery)})


def _delivery(request, pk, action="view") -> TrainingDelivery:
    try:
        return selectors.access_delivery(request.user, pk, action)
    except permissions.NotFound:
        raise Http404 from None


@require_GET
@public_page("capacity-delivery")
def delivery_detail(request, pk):
    delivery = _delivery(request, pk)
    return render(request, "capacity/delivery_detail.html", {
        "delivery": delivery, "modules": delivery.modules.order_by("series", "language"),
        "may_change": permissions.can(request.user, "change", delivery),
        "may_view_history": permissions.can(request.user, "view_history", delivery)})


def _save(request, form, delivery=None):
    version, conflict = request.POST.get("version", ""), None  # shown again for a mistake: the version read
    if form.is_valid():
        try:
            if delivery is None:
                delivery = services.delivery_create(user=request.user, data=form.to_input())
            else:
                delivery = services.delivery_update(user=request.user, delivery=delivery, data=form.to_input(),
                                                    expected_version=parse_version(version, field="version"))
        except ValidationError as error:
            form.show_errors(error.message_dict)
        except PermissionDenied as error:
            form.add_error("municipality", str(error))
        except EditConflict as error:
            form.add_error(None, str(error))
            conflict, version = conflict_of(error), error.instance.version  # saving again applies to it
        except ParameterInvalid as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Training recorded."))
            return redirect(delivery.get_absolute_url())
    return render(request, "capacity/delivery_form.html",
                  {"form": form, "delivery": delivery, "version": version, "roles": ROLES, "sexes": SEXES,
                   "conflict": conflict},
                  status=400)


@login_required
def delivery_create(request):
    if not permissions.can_create_any(request.user, TrainingDelivery):
        raise PermissionDenied(_("Only the secretariat and local-government officers record trainings."))
    if request.method == "POST":
        return _save(request, DeliveryForm(request.POST, user=request.user))
    return render(request, "capacity/delivery_form.html", {"form": DeliveryForm(user=request.user), "delivery": None})


@login_required
def delivery_edit(request, pk):
    delivery = _delivery(request, pk, "change")
    if request.method == "POST":
        return _save(request, DeliveryForm(request.POST, user=request.user), delivery)
    form = DeliveryForm(user=request.user, initial=initial_of(delivery))
    return render(request, "capacity/delivery_form.html",
                  {"form": form, "delivery": delivery, "version": delivery.version})


