"""The one typed input of a service, shared by the form, the API, the HSDS import and the demo loader."""

from dataclasses import dataclass, field, fields
from datetime import date


@dataclass(frozen=True)
class ServiceInput:
    provider_id: int
    latitude: float
    longitude: float
    country_id: str
    subdivision_id: str
    last_verified_on: date
    types: list[str]
    populations: list[str]
    name_es: str = ""
    name_pt: str = ""
    name_en: str = ""
    description_es: str = ""
    description_pt: str = ""
    description_en: str = ""
    languages: list[str] = field(default_factory=list)
    hours: list[dict] = field(default_factory=list)
    open_always: bool = False
    time_zone: str = ""
    is_free: bool = True
    fees: str = ""
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
    municipality_id: int | None = None
    project_id: int | None = None


LIST_FIELDS = ("types", "populations", "languages")
FIELD_NAMES = tuple(f.name for f in fields(ServiceInput))


def model_fields(data: ServiceInput) -> dict:
    """The model's field values for ``data``: lists stored as ",code,code,", texts trimmed."""
    from minga.services.models import stored_codes

    values = {}
    for name in FIELD_NAMES:
        value = getattr(data, name)
        if name in LIST_FIELDS:
            value = stored_codes(value)
        elif isinstance(value, str):
            value = value.strip()
        values[name] = value
    return values
