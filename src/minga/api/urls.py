"""The JSON API under /api/v1/: thin routes over the selectors and services, the same permission module."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from minga.api import finance, portfolio, reference
from minga.audit.services import EditConflict
from minga.common.text import TextInvalid
from minga.portfolio.validation import ProjectInvalid

api = NinjaAPI(
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
api.add_router("/", portfolio.router)


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


@api.exception_handler(TextInvalid)
def text_invalid(request, error):
    return api.create_response(request, {"detail": {error.field: [error.message]}}, status=422)


@api.exception_handler(EditConflict)
def conflict(request, error):
    return api.create_response(
        request, {"detail": str(error), "current_version": error.instance.version}, status=409)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return api.create_response(request, {"detail": "Invalid, revoked or missing API token."}, status=401)
