"""The JSON API under /api/v1/: thin routes over the selectors and services, the same permission module."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaInvalid

from minga.api import capacity, directory, finance, localgov, narrative, portfolio, process, reference, results
from minga.audit.services import EditConflict
from minga.common.errors import ParameterInvalid
from minga.portfolio.validation import ProjectInvalid


class MingaAPI(NinjaAPI):
    def _get_urls(self):
        # After every route: an address no route matches (/organisations/abc, where the route takes a number)
        # gets the API's JSON 404, not Django's HTML page; whatever the method (no CSRF 403 in HTML either:
        # it writes nothing).
        return [*super()._get_urls(), re_path(r"", csrf_exempt(self._unknown_address), name="unknown_address")]

    def _unknown_address(self, request, *args, **kwargs):
        return self.create_response(request, {"detail": "Not found."}, status=404)


api = MingaAPI(
    title="Minga API",
    version="1",
    description=(
        "Reference data, organisations and figures of the Quito Process coordination platform. "
        "Reads are public (published records only) or follow the caller's roles; writes need a "
        "bearer token (create one on your account page) and carry the version they edited: a stale "
        "version gets HTTP 409 and nothing is written."
    ),
    urls_namespace="api",
)
api.add_router("/", reference.router)
api.add_router("/", finance.router)
api.add_router("/", process.router)
api.add_router("/", capacity.router)
api.add_router("/", portfolio.router)
api.add_router("/", narrative.router)
api.add_router("/", localgov.router)
api.add_router("/", directory.router)
api.add_router("/", results.router)


@api.exception_handler(PermissionDenied)
def permission_denied(request, error):
    return api.create_response(request, {"detail": str(error) or "Permission denied."}, status=403)


@api.exception_handler(ObjectDoesNotExist)
@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, error):
    detail = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ProjectInvalid)
def project_invalid(request, error):
    return api.create_response(request, {"detail": error.errors}, status=422)


@api.exception_handler(EditConflict)
def conflict(request, error):
    return api.create_response(
        request, {"detail": str(error), "current_version": error.instance.version}, status=409)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return api.create_response(request, {"detail": "Invalid, revoked or missing API token."}, status=401)


@api.exception_handler(HttpError)
def http_error(request, error):
    """django-ninja answers a body it cannot parse with 400, which no operation declares: it is refused input
    like any other, 422 in the API's one shape (found by the fuzzing of issue 15)."""
    if error.status_code == 400:
        return api.create_response(request, {"detail": {"__all__": [_("The request body is not valid JSON.")]}},
                                   status=422)
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


@api.exception_handler(ParameterInvalid)
def parameter_invalid(request, error):
    """A number out of bounds or a text with control characters, named by its parameter."""
    return api.create_response(request, {"detail": {error.field: [error.message]}}, status=422)


SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")


def _field_path(location, parameters: set[str]) -> str:
    """("body", "payload", "themes", 0, "percentage") → "themes[1].percentage": the paths the rest of the API
    names fields by (entries counted from 1), without the source and the view's parameter name."""
    parts = list(location)
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in parameters:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "__all__"


@api.exception_handler(SchemaInvalid)
def schema_invalid(request, error):
    """The body or the query string does not fit the schema: 422 in the API's one shape, by field path."""
    parameters = {"payload", "filters", "pagination"}
    detail: dict[str, list[str]] = {}
    for problem in error.errors:
        if problem.get("type") == "extra_forbidden":
            message = _("This field cannot be set here: it is read-only or unknown.")
        else:
            message = problem.get("msg", "")
        detail.setdefault(_field_path(problem.get("loc", ()), parameters), []).append(message)
    return api.create_response(request, {"detail": detail}, status=422)
