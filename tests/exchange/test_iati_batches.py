"""Issue 11 ("fast"): the IATI import writes activities in batches and keeps its contracts — a failure rolls
back only the activity that failed (the rest of its batch is kept), the report lists every problem in the
file's order, an activity repeated in one batch compares with the first, the activities before a broken part
of the file stay imported, a batch costs a fixed number of queries (not some per activity), and the
fingerprints are those of earlier versions (a second import after upgrading still changes nothing)."""

import hashlib
import io
import json
from dataclasses import asdict
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from minga.common import read_ahead
from minga.exchange.iati import importer, reader, stream, transactions
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FundingFlow
from minga.reference.models import Organisation
from tests.finance.kept import assert_totals_kept_exactly

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


ACTIVITY = """<iati-activity default-currency="USD">
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="{org}" type="10"><narrative>Donor {org}</narrative></reporting-org>
  <title><narrative xml:lang="en">{title}</narrative></title>
  <recipient-country code="CO" percentage="100"/>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2024-01-10"/>
    <value value-date="2024-01-10">{amount}</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-10"/>
    <value value-date="2024-02-10">400</value></transaction>
  <transaction><transaction-type code="6"/><transaction-date iso-date="2024-03-10"/>
    <value value-date="2024-03-10">-20</value></transaction>
</iati-activity>
"""


def activity(identifier, *, org="XM-DAC-7", title="Title", amount="1000"):
    return ACTIVITY.format(identifier=identifier, org=org, title=title, amount=amount)


def document(*activities) -> bytes:
    return ('<iati-activities version="2.03">\n' + "".join(activities) + "</iati-activities>").encode()


def run(data: bytes, **options):
    return importer.import_source(io.BytesIO(data), name="batch.xml", **options)


def line_of(data: bytes, identifier: str) -> int:
    position = data.index(f"<iati-identifier>{identifier}<".encode())
    return data[:data.rindex(b"<iati-activity ", 0, position)].count(b"\n") + 1


def fail_flows_of(monkeypatch, identifier: str) -> None:
    real = transactions.write_flows

    def failing(flows, shares, **kwargs):
        if any(flow.reference.startswith(f"{identifier}#") for flow in flows):
            raise RuntimeError("disk full")
        return real(flows, shares, **kwargs)

    monkeypatch.setattr(transactions, "write_flows", failing)


def test_a_failure_in_a_batch_keeps_the_others_and_reports_every_problem_in_the_files_order(monkeypatch):
    broken = activity("XM-B-2").replace(">1000<", ">lots<")
    data = document(activity("XM-B-1"), broken, activity("XM-B-3"), activity("XM-B-4"))
    fail_flows_of(monkeypatch, "XM-B-3")
    report = run(data)
    assert report.counts == {"read": 4, "created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "invalid": 2}
    assert report.problems == [
        {"source": "batch.xml", "identifier": "XM-B-2", "line": line_of(data, "XM-B-2"),
         "message": f"transaction at line {line_of(data, 'XM-B-2') + 5}: value 'lots' is not a number",
         "template": "transaction at line %(line)s: value %(value)r is not a number",
         "params": {"line": line_of(data, "XM-B-2") + 5, "value": "lots"}},
        {"source": "batch.xml", "identifier": "XM-B-3", "line": line_of(data, "XM-B-3"),
         "message": "not stored: disk full", "template": "not stored: %(error)s", "params": {"error": "disk full"}}]
    assert (report.transactions, report.flows) == (6, 4)  # the two stored activities' only
    assert sorted(IatiActivity.all_objects.values_list("identifier", flat=True)) == ["XM-B-1", "XM-B-4"]
    assert IatiActivity.history.filter(identifier="XM-B-3").count() == 0
    assert not FundingFlow.all_objects.filter(reference__startswith="XM-B-3#").exists()
    assert not IatiTransaction.objects.filter(activity__identifier="XM-B-3").exists()
    assert sorted(FundingFlow.all_objects.filter(reference__startswith="XM-").values_list("reference", flat=True)) == [
        "XM-B-1#1", "XM-B-1#2", "XM-B-4#1", "XM-B-4#2"]
    assert_totals_kept_exactly()


def test_an_organisation_created_by_an_activity_that_failed_is_created_again_for_the_next(monkeypatch):
    """The run's cache held the organisation that the failed activity's rolled-back transaction had created:
    the next activity naming it pointed at a row that no longer existed."""
    data = document(activity("XM-O-1", org="XM-NEW-ORG"), activity("XM-O-2", org="XM-NEW-ORG"))
    fail_flows_of(monkeypatch, "XM-O-1")
    report = run(data)
    assert (report.counts["created"], report.counts["invalid"]) == (1, 1)
    organisation = Organisation.all_objects.get(iati_identifier="XM-NEW-ORG")
    assert IatiActivity.objects.get(identifier="XM-O-2").reporting_org_id == organisation.pk
    assert set(FundingFlow.all_objects.filter(reference__startswith="XM-O-").values_list("provider_id", flat=True)
               ) == {organisation.pk}
    assert organisation.history.count() == 1


def test_more_activities_than_a_batch_and_one_repeated_in_its_batch_count_exactly(monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ACTIVITIES", 3)
    parts = [activity(f"XM-R-{number}") for number in range(1, 8)]
    parts.insert(4, activity("XM-R-2", title="Newer title"))  # in the same batch as nothing, then as XM-R-2
    data = document(*parts)
    report = run(data)
    assert report.counts == {"read": 8, "created": 7, "updated": 1, "unchanged": 0, "skipped": 0, "invalid": 0}
    # The repeat changes only its title: its transactions and flows are kept, not written again.
    assert (report.transactions, report.flows) == (21, 14)
    repeated = IatiActivity.objects.get(identifier="XM-R-2")
    assert (repeated.titles, repeated.version) == ({"en": "Newer title"}, 2)
    assert repeated.history.first().history_change_reason == "imported from batch.xml; changed: titles"
    assert FundingFlow.objects.filter(reference__startswith="XM-R-2#").count() == 2
    again = run(data)
    assert again.counts == {"read": 8, "created": 0, "updated": 2, "unchanged": 6, "skipped": 0, "invalid": 0}
    assert FundingFlow.objects.filter(reference__startswith="XM-R-").count() == 14
    assert_totals_kept_exactly()


def test_the_activities_before_a_broken_part_of_the_file_stay_imported(monkeypatch):
    data = document(activity("XM-K-1"), activity("XM-K-2")).replace(b"</iati-activities>", b"<oops></iati-activities>")
    report = importer.Report()
    with pytest.raises(importer.ImportRefused, match=r"batch\.xml: not well-formed XML"):
        run(data, report=report)
    assert (report.counts["read"], report.counts["created"]) == (2, 2)
    assert sorted(IatiActivity.objects.values_list("identifier", flat=True)) == ["XM-K-1", "XM-K-2"]
    assert report.flows == 4
    assert_totals_kept_exactly()


def test_strict_with_an_activity_that_fails_to_store_keeps_nothing(monkeypatch):
    fail_flows_of(monkeypatch, "XM-S-2")
    with pytest.raises(importer.ImportRefused, match="1 problems; with --strict nothing of the file was imported"):
        run(document(activity("XM-S-1"), activity("XM-S-2"), activity("XM-S-3")), strict=True)
    assert not IatiActivity.all_objects.exists()
    assert not FundingFlow.all_objects.filter(reference__startswith="XM-S-").exists()


def queries_to_import(data: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = run(data)
    assert report.counts["created"] == data.count(b"<iati-identifier>")
    return len(queries)


def test_a_batch_costs_a_fixed_number_of_queries_not_some_per_activity():
    run(document(activity("XM-Q-0")))  # the organisation exists from here on
    few = queries_to_import(document(*(activity(f"XM-Q-A{number}") for number in range(5))))
    many = queries_to_import(document(*(activity(f"XM-Q-B{number}") for number in range(50))))
    # Fifty activities, 150 transactions and 100 flows in one batch: a few more INSERT statements (the rows
    # split by the database's limit on parameters), no query per activity.
    assert many - few <= 10, (few, many)
    assert_totals_kept_exactly()


def round_trip(record: reader.ActivityRecord) -> dict:
    """``data()`` as the earlier versions made it, whose fingerprints are stored."""
    values = asdict(record)
    values.pop("line")
    values.pop("problems")
    values.pop("notes")  # added since, beside the data: what is reported of an activity imported
    values.pop("prepared")  # added since, beside the data: what the reading process made of it
    values.pop("read_to")
    return json.loads(json.dumps(values, default=str))


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/iati is not beside the repository")
def test_the_data_and_fingerprint_of_every_shared_activity_are_those_of_earlier_versions():
    compared = 0
    for path in sorted(SHARED.rglob("*.xml")):
        try:
            for record in stream.activities(path):
                earlier = round_trip(record)
                assert record.data() == earlier and list(record.data()) == list(earlier), path
                assert record.fingerprint() == hashlib.sha256(
                    json.dumps(earlier, sort_keys=True).encode()).hexdigest(), path
                compared += 1
        except stream.DocumentRefused:
            continue
    assert compared > 1500


def test_an_activity_is_stored_as_the_sorted_text_its_fingerprint_is_taken_of():
    """The reading process serialises an activity's data once, keys sorted, for its fingerprint and for storing: the
    stored value is the record's, the stored text (SQLite keeps it as given) is the one fingerprinted."""
    spanish_first = activity("XM-SORTED-1").replace(
        '<narrative xml:lang="en">Title</narrative>',
        '<narrative xml:lang="es">Título</narrative><narrative xml:lang="en">Title</narrative>')
    data = document(spanish_first)
    record = next(stream.activities(io.BytesIO(data)))
    assert list(record.data()["titles"]) == ["es", "en"]  # as published
    assert run(data).counts["created"] == 1
    stored = IatiActivity.objects.get(identifier="XM-SORTED-1")
    assert stored.data == record.data()
    assert stored.fingerprint == record.fingerprint()
    if connection.vendor == "sqlite":  # PostgreSQL's jsonb gives back a text of its own
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM exchange_iatiactivity WHERE identifier = %s", ["XM-SORTED-1"])
            text = cursor.fetchone()[0]
        assert text == json.dumps(record.data(), sort_keys=True)
        assert text.index('"en": "Title"') < text.index('"es": "T\\u00edtulo"')
        assert hashlib.sha256(text.encode()).hexdigest() == stored.fingerprint
        assert list(stored.data) == sorted(record.data())


def test_files_read_ahead_one_after_the_other_keep_each_files_outcome(monkeypatch):
    """``import_files``, as ``minga import iati A B C`` runs it: one reading process for the three files. The
    broken middle one is refused (what it held before the break stays, as with one file), the next is read and
    imported all the same, and each file's progress goes up to its own size."""
    # In a child, whatever threads earlier tests left running (which would make the import read in itself).
    monkeypatch.setattr(read_ahead, "can_fork", lambda: True)
    first = document(activity("XM-F-1"), activity("XM-F-2"))
    broken = document(activity("XM-F-3")).replace(b"</iati-activities>", b"<oops></iati-activities>")
    last = document(activity("XM-F-4"))
    progress = {name: [] for name in ("a.xml", "b.xml", "c.xml")}
    files = [importer.File(io.BytesIO(data), name, progress[name].append)
             for data, name in ((first, "a.xml"), (broken, "b.xml"), (last, "c.xml"))]
    report = importer.Report()
    outcomes = [(file.name, str(refused) if refused else None)
                for file, refused in importer.import_files(files, report=report)]
    assert outcomes == [("a.xml", None), ("b.xml", "b.xml: not well-formed XML (line 14): Opening and ending tag "
                                                   "mismatch: oops line 14 and iati-activities, line 14, column 25"),
                        ("c.xml", None)]
    assert report.counts == {"read": 4, "created": 4, "updated": 0, "unchanged": 0, "skipped": 0, "invalid": 0}
    assert sorted(IatiActivity.objects.values_list("identifier", flat=True)) == ["XM-F-1", "XM-F-2", "XM-F-3",
                                                                                 "XM-F-4"]
    assert progress == {"a.xml": [len(first)], "b.xml": [len(broken)], "c.xml": [len(last)]}
    assert_totals_kept_exactly()
