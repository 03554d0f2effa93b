"""Downloads of any filtered list of projects: /projects/export.xlsx, .csv and .iati (IATI 2.03 XML).

The query string is the catalogue's, so every filtered view of the catalogue can be downloaded as
it is. XLSX and CSV hold what the requesting user may see (the catalogue's visibility), with a column
saying which rows are illustrative samples; the IATI file holds real public projects only, whoever asks
(illustrative samples never leave as real records: see ``public_projects``). Anonymous visitors may
download all three.
"""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minga.common.errors import ParameterInvalid
from minga.exchange import hxl, xlsx
from minga.exchange.iati import activities
from minga.portfolio import selectors

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "iati": "application/xml; charset=utf-8",
}


def export_filename(format: str, on=None) -> str:
    """minga-projects-2026-11-28.xlsx, …csv, minga-projects-iati-2026-11-28.xml"""
    day = (on or timezone.localdate()).isoformat()
    if format == "iati":
        return f"minga-projects-iati-{day}.xml"
    return f"minga-projects-{day}.{format}"


def _attachment(content, format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(format)}"'
    # What a signed-in user receives differs from what the public does: never share it through a cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def export(request, format: str):
    try:
        filters = selectors.ProjectFilters.from_querydict(request.GET)
    except ParameterInvalid as error:
        return HttpResponseBadRequest(f"{error.field}: {error.message}", content_type="text/plain; charset=utf-8")
    if format == "iati":
        document = activities.activities_document(
            selectors.public_projects(filters), site_url=request.build_absolute_uri("/").rstrip("/"))
        if not document.activities:
            # IATI requires at least one activity in a file: an empty one would not be valid.
            return HttpResponseNotFound(
                _("No published project matches these filters, and an IATI file must hold at least one."),
                content_type="text/plain; charset=utf-8")
        return _attachment(document.to_bytes(), format)
    projects = selectors.projects_search(request.user, filters)
    if format == "csv":
        return _attachment(hxl.projects_csv(projects).encode("utf-8"), format)
    return _attachment(xlsx.projects_xlsx(projects, filters=filters, audience=xlsx.audience_of(request.user)), format)

