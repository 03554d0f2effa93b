"""The service directory in Open Referral HSDS 3.0: every exported record validates against the
specification's schemas, the round trip reproduces the same services, and the specification's own
example package reads as a third party's input."""

import csv
import io
import json
import shutil
from pathlib import Path

import jsonschema_rs
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minga.exchange.hsds.export import TABLES
from minga.exchange.hsds.importer import Defaults, import_records
from minga.exchange.hsds.reading import read_package
from minga.services.inputs import FIELD_NAMES
from minga.services.models import Service

pytestmark = pytest.mark.django_db

HSDS = Path("/work/shared/data/hsds")
if not HSDS.exists():  # the repository's copy of the specification's files, when not on the shared disk
    HSDS = Path(__file__).parents[2] / "shared" / "data" / "hsds"
SCHEMAS = HSDS / "schema"
EXAMPLE = HSDS / "examples" / "csv"
TABLE_SCHEMA = {"organizations": "organization", "services": "service", "locations": "location",
                "service_at_location": "service_at_location", "addresses": "address", "phones": "phone",
                "schedules": "schedule", "languages": "language", "required_documents": "required_document",
                "funding": "funding", "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term",
                "attributes": "attribute"}
COMPARED = (*FIELD_NAMES, "hsds_id", "is_illustrative")


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def _validator(name: str):
    return jsonschema_rs.validator_for(_schema(name), validate_formats=True,
                                       retriever=lambda uri: _schema(uri.rsplit("/", 1)[-1].removesuffix(".json")))


def _typed(row: dict, schema: dict) -> dict:
    """A CSV row as the JSON object it stands for: empty optional cells left out, numbers as numbers."""
    typed = {}
    for key, value in row.items():
        if value == "" and key not in schema.get("required", []):
            continue
        kind = schema["properties"].get(key, {}).get("type")
        typed[key] = float(value) if kind == "number" else int(value) if kind == "integer" else value
    return typed


def snapshot() -> dict:
    return {str(s.hsds_id): {name: getattr(s, name) for name in COMPARED if name != "is_illustrative"}
            for s in Service.objects.all()}


@pytest.fixture
def exported(tmp_path) -> Path:
    call_command("export", "hsds", "--output", str(tmp_path / "hsds"))
    return tmp_path / "hsds"


def test_the_export_writes_every_demo_service_as_json_and_csv(exported):
    records = json.loads((exported / "services.json").read_text())
    assert len(records) == Service.objects.count() == 7
    assert {path.name for path in exported.iterdir()} == {"services.json", "datapackage.json",
                                                          *(f"{name}.csv" for name in TABLES)}
    shelter = next(r for r in records if r["name"].startswith("Casa de acogida"))
    assert shelter["service_at_locations"][0]["location"]["addresses"][0]["state_province"] == "EC-C"
    assert shelter["service_at_locations"][0]["location"]["external_identifier"] == "EC0401"
    assert {a["taxonomy_term"]["code"] for a in shelter["attributes"]
            if a["taxonomy_term"]["taxonomy"] == "minga-populations"} == {"women", "girls", "adolescents"}


def test_every_exported_service_validates_against_the_compiled_hsds_schema(exported):
    validator = jsonschema_rs.validator_for(_schema("compiled-service_with_definitions"), validate_formats=True)
    records = json.loads((exported / "services.json").read_text())
    assert [[e.message for e in validator.iter_errors(record)] for record in records] == [[]] * 7


def test_every_exported_csv_row_validates_against_its_table_schema(exported):
    checked = 0
    for table, name in TABLE_SCHEMA.items():
        validator, schema = _validator(name), _schema(name)
        with (exported / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == TABLES[table]
            for row in reader:
                assert [e.message for e in validator.iter_errors(_typed(row, schema))] == [], (table, row)
                checked += 1
    assert checked > 7 * 5


def test_the_round_trip_reproduces_the_same_services(exported):
    before = snapshot()
    Service.history.all().delete()
    Service.all_objects.all().delete()
    report = import_records(read_package(exported))
    assert (report.created, report.updated, report.unchanged, report.refused) == (7, 0, 0, {})
    assert snapshot() == before


def test_the_round_trip_through_the_csv_tables_alone_reproduces_the_same_services(exported):
    before = snapshot()
    (exported / "services.json").unlink()
    Service.history.all().delete()
    Service.all_objects.all().delete()
    report = import_records(read_package(exported))
    assert (report.created, report.refused) == (7, {})
    assert snapshot() == before


def test_importing_the_same_package_again_changes_nothing(exported):
    report = import_records(read_package(exported))
    assert (report.created, report.updated, report.unchanged, report.refused) == (0, 0, 7, {})
    assert set(Service.objects.values_list("version", flat=True)) == {1}


def test_a_changed_service_in_the_package_updates_it(exported):
    records = json.loads((exported / "services.json").read_text())
    shelter = next(r for r in records if r["name"].startswith("Casa de acogida"))
    shelter["email"] = "acogida@tulcan.example.org"
    report = import_records(records)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 6)
    service = Service.objects.get(hsds_id=shelter["id"])
    assert (service.email, service.version) == ("acogida@tulcan.example.org", 2)
    assert service.history.first().history_change_reason == "HSDS import"


def test_the_specifications_example_reads_and_is_refused_for_its_place_with_reasons(english):
    """The example puts its location at latitude 100 in "MyState", US: nothing Minga can place."""
    records = read_package(EXAMPLE)
    assert [r["name"] for r in records] == ["Community Counselling"]
    report = import_records(records, Defaults(language="en", types=("psychosocial",), populations=("everyone",)))
    assert (report.created, report.updated) == (0, 0)
    assert report.refused == {"ac148810-d857-441c-9679-408f346de14b": {
        "location": ["No valid point: latitude 100, longitude 101."],
        "subdivision": ["Unknown subdivision of USA: MyState."]}}
    assert not Service.all_objects.filter(name_en="Community Counselling").exists()


def test_the_specifications_example_imports_once_placed(tmp_path):
    package = tmp_path / "example"
    shutil.copytree(EXAMPLE, package)
    for table, changes in (("locations", {"latitude": "0.8117", "longitude": "-77.7173"}),
                           ("addresses", {"country": "EC", "state_province": "Carchi"})):
        path = package / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows, fields = [{**row, **changes} for row in reader], reader.fieldnames
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    report = import_records(read_package(package), Defaults(language="en", types=("psychosocial",),
                                                             populations=("everyone",)))
    assert (report.created, report.refused) == (1, {})
    service = Service.objects.get(hsds_id="ac148810-d857-441c-9679-408f346de14b")
    assert (service.name_en, service.name_es, service.subdivision_id, service.country_id) == (
        "Community Counselling", "", "EC-C", "ECU")
    assert service.provider.name == "Example Organization Inc."
    assert service.phone == "+44 1234 234567"
    assert service.type_codes == ["psychosocial"] and service.population_codes == ["everyone"]
    assert {slot["day"] for slot in service.hours} == {"thursday", "friday"}
    assert service.hours[0]["opens"] == "10:00" and service.hours[0]["closes"] == "18:00"
    assert str(service.last_verified_on) == "2005-01-01"


def test_the_import_command_names_a_folder_without_a_package(tmp_path):
    with pytest.raises(CommandError, match=r"holds neither services\.json nor services\.csv"):
        call_command("import", "hsds", str(tmp_path))


def test_the_tabular_package_is_plain_utf_8_and_says_so(exported):
    """Unlike the downloads, for Excel, the package's CSVs have no byte-order mark: a Data Package reader matches
    each header against its schema's field names, and one reading the file as the UTF-8 the package declares
    (csv, datapackage readers, R without "UTF-8-BOM") would find a field "\\ufeffid" and no "id". Each resource
    says its encoding, as the Data Resource spec lets it."""
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    assert {resource["path"]: resource["encoding"] for resource in package["resources"]} == {
        f"{name}.csv": "utf-8" for name in TABLES}
    for name in TABLES:
        content = (exported / f"{name}.csv").read_bytes()
        assert not content.startswith(b"\xef\xbb\xbf") and content.endswith(b"\r\n"), name
        assert next(csv.reader(io.StringIO(content.decode("utf-8"))))[0] == TABLES[name][0], name
