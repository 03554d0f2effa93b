from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status
from ninja.pagination import paginate

from minga.accounts.permissions import Action
from minga.api.auth import TokenAuth, caller
from minga.api.pagination import Paged
from minga.api.schemas import (
    CountryDetailOut,
    CountryOut,
    ErrorOut,
    GrantOut,
    MarkerOut,
    MeOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    PopulationFigureOut,
    SubdivisionOut,
    TermOut,
    VocabularyOut,
)
from minga.common.numbers import MAX_COUNT
from minga.common.versions import parse_version
from minga.reference import selectors, services
from minga.reference.models import Country, Organisation, Significance, Subdivision, Term, Vocabulary

router = Router(tags=["reference"])


def _subdivision(unit: Subdivision) -> dict:
    return {"code": unit.code, "country": unit.country_id, "parent": unit.parent_id, "name": unit.name,
            "category": unit.category, "is_admin1": unit.is_admin1, "has_geometry": unit.has_geometry}


def _organisation(organisation: Organisation) -> dict:
    return {
        "id": organisation.pk, "version": organisation.version, "name": organisation.name,
        "acronym": organisation.acronym,
        **{f"{field}_{code}": value for field in ("name", "acronym") for code, value in organisation.texts(field).items()}, "iati_identifier": organisation.iati_identifier,
        "organisation_type": organisation.organisation_type, "country": organisation.country_id,
        "subdivision": organisation.subdivision_id,
        "municipality": organisation.municipality.pcode if organisation.municipality_id else None,
        "parent": organisation.parent_id, "website": organisation.website,
        "is_illustrative": organisation.is_illustrative, "awaiting_approval": organisation.awaiting_approval,
        "roles": [{"role": role.role, "since_year": role.since_year} for role in organisation.roles.all()],
    }


@router.get("/countries", response={200: list[CountryOut], 422: ErrorOut}, summary="Countries (ISO 3166-1)")
def country_list(request, member_state: bool | None = None, origin: bool | None = None):
    queryset = Country.objects.all()
    if member_state is not None:
        queryset = queryset.filter(is_member_state=member_state)
    if origin is not None:
        queryset = queryset.filter(is_origin=origin)
    return queryset.order_by("iso3")


@router.get("/countries/{iso3}", response={200: CountryDetailOut, 404: ErrorOut})
def country_detail(request, iso3: str):
    country = get_object_or_404(Country, iso3=iso3.upper())
    return {**CountryOut.from_orm(country).dict(),
            "subdivisions": [_subdivision(u) for u in selectors.subdivisions_of(country)]}


@router.get("/subdivisions", response={200: list[SubdivisionOut], 422: ErrorOut},
            summary="ISO 3166-2 subdivisions of the process countries")
def subdivision_list(request, country: str | None = None, admin1: bool | None = None):
    queryset = Subdivision.objects.all().order_by("code")
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if admin1 is not None:
        queryset = queryset.filter(is_admin1=admin1)
    return [_subdivision(unit) for unit in queryset]


@router.get("/organisations", response={200: list[OrganisationOut], 401: ErrorOut, 422: ErrorOut})
@paginate(Paged)
def organisation_list(request, q: str = "", country: str = "", role: str = "", type: str = ""):
    organisations = selectors.organisations_filtered(
        caller(request), query=q, country=country, role=role, organisation_type=type)
    return [_organisation(o) for o in organisations.select_related("municipality")]


# Ids are bounded (a 30-digit one would overflow the database's integer); a path that is no number is a JSON 404.
OrganisationId = Path(..., ge=1, le=MAX_COUNT)


@router.get("/organisations/{int:organisation_id}",
            response={200: OrganisationOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def organisation_detail(request, organisation_id: int = OrganisationId):
    return _organisation(selectors.access_organisation(caller(request), organisation_id))


def _resolve(fields: dict) -> dict:
    """Turn API codes into records; unknown codes are a validation error, not a server error.

    A code given is looked up even when it is falsy ("" or 0): it names no record, so it is refused."""
    resolved = dict(fields)
    if resolved.get("country") is not None:
        resolved["country"] = Country.objects.filter(iso3=resolved["country"].upper()).first()
        if resolved["country"] is None:
            raise ValidationError({"country": [f"Unknown ISO 3166-1 alpha-3 code: {fields['country']!r}."]})
    if resolved.get("subdivision") is not None:
        resolved["subdivision"] = Subdivision.objects.filter(code=resolved["subdivision"].upper()).first()
        if resolved["subdivision"] is None:
            raise ValidationError({"subdivision": [f"Unknown ISO 3166-2 code: {fields['subdivision']!r}."]})
    if resolved.get("parent") is not None:
        resolved["parent"] = Organisation.objects.filter(pk=resolved["parent"]).first()
        if resolved["parent"] is None:
            raise ValidationError({"parent": [f"Unknown organisation: {fields['parent']!r}."]})
    return resolved


@router.post("/organisations", auth=TokenAuth(),
             response={201: OrganisationOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def organisation_create(request, payload: OrganisationIn):
    organisation = services.organisation_create(user=request.auth, fields=_resolve(payload.dict()))
    return Status(201, _organisation(organisation))


@router.patch("/organisations/{int:organisation_id}", auth=TokenAuth(),
              response={200: OrganisationOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                        422: ErrorOut})
def organisation_update(request, payload: OrganisationPatch, organisation_id: int = OrganisationId):
    organisation = selectors.access_organisation(request.auth, organisation_id, Action.CHANGE)
    changes = payload.dict(exclude_unset=True)
    version = parse_version(changes.pop("version"), field="version")  # the schema takes any integer
    reason = changes.pop("reason", "")
    organisation = services.organisation_update(organisation=organisation, user=request.auth,
                                                changes=_resolve(changes), expected_version=version, reason=reason)
    return _organisation(organisation)


@router.get("/vocabularies", response=list[VocabularyOut])
def vocabulary_list(request):
    return Vocabulary.objects.order_by("code")


@router.get("/vocabularies/{code}/terms", response={200: list[TermOut], 404: ErrorOut})
def term_list(request, code: str):
    vocabulary = get_object_or_404(Vocabulary, code=code)
    return [{"code": t.code, "parent": t.parent.code if t.parent_id else None, "label_es": t.label_es,
             "label_pt": t.label_pt, "label_en": t.label_en}
            for t in Term.objects.filter(vocabulary=vocabulary).select_related("parent")]


@router.get("/markers", response=list[MarkerOut], summary="Cross-cutting markers and their significance scale")
def marker_list(request):
    scale = {int(value): str(label) for value, label in Significance.choices}
    return [{"code": m.code, "label_es": m.label_es, "label_pt": m.label_pt, "label_en": m.label_en,
             "iati_policy_marker": m.iati_policy_marker, "significance": scale} for m in selectors.markers()]


@router.get("/population-figures", response={200: list[PopulationFigureOut], 401: ErrorOut, 422: ErrorOut})
@paginate(Paged)
def population_figure_list(request, country: str = "", group: str = ""):
    filters = {}
    if country:
        filters["country_id"] = country.upper()
    if group:
        filters["group"] = group
    figures = selectors.population_figures_visible(caller(request), **filters).order_by("country_id", "-as_of", "pk")
    return [{**{f: getattr(figure, f) for f in ("id", "group", "value", "is_approximate", "as_of", "note_es",
                                                "note_pt", "note_en", "is_published")},
             "country": figure.country_id, "subdivision": figure.subdivision_id, "source": figure.source}
            for figure in figures]


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Who the API sees you as, with your roles and their scope")
def me(request):
    user = caller(request)
    if not getattr(user, "is_authenticated", False):
        return {"username": "", "authenticated": False, "roles": []}
    grants = [GrantOut(role=g.role, country=g.country_id, organisation=g.organisation_id)
              for g in user.grants.filter(revoked_at__isnull=True)]
    return {"username": user.username, "authenticated": True, "roles": grants}
