"""The service directory for scripts: search (as the public page), one service, and the writes of
providers and local-government officers (bearer token; the permission module decides where)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from minga.accounts.permissions import Action, can, visible
from minga.api.auth import TokenAuth, caller
from minga.api.pagination import Paged
from minga.api.portfolio_schemas import ConflictOut
from minga.api.schemas import ErrorOut
from minga.common.numbers import MAX_COUNT
from minga.common.versions import parse_version
from minga.portfolio.models import Project
from minga.reference.models import Municipality
from minga.services import selectors, services
from minga.services.inputs import ServiceInput

router = Router(tags=["services"])
ServiceId = Path(..., ge=1, le=MAX_COUNT)


class Slot(Schema):
    day: str
    opens: str
    closes: str


class ServiceOut(Schema):
    id: int
    hsds_id: str
    version: int
    provider: int
    name_es: str
    name_pt: str
    name_en: str
    description_es: str
    description_pt: str
    description_en: str
    types: list[str]
    populations: list[str]
    languages: list[str]
    hours: list[Slot]
    open_always: bool
    time_zone: str
    is_free: bool
    fees: str
    eligibility_es: str
    eligibility_pt: str
    eligibility_en: str
    documents_es: str
    documents_pt: str
    documents_en: str
    address: str
    phone: str
    whatsapp: str
    email: str
    latitude: float
    longitude: float
    country: str
    subdivision: str
    municipality: str | None
    project: str | None
    last_verified_on: date
    stale: bool
    is_illustrative: bool
    distance_km: float | None = None


class ServiceIn(Schema, extra="forbid"):
    provider: int = Field(ge=1, le=MAX_COUNT, description="the provider organisation's id")
    subdivision: str = Field(description="ISO 3166-2 code, e.g. CO-NSA")
    municipality: str | None = Field(None, description="official code (p-code), e.g. CO54001")
    project: str | None = Field(None, description="the portfolio project's code, e.g. PQ-COL-2026-0001, one the "
                                                  "caller can see; null for none. Left out of a PUT, the service "
                                                  "keeps its project")
    latitude: float
    longitude: float
    last_verified_on: date
    types: list[str]
    populations: list[str]
    languages: list[str] = []
    hours: list[Slot] = []
    open_always: bool = False
    time_zone: str = ""
    is_free: bool = True
    fees: str = ""
    name_es: str = ""
    name_pt: str = ""
    name_en: str = ""
    description_es: str = ""
    description_pt: str = ""
    description_en: str = ""
    eligibility_es: str = ""
    eligibility_pt: str = ""
    eligibility_en: str = ""
    documents_es: str = ""
    documents_pt: str = ""
    documents_en: str = ""
    address: str = ""
    phone: str = ""
    whatsapp: str = ""
    email: str = ""


class ServiceUpdateIn(ServiceIn, extra="forbid"):
    version: int | str
    reason: str = ""


class SearchQuery(Schema):
    place: str = ""
    lat: str = ""
    lon: str = ""
    radius: str = ""
    type: list[str] = []
    population: list[str] = []
    free: str = ""
    open: str = ""


def _out(service, user, distance=None, today=None) -> dict:
    from django.utils import timezone

    today = today or timezone.localdate()
    return {
        **{name: getattr(service, name) for name in ServiceOut.model_fields if hasattr(service, name) and name not in (
            "provider", "types", "populations", "languages", "country", "subdivision", "municipality", "project",
            "hsds_id", "stale", "distance_km")},
        "hsds_id": str(service.hsds_id), "provider": service.provider_id, "types": service.type_codes,
        "populations": service.population_codes, "languages": service.language_codes,
        "country": service.country_id, "subdivision": service.subdivision_id,
        "municipality": service.municipality.pcode if service.municipality_id else None,
        # A withdrawn project is not named to those who may not see it (its own address answers 404 to them).
        "project": service.project.code if service.project_id and can(user, Action.VIEW, service.project) else None,
        "stale": service.is_stale(today),
        "distance_km": None if distance is None else round(distance, 3),
    }


def _project_id(payload: ServiceIn, user, service=None) -> int | None:
    """The project named by its code; left out, the one the service has (a PUT that does not mention it keeps it)."""
    if "project" not in payload.model_fields_set:
        return service.project_id if service is not None else None
    if not payload.project:
        return None
    found = visible(user, Project.objects.filter(code=payload.project)).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationError({"project": [_("No such record: %(value)s.") % {"value": payload.project}]})
    return found


def _input(payload: ServiceIn, user, service=None) -> ServiceInput:
    data = payload.dict()
    municipality = None
    if data.get("municipality"):
        municipality = Municipality.objects.filter(pcode=data["municipality"]).first()
        if municipality is None:
            raise ValidationError({"municipality": [_("No such record: %(value)s.") % {"value": data["municipality"]}]})
    subdivision = data["subdivision"].upper()
    return ServiceInput(
        provider_id=data["provider"], subdivision_id=subdivision, country_id=_country_of(subdivision),
        municipality_id=municipality.pk if municipality else None, project_id=_project_id(payload, user, service),
        **{name: data[name] for name in data if name not in ("provider", "subdivision", "municipality", "project",
                                                              "version", "reason")})


def _country_of(subdivision: str) -> str:
    from minga.reference.models import Subdivision

    found = Subdivision.objects.filter(pk=subdivision).values_list("country_id", flat=True).first()
    if found is None:
        raise ValidationError({"subdivision": [_("No such record: %(value)s.") % {"value": subdivision}]})
    return found


@router.get("/services", response={200: list[ServiceOut], 422: ErrorOut}, url_name="service_list",
            summary="Search the service directory (as the public page /services/)",
            description="By place (ISO3, ISO 3166-2 or p-code), point (lat, lon) and radius in km, type, population "
                        "(repeat for several), free=1, open=1 (open now in the service's time zone). With a point, "
                        "nearest first with distance_km.")
@paginate(Paged)
def service_list(request, filters: Query[SearchQuery]):
    user = caller(request)
    result = selectors.search(user, selectors.SearchFilters.from_querydict(request.GET), limit=10_000)
    return [_out(hit.service, user, hit.distance_km) for hit in result.hits]


@router.get("/services/{int:service_id}", response={200: ServiceOut, 404: ErrorOut, 422: ErrorOut},
            url_name="service_detail",
            summary="One service")
def service_detail(request, service_id: int = ServiceId):
    user = caller(request)
    return _out(selectors.access_service(user, service_id), user)


@router.post("/services", auth=TokenAuth(), url_name="service_create",
             response={201: ServiceOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
             summary="Add a service",
             description="403 when the caller may not add a service there (a local-government officer outside their "
                         "municipality, a provider's officer for another organisation).")
def service_create(request, payload: ServiceIn):
    service = services.service_create(user=request.auth, data=_input(payload, request.auth))
    return Status(201, _out(selectors.access_service(request.auth, service.pk), request.auth))


@router.put("/services/{int:service_id}", auth=TokenAuth(), url_name="service_update",
            response={200: ServiceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut,
                      422: ErrorOut},
            summary="Replace a service's fields", description="Send the version you read; a stale one gets 409.")
def service_update(request, payload: ServiceUpdateIn, service_id: int = ServiceId):
    service = selectors.access_service(request.auth, service_id, Action.CHANGE)
    version = parse_version(payload.version, field="version")
    services.service_update(user=request.auth, service=service, data=_input(payload, request.auth, service),
                            expected_version=version, reason=payload.reason)
    return _out(selectors.access_service(request.auth, service_id), request.auth)
