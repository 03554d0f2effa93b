"""IATI transaction types beyond the flows (docs/finance.md, "Stages"): 12 Outgoing Pledge becomes a reported
``TrackedPledge`` of its provider, keyed by the activity and the transaction's position (a second import changes
nothing, a newer file replaces it); 13 Incoming Pledge and 5, 6, 8, 9, 10 stay on the activity as published and
are no money for the response. Imported flows and pledges arrive *reported*, never public. And a 2 GB text node
is refused without reading the 2 GB."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from lxml import etree

from minga.exchange.iati import activity_export, importer, stream
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.selectors.report import report_rows
from minga.finance.tracking import FollowUp, FundingFlow, PledgeCountry, SourceKind, TrackedPledge
from tests.finance.kept import assert_totals_kept_exactly

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "schema"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


ACTIVITY = """<iati-activity default-currency="USD" humanitarian="1" last-updated-datetime="2024-05-01T00:00:00Z">
  <iati-identifier>XM-TYPES-1</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>
  <title><narrative>Pledges and other types</narrative></title>
  <description><narrative>What the pledges are for</narrative></description>
  <participating-org role="1" ref="XM-DAC-7" type="10"><narrative>Donor</narrative></participating-org>
  <participating-org role="4" ref="XM-NGO" type="22"><narrative>NGO</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2024-01-01"/>
  <recipient-country code="CO" percentage="60"/><recipient-country code="PE" percentage="40"/>
  <sector vocabulary="1" code="15190"/>
  {transactions}
</iati-activity>"""


def transaction(code: str, value: str, day: str = "2024-02-01", extra: str = "", attributes: str = "") -> str:
    return (f'<transaction{attributes}><transaction-type code="{code}"/><transaction-date iso-date="{day}"/>'
            f'<value value-date="{day}">{value}</value>{extra}</transaction>')


PLEDGES = [
    transaction("12", "2500000"),
    transaction("12", "750000.50", "2024-03-15", attributes=' humanitarian="0"',
                extra='<provider-org ref="XM-OTHER-DONOR" type="10"><narrative>Other donor</narrative></provider-org>'
                      '<recipient-country code="EC"/>'),
    transaction("13", "400000", "2024-04-01",
                extra='<provider-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></provider-org>'),
    transaction("2", "1000000"),
]


def document(*transactions: str, identifier: str = "XM-TYPES-1") -> bytes:
    activity = ACTIVITY.format(transactions="".join(transactions)).replace("XM-TYPES-1", identifier)
    return f'<iati-activities version="2.03">{activity}</iati-activities>'.encode()


def run(data: bytes):
    return importer.import_source(io.BytesIO(data), name="types.xml")


def imported_pledges():
    return TrackedPledge.all_objects.filter(source__load_key="source:iati-activities")


def answers(user) -> dict:
    return {row["key"]: (Decimal(row["pledged_usd"]), Decimal(row["funding_usd"]))
            for row in report_rows(user, by="country")}


def moved(before: dict, after: dict) -> dict:
    """What an import added to each country's answers (the demo's records are there before it)."""
    zero = (Decimal(0), Decimal(0))
    changes = {key: tuple(a - b for a, b in zip(after.get(key, zero), before.get(key, zero), strict=True))
               for key in set(before) | set(after)}
    return {key: change for key, change in changes.items() if change != zero}


def pledges() -> list[tuple]:
    return sorted(
        (p.donor.iati_identifier, p.amount, p.currency, p.amount_usd, p.pledged_on, p.instrument, p.purpose,
         p.humanitarian_percent, p.is_regional, p.status, p.is_public, p.source.load_key,
         sorted((c.country_id, c.percentage) for c in p.countries.all()),
         sorted(p.earmarks.values_list("code", flat=True)), p.iati_transaction.position)
        for p in imported_pledges())


EXPECTED_PLEDGES = [
    ("XM-DAC-7", Decimal("2500000.00"), "USD", Decimal("2500000.00"), date(2024, 2, 1), "grant", "humanitarian",
     Decimal("100.00"), False, FollowUp.REPORTED, False, "source:iati-activities",
     [("COL", Decimal("60.00")), ("PER", Decimal("40.00"))], ["15190"], 1),
    ("XM-OTHER-DONOR", Decimal("750000.50"), "USD", Decimal("750000.50"), date(2024, 3, 15), "grant", "development",
     Decimal("0.00"), False, FollowUp.REPORTED, False, "source:iati-activities", [("ECU", Decimal("100.00"))],
     ["15190"], 2),
]


def test_an_outgoing_pledge_is_a_reported_pledge_of_its_provider_and_an_incoming_pledge_stays_on_the_activity(users):
    before, public = answers(users["secretariat"]), answers(None)
    report = run(document(*PLEDGES))
    assert (report.counts["created"], report.transactions, report.flows, report.pledges) == (1, 4, 1, 2)
    assert pledges() == EXPECTED_PLEDGES
    rows = list(IatiTransaction.objects.order_by("position").values_list(
        "position", "transaction_type", "value", "flow__stage", "pledge__amount"))
    assert rows == [(1, "12", Decimal("2500000"), None, Decimal("2500000.00")),
                    (2, "12", Decimal("750000.5"), None, Decimal("750000.50")),
                    (3, "13", Decimal("400000"), None, None),
                    (4, "2", Decimal("1000000"), "commitment", None)]
    # Pledged, never funding; seen by the secretariat, not by the public (reported, not validated).
    assert moved(before, answers(users["secretariat"])) == {
        "COL": (Decimal("1500000.00"), Decimal("600000.00")), "PER": (Decimal("1000000.00"), Decimal("400000.00")),
        "ECU": (Decimal("750000.50"), Decimal(0))}
    assert answers(None) == public
    assert_totals_kept_exactly()


def test_a_second_import_changes_nothing_and_a_newer_file_replaces_the_pledges(users):
    run(document(*PLEDGES))
    history = (TrackedPledge.history.count(), IatiActivity.history.count())
    again = run(document(*PLEDGES))
    assert (again.counts["unchanged"], again.pledges) == (1, 0)
    assert pledges() == EXPECTED_PLEDGES
    assert (TrackedPledge.history.count(), IatiActivity.history.count()) == history

    newer = [transaction("12", "2600000"), *PLEDGES[2:]]  # the second pledge withdrawn, the first raised
    report = run(document(*newer))
    assert (report.counts["updated"], report.pledges) == (1, 1)
    assert [(row[0], row[1], row[-1]) for row in pledges()] == [("XM-DAC-7", Decimal("2600000.00"), 1)]
    assert imported_pledges().count() == 1
    assert PledgeCountry.objects.filter(pledge__in=imported_pledges()).count() == 2
    assert_totals_kept_exactly()  # the replaced pledges left the dashboard's totals, the new one came in


@pytest.mark.skipif(not SCHEMA.is_dir(), reason="../shared/data/iati is not beside the repository")
def test_the_export_keeps_the_pledges_and_reimported_gives_the_same_ones(users):
    run(document(*PLEDGES))
    before = pledges()
    mine = IatiActivity.objects.filter(identifier="XM-TYPES-1")
    exported = activity_export.build(mine).to_bytes()
    assert stream.load_schema(SCHEMA).validate(etree.fromstring(exported))
    IatiTransaction.objects.filter(activity__in=mine).delete()
    imported_pledges().delete()
    FundingFlow.all_objects.filter(source_kind=SourceKind.IATI).delete()
    mine.delete()
    assert pledges() == []
    report = importer.import_source(io.BytesIO(exported), name="export.xml")
    assert (report.counts["created"], report.pledges) == (1, 2)
    assert pledges() == before


# IATI TransactionType 2.03: 5 Interest Payment, 6 Loan Repayment, 8 Purchase of Equity, 9 Sale of Equity,
# 10 Credit Guarantee: money going back, or financial operations; and 13 Incoming Pledge (the donor's pledge is
# the one kept). Each is kept exactly as published and is neither a flow nor a pledge.
@pytest.mark.parametrize("code", ["5", "6", "8", "9", "10", "13"])
def test_types_that_are_no_money_for_the_response_stay_on_the_activity_only(users, code):
    before = answers(users["secretariat"])
    report = run(document(transaction(code, "123456.78"), transaction(code, "-20", "2024-03-01")))
    assert (report.counts["created"], report.transactions, report.flows, report.pledges) == (1, 2, 0, 0)
    assert list(IatiTransaction.objects.order_by("position").values_list(
        "position", "transaction_type", "value", "currency", "value_date", "flow", "pledge")) == [
        (1, code, Decimal("123456.78"), "USD", date(2024, 2, 1), None, None),
        (2, code, Decimal("-20"), "USD", date(2024, 3, 1), None, None)]
    assert FundingFlow.all_objects.filter(source_kind=SourceKind.IATI).count() == 0
    assert imported_pledges().count() == 0
    assert answers(users["secretariat"]) == before


def test_imported_flows_arrive_reported_and_are_not_public():
    run(document(transaction("2", "1000"), transaction("3", "400")))
    assert sorted(FundingFlow.objects.filter(source_kind=SourceKind.IATI).values_list("stage", "status", "is_public")) == [
        ("commitment", FollowUp.REPORTED, False), ("disbursement", FollowUp.REPORTED, False)]


class Endless(io.RawIOBase):
    """A 2 GB file that is one text node, made up as it is read; counts what the parser asked for."""

    SIZE = 2 * 1024 ** 3

    def __init__(self):
        self.head = b'<iati-activities version="2.03"><iati-activity><iati-identifier>'
        self.position = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.position >= self.SIZE:
            return 0
        size = min(len(buffer), self.SIZE - self.position)
        chunk = (self.head[self.position:] + b"A" * size)[:size] if self.position < len(self.head) else b"A" * size
        buffer[:size] = chunk
        self.position += size
        return size


def test_a_2_gb_text_node_is_refused_after_reading_a_few_megabytes_and_nothing_is_written():
    source = Endless()
    before = (IatiActivity.all_objects.count(), FundingFlow.all_objects.count())
    with pytest.raises(importer.ImportRefused, match=r"types\.xml: not well-formed XML \(line 1\)"):
        importer.import_source(source, name="types.xml")
    assert source.position < 64 * 1024 ** 2  # lxml's limit on a text node without huge_tree: 10 MB
    assert (IatiActivity.all_objects.count(), FundingFlow.all_objects.count()) == before
