"""Answers the site gives before or instead of a view: the Permissions-Policy header, a request body larger
than any upload may be, a SQLite database that stayed locked, and a page's table as CSV (settings.py lists them
in MIDDLEWARE)."""

from django.conf import settings
from django.db import OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minga.common import formatting, html_tables, hxl

# Browser features no page of Minga uses: a script that got in could not turn them on.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb"))
RETRY_AFTER_SECONDS = 5
TABLE_CSV_PARAMETER = "csv"  # ?csv=TABLE: the page's table of that data-testid, as CSV
FORM_ALLOWANCE_BYTES = 64 * 1024  # the form fields and multipart boundaries sent around a file


def _answer(request, message: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RequestSizeMiddleware:
    """Refuses a body larger than the largest upload from its Content-Length, before anything reads it
    (CSRF checking reads a POST body, so this stands before CsrfViewMiddleware). A view that takes a smaller
    upload says so with a ``max_upload_bytes`` attribute, and is held to it the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MINGA_MAX_REQUEST_BYTES
        if _length(request) > limit:
            return _too_large(request, limit)
        return self.get_response(request)

    def process_view(self, request, view_func, _args, _kwargs):
        limit = getattr(view_func, "max_upload_bytes", None)
        if limit is not None and _length(request) > limit + FORM_ALLOWANCE_BYTES:
            return _too_large(request, limit)
        return None


def _length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads no body it cannot size


def _too_large(request, limit: int) -> HttpResponse:
    return _answer(request, _("The upload is larger than %(limit)s MB: send a smaller file.")
                   % {"limit": limit // (1024 * 1024)}, 413)


class DatabaseBusyMiddleware:
    """On SQLite, a write that waited the whole busy timeout for another worker's write answers 503 with
    Retry-After ("busy, try again") rather than 500: nothing was saved, and the same request will succeed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or "database is locked" not in str(exception):
            return None
        if connections["default"].vendor != "sqlite":
            return None
        response = _answer(request, _("The site is busy saving other changes: nothing was saved. Try again in a "
                                      "few seconds."), 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class TableCsvMiddleware:
    """``?csv=TABLE`` on any page answers that page's table (its data-testid) as CSV with an HXL row: the view
    renders the page as it would for this reader (same filters, same access), with numbers, amounts and dates
    written for machines, and the table is read back from it (``minga.common.html_tables``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        testid = request.GET.get(TABLE_CSV_PARAMETER) if request.method in ("GET", "HEAD") else None
        if not testid or request.path.startswith("/api/"):
            return self.get_response(request)
        with formatting.machine_values():
            response = self.get_response(request)
        if (response.status_code != 200 or response.streaming
                or not response.get("Content-Type", "").startswith("text/html")):
            return response
        try:
            table = html_tables.read_table(response.content, testid)
        except html_tables.TableMissing:
            return _answer(request, _("This page has no table “%(table)s”.") % {"table": testid}, 404)
        answer = hxl.csv_response(hxl.table_csv(table.headers, table.hashtags, table.rows),
                                  _filename(request, testid))
        patch_vary_headers(answer, ("Cookie", "Accept-Language"))
        return answer


def _filename(request, testid: str) -> str:
    page = slugify(request.resolver_match.url_name if request.resolver_match else "") or "page"
    return f"minga-{page}-{slugify(testid) or 'table'}.csv"
