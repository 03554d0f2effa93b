"""Results pages: a project's results, results by territory, the report form, the indicator and period forms, and
locking a period (the XLSX template, import and export are in ``results.workbook_views``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.audit.selectors import conflict_of
from minga.audit.services import EditConflict
from minga.common import charts, formatting
from minga.common.page_cache import public_page
from minga.common.versions import parse_version
from minga.portfolio.selectors import access_project
from minga.reference import boundaries
from minga.reference.selectors import member_states
from minga.results import selectors, services
from minga.results.forms import IndicatorForm, PeriodForm, ReportForm, initial_of
from minga.results.models import Indicator, ReportingPeriod, ResultReport


@require_GET
@public_page("results-project")
def project_results(request, code):
    project = access_project(request.user, code)
    tables = selectors.project_results(project)
    periods = tables[0].periods if tables else list(ReportingPeriod.objects.filter(project=project))
    return render(request, "results/project.html", {
        "project": project, "tables": tables, "periods": periods,
        "may_report": permissions.can(request.user, Action.CREATE, Indicator(project=project)),
        "may_lock": permissions.can(request.user, Action.PUBLISH, ReportingPeriod(project=project)),
        "illustrative": any(table.indicator.is_illustrative for table in tables),
    })


def _country(request):
    countries = list(member_states().order_by("iso3"))
    wanted = request.GET.get("country", "COL").strip().upper()[:3]
    for country in countries:
        if country.iso3 == wanted:
            return country, countries
    return None, countries


@require_GET
@public_page("results-territory")
def territory_results(request):
    country, countries = _country(request)
    if country is None:
        return render(request, "400.html", {"message": _("country: choose a member state from the list.")},
                      status=400)
    figures, tables = selectors.people_by_subdivision(request.user, country.iso3)
    measure = _("People reached")
    rows = [{"code": figure.code, "name": figure.name, "value": float(figure.people) if figure.people is not None
             else None, "label": formatting.format_number(figure.people) if figure.people is not None
             else _("no report"), "as_of": ""} for figure in figures]
    chart = charts.subdivisions_choropleth_chart(topojson_url=boundaries.admin1_url(country.iso3), iso3=country.iso3,
                                                 rows=rows, measure=measure, country_name=country.name,
                                                 measure_hashtag="#reached+total")
    return render(request, "results/territory.html", {
        "country": country, "countries": sorted(countries, key=lambda item: item.name), "figures": figures,
        "tables": tables, "chart": chart,
        "illustrative": any(table.indicator.is_illustrative for table in tables),
    })


def _choices(project, tables):
    territories = selectors.project_territories(project)
    # Locked periods stay in the list, named so: choosing one gets the service's refusal, which says why.
    periods = tables[0].periods if tables else []
    return ([(str(table.indicator.pk), table.indicator.name_in()[0]) for table in tables],
            [(str(period.pk), _("%(period)s (locked)") % {"period": period.label} if period.is_locked
              else period.label) for period in periods],
            [(key, territory.name) for key, territory in territories.items()])


def owned_project(user, code, model=Indicator):
    """The project at ``code`` if ``user`` writes its results (404 if hidden from them, 403 if only readable)."""
    project = access_project(user, code)
    if not permissions.can(user, Action.CREATE, model(project=project)):
        raise PermissionDenied(_("Only the project's focal point or local-government officer, and the secretariat, "
                                 "report its results."))
    return project


@login_required
def report_entry(request, code):
    project = owned_project(request.user, code)
    tables = selectors.project_results(project)
    indicators, periods, territories = _choices(project, tables)
    context = {"project": project}
    source = request.POST if request.method == "POST" else request.GET
    report = _existing(project, source)
    if request.method != "POST":
        form = ReportForm(initial={"indicator": source.get("indicator"), "period": source.get("period"),
                                   "territory": source.get("territory"), **(initial_of(report) if report else {})},
                          indicators=indicators, periods=periods, territories=territories)
        return render(request, "results/report_form.html", {**context, "form": form,
                                                            "version": report.version if report else ""})
    form = ReportForm(request.POST, indicators=indicators, periods=periods, territories=territories)
    version, conflict = request.POST.get("version", ""), None  # shown again for a mistake: the version read
    if form.is_valid():
        indicator = Indicator.objects.get(pk=form.cleaned_data["indicator"])
        period = ReportingPeriod.objects.get(pk=form.cleaned_data["period"])
        try:
            services.report_save(user=request.user, indicator=indicator, period=period,
                                 territory=form.cleaned_data["territory"], data=form.to_input(),
                                 expected_version=parse_version(version, field="version") if version else None)
        except ValidationError as error:
            form.show_errors(error.message_dict)
        except EditConflict as error:
            form.add_error(None, str(error))
            conflict, version = conflict_of(error), error.instance.version  # saving again applies to it
        else:
            messages.success(request, _("Result recorded."))
            return redirect("results:project", code=project.code)
    return render(request, "results/report_form.html", {**context, "form": form, "version": version,
                                                        "conflict": conflict}, status=400)


def _existing(project, source) -> ResultReport | None:
    indicator, period, territory = source.get("indicator", ""), source.get("period", ""), source.get("territory", "")
    if not (indicator.isdigit() and period.isdigit() and territory):
        return None
    subdivision, _sep, municipality = territory.partition("/")
    lookup = {"municipality_id": int(municipality)} if municipality.isdigit() else {"municipality__isnull": True}
    return ResultReport.objects.filter(indicator_id=int(indicator), indicator__project=project,
                                       period_id=int(period), subdivision_id=subdivision, **lookup).first()


@login_required
@require_POST
def period_lock(request, pk):
    period = selectors.access_period(request.user, pk, Action.PUBLISH)
    locked = request.POST.get("locked") == "1"
    try:
        services.period_set_lock(user=request.user, period=period, locked=locked,
                                 expected_version=parse_version(request.POST.get("version", ""), field="version"))
    except EditConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Period %(period)s locked.") % {"period": period.label} if locked
                         else _("Period %(period)s opened again.") % {"period": period.label})
    return redirect("results:project", code=period.project.code)


def _indicator_page(request, project, form, indicator, version, status=200, conflict=None):
    return render(request, "results/indicator_form.html", {"project": project, "form": form, "indicator": indicator,
                                                           "version": version, "conflict": conflict}, status=status)


def _save_indicator(request, project, indicator=None):
    form = IndicatorForm(request.POST)
    version, conflict = request.POST.get("version", ""), None  # shown again for a mistake: the version read
    if form.is_valid():
        try:
            if indicator is None:
                services.indicator_create(user=request.user, project=project, data=form.to_input())
            else:
                services.indicator_update(user=request.user, indicator=indicator, data=form.to_input(),
                                          expected_version=parse_version(version, field="version"))
        except ValidationError as error:
            form.show_errors(error.message_dict)
        except EditConflict as error:
            form.add_error(None, str(error))
            conflict, version = conflict_of(error), error.instance.version  # saving again applies to it
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("results:project", code=project.code)
    return _indicator_page(request, project, form, indicator, version, status=400, conflict=conflict)


@login_required
def indicator_create(request, code):
    project = owned_project(request.user, code)
    if request.method == "POST":
        return _save_indicator(request, project)
    return _indicator_page(request, project, IndicatorForm(), None, "")


@login_required
def indicator_edit(request, pk):
    indicator = selectors.access_indicator(request.user, pk, Action.CHANGE)
    if request.method == "POST":
        return _save_indicator(request, indicator.project, indicator)
    return _indicator_page(request, indicator.project, IndicatorForm(initial=IndicatorForm.initial_for(indicator)),
                           indicator, indicator.version)


@login_required
def period_create(request, code):
    project = owned_project(request.user, code, ReportingPeriod)
    existing = ReportingPeriod.objects.filter(project=project).first()
    initial = {"frequency": existing.frequency} if existing else {}
    if request.method != "POST":
        return render(request, "results/period_form.html", {"project": project, "form": PeriodForm(initial=initial)})
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            period = services.period_create(user=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            form.show_errors(error.message_dict)
        else:
            messages.success(request, _("Period %(period)s opened.") % {"period": period.label})
            return redirect("results:project", code=project.code)
    return render(request, "results/period_form.html", {"project": project, "form": form}, status=400)
