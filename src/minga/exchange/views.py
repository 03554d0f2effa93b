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
from minga.common.hxl import csv_bytes
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


def _attachment(content, format: str, filename: str = "") -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{filename or export_filename(format)}"'
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
        return _attachment(csv_bytes(hxl.projects_csv(projects)), format)
    return _attachment(xlsx.projects_xlsx(projects, filters=filters, audience=xlsx.audience_of(request.user)), format)



def project_filename(code: str, format: str) -> str:
    """PQ-COL-2026-0007.xlsx, PQ-COL-2026-0007-iati.xml"""
    return f"{code}-iati.xml" if format == "iati" else f"{code}.{format}"


@require_GET
def project_download(request, code: str, format: str):
    """One project's own downloads, from its page: the XLSX as the reader may see it, or its IATI activity.

    A project the reader may not see is not found (as its page). The IATI file holds a real public project
    only: for a project not published, or an illustrative one, the answer says why there is none (404).
    """
    project = selectors.access_project(request.user, code)
    one = selectors.ProjectFilters()
    if format == "iati":
        document = activities.activities_document(
            selectors.public_projects(one).filter(pk=project.pk),
            site_url=request.build_absolute_uri("/").rstrip("/"))
        if not document.activities:
            reason = document.skipped[0][1] if document.skipped else _("not public")
            return HttpResponseNotFound(iati_refusal(project, reason), content_type="text/plain; charset=utf-8")
        return _attachment(document.to_bytes(), format, project_filename(code, format))
    projects = selectors.projects_search(request.user, one).filter(pk=project.pk)
    return _attachment(xlsx.projects_xlsx(projects, filters=one, audience=xlsx.audience_of(request.user)), format,
                       project_filename(code, format))


def iati_refusal(project, reason: str) -> str:
    """Why a project has no IATI activity (its page says the same instead of a link for the first two)."""
    if project.is_illustrative:
        return _("This project is an illustrative sample made up for the demonstration: it is not published "
                 "to IATI as a real activity.")
    if not project.is_public:
        return _("Only published projects are published to IATI.")
    return _("This project cannot be written as an IATI activity: %(reason)s.") % {"reason": reason}
