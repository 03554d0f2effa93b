"""Write the service directory as HSDS 3.0: ``services.json`` (full services, as the HSDS API's
``/services/{id}``) and the tabular package (one CSV per table, ``datapackage.json``).

What the public sees is exported: live services, never a deleted one. No personal data is in a service.
"""

import csv
import json
import os
import tempfile
from datetime import UTC
from pathlib import Path

from minga.common.text import csv_text
from minga.exchange.hsds.mapping import (
    BYDAY,
    EXTENSION_TAXONOMY,
    POPULATIONS_TAXONOMY,
    TEXT_FIELDS,
    TYPES_TAXONOMY,
    WHATSAPP,
    derived,
    organisation_id,
    taxonomy_id,
    term_id,
)
from minga.services.vocabulary import SPOKEN_LANGUAGES, Population, ServiceType

TABLES = {
    "organizations": ["id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id",
                      "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id"],
    "services": ["id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email",
                 "status", "interpretation_services", "application_process", "fees_description", "wait_time", "fees",
                 "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date",
                 "assurer_email", "licenses", "alert", "last_modified"],
    "locations": ["id", "location_type", "url", "organization_id", "name", "alternate_name", "description",
                  "transportation", "latitude", "longitude", "external_identifier", "external_identifier_type"],
    "service_at_location": ["id", "service_id", "location_id", "description"],
    "addresses": ["id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
                  "postal_code", "country", "address_type"],
    "phones": ["id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number",
               "extension", "type", "description"],
    "schedules": ["id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
                  "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday",
                  "byyearday", "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes"],
    "languages": ["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
    "required_documents": ["id", "service_id", "document", "uri"],
    "funding": ["id", "organization_id", "service_id", "source"],
    "taxonomies": ["id", "name", "description", "uri", "version"],
    "taxonomy_terms": ["id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id",
                       "term_uri"],
    "attributes": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
}
TAXONOMIES = {
    TYPES_TAXONOMY: "What a service does (Minga's list, after the RMRP sectors).",
    POPULATIONS_TAXONOMY: "Whom a service serves (Minga's list).",
    EXTENSION_TAXONOMY: "Minga's fields HSDS has no place for: texts in other languages, cost, open 24 hours.",
}


def _primary(service, field: str) -> str:
    text, _language = service.text_in(field, "es")
    return text


def _term(taxonomy: str, code: str, name: str) -> dict:
    return {"id": term_id(taxonomy, code), "code": code, "name": name, "description": name,
            "taxonomy": taxonomy, "taxonomy_id": taxonomy_id(taxonomy)}


def _attribute(service_id: str, taxonomy: str, code: str, name: str, value: str = "") -> dict:
    return {"id": derived("attribute", service_id, taxonomy, code), "link_id": service_id,
            "link_type": "service", "link_entity": "service", "taxonomy_term_id": term_id(taxonomy, code),
            "value": value, "taxonomy_term": _term(taxonomy, code, name)}


def _clean(record: dict) -> dict:
    """Leave out empty optional values (an empty e-mail is no e-mail)."""
    return {key: value for key, value in record.items() if value not in ("", None, [])}


def service_record(service) -> dict:
    """One service as a full HSDS 3.0 service object."""
    sid = str(service.hsds_id)
    location_id, sal_id = derived("location", sid), derived("service_at_location", sid)
    organisation = service.provider
    attributes = [_attribute(sid, TYPES_TAXONOMY, code, str(ServiceType(code).label)) for code in service.type_codes]
    attributes += [_attribute(sid, POPULATIONS_TAXONOMY, code, str(Population(code).label))
                   for code in service.population_codes]
    attributes.append(_attribute(sid, EXTENSION_TAXONOMY, "cost", "Cost", "free" if service.is_free else "paid"))
    if service.open_always:
        attributes.append(_attribute(sid, EXTENSION_TAXONOMY, "open-always", "Open 24 hours", "true"))
    if service.time_zone:
        attributes.append(_attribute(sid, EXTENSION_TAXONOMY, "time-zone", "Time zone", service.time_zone))
    for field in TEXT_FIELDS:
        for code in ("es", "pt", "en"):
            text = getattr(service, f"{field}_{code}")
            if text:
                attributes.append(_attribute(sid, EXTENSION_TAXONOMY, f"{field}_{code}", f"{field} ({code})", text))
    phones = []
    for number, kind, description in ((service.phone, "voice", ""), (service.whatsapp, "cell", WHATSAPP)):
        if number:
            phones.append(_clean({"id": derived("phone", sid, kind), "service_id": sid, "number": number,
                                  "type": kind, "description": description}))
    address = _clean({
        "id": derived("address", sid), "location_id": location_id, "address_1": service.address or "—",
        "city": service.municipality.name if service.municipality else service.subdivision.name,
        "state_province": service.subdivision_id, "postal_code": "", "country": service.country.iso2,
        "address_type": "physical"})
    address["postal_code"] = ""  # required by HSDS, unknown here
    location = _clean({
        "id": location_id, "location_type": "physical", "organization_id": organisation_id(organisation),
        "name": _primary(service, "name"), "latitude": service.latitude, "longitude": service.longitude,
        "external_identifier": service.municipality.pcode if service.municipality else "",
        "external_identifier_type": "p-code" if service.municipality else "", "addresses": [address]})
    documents = _primary(service, "documents")
    return _clean({
        "id": sid, "organization_id": organisation_id(organisation), "name": _primary(service, "name"),
        "description": _primary(service, "description"), "email": service.email, "status": "active",
        "fees_description": service.fees, "eligibility_description": _primary(service, "eligibility"),
        "assured_date": service.last_verified_on.isoformat(),
        "last_modified": service.updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "organization": {"id": organisation_id(organisation), "name": organisation.name,
                         "description": organisation.name},
        "service_at_locations": [{"id": sal_id, "service_id": sid, "location_id": location_id, "location": location}],
        "phones": phones,
        "schedules": [{"id": derived("schedule", sid, index), "service_id": sid, "freq": "WEEKLY",
                       "byday": BYDAY[slot["day"]], "opens_at": slot["opens"], "closes_at": slot["closes"]}
                      for index, slot in enumerate(service.hours)],
        "languages": [{"id": derived("language", sid, code), "service_id": sid, "code": code,
                       "name": SPOKEN_LANGUAGES.get(code, code)} for code in service.language_codes],
        "required_documents": [{"id": derived("document", sid), "service_id": sid, "document": documents}]
        if documents else [],
        "funding": [{"id": derived("funding", sid), "service_id": sid, "source": service.project.code}]
        if service.project else [],
        "attributes": attributes,
    })


def tables(records: list[dict]) -> dict[str, list[dict]]:
    """The tabular package's rows, table by table, from full service records."""
    rows: dict[str, dict[str, dict]] = {name: {} for name in TABLES}
    for taxonomy, description in TAXONOMIES.items():
        rows["taxonomies"][taxonomy_id(taxonomy)] = {"id": taxonomy_id(taxonomy), "name": taxonomy,
                                                     "description": description}
    for record in records:
        organisation = record["organization"]
        rows["organizations"][organisation["id"]] = organisation
        rows["services"][record["id"]] = {key: value for key, value in record.items() if key in TABLES["services"]}
        for sal in record["service_at_locations"]:
            location = sal["location"]
            rows["service_at_location"][sal["id"]] = {k: v for k, v in sal.items() if k != "location"}
            rows["locations"][location["id"]] = {k: v for k, v in location.items() if k != "addresses"}
            for address in location["addresses"]:
                rows["addresses"][address["id"]] = address
        for table, key in (("phones", "phones"), ("schedules", "schedules"), ("languages", "languages"),
                           ("required_documents", "required_documents"), ("funding", "funding")):
            for item in record.get(key, []):
                rows[table][item["id"]] = item
        for attribute in record["attributes"]:
            term = attribute["taxonomy_term"]
            rows["taxonomy_terms"][term["id"]] = term
            rows["attributes"][attribute["id"]] = {k: v for k, v in attribute.items() if k != "taxonomy_term"}
    return {name: list(found.values()) for name, found in rows.items()}


def write_package(services, directory: Path) -> dict[str, int]:
    """Write ``services.json`` and the CSV package into ``directory`` (made if missing); rows per table."""
    directory.mkdir(parents=True, exist_ok=True)
    records = [service_record(service) for service in services]
    _write(directory / "services.json", json.dumps(records, ensure_ascii=False, indent=1))
    counts = {}
    resources = []
    for name, found in tables(records).items():
        with tempfile.NamedTemporaryFile("w", newline="", encoding="utf-8", dir=directory, delete=False) as handle:
            writer = csv.DictWriter(handle, fieldnames=TABLES[name], extrasaction="ignore")
            writer.writeheader()
            # Text a spreadsheet would run as a formula gets a quote before it; ``reading`` takes it off again.
            writer.writerows({key: csv_text(value) if isinstance(value, str) else value for key, value in row.items()}
                             for row in found)
        os.replace(handle.name, directory / f"{name}.csv")
        counts[name] = len(found)
        # Plain UTF-8, said so, and no byte-order mark (unlike the downloads, for Excel): a Data Package reader
        # matches the header against the schema's field names, and one reading the declared UTF-8 would find
        # "\ufeffid" there, not "id" (docs/services.md, "HSDS 3.0").
        resources.append({"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "encoding": "utf-8",
                          "schema": {"fields": [{"name": column} for column in TABLES[name]]}})
    _write(directory / "datapackage.json", json.dumps({
        "name": "minga-service-directory", "title": "Minga service directory (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package", "resources": resources}, indent=1))
    return counts


def _write(path: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as handle:
        handle.write(text)
    os.replace(handle.name, path)
