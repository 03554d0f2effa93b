"""A publisher republishes its file: an activity whose money did not change (a new title, a new last-updated
date) is updated in place and its flows stay as they were, confirmed and validated ones included; only a change
to what the flows are made of replaces them (and they come back *reported*, to be confirmed again)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from minga.exchange.iati import importer
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance import services
from minga.finance.inputs import FlowInput
from minga.finance.tracking import FollowUp, FundingFlow, SourceKind
from tests.finance.kept import assert_totals_kept_exactly

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the histories' sentences are compared in English
        yield


def document(title: str = "Title", updated: str = "2024-05-01T00:00:00Z", disbursed: str = "400") -> bytes:
    return f"""<iati-activities version="2.03"><iati-activity default-currency="USD" last-updated-datetime="{updated}">
  <iati-identifier>XM-REPUB-1</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>
  <title><narrative xml:lang="en">{title}</narrative></title>
  <participating-org role="4" ref="XM-NGO-1" type="22"><narrative>NGO</narrative></participating-org>
  <recipient-country code="CO"/>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2024-01-10"/>
    <value value-date="2024-01-10">1000</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-10"/>
    <value value-date="2024-02-10">{disbursed}</value></transaction>
</iati-activity></iati-activities>""".encode()


def run(data: bytes, name: str) -> importer.Report:
    return importer.import_source(io.BytesIO(data), name=name)


def flows():
    return list(FundingFlow.objects.filter(source_kind=SourceKind.IATI).order_by("reference")
                .values_list("pk", "reference", "amount", "status", "is_public"))


def test_a_republished_activity_whose_money_did_not_change_keeps_its_validated_flows(users):
    run(document(), "first.xml")
    for flow in FundingFlow.objects.filter(source_kind=SourceKind.IATI):
        flow = services.flow_transition(flow=flow, user=users["focal_col"], to_status=FollowUp.CONFIRMED,
                                        expected_version=flow.version)
        services.flow_transition(flow=flow, user=users["secretariat"], to_status=FollowUp.VALIDATED,
                                 expected_version=flow.version)
    validated = flows()
    assert [row[1:] for row in validated] == [
        ("XM-REPUB-1#1", Decimal("1000.00"), FollowUp.VALIDATED, True),
        ("XM-REPUB-1#2", Decimal("400.00"), FollowUp.VALIDATED, True)]
    transactions = list(IatiTransaction.objects.order_by("position").values_list("pk", "flow_id"))

    report = run(document(title="New title", updated="2024-06-01T00:00:00Z"), "second.xml")
    assert (report.counts["updated"], report.transactions, report.flows) == (1, 0, 0)
    activity = IatiActivity.objects.get(identifier="XM-REPUB-1")
    assert (activity.titles, activity.version) == ({"en": "New title"}, 2)
    assert activity.history.first().history_change_reason == (
        "imported from second.xml; changed: last_updated, titles")
    assert flows() == validated  # the same rows, still validated and public
    assert list(IatiTransaction.objects.order_by("position").values_list("pk", "flow_id")) == transactions
    assert_totals_kept_exactly()

    # Money that changed replaces the flows: reported again, to be confirmed again.
    report = run(document(title="New title", updated="2024-07-01T00:00:00Z", disbursed="450"), "third.xml")
    assert (report.counts["updated"], report.transactions, report.flows) == (1, 2, 2)
    assert [row[1:] for row in flows()] == [
        ("XM-REPUB-1#1", Decimal("1000.00"), FollowUp.REPORTED, False),
        ("XM-REPUB-1#2", Decimal("450.00"), FollowUp.REPORTED, False)]
    assert IatiActivity.objects.get(identifier="XM-REPUB-1").history.first().history_change_reason == (
        "imported from third.xml; changed: last_updated, transactions")
    assert_totals_kept_exactly()


def test_an_activity_whose_commitment_a_flow_entered_by_hand_pays_out_is_refused_naming_it_and_kept(users):
    run(document(), "first.xml")
    commitment = FundingFlow.objects.get(reference="XM-REPUB-1#1")
    paid = services.flow_create(user=users["secretariat"], data=FlowInput(
        stage="disbursement", provider=commitment.provider, receiver=commitment.receiver, commitment=commitment,
        value_date=date(2024, 3, 1), amount=Decimal(100), currency="USD", country=commitment.country))
    before = flows()

    report = run(document(updated="2024-07-01T00:00:00Z", disbursed="450"), "second.xml")
    assert (report.counts["updated"], report.counts["invalid"], report.transactions) == (0, 1, 0)
    assert [(p["identifier"], p["message"]) for p in report.problems] == [(
        "XM-REPUB-1", "not stored: its money changed, and flows recorded on the platform are linked to its "
        f"commitments, pledges or flows (/flows/{paid.pk}/): unlink them, then import the file again.")]
    assert flows() == before and FundingFlow.objects.get(pk=paid.pk).commitment_id == commitment.pk
    assert IatiActivity.objects.get(identifier="XM-REPUB-1").version == 1
    assert_totals_kept_exactly()
