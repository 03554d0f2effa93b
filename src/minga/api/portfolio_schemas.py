"""Schemas of the portfolio API: what a client sends (codes) and what it gets back (a whole project)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.common.numbers import MAX_AMOUNT, MAX_COUNT
from minga.portfolio.inputs.fields import FIELD_OF_NAME, Kind
from minga.portfolio.models import Status
from minga.reference.models import LINES_OF_WORK, QUITO_AXES

StatusCode = Literal[tuple(Status.values)]


# In ------------------------------------------------------------------------------------------

class In(Schema):
    """A body names only fields it may set: a read-only or unknown one (status, code…) is a 422 naming it,
    never silently dropped while the rest is written."""

    model_config = ConfigDict(extra="forbid")


class LocationIn(In):
    """One territory with its share. A unit names its parents: give the most precise code only."""

    country: str | None = Field(None, description="ISO 3166-1 alpha-3, e.g. COL", examples=["COL"])
    subdivision: str | None = Field(None, description="ISO 3166-2, e.g. CO-NSA", examples=["CO-NSA"])
    municipality: str | None = Field(None, description="Official code (p-code), e.g. CO54001")
    percentage: Decimal = Field(..., description="Share in percent; the shares of each level total 100")


class ThemeIn(In):
    vocabulary: Literal[QUITO_AXES, LINES_OF_WORK]
    code: str = Field(..., description="Term code, see /vocabularies/{code}/terms", examples=["reception-centres"])
    percentage: Decimal = Field(..., description="Share in percent; the shares of each vocabulary total 100")


class MarkerIn(In):
    marker: str = Field(..., description="Marker code, see /markers", examples=["gender"])
    significance: int = Field(..., ge=0, le=2, description="0 not targeted, 1 significant, 2 principal objective")


class PeopleIn(In):
    dimension: Literal["population_group", "sex_age"]
    category: str = Field(..., description="population_group: refugees_migrants, host_community, returnees, "
                                           "in_transit; sex_age: girls, boys, adolescent_girls, adolescent_boys, "
                                           "women, men, older_persons")
    people: int = Field(..., ge=0, le=MAX_COUNT)


class BudgetYearIn(In):
    year: int = Field(..., ge=2018, le=2100)
    amount: Decimal = Field(..., ge=0, le=MAX_AMOUNT,
                            description="In the budget's currency; the years add up to the budget")


class FundingIn(In):
    funder: int | str = Field(..., description="Organisation id or IATI organisation identifier")
    amount: Decimal = Field(..., ge=0, le=MAX_AMOUNT)
    currency: str = Field(..., description="ISO 4217", examples=["CAD"])
    value_date: date


class ParticipantIn(In):
    organisation: int | str = Field(..., description="Organisation id or IATI organisation identifier")
    role: Literal["1", "2", "3", "4"] = Field(..., description="IATI role: 1 funding, 2 accountable, 3 extending, "
                                                               "4 implementing")


class ContactIn(In):
    name: str
    position: str = ""
    email: str = ""
    phone: str = ""


# The scalar fields come from the field table (portfolio.inputs.fields): a row there is a field here.
_TYPES = {Kind.TEXT: str, Kind.CURRENCY: str, Kind.DATE: date, Kind.AMOUNT: Decimal, Kind.COUNT: int,
          Kind.BOOL: bool, Kind.ORGANISATION: int | str}


def _scalar(row) -> tuple:
    # Bounded as the model fields are: a larger number is a 422 naming the field, not an overflow when stored.
    options = {"ge": 0, "le": MAX_AMOUNT if row.kind == Kind.AMOUNT else MAX_COUNT} if row.kind in (
        Kind.AMOUNT, Kind.COUNT) else {}
    if row.api_description:
        options["description"] = row.api_description
    if row.api_example:
        options["examples"] = [row.api_example]
    return _TYPES[row.kind] | None, Field(None, **options)


class _ProjectParts(In):
    locations: list[LocationIn] | None = None
    themes: list[ThemeIn] | None = None
    markers: list[MarkerIn] | None = None
    people: list[PeopleIn] | None = None
    budget_years: list[BudgetYearIn] | None = None
    funding: list[FundingIn] | None = Field(None, description="Money already secured, and from whom")
    participants: list[ParticipantIn] | None = None
    contacts: list[ContactIn] | None = None


_ProjectFields = create_model(
    "_ProjectFields", __base__=_ProjectParts,
    **{name: _scalar(row) for name, row in FIELD_OF_NAME.items() if row.api})


class ProjectIn(_ProjectFields):
    proposing_organisation: int | str = Field(
        ..., description=FIELD_OF_NAME["proposing_organisation"].api_description)


class ProjectPatch(_ProjectFields):
    version: int = Field(..., description="The version you read; a stale one gets HTTP 409 and nothing is written")
    reason: str = Field("", description="Why it changed (kept in the history)")


class TransitionIn(In):
    to_status: StatusCode
    version: int = Field(..., description="The version you read; a stale one gets HTTP 409")
    comment: str = Field("", description="Required when requesting changes")


class ProjectQuery(Schema):
    """The catalogue's filters; a list filter takes repeated or comma-separated values."""

    q: str = Field("", description="Words searched in titles, summaries and descriptions of the three languages")
    country: list[str] = Field([], description="ISO 3166-1 alpha-3 of a territory")
    subdivision: list[str] = Field([], description="ISO 3166-2")
    axis: list[str] = Field([], description="Quito Process axis codes")
    line: list[str] = Field([], description="Line-of-work codes (2023)")
    marker: list[str] = Field([], description="Marker codes pursued (significance 1 or 2)")
    group: list[str] = Field([], description="Population groups served")
    status: list[str] = Field([], description="Workflow states")
    organisation_type: list[str] = Field([], description="IATI type of the proposing organisation")
    proposer_country: list[str] = Field([], description="ISO 3166-1 alpha-3 of the proposing organisation")
    gap_min: str = Field("", max_length=40, description="Funding gap in USD, at least (at most 16 digits before "
                                                        "the point and 2 after)")
    gap_max: str = Field("", max_length=40, description="Funding gap in USD, at most (at most 16 digits before "
                                                        "the point and 2 after)")
    sort: Literal["newest", "oldest", "gap_desc", "gap_asc", "budget_desc", "code"] = "newest"


# Out -----------------------------------------------------------------------------------------

class OrganisationRef(Schema):
    id: int
    name: str
    acronym: str
    iati_identifier: str | None
    organisation_type: str
    country: str | None


class LocationOut(Schema):
    level: Literal["country", "subdivision", "municipality"]
    country: str
    subdivision: str | None
    municipality: str | None
    name: str
    percentage: Decimal


class ThemeOut(Schema):
    vocabulary: str
    code: str
    label: str
    percentage: Decimal


class ProjectMarkerOut(Schema):  # not "MarkerOut": the OpenAPI components are named by class, one per name
    marker: str
    label: str
    significance: int


class PeopleOut(Schema):
    dimension: str
    category: str
    label: str
    people: int


class BudgetOut(Schema):
    amount: Decimal | None
    currency: str
    value_date: date | None
    usd: Decimal | None = Field(description="None when it could not be converted (see conversion_note)")


class RequestedOut(Schema):
    amount: Decimal | None
    usd: Decimal | None


class BudgetYearOut(Schema):
    year: int
    amount: Decimal


class FundingOut(Schema):
    funder: OrganisationRef
    amount: Decimal
    currency: str
    value_date: date
    amount_usd: Decimal | None


class ParticipantOut(Schema):
    organisation: OrganisationRef
    role: str
    role_label: str


class ContactOut(Schema):
    name: str
    position: str
    email: str
    phone: str


class LinksOut(Schema):
    self: str
    html: str


def _organisation(organisation) -> dict:
    return {"id": organisation.pk, "name": organisation.name, "acronym": organisation.acronym,
            "iati_identifier": organisation.iati_identifier, "organisation_type": organisation.organisation_type,
            "country": organisation.country_id}


def _caller(context):
    request = (context or {}).get("request")
    return getattr(request, "minga_caller", None)


class ProjectOut(Schema):
    code: str
    version: int
    status: str
    status_label: str
    is_public: bool = Field(description="Published, in implementation or completed: seen by everyone")
    is_illustrative: bool
    title_es: str
    title_pt: str
    title_en: str
    summary_es: str
    summary_pt: str
    summary_en: str
    description_es: str
    description_pt: str
    description_en: str
    proposing_organisation: OrganisationRef
    country: str = Field(description="ISO 3166-1 alpha-3 of the proposing organisation")
    is_regional: bool
    locations: list[LocationOut]
    themes: list[ThemeOut]
    markers: list[ProjectMarkerOut]
    sdg_targets: str
    people_total: int | None
    people_with_disabilities: int | None
    people: list[PeopleOut]
    budget: BudgetOut
    budget_years: list[BudgetYearOut]
    requested: RequestedOut
    funding: list[FundingOut]
    secured_usd: Decimal | None
    gap_usd: Decimal | None
    conversion_note: str
    participants: list[ParticipantOut]
    contacts: list[ContactOut] = Field(description="Only for callers who may see the project's history")
    planned_start: date | None
    planned_end: date | None
    submitted_at: datetime | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    allowed_transitions: list[str] = Field(description="The states the caller may move the project to")
    links: LinksOut

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_proposing_organisation(obj):
        return _organisation(obj.proposing_organisation)

    @staticmethod
    def resolve_country(obj):
        return obj.country_id

    @staticmethod
    def resolve_locations(obj):
        return [{"level": row.level, "country": row.country_id, "subdivision": row.subdivision_id,
                 "municipality": row.municipality.pcode if row.municipality_id else None,
                 "name": str(row.municipality or row.subdivision or row.country), "percentage": row.percentage}
                for row in obj.locations.all()]

    @staticmethod
    def resolve_themes(obj):
        return [{"vocabulary": row.term.vocabulary_id, "code": row.term.code, "label": row.term.label,
                 "percentage": row.percentage} for row in obj.themes.all()]

    @staticmethod
    def resolve_markers(obj):
        return [{"marker": row.marker_id, "label": row.marker.label, "significance": row.significance}
                for row in obj.markers.all()]

    @staticmethod
    def resolve_people(obj):
        return [{"dimension": row.dimension, "category": row.category, "label": row.category_label,
                 "people": row.people} for row in obj.people.all()]

    @staticmethod
    def resolve_budget(obj):
        return {"amount": obj.budget_amount, "currency": obj.budget_currency, "value_date": obj.budget_value_date,
                "usd": obj.budget_usd}

    @staticmethod
    def resolve_budget_years(obj):
        return [{"year": row.year, "amount": row.amount} for row in obj.budget_years.all()]

    @staticmethod
    def resolve_requested(obj):
        return {"amount": obj.requested_amount, "usd": obj.requested_usd}

    @staticmethod
    def resolve_funding(obj):
        return [{"funder": _organisation(row.funder), "amount": row.amount, "currency": row.currency,
                 "value_date": row.value_date, "amount_usd": row.amount_usd} for row in obj.funding.all()]

    @staticmethod
    def resolve_participants(obj):
        return [{"organisation": _organisation(row.organisation), "role": row.role,
                 "role_label": str(row.get_role_display())} for row in obj.participants.all()]

    @staticmethod
    def resolve_contacts(obj, context):
        if not permissions.can(_caller(context), Action.VIEW_HISTORY, obj):
            return []
        return [{"name": row.name, "position": row.position, "email": row.email, "phone": row.phone}
                for row in obj.contacts.all()]

    @staticmethod
    def resolve_allowed_transitions(obj, context):
        return permissions.allowed_transitions(_caller(context), obj)

    @staticmethod
    def resolve_links(obj):
        return {"self": reverse("api:project_detail", args=[obj.code]),
                "html": reverse("portfolio:project_detail", args=[obj.code])}


class ProjectErrorOut(Schema):
    detail: dict[str, list[str]] | str = Field(
        description="Problems keyed by field path (e.g. locations, themes[quito-axes], locations[2].subdivision)")


class ConflictOut(Schema):
    detail: str
    current_version: int
