"""Read an HSDS 3.0 package into full service records (nested dicts, as the JSON of ``/services/{id}``).

A directory holding ``services.json`` (a list of full services, as Minga exports) is read from it; else
from the tabular CSV files, joined by their identifiers. A ``datapackage.json`` that is not JSON (the
specification's example ships a link file there) is ignored: the CSV files say what they hold.
"""

import csv
import json
from pathlib import Path

from minga.common.text import starts_formula

LINKED = {  # table → (key in the service record, column that names the service)
    "phones": ("phones", "service_id"),
    "schedules": ("schedules", "service_id"),
    "languages": ("languages", "service_id"),
    "required_documents": ("required_documents", "service_id"),
    "funding": ("funding", "service_id"),
}


class PackageInvalid(Exception):
    """The directory holds no HSDS package that can be read (says why)."""


def _table(directory: Path, name: str) -> list[dict]:
    path = directory / f"{name}.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [{key: _unquoted((value or "").strip()) for key, value in row.items() if key}
                for row in csv.DictReader(handle)]


def _unquoted(value: str) -> str:
    """A cell as written before ``csv_text`` put a quote before a formula-like start ("'=1+1" → "=1+1")."""
    return value[1:] if value.startswith("'") and starts_formula(value[1:]) else value


def read_package(directory: Path) -> list[dict]:
    if not directory.is_dir():
        raise PackageInvalid(f"{directory} is not a directory.")
    json_file = directory / "services.json"
    if json_file.exists():
        try:
            records = json.loads(json_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise PackageInvalid(f"services.json is not JSON: {error}") from None
        if not isinstance(records, list):
            raise PackageInvalid("services.json must hold a list of services.")
        return records
    if not (directory / "services.csv").exists():
        raise PackageInvalid(f"{directory} holds neither services.json nor services.csv.")
    return _from_tables(directory)


def _from_tables(directory: Path) -> list[dict]:
    organisations = {row["id"]: row for row in _table(directory, "organizations")}
    locations = {row["id"]: {**row, "addresses": []} for row in _table(directory, "locations")}
    for address in _table(directory, "addresses"):
        if address.get("location_id") in locations:
            locations[address["location_id"]]["addresses"].append(address)
    terms = {row["id"]: row for row in _table(directory, "taxonomy_terms")}
    services = {}
    for row in _table(directory, "services"):
        record = {key: value for key, value in row.items() if value != ""}
        record.update({"service_at_locations": [], "attributes": [], **{key: [] for key, _ in LINKED.values()}})
        if row.get("organization_id") in organisations:
            record["organization"] = organisations[row["organization_id"]]
        services[row["id"]] = record
    for sal in _table(directory, "service_at_location"):
        if sal.get("service_id") in services:
            services[sal["service_id"]]["service_at_locations"].append(
                {**sal, "location": locations.get(sal.get("location_id"))})
    for table, (key, column) in LINKED.items():
        for row in _table(directory, table):
            if row.get(column) in services:
                services[row[column]][key].append(row)
    for attribute in _table(directory, "attributes"):
        if attribute.get("link_id") in services:
            services[attribute["link_id"]]["attributes"].append(
                {**attribute, "taxonomy_term": terms.get(attribute.get("taxonomy_term_id"), {})})
    return list(services.values())
