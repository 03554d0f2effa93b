"""Issue 11 ("fast"), third round: the organisations an IATI batch meets for the first time are inserted together,
in one INSERT (and one for their history), no longer saved one by one; each row, and its history, is what
``save()`` wrote, and two names that are cut to the same key still make one organisation."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from minga.exchange.iati import importer
from minga.exchange.models import IatiActivity
from minga.finance.tracking import FundingFlow
from minga.reference.models import Organisation
from tests.exchange.test_iati_rows import MOMENTS, stored
from tests.finance.kept import assert_totals_kept_exactly

pytestmark = pytest.mark.django_db

ACTIVITY = """<iati-activity default-currency="USD">
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="{org}" type="10"><narrative>Donor {org}</narrative></reporting-org>
  <title><narrative xml:lang="en">Title</narrative></title>
  <recipient-country code="CO" percentage="100"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-10"/>
    <value value-date="2024-02-10">400</value>
    <receiver-org type="{receiver_type}"><narrative>{receiver}</narrative></receiver-org></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-10"/>
    <value value-date="2024-03-10">50</value>
    <receiver-org type="22"><narrative>{second_receiver}</narrative></receiver-org></transaction>
</iati-activity>
"""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def activity(identifier, org, receiver, *, receiver_type="21", second_receiver="Second receiver"):
    return ACTIVITY.format(identifier=identifier, org=org, receiver=receiver, receiver_type=receiver_type,
                           second_receiver=second_receiver)


def document(*activities) -> bytes:
    return ('<iati-activities version="2.03">\n' + "".join(activities) + "</iati-activities>").encode()


def organisation_inserts(queries) -> int:
    table = connection.ops.quote_name(Organisation._meta.db_table)
    # An ``executemany`` (a COPY on PostgreSQL) is captured as "N times: INSERT ..."; a ``save()`` as its INSERT.
    return sum(1 for query in queries.captured_queries
               if query["sql"].split(" times: ", 1)[-1].startswith((f"INSERT INTO {table} ", f"COPY {table} ")))


def new_from(name: str) -> int:
    return Organisation.history.filter(history_type="+", history_change_reason=f"from the IATI file {name}").count()


def test_the_organisations_a_batch_meets_first_are_inserted_together_as_save_wrote_them():
    data = document(*(activity(f"XM-NO-{number}", f"XM-NEW-{number}", f"Receiver number {number}")
                      for number in range(10)))
    with CaptureQueriesContext(connection) as queries:
        report = importer.import_source(io.BytesIO(data), name="orgs.xml")
    assert (report.counts["created"], report.flows) == (10, 20)
    assert organisation_inserts(queries) == 2  # the reporting organisations, then the receivers: 21 of them
    assert new_from("orgs.xml") == 21
    donor = Organisation.all_objects.get(iati_identifier="XM-NEW-3")
    assert (donor.name, donor.organisation_type, donor.load_key) == ("Donor XM-NEW-3", "10", None)
    receiver = Organisation.all_objects.get(load_key="iati-name:receiver number 3")
    assert (receiver.name, receiver.iati_identifier, receiver.organisation_type) == ("Receiver number 3", None, "21")
    assert IatiActivity.objects.get(identifier="XM-NO-3").reporting_org_id == donor.pk
    assert list(FundingFlow.all_objects.filter(reference="XM-NO-3#1").values_list("provider_id", "receiver_id")) == [
        (donor.pk, receiver.pk)]
    again = importer.import_source(io.BytesIO(data), name="orgs.xml")
    assert again.counts["unchanged"] == 10
    assert new_from("orgs.xml") == 21
    for organisation in (donor, receiver):
        # The same values through ``save()``, as the import wrote them before: the rows are the same.
        copy = Organisation(**{field.attname: getattr(organisation, field.attname)
                               for field in Organisation._meta.concrete_fields if field.attname not in MOMENTS})
        copy.iati_identifier = copy.iati_identifier and copy.iati_identifier + "-copy"  # unique
        copy.load_key = copy.load_key and copy.load_key + "-copy"
        copy._history_user = None
        copy._change_reason = "from the IATI file orgs.xml"
        copy.save()
        leave = {"iati_identifier", "load_key"}
        assert stored(Organisation, organisation.pk, leave=leave) == stored(Organisation, copy.pk, leave=leave)
        history = Organisation.history.model
        assert stored(history, organisation.pk, leave=leave) == stored(history, copy.pk, leave=leave)
    assert_totals_kept_exactly()


def test_two_names_cut_to_the_same_key_make_one_organisation_as_before():
    long = "A receiving organisation with a very long name " * 4
    data = document(activity("XM-NL-1", "XM-NEW-L", long + "first", second_receiver=long + "second"))
    report = importer.import_source(io.BytesIO(data), name="long.xml")
    assert (report.counts["created"], report.flows) == (1, 2)
    receivers = set(FundingFlow.all_objects.filter(reference__startswith="XM-NL-1#").values_list("receiver_id",
                                                                                                 flat=True))
    assert len(receivers) == 1
    receiver = Organisation.all_objects.get(pk=receivers.pop())
    assert receiver.name == " ".join((long + "first").split())  # the first one met
