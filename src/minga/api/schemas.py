from datetime import date
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict

from minga.common.numbers import MAX_COUNT

RecordId = Field(None, ge=1, le=MAX_COUNT)  # an id beyond the database's integers is a 422, not an overflow


class CountryOut(Schema):
    iso3: str
    iso2: str
    numeric: str
    name_es: str
    name_pt: str
    name_en: str
    is_member_state: bool
    is_origin: bool
    is_group_of_friends: bool


class SubdivisionOut(Schema):
    code: str
    country: str
    parent: str | None
    name: str
    category: str
    is_admin1: bool
    has_geometry: bool


class CountryDetailOut(CountryOut):
    subdivisions: list[SubdivisionOut]


class RoleOut(Schema):
    role: str
    since_year: int | None


class OrganisationOut(Schema):
    id: int
    version: int
    name: str = Field(description="The name as registered, in the organisation's own language")
    acronym: str
    name_es: str
    name_pt: str
    name_en: str
    acronym_es: str
    acronym_pt: str
    acronym_en: str
    iati_identifier: str | None
    organisation_type: str
    country: str | None
    subdivision: str | None
    municipality: str | None
    parent: int | None
    website: str
    is_illustrative: bool
    awaiting_approval: bool = Field(description="Proposes no project until the secretariat approves it")
    roles: list[RoleOut]


class OrganisationIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a read-only or unknown field is a 422 naming it

    name: str
    acronym: str = ""
    name_es: str = ""
    name_pt: str = ""
    name_en: str = ""
    acronym_es: str = ""
    acronym_pt: str = ""
    acronym_en: str = ""
    iati_identifier: str | None = None
    organisation_type: str
    country: str | None = None
    subdivision: str | None = None
    parent: int | None = RecordId
    website: str = ""


class OrganisationPatch(Schema):
    model_config = ConfigDict(extra="forbid")  # a read-only or unknown field is a 422 naming it

    version: int
    name: str | None = None
    acronym: str | None = None
    name_es: str | None = None
    name_pt: str | None = None
    name_en: str | None = None
    acronym_es: str | None = None
    acronym_pt: str | None = None
    acronym_en: str | None = None
    iati_identifier: str | None = None
    organisation_type: str | None = None
    country: str | None = None
    subdivision: str | None = None
    parent: int | None = RecordId
    website: str | None = None
    reason: str = ""


class TermOut(Schema):
    code: str
    parent: str | None
    label_es: str
    label_pt: str
    label_en: str


class VocabularyOut(Schema):
    code: str
    label_es: str
    label_pt: str
    label_en: str
    is_external: bool
    iati_vocabulary: str


class MarkerOut(Schema):
    code: str
    label_es: str
    label_pt: str
    label_en: str
    iati_policy_marker: str
    significance: dict[int, str]


class SourceOut(Schema):
    id: int
    publisher: str
    title: str
    title_es: str
    title_pt: str
    title_en: str
    url: str = Field(description="The dated publication the figures come from")
    published_on: date | None
    date_precision: str = Field(description="day, month or year of published_on; undated: the page gives none")
    is_secondary: bool = Field(description="A press copy, where the primary publication was not found")
    is_illustrative: bool


class PopulationFigureOut(Schema):
    id: int
    country: str
    subdivision: str | None
    group: str
    value: int
    is_approximate: bool
    as_of: date
    note_es: str
    note_pt: str
    note_en: str
    is_published: bool
    source: SourceOut


class MoneyFigureOut(Schema):
    kind: str
    qualifier: str
    amount: Decimal
    currency: str
    amount_usd: Decimal | None
    note_es: str = Field(description="Numbers appear as placeholders: {EUR 810000000} or {2890000}")
    note_pt: str
    note_en: str
    source: SourceOut


class PledgeOut(Schema):
    donor_id: int
    donor: str
    amount: Decimal
    currency: str
    amount_usd: Decimal | None
    is_approximate_usd: bool
    instrument: str
    source: SourceOut


class ConferenceOut(Schema):
    code: str
    label_es: str
    label_pt: str
    label_en: str
    city_es: str
    city_pt: str
    city_en: str
    is_virtual: bool
    starts_on: date
    ends_on: date
    is_pledging: bool
    organisers: list[str]
    figures: list[MoneyFigureOut]
    pledges: list[PledgeOut]


class GrantOut(Schema):
    role: str
    country: str | None
    organisation: int | None


class MeOut(Schema):
    username: str
    authenticated: bool
    roles: list[GrantOut]


class ErrorOut(Schema):
    detail: str | dict | list


class FundingRowOut(Schema):
    """One row of the funding report; amounts in USD as decimal strings, ``unconverted`` by currency."""

    key: str
    label: str
    pledged_usd: str
    funding_usd: str
    disbursed_usd: str
    requirement_usd: str | None
    gap_usd: str | None
    unconverted: dict[str, str]
    committed_usd: str
    unconverted_pledged: dict[str, str]
