"""The secretariat's pages for the kit: add a resource (or a new version of one), keep the priority list;
and the download of a resource's uploaded file (public, as the library is)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minga.accounts import permissions
from minga.audit.services import EditConflict
from minga.capacity import selectors, services
from minga.capacity.forms import PriorityForm, ResourceForm
from minga.capacity.models import KitResource, PriorityMunicipality
from minga.common.errors import ParameterInvalid
from minga.common.uploads import attachment_response
from minga.common.versions import parse_version


@require_GET
def resource_file(request, pk):
    resource = get_object_or_404(KitResource, pk=pk)
    if not resource.file:
        raise Http404
    return attachment_response(resource.file, filename=resource.file.name.rsplit("/", 1)[-1])


@login_required
def resource_add(request):
    if not permissions.can(request.user, "create", KitResource()):
        raise PermissionDenied(_("Only the secretariat keeps the kit's library."))
    if request.method != "POST":
        initial = {"series": request.GET.get("series", ""), "published_on": timezone.localdate()}
        return render(request, "capacity/resource_form.html", {"form": ResourceForm(initial=initial)})
    form = ResourceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            resource = services.resource_add(user=request.user, data=form.to_input())
        except ValidationError as error:
            form.show_errors(error.message_dict)
        else:
            messages.success(request, _("“%(title)s”, version %(number)s, added to the library.") % {
                "title": resource.title, "number": resource.edition})
            return redirect(f"{reverse('capacity:library')}?language={resource.language}")
    return render(request, "capacity/resource_form.html", {"form": form}, status=400)


def _may_keep_list(user) -> bool:
    return permissions.can(user, "create", PriorityMunicipality())


def _priorities_page(request, form, country, status=200):
    return render(request, "capacity/priorities.html", {
        "form": form, "country": country, "priorities": selectors.priorities(),
        "countries": selectors.countries_with_municipalities()}, status=status)


@login_required
def priorities(request):
    """The list with a "remove" button per municipality, and the form to add one (country first, then name)."""
    if not _may_keep_list(request.user):
        raise PermissionDenied(_("Only the secretariat keeps the list of priority municipalities."))
    country = request.POST.get("country") or request.GET.get("country", "")
    if request.method != "POST":
        form = PriorityForm(country=country, initial={"since": timezone.localdate()})
        return _priorities_page(request, form, country)
    form = PriorityForm(request.POST, country=country)
    if form.is_valid():
        try:
            added = services.priority_add(user=request.user, municipality=form.cleaned_data["municipality"],
                                          since=form.cleaned_data["since"])
        except ValidationError as error:
            form.add_error("municipality", error.message_dict.get("municipality", [str(error)])[0])
        else:
            messages.success(request, _("%(name)s added to the priority list.") % {"name": added.municipality.name})
            return redirect(f"{reverse('capacity:priorities')}?country={country}")
    return _priorities_page(request, form, country, status=400)


@login_required
@require_POST
def priority_remove(request, pk):
    if not _may_keep_list(request.user):
        raise PermissionDenied(_("Only the secretariat keeps the list of priority municipalities."))
    priority = get_object_or_404(PriorityMunicipality.objects.select_related("municipality"), pk=pk)
    try:
        services.priority_remove(user=request.user, priority=priority,
                                 expected_version=parse_version(request.POST.get("version", ""), field="version"))
    except (EditConflict, ParameterInvalid) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s removed from the priority list.") % {
            "name": priority.municipality.name})
    return redirect("capacity:priorities")
