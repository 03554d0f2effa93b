"""Issue 11 ("fast"): the IATI import writes its many rows with prepared ``executemany`` INSERTs
(``minga.exchange.iati.rows``) instead of the ORM's ``bulk_create``. What it stores must be exactly what
``bulk_create`` (and django-simple-history's ``bulk_create_with_history``) stored, value for value as the
database holds it, and the ids it gives must be ones the database would never give again."""

from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation
from simple_history.utils import bulk_create_with_history

from minga.exchange.iati import importer, rows
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FlowShare, FundingFlow, SourceKind, TrackedPledge

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
            copy = clone(instance)
            if model is IatiActivity:
                copy.identifier += "-copy"  # unique
            bulk_create_with_history([copy], model, default_change_reason="")
            leave = {"identifier"} if model is IatiActivity else set()
            assert stored(model, instance.pk, leave=leave) == stored(model, copy.pk, leave=leave)
            history = model.history.model
            assert (stored(history, instance.pk, leave=leave | {"history_change_reason"})
                    == stored(history, copy.pk, leave=leave | {"history_change_reason"}))
            assert instance.history.get().history_change_reason == copy.history.get().history_change_reason
    for row in IatiTransaction.objects.order_by("pk")[:50]:
        copy = IatiTransaction(**{field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields
                                  if field.attname not in MOMENTS | {"flow_id", "pledge_id"}})
        copy.position += 10_000  # (activity, position) is unique
        IatiTransaction.objects.bulk_create([copy])
        leave = {"position", "flow_id", "pledge_id"}
        assert stored(IatiTransaction, row.pk, leave=leave) == stored(IatiTransaction, copy.pk, leave=leave)
    for share in FlowShare.objects.filter(flow__source_kind=SourceKind.IATI).order_by("pk")[:25]:
        copy = FlowShare.objects.bulk_create([FlowShare(flow_id=share.flow_id, country_id=share.country_id,
                                                        subdivision_id=share.subdivision_id,
                                                        percentage=share.percentage)])[0]
        assert stored(FlowShare, share.pk) == stored(FlowShare, copy.pk)


def test_pledges_are_written_with_their_history():
    report = importer.import_source(SHARED / "iati-standard-example-annotated.xml", name="example.xml")
    pledges = list(TrackedPledge.all_objects.filter(source__load_key="source:iati-activities").order_by("pk"))
    assert len(pledges) == report.pledges
    for pledge in pledges:
        assert [(row.history_type, row.amount, row.donor_id) for row in pledge.history.all()] == [
            ("+", pledge.amount, pledge.donor_id)]
        copy = clone(pledge)
        bulk_create_with_history([copy], TrackedPledge, default_change_reason="")
        assert stored(TrackedPledge, pledge.pk) == stored(TrackedPledge, copy.pk)


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
