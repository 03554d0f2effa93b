"""Issue 11 ("fast"): the IATI import writes its many rows with prepared ``executemany`` INSERTs
(``minga.exchange.iati.rows``) instead of the ORM's ``bulk_create``. What it stores must be exactly what
``bulk_create`` (and django-simple-history's ``bulk_create_with_history``) stored, value for value as the
database holds it, and the ids it gives must be ones the database would never give again."""

import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from simple_history.utils import bulk_create_with_history

from minga.exchange.iati import importer, rows
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FlowShare, FundingFlow, SourceKind, TrackedPledge
from minga.reference.models import Organisation
from tests.exchange.test_iati_transaction_types import PLEDGES, document, transaction

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "activities"
# Differ between two writes of the same values: the row's own id and the moment it was written.
MOMENTS = {"id", "created_at", "updated_at", "history_id", "history_date"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def stored(model, pk, *, column="id", leave=()) -> dict:
    """The row as the database holds it (no field converters), less its id, moments and ``leave``."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(column)
        cursor.execute(f"SELECT * FROM {table} WHERE {quoted} = %s", [pk])  # noqa: S608 -- names from the model
        names = [description[0] for description in cursor.description]
        found = cursor.fetchall()
    assert len(found) == 1
    return {name: value for name, value in zip(names, found[0], strict=True) if name not in MOMENTS | set(leave)}


def clone(instance):
    copy = type(instance)(**{field.attname: getattr(instance, field.attname)
                             for field in instance._meta.concrete_fields if field.attname not in MOMENTS})
    copy._change_reason = instance.history.get().history_change_reason
    return copy


def test_the_rows_written_are_those_bulk_create_wrote():
    report = importer.import_source(SHARED / "usaid-cl.xml", name="usaid-cl.xml")
    assert report.flows > 0 and report.counts["invalid"] == 0
    for model in (FundingFlow, IatiActivity):
        imported = model.all_objects.filter(source_kind=SourceKind.IATI) if model is FundingFlow else model.all_objects
        written = list(imported.order_by("pk")[:25])
        assert written
        for instance in written:
            assert_stored_as_bulk_create_stores(instance, unique=("identifier",) if model is IatiActivity else ())
    transactions = list(IatiTransaction.objects.order_by("pk")[:50])
    assert len(transactions) == 50
    for row in transactions:
        copy = IatiTransaction(**{field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields
                                  if field.attname not in MOMENTS | {"flow_id", "pledge_id"}})
        copy.position += 10_000  # (activity, position) is unique
        IatiTransaction.objects.bulk_create([copy])
        leave = {"position", "flow_id", "pledge_id"}
        assert stored(IatiTransaction, row.pk, leave=leave) == stored(IatiTransaction, copy.pk, leave=leave)
    shares = list(FlowShare.objects.filter(flow__source_kind=SourceKind.IATI).order_by("pk")[:25])
    assert len(shares) == 25
    for share in shares:
        copy = FlowShare.objects.bulk_create([FlowShare(flow_id=share.flow_id, country_id=share.country_id,
                                                        subdivision_id=share.subdivision_id,
                                                        percentage=share.percentage)])[0]
        assert stored(FlowShare, share.pk) == stored(FlowShare, copy.pk)


def test_pledges_and_organisations_are_written_with_their_history_as_bulk_create_wrote(users):
    """The pledges and the organisations an import creates: each row and its ``+`` history row (copied by the
    database) hold what ``bulk_create_with_history`` stores from the same values, the importing user included."""
    secretariat = users["secretariat"]
    known = set(Organisation.all_objects.values_list("pk", flat=True))
    unnamed = transaction("12", "1000", extra='<provider-org type="10"><narrative>A donor without a ref</narrative>'
                                              '</provider-org>')
    report = importer.import_source(io.BytesIO(document(*PLEDGES, unnamed)), name="example.xml", user=secretariat)
    pledges = list(TrackedPledge.all_objects.filter(source__load_key="source:iati-activities").order_by("pk"))
    assert len(pledges) == report.pledges == 3
    created = list(Organisation.all_objects.exclude(pk__in=known).order_by("pk"))
    assert sorted((org.iati_identifier or "", org.load_key is not None) for org in created) == [
        ("", True), ("XM-DAC-7", False), ("XM-NGO", False), ("XM-OTHER-DONOR", False)]
    for record in (*pledges, *created):
        history = record.history.get()
        assert (history.history_type, history.history_user_id) == ("+", secretariat.pk)
        assert_stored_as_bulk_create_stores(record, user=secretariat, unique=("iati_identifier", "load_key")
                                            if isinstance(record, Organisation) else ())
    assert {org.history.get().history_change_reason for org in created} == {"from the IATI file example.xml"}


def test_ids_are_never_given_again():
    importer.import_source(SHARED / "usaid-cl.xml", name="usaid-cl.xml")
    last = IatiActivity.all_objects.order_by("-pk").first()
    IatiTransaction.objects.filter(activity=last).delete()
    IatiActivity.history.filter(id=last.pk).delete()
    IatiActivity.all_objects.filter(pk=last.pk).delete()
    ids = rows.allocate_ids(IatiActivity, 3)
    assert len(ids) == 3 and ids == sorted(ids) and ids[0] > last.pk
    assert not IatiActivity.all_objects.filter(pk__in=ids).exists()
    # And the database's own next id comes after them once they are written.
    report = importer.import_source(SHARED / "usaid-ec.xml", name="usaid-ec.xml")
    assert report.counts["created"] > 0
    assert IatiActivity.all_objects.filter(pk=last.pk).exists() is False


def test_a_column_the_same_in_every_row_is_written_as_a_literal_and_stored_as_if_bound():
    """On SQLite a column that is NULL, true or false in every row goes into the statement as that literal (its
    driver binds None and booleans slowly); what is stored is what ``bulk_create`` stores from the same values."""
    given = [  # is_regional true in all, reporting_org NULL in all; is_humanitarian and gender_marker vary
        {"is_humanitarian": True, "gender_marker": None},
        {"is_humanitarian": False, "gender_marker": 2},
        {"is_humanitarian": True, "gender_marker": None},
    ]
    new = [rows.new(IatiActivity, identifier=f"XM-LITERAL-{number}", titles={"en": "T"}, descriptions={},
                    status="2", is_regional=True, data={"n": number}, fingerprint="f" * 64, source_name="a.xml",
                    reporting_org_id=None, **values) for number, values in enumerate(given)]
    with CaptureQueriesContext(connection) as queries:
        rows.create_with_history(new, IatiActivity, user=None, reason="test")
    inserts = [query["sql"] for query in queries.captured_queries if '"exchange_iatiactivity" (' in query["sql"]]
    assert len(inserts) == 1
    if connection.vendor == "sqlite":
        literals = {"deleted_at": "NULL", "deleted_by_id": "NULL", "load_key": "NULL", "reporting_org_id": "NULL",
                    "is_regional": "1"}
        marks = ", ".join(literals.get(field.attname, "%s") for field in IatiActivity._meta.concrete_fields)
        assert inserts[0].startswith('3 times: INSERT INTO "exchange_iatiactivity" (')
        assert inserts[0].endswith(f") VALUES ({marks})")
    for row in new:
        assert_stored_as_bulk_create_stores(IatiActivity.all_objects.get(pk=row.pk))
    assert [(row.is_regional, row.is_humanitarian, row.gender_marker, row.reporting_org_id)
            for row in IatiActivity.all_objects.filter(identifier__startswith="XM-LITERAL-").exclude(
                identifier__endswith="-copy").order_by("identifier")] == [
        (True, True, None, None), (True, False, 2, None), (True, True, None, None)]


def test_many_rows_go_in_one_insert_each_stored_as_if_inserted_alone(monkeypatch):
    """On SQLite the rows go ``ROWS_PER_STATEMENT`` to an INSERT (two here), the rest one per INSERT; each row is
    stored with its own id and values, as ``bulk_create`` stores them, on both databases."""
    monkeypatch.setattr(rows, "ROWS_PER_STATEMENT", 2)
    new = [rows.new(IatiActivity, identifier=f"XM-MANY-{number}", titles={"en": f"T{number}"}, descriptions={},
                    status=str(number), is_regional=number % 2 == 0, data={"n": number}, fingerprint=f"{number}" * 64,
                    source_name="a.xml", reporting_org_id=None, gender_marker=number if number < 3 else None,
                    is_humanitarian=False) for number in range(5)]
    with CaptureQueriesContext(connection) as queries:
        rows.create_with_history(new, IatiActivity, user=None, reason="test")
    inserts = [query["sql"] for query in queries.captured_queries if '"exchange_iatiactivity" (' in query["sql"]]
    if connection.vendor == "sqlite":
        literals = {"deleted_at": "NULL", "deleted_by_id": "NULL", "load_key": "NULL", "reporting_org_id": "NULL",
                    "is_humanitarian": "0"}
        marks = "({})".format(", ".join(literals.get(field.attname, "%s")
                                        for field in IatiActivity._meta.concrete_fields))
        assert [(sql.partition(": ")[0], sql.partition(" VALUES ")[2]) for sql in inserts] == [
            ("2 times", f"{marks}, {marks}"), ("1 times", marks)]
    else:
        assert len(inserts) == 1  # one COPY
    for number, row in enumerate(new):
        held = IatiActivity.all_objects.get(pk=row.pk)
        assert (held.identifier, held.titles, held.status, held.is_regional, held.gender_marker, held.data) == (
            f"XM-MANY-{number}", {"en": f"T{number}"}, str(number), number % 2 == 0,
            number if number < 3 else None, {"n": number})
        assert_stored_as_bulk_create_stores(held)


def assert_stored_as_bulk_create_stores(record, *, user=None, unique=("identifier",)) -> None:
    """The record's row and history row hold what ``bulk_create_with_history`` stores from the same values (its
    ``unique`` columns made distinct in the copy and not compared), the history row's reason its own."""
    model, copy = type(record), clone(record)
    for name in unique:
        if getattr(copy, name) is not None:
            setattr(copy, name, getattr(copy, name) + "-copy")
    bulk_create_with_history([copy], model, default_change_reason="", default_user=user)
    leave = set(unique)
    assert stored(model, record.pk, leave=leave) == stored(model, copy.pk, leave=leave)
    history = model.history.model
    assert (stored(history, record.pk, leave=leave | {"history_change_reason"})
            == stored(history, copy.pk, leave=leave | {"history_change_reason"}))
    assert record.history.get().history_change_reason == copy.history.get().history_change_reason


def test_history_rows_are_copied_with_each_rows_reason_user_and_moment_in_the_rows_order(users):
    """The ``+`` history rows are copied by the database from the rows just written (one statement): each keeps its
    own row's reason, runs of a shared reason and gaps in the ids included, and the history ids follow the rows'.
    A row of another write whose id falls in a gap gets no second history row."""
    secretariat = users["secretariat"]

    def activity(number, pk):
        return rows.new(IatiActivity, id=pk, identifier=f"XM-HISTORY-{number}", titles={"en": f"T{number}"},
                        descriptions={}, status="2", is_regional=False, data={"n": number}, fingerprint="e" * 64,
                        source_name="a.xml", reporting_org_id=None, gender_marker=None, is_humanitarian=False)

    ids = rows.allocate_ids(IatiActivity, 8)
    other = activity(99, ids[6])
    other._change_reason = "from A"
    rows.create_with_history([other], IatiActivity, user=None, reason="another write", ids_taken=True)
    reasons = ["from A", "from A", "from B", None, "from A", "from A"]
    taken = [ids[0], ids[1], ids[2], ids[3], ids[5], ids[7]]  # gaps after the fourth and the fifth
    new = [activity(number, pk) for number, pk in enumerate(taken)]
    for row, reason in zip(new, reasons, strict=True):
        if reason is not None:
            row._change_reason = reason
    with CaptureQueriesContext(connection) as queries:
        rows.create_with_history(new, IatiActivity, user=secretariat, reason="the batch's", ids_taken=True)
    history = IatiActivity.history.model
    copies = [query["sql"] for query in queries.captured_queries
              if query["sql"].startswith(f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)}")]
    assert len(copies) == 1 and " SELECT " in copies[0]
    written = list(history.objects.filter(identifier__startswith="XM-HISTORY-").order_by("history_id"))
    assert [(row.id, row.identifier, row.history_type, row.history_change_reason, row.history_user_id)
            for row in written] == [
        (ids[6], "XM-HISTORY-99", "+", "from A", None),
        *((pk, f"XM-HISTORY-{number}", "+", reason or "the batch's", secretariat.pk)
          for number, (pk, reason) in enumerate(zip(taken, reasons, strict=True)))]
    created = IatiActivity.all_objects.get(pk=taken[0]).created_at
    assert {row.history_date for row in written[1:]} == {created}
    for row in new:
        assert_stored_as_bulk_create_stores(IatiActivity.all_objects.get(pk=row.pk), user=secretariat)
