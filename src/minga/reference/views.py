"""Pages for countries, organisations, population figures and taxonomies. Thin: selectors and services do the work.

The country and organisation pages combine domains (their projects, pledges), so they are served from the
site floor (``minga.site.pages``), which builds on ``country_context`` and ``organisation_context`` here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.audit.selectors import conflict_of
from minga.audit.services import EditConflict
from minga.common.page_cache import public_page
from minga.common.text import TextInvalid
from minga.common.versions import parse_version
from minga.reference import selectors, services
from minga.reference.forms import OrganisationForm, PopulationFigureForm
from minga.reference.models import Country, Organisation, OrganisationType, PopulationFigure, ProcessRole


@public_page("countries")
def country_list(request):
    return render(request, "reference/country_list.html", {
        "countries": selectors.process_countries_with_counts(),
        "people": {row.country.iso3: row.figure for row in selectors.latest_people_per_host_country(request.user)},
    })


def country_context(request, iso3) -> dict:
    """What the country page shows of the reference data; the site floor adds the portfolio and draws the map."""
    country = get_object_or_404(Country, iso3=iso3.upper())
    return {
        "country": country,
        "subdivisions": selectors.subdivisions_of(country),
        "figures": selectors.population_figures_visible(request.user, country=country),
        "organisations": selectors.organisations_filtered(request.user, country=country.iso3),
        "can_add_figure": permissions.can(request.user, Action.CREATE, PopulationFigure(country=country)),
    }


@public_page("organisations")
def organisation_list(request):
    filters = {
        "query": request.GET.get("q", "").strip(),
        "country": request.GET.get("country", "").strip(),
        "role": request.GET.get("role", "").strip(),
        "organisation_type": request.GET.get("type", "").strip(),
    }
    show_deleted = request.GET.get("deleted") == "1" and permissions.actor_for(request.user).is_secretariat
    try:
        organisations = selectors.organisations_filtered(request.user, include_deleted=show_deleted, **filters)
    except TextInvalid as error:
        return HttpResponseBadRequest(f"{error.field}: {error.message}", content_type="text/plain; charset=utf-8")
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    context = {
        "page": page, "filters": filters, "show_deleted": show_deleted,
        "countries": selectors.countries_as_shown(selectors.process_countries()),
        "roles": ProcessRole.choices, "types": OrganisationType.choices,
        "can_create": permissions.can_create_any(request.user, Organisation),
        "query_string": request.GET.copy(),
    }
    if "page" in context["query_string"]:
        del context["query_string"]["page"]
    template = "reference/organisation_rows.html" if request.htmx else "reference/organisation_list.html"
    return render(request, template, context)


def organisation_context(request, pk) -> dict:
    """What the organisation page shows of the reference data; the site floor adds its projects and pledges."""
    # The secretariat sees a deleted organisation's page too (to restore it); anyone else gets 404.
    organisation = selectors.access_organisation(request.user, pk, include_deleted=True)
    user = request.user
    return {
        "organisation": organisation,
        "children": Organisation.objects.filter(parent=organisation),
        "roles": organisation.roles.select_related("source"),
        "can_change": permissions.can(user, Action.CHANGE, organisation),
        "can_delete": permissions.can(user, Action.DELETE, organisation),
        "can_restore": organisation.is_deleted and permissions.can(user, Action.RESTORE, organisation),
        "can_view_history": permissions.can(user, Action.VIEW_HISTORY, organisation),
        "can_approve": organisation.awaiting_approval and not organisation.is_deleted and permissions.can(
            user, Action.PUBLISH, organisation),
    }


def _edit(request, *, instance, form_class, save, template: str, context: dict):
    """The edit flow shared by the reference forms: a stale version shows the conflict, nothing is lost.

    ``instance`` comes from an ``access_*`` selector asked for Action.CHANGE; ``save(changes,
    expected_version, reason)`` calls the record's service. A version that is missing or not a number
    (a tampered or truncated form) is answered 400 with the form and the reason, not a server error.
    """
    form = form_class(request.POST or None, instance=type(instance).objects.get(pk=instance.pk))
    status = 200
    if request.method == "POST":
        try:
            version = parse_version(request.POST.get("version"))
        except ValidationError as error:
            form.is_valid()  # the field errors too, so that the page shows everything at once
            form.add_error(None, error)
            status = 400
        else:
            if form.is_valid():
                try:
                    save(form.changes(), version, request.POST.get("reason", ""))
                except EditConflict as error:
                    form.add_error(None, str(error))
                    context = {**context, "conflict": conflict_of(error)}
                    # Saving again applies the changes to the version now stored, as the conflict box says.
                    form.data = form.data.copy()
                    form.data["version"] = error.instance.version
                except PermissionDenied as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _("Changes saved."))
                    return redirect(instance)
    return render(request, template, {"form": form, **context}, status=status)


@login_required
def organisation_create(request):
    if not permissions.can_create_any(request.user, Organisation):
        raise PermissionDenied(_("You may not create organisations."))
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(user=request.user, fields=form.changes())
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Organisation created. It proposes no project until the secretariat approves "
                                        "it.") if organisation.awaiting_approval else _("Organisation created."))
            return redirect(organisation)
    return render(request, "reference/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request, pk):
    organisation = selectors.access_organisation(request.user, pk, Action.CHANGE)
    return _edit(request, instance=organisation, form_class=OrganisationForm,
                 template="reference/organisation_form.html", context={"organisation": organisation},
                 save=lambda changes, version, reason: services.organisation_update(
                     organisation=organisation, user=request.user, changes=changes, expected_version=version,
                     reason=reason))


@login_required
def figure_create(request):
    # As organisation_create: those who may create no figure anywhere (a donor officer, an observer) get no form.
    permissions.require_create_any(request.user, PopulationFigure)
    initial = {"country": request.GET.get("country", "").upper() or None}
    form = PopulationFigureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            figure = services.population_figure_create(user=request.user, fields=form.changes())
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Figure saved. The public sees it once the secretariat publishes it."))
            return redirect(figure)
    return render(request, "reference/figure_form.html", {"form": form})


@login_required
def figure_edit(request, pk):
    figure = selectors.access_population_figure(request.user, pk, Action.CHANGE)
    return _edit(request, instance=figure, form_class=PopulationFigureForm,
                 template="reference/figure_form.html", context={"figure": figure},
                 save=lambda changes, version, reason: services.population_figure_update(
                     figure=figure, user=request.user, changes=changes, expected_version=version, reason=reason))


@login_required
def organisation_approve(request, pk):
    if request.method != "POST":
        return redirect(selectors.access_organisation(request.user, pk))
    organisation = selectors.access_organisation(request.user, pk, Action.PUBLISH)
    try:
        version = parse_version(request.POST.get("version"))
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0], content_type="text/plain; charset=utf-8")
    try:
        services.organisation_approve(organisation=organisation, user=request.user, expected_version=version)
    except EditConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Organisation approved: it may now propose projects."))
    return redirect(organisation)


@login_required
def figure_publish(request, pk):
    if request.method != "POST":
        return redirect(selectors.access_population_figure(request.user, pk))
    figure = selectors.access_population_figure(request.user, pk, Action.PUBLISH)
    try:
        version = parse_version(request.POST.get("version"))
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0], content_type="text/plain; charset=utf-8")
    published = request.POST.get("published") == "1"
    try:
        services.population_figure_set_published(figure=figure, user=request.user, published=published,
                                                 expected_version=version)
    except EditConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Figure published.") if published else _("Figure withdrawn from the public."))
    return redirect(figure)


@public_page("taxonomies")
def taxonomies(request):
    return render(request, "reference/taxonomies.html", {
        "vocabularies": selectors.vocabularies_with_terms().prefetch_related("terms"),
        "markers": selectors.markers(),
    })


def _territory_parameters(request, *names: str) -> list[str]:
    """The values of ``names`` in the query string, as a form row sends them: ``locations-0-country`` when the
    request says ``prefix=locations-0`` (htmx sends the row's own fields), else plain ``country``."""
    prefix = request.GET.get("prefix", "")
    return [request.GET.get(f"{prefix}-{name}" if prefix else name, "") for name in names]


def _options(request, units, selected: str):
    return render(request, "reference/territory_options.html", {
        "options": [(value, label) for value, label in units], "selected": selected})


def subdivision_options(request):
    """The <option>s of a member state's subdivisions whose name holds what is typed (public reference data)."""
    country, query, selected = _territory_parameters(request, "country", "subdivision_q", "subdivision")
    try:
        units = selectors.member_subdivisions(country, query)
    except TextInvalid as error:
        return HttpResponseBadRequest(f"{error.field}: {error.message}", content_type="text/plain; charset=utf-8")
    return _options(request, [(unit.code, unit.name) for unit in units], selected)


def municipality_options(request):
    """The <option>s of a subdivision's municipalities whose name holds what is typed (public reference data)."""
    subdivision, query, selected = _territory_parameters(request, "subdivision", "municipality_q", "municipality")
    try:
        units = selectors.member_municipalities(subdivision, query)
    except TextInvalid as error:
        return HttpResponseBadRequest(f"{error.field}: {error.message}", content_type="text/plain; charset=utf-8")
    return _options(request, [(unit.pcode, unit.name) for unit in units], selected)
