"""Import HSDS 3.0 services into the directory: Minga's own exports and third parties' packages alike.

Each service is matched by its HSDS identifier: importing the same package again changes nothing, and a
newer one updates the services it names. A service that cannot be placed (no valid point, a country or
subdivision Minga does not know, a municipality of another subdivision) or that says nothing Minga can
classify is refused with its reasons, and the rest of the package still imports. Run by the operator on
the server (``minga import hsds DIR``), as the reference loaders: no user's permission is asked, the
history names the import.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minga.audit.services import record_create, record_update
from minga.common.cache import REFERENCE, SERVICES, invalidates
from minga.exchange.hsds.mapping import (
    DAY_OF,
    EXTENSION_TAXONOMY,
    NAMESPACE,
    POPULATIONS_TAXONOMY,
    TEXT_FIELDS,
    TYPES_TAXONOMY,
    WHATSAPP,
    organisation_id,
)
from minga.portfolio.models import Project
from minga.reference.models import Country, Municipality, Organisation, OrganisationType, Subdivision
from minga.services.inputs import ServiceInput, model_fields
from minga.services.models import Service
from minga.services.vocabulary import SPOKEN_LANGUAGES, Population, ServiceType

REASON = "HSDS import"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # service id → field → reasons
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Defaults:
    language: str = "es"  # the language of the primary texts of a package without Minga's per-language texts
    types: tuple[str, ...] = ()  # for services that carry no Minga type
    populations: tuple[str, ...] = ()


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.uuid5(NAMESPACE, f"external:{value}")


def _attributes(record: dict, taxonomy: str) -> dict[str, str]:
    found = {}
    for attribute in record.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == taxonomy and term.get("code"):
            found[term["code"]] = attribute.get("value") or ""
    return found


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def _time(value: str) -> str:
    return (value or "")[:5]  # "10:00:00" → "10:00"; a time zone suffix is the schedule's, not kept


class _Organisations:
    """Providers by their HSDS id (Minga's own derived ids), else by name; missing ones are created."""

    def __init__(self):
        self.by_id = {organisation_id(o): o for o in Organisation.all_objects.all()}
        self.by_name = {o.name.casefold(): o for o in Organisation.objects.all()}

    def find(self, record: dict, country: Country, report: ImportReport) -> Organisation:
        data = record.get("organization") or {}
        key = data.get("id") or record.get("organization_id") or ""
        name = (data.get("name") or "").strip()
        found = self.by_id.get(key) or self.by_name.get(name.casefold())
        if found is None:
            found = record_create(model=Organisation, user=None, reason=REASON, fields={
                "name": name or _("Unnamed provider"), "organisation_type": OrganisationType.OTHER,
                "country": country})
            self.by_id[key] = self.by_name[found.name.casefold()] = found
            report.notes.append(f"organisation created: {found.name}")
        return found


def _place(record: dict, errors: dict) -> tuple:
    sals = record.get("service_at_locations") or []
    location = next((sal.get("location") for sal in sals if sal.get("location")), None) or {}
    latitude, longitude = _number(location.get("latitude")), _number(location.get("longitude"))
    if latitude is None or not -90 <= latitude <= 90 or longitude is None or not -180 <= longitude <= 180:
        errors["location"] = [_("No valid point: latitude %(lat)s, longitude %(lon)s.") % {
            "lat": location.get("latitude", "—"), "lon": location.get("longitude", "—")}]
    address = next(iter(location.get("addresses") or []), {})
    country = Country.objects.filter(iso2=(address.get("country") or "").upper()).first()
    if country is None:
        errors["country"] = [_("Unknown country: %(value)s.") % {"value": address.get("country") or "—"}]
        return location, address, latitude, longitude, None, None, None
    state = (address.get("state_province") or "").strip()
    subdivision = (Subdivision.objects.filter(country=country, code=state.upper()).first()
                   or Subdivision.objects.filter(country=country, name__iexact=state).first())
    if subdivision is None:
        errors["subdivision"] = [_("Unknown subdivision of %(country)s: %(value)s.") % {
            "country": country.pk, "value": state or "—"}]
    municipality = None
    if location.get("external_identifier_type") == "p-code" and location.get("external_identifier"):
        municipality = Municipality.objects.filter(pcode=location["external_identifier"]).first()
    return location, address, latitude, longitude, country, subdivision, municipality


def _service_input(record: dict, defaults: Defaults, organisations: _Organisations, report: ImportReport):
    """The ``ServiceInput`` of one HSDS service, or the reasons it cannot be imported (field → reasons)."""
    errors: dict[str, list[str]] = {}
    _location, address, latitude, longitude, country, subdivision, municipality = _place(record, errors)
    types = [code for code in _attributes(record, TYPES_TAXONOMY) if code in ServiceType.values] or list(defaults.types)
    populations = [code for code in _attributes(record, POPULATIONS_TAXONOMY)
                   if code in Population.values] or list(defaults.populations)
    if not types:
        errors["types"] = [_("No Minga service type: give a default type for this package.")]
    if not populations:
        errors["populations"] = [_("No Minga population: give a default population for this package.")]
    verified = record.get("assured_date") or (record.get("last_modified") or "")[:10]
    try:
        verified_on = date.fromisoformat(verified)
    except ValueError:
        errors["assured_date"] = [_("No date of last verification (assured_date).")]
        verified_on = None
    if errors:
        return None, errors
    extension = _attributes(record, EXTENSION_TAXONOMY)
    texts = {f"{f}_{code}": extension.get(f"{f}_{code}", "") for f in TEXT_FIELDS for code in ("es", "pt", "en")}
    if not any(texts.values()):  # a third party's package: its texts are in one language
        documents = "\n".join(d.get("document", "") for d in record.get("required_documents") or [] if d.get("document"))
        for name, value in (("name", record.get("name")), ("description", record.get("description")),
                            ("eligibility", record.get("eligibility_description")), ("documents", documents)):
            texts[f"{name}_{defaults.language}"] = (value or "").strip()
    phones = [p for p in record.get("phones") or [] if p.get("number")]
    whatsapp = next((p["number"] for p in phones if p.get("description") == WHATSAPP), "")
    phone = next((p["number"] for p in phones if p.get("description") != WHATSAPP), "")
    languages = []
    for item in record.get("languages") or []:
        code = (item.get("code") or "").lower()
        if code in SPOKEN_LANGUAGES:
            languages.append(code)
        elif code:
            report.notes.append(f"service {record.get('id')}: language {code} not in Minga's list, left out")
    hours = []
    for slot in record.get("schedules") or []:
        if (slot.get("freq") or "WEEKLY") != "WEEKLY" or not slot.get("opens_at") or not slot.get("closes_at"):
            continue
        for code in (slot.get("byday") or "").split(","):
            if code.strip() in DAY_OF:
                hours.append({"day": DAY_OF[code.strip()], "opens": _time(slot["opens_at"]),
                              "closes": _time(slot["closes_at"])})
    funding = next((f.get("source") for f in record.get("funding") or [] if f.get("source")), None)
    project = Project.objects.filter(code=funding).first() if funding else None
    cost = extension.get("cost")
    fees = (record.get("fees_description") or "").strip()
    provider = organisations.find(record, country, report)
    return ServiceInput(
        provider_id=provider.pk, latitude=latitude, longitude=longitude, country_id=country.pk,
        subdivision_id=subdivision.pk, municipality_id=municipality.pk if municipality else None,
        project_id=project.pk if project else None, last_verified_on=verified_on, types=types,
        populations=populations, languages=languages, hours=hours, open_always=extension.get("open-always") == "true",
        time_zone=extension.get("time-zone", ""), is_free=(cost == "free") if cost else not fees,
        fees="" if cost == "free" else fees, address="" if address.get("address_1") == "—" else
        (address.get("address_1") or "").strip(), phone=phone.strip('"'), whatsapp=whatsapp.strip('"'),
        email=(record.get("email") or "").strip(), **texts), {}


@invalidates(SERVICES, REFERENCE)
def import_records(records: list[dict], defaults: Defaults = Defaults()) -> ImportReport:
    report = ImportReport()
    organisations = _Organisations()
    for record in records:
        key = str(record.get("id") or "")
        hsds_id = _uuid(key)
        try:
            with transaction.atomic():
                data, errors = _service_input(record, defaults, organisations, report)
                if errors:
                    report.refused[key] = errors
                    continue
                values = model_fields(data)
                existing = Service.all_objects.filter(hsds_id=hsds_id).first()
                if existing is None:
                    record_create(model=Service, user=None, reason=REASON, fields={**values, "hsds_id": hsds_id})
                    report.created += 1
                elif any(getattr(existing, name) != value for name, value in values.items()):
                    record_update(instance=existing, user=None, changes=values, expected_version=existing.version,
                                  reason=REASON)
                    report.updated += 1
                else:
                    report.unchanged += 1
        except ValidationError as error:
            report.refused[key] = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            organisations = _Organisations()  # a provider created for it was rolled back with it
    return report
