"""An IATI 1.0x file ("1.0x read where cheap", issue 11): its texts in the elements themselves, one title per
language, and its codes as words (transaction types C, D, IF…, roles Funding / Implementing, vocabulary DAC, date
types start-planned…) are read as the 2.0x codes, so its commitments and disbursements are flows like any other."""

import io
from decimal import Decimal

import pytest
from django.utils import translation

from minga.exchange.iati import importer
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FundingFlow, SourceKind

pytestmark = pytest.mark.django_db

VERSION_1 = b"""<iati-activities version="1.03"><iati-activity default-currency="USD" xml:lang="en">
  <iati-identifier>XM-V1-1</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10">Donor</reporting-org>
  <title xml:lang="en">Integration of migrants</title><title xml:lang="es">Integracion de migrantes</title>
  <description xml:lang="en">What it does</description>
  <participating-org role="Funding" ref="XM-DAC-7" type="10">Donor</participating-org>
  <participating-org role="Implementing" ref="XM-NGO-V1" type="21">NGO</participating-org>
  <activity-status code="2"/>
  <activity-date type="start-planned" iso-date="2024-01-01"/><activity-date type="end-actual" iso-date="2024-12-31"/>
  <recipient-country code="CO"/>
  <sector vocabulary="DAC" code="15190"/>
  <policy-marker vocabulary="DAC" code="1" significance="2"/>
  <transaction><transaction-type code="C"/><transaction-date iso-date="2024-03-01"/>
    <value value-date="2024-03-01">1000</value></transaction>
  <transaction><transaction-type code="D"/><transaction-date iso-date="2024-04-01"/>
    <value value-date="2024-04-01">400</value></transaction>
  <transaction><transaction-type code="IF"/><transaction-date iso-date="2024-02-01"/>
    <value value-date="2024-02-01">1200</value></transaction>
  <transaction><transaction-type code="LR"/><transaction-date iso-date="2024-05-01"/>
    <value value-date="2024-05-01">-50</value></transaction>
</iati-activity></iati-activities>"""


def test_a_version_1_activity_is_read_with_its_titles_and_its_transactions_give_flows():
    with translation.override("en"):
        report = importer.import_source(io.BytesIO(VERSION_1), name="v1.xml")
    assert (report.counts["created"], report.counts["invalid"], report.problems) == (1, 0, [])
    assert (report.transactions, report.flows) == (4, 3)
    activity = IatiActivity.objects.get(identifier="XM-V1-1")
    assert activity.titles == {"en": "Integration of migrants", "es": "Integracion de migrantes"}
    assert activity.descriptions == {"en": "What it does"}
    assert activity.gender_marker == 2
    assert activity.data["dates"] == {"1": "2024-01-01", "4": "2024-12-31"}
    assert activity.data["sectors"] == [["1", "15190", None]]
    assert [org["role"] for org in activity.data["participating_orgs"]] == ["1", "4"]
    assert list(IatiTransaction.objects.filter(activity=activity).order_by("position")
                .values_list("transaction_type", "value")) == [
        ("2", Decimal("1000")), ("3", Decimal("400")), ("1", Decimal("1200")), ("6", Decimal("-50"))]
    flows = FundingFlow.objects.filter(source_kind=SourceKind.IATI).order_by("reference")
    assert [(flow.stage, flow.amount, flow.country_id, flow.theme.code, flow.provider.iati_identifier,
             flow.receiver.iati_identifier) for flow in flows] == [
        ("commitment", Decimal("1000.00"), "COL", "15190", "XM-DAC-7", "XM-NGO-V1"),
        ("disbursement", Decimal("400.00"), "COL", "15190", "XM-DAC-7", "XM-NGO-V1"),
        ("incoming", Decimal("1200.00"), "COL", "15190", "XM-DAC-7", "XM-DAC-7")]
