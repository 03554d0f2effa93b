"""The public catalogue of projects, the project page and document downloads. Thin: selectors do the reading.

The catalogue is a GET form: every filtered view has its own address and works without JavaScript.
With htmx, changing a filter replaces the facets and results only, and the address bar is set to the
view's clean address (``HX-Push-Url``), so it can be bookmarked and shared like any other.
"""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_htmx.http import push_url

from minga.common import charts
from minga.common.errors import ParameterInvalid
from minga.common.numbers import parse_count
from minga.common.page_cache import public_page
from minga.portfolio import selectors
from minga.portfolio.models import ProjectDocument
from minga.portfolio.selectors.matching import project_flows
from minga.reference import boundaries

MAX_PAGE = 1_000_000  # 25 million projects: a page number beyond is refused before it becomes an offset

SORT_LABELS = {
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "gap_desc": _("Largest funding gap"),
    "gap_asc": _("Smallest funding gap"),
    "budget_desc": _("Largest budget"),
    "code": _("Code"),
}


def bad_parameter(request, error: ParameterInvalid):
    """400 naming the query parameter that may not be used, and why."""
    return render(request, "400.html", {"message": f"{error.field}: {error.message}"}, status=400)


def _page_number(raw) -> int:
    """Text that is no page number gives the first page, as ever; a number out of bounds is refused."""
    if raw is None or not raw.strip().isdigit():  # "abc", "-3", "": the first page
        return 1
    return max(1, parse_count(raw, field="page", maximum=MAX_PAGE, default=1))


@public_page("catalogue")
def project_catalogue(request):
    try:
        filters = selectors.ProjectFilters.from_querydict(request.GET, localized=True)
        number = _page_number(request.GET.get("page"))
    except ParameterInvalid as error:
        return bad_parameter(request, error)
    catalogue = selectors.catalogue(request.user, filters, number)
    address = reverse("portfolio:catalogue")
    page_query = catalogue.query
    if catalogue.page.number > 1:
        page_query = f"{page_query}&page={catalogue.page.number}" if page_query else f"page={catalogue.page.number}"
    context = {
        "catalogue": catalogue, "filters": filters, "sorts": SORT_LABELS,
        "address": f"{address}?{page_query}" if page_query else address,
        "reader_language": selectors.reader_language(),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(request, "portfolio/catalogue_results.html" if partial else "portfolio/catalogue.html", context)
    patch_vary_headers(response, ("HX-Request",))
    if partial:
        push_url(response, context["address"])
    return response


@public_page("project")
def project_detail(request, code):
    # The secretariat sees a deleted project's page too (to restore it); anyone else gets 404.
    project = selectors.access_project(request.user, code, include_deleted=True)
    page = selectors.project_page(project, request.user)
    map_chart = None
    if page.territory_map and page.territory_map["names"]:
        drawn = page.territory_map["countries"]  # alpha-3 → name, of the countries with a unit on the map
        map_chart = charts.project_territories_map_chart(
            topojson_urls={iso3: boundaries.admin1_url(iso3) for iso3 in drawn}, country_names=drawn,
            names=page.territory_map["names"], highlighted=page.territory_map["highlighted"])
    return render(request, "portfolio/project_detail.html", {
        "project": project, "page": page, "map_chart": map_chart,
        "reader_language": selectors.reader_language(),
        "can_view_history": page.details,
        # The follow-up of the money (finance, registered at start-up): the flows the reader may see that fund it.
        "funding_flows": project_flows(request.user, project),
    })


def document_download(request, code, pk):
    project = selectors.access_project(request.user, code, include_deleted=True)
    document = ProjectDocument.objects.filter(pk=pk, project=project, removed_at__isnull=True).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name,
                        content_type=document.content_type)


urlpatterns = [
    path("", project_catalogue, name="catalogue"),
    path("<project_code:code>/", project_detail, name="project_detail"),
    path("<project_code:code>/documents/<int:pk>/", document_download, name="document_download"),
]
