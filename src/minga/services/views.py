"""The directory's pages: the public search (a plain GET form, list and map), a service, its printable
referral sheet; and for providers and local-government officers their services and the service form."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.accounts import permissions
from minga.audit.selectors import conflict_of
from minga.audit.services import EditConflict
from minga.common.errors import ParameterInvalid
from minga.common.page_cache import public_page
from minga.common.versions import parse_version
from minga.process import roadmap
from minga.reference.boundaries import admin1_url
from minga.services import selectors, services
from minga.services.forms import ServiceForm
from minga.services.models import Service
from minga.services.vocabulary import Population, ServiceType

# The one page that uses a browser feature the site's Permissions-Policy turns off everywhere else: "near me"
# asks this page's own scripts for the position (the visitor still says yes or no).
NEAR_ME_POLICY = ("accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(self), gyroscope=(), "
                  "magnetometer=(), microphone=(), midi=(), payment=(), usb=()")


def _allows_geolocation(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Permissions-Policy"] = NEAR_ME_POLICY
        return response
    return wrapper


@require_GET
@_allows_geolocation
@public_page("services-search")
def search(request):
    try:
        filters = selectors.SearchFilters.from_querydict(request.GET)
    except ParameterInvalid as error:
        return render(request, "400.html", {"message": f"{error.field}: {error.message}"}, status=400)
    searched = bool(request.GET)
    result = selectors.search(request.user, filters) if searched else selectors.SearchResult()
    countries = sorted({hit.service.country_id for hit in result.hits})
    return render(request, "services/search.html", {
        "filters": filters, "result": result, "searched": searched, "places": selectors.places(),
        "types": ServiceType.choices, "populations": Population.choices,
        "boundaries": [admin1_url(iso3) for iso3 in countries], "tile_url": settings.MINGA_MAP_TILE_URL,
        "tile_attribution": settings.MINGA_MAP_TILE_ATTRIBUTION,
        "may_add": permissions.can_create_any(request.user, Service),
    })


def _page(request, pk, template, *, with_actions=False):
    service = selectors.access_service(request.user, pk)
    now = timezone.now()
    return render(request, template, {
        "service": service, "open_now": service.is_open_at(now), "stale": service.is_stale(timezone.localdate()),
        "may_change": permissions.can(request.user, "change", service),
        "hours": selectors.hours_rows(service),
        # The roadmap actions that link the service (process domain): on the page, not on the printed sheet.
        "actions": roadmap.actions_for_service(service) if with_actions else [],
    })


@require_GET
@public_page("services-detail")
def detail(request, pk):
    return _page(request, pk, "services/detail.html", with_actions=True)


@require_GET
@public_page("services-sheet")
def sheet(request, pk):
    """One printable page to hand to a person: what, where, when, how to reach it, what to bring."""
    return _page(request, pk, "services/sheet.html")


@login_required
def mine(request):
    return render(request, "services/mine.html", {"rows": selectors.my_services(request.user),
                                                  "may_add": permissions.can_create_any(request.user, Service)})


def _save(request, form, service=None):
    version, conflict = request.POST.get("version", ""), None  # shown again for a mistake: the version read
    if form.is_valid():
        try:
            if service is None:
                saved = services.service_create(user=request.user, data=form.to_input())
            else:
                saved = services.service_update(user=request.user, service=service, data=form.to_input(),
                                                expected_version=parse_version(version, field="version"))
        except ValidationError as error:
            form.show_errors(error.message_dict)
        except EditConflict as error:
            form.add_error(None, str(error))
            conflict, version = conflict_of(error), error.instance.version  # saving again applies to it
        except PermissionDenied as error:
            return render(request, "services/form.html", {"form": form, "service": service, "version": version,
                                                          "refused": str(error)}, status=403)
        else:
            messages.success(request, _("Service saved."))
            return redirect(saved.get_absolute_url())
    return render(request, "services/form.html", {"form": form, "service": service, "version": version,
                                                  "conflict": conflict}, status=400)


@login_required
def create(request):
    permissions.require_create_any(request.user, Service)
    if request.method == "POST":
        return _save(request, ServiceForm(request.POST))
    return render(request, "services/form.html", {"form": ServiceForm(), "service": None, "version": ""})


@login_required
def edit(request, pk):
    service = selectors.access_service(request.user, pk, "change")
    if request.method == "POST":
        return _save(request, ServiceForm(request.POST, record=service), service)
    form = ServiceForm(initial=ServiceForm.initial_for(service))
    return render(request, "services/form.html", {"form": form, "service": service, "version": service.version})
