"""The parts of the IATI mapping that the other tests leave out, exactly: a regional activity (498) and its
flows, sectors of several vocabularies kept as given (1 DAC, 10 IASC clusters, 99 the publisher's own),
descriptions in every language, dates, budgets, a transaction's own humanitarian flag, sector and region; each
transaction's conversion to dollars; and the terminal's progress bar."""

import gc
import io
from decimal import Decimal

import pytest
from django.utils import translation

from minga.exchange import problems as said
from minga.exchange.iati import command, importer, transactions
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FundingFlow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the report's sentences are compared in English
        yield

REGIONAL = """<iati-activities version="2.03"><iati-activity default-currency="USD" humanitarian="1" xml:lang="es">
  <iati-identifier>XM-MAP-1</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donante</narrative></reporting-org>
  <title><narrative>Respuesta regional</narrative><narrative xml:lang="en">Regional response</narrative></title>
  <description type="1"><narrative>Descripción</narrative><narrative xml:lang="pt">Descrição</narrative></description>
  <participating-org role="1" ref="XM-DAC-7" type="10"><narrative>Donante</narrative></participating-org>
  <participating-org role="4" ref="XM-NGO-9" type="21"><narrative>ONG</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2024-01-01"/><activity-date type="2" iso-date="2024-02-01"/>
  <recipient-region code="498" vocabulary="1" percentage="100"/>
  <sector vocabulary="1" code="15190" percentage="100"/>
  <sector vocabulary="10" code="Protection" percentage="100"/>
  <sector vocabulary="99" code="EJE-3" percentage="100"/>
  <budget type="1" status="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
    <value currency="USD" value-date="2024-01-01">900000</value></budget>
  <transaction humanitarian="0"><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/>
    <value value-date="2024-03-01">250000</value>
    <sector vocabulary="1" code="72010"/><recipient-region code="489"/></transaction>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2024-02-01"/>
    <value value-date="2024-02-01">800000</value></transaction>
</iati-activity></iati-activities>"""


def test_a_regional_activity_keeps_every_part_as_given_and_its_flows_are_regional():
    report = importer.import_source(io.BytesIO(REGIONAL.encode()), name="regional.xml")
    # A region for the activity and for a transaction breaks a rule of IATI 2.03: imported, and said.
    assert (report.counts["created"], report.flows, report.problems) == (1, 2, [{
        "source": "regional.xml", "identifier": "XM-MAP-1", "line": 1,
        "message": "transaction at line 16: recipient-country or recipient-region given for the activity and for its "
                   "transactions (IATI 2.03: one or the other); imported, each transaction's own place used",
        "template": said.PLACES_AT_BOTH_LEVELS, "params": {"line": 16}}])
    activity = IatiActivity.objects.get(identifier="XM-MAP-1")
    assert (activity.is_regional, activity.is_humanitarian, activity.status) == (True, True, "2")
    assert activity.titles == {"es": "Respuesta regional", "en": "Regional response"}
    assert activity.descriptions == {"es": "Descripción", "pt": "Descrição"}
    data = activity.data
    assert data["dates"] == {"1": "2024-01-01", "2": "2024-02-01"}
    assert data["regions"] == [["498", "1", "100"]] and data["countries"] == []
    assert data["sectors"] == [["1", "15190", "100"], ["10", "Protection", "100"], ["99", "EJE-3", "100"]]
    assert [(org["role"], org["ref"], org["type"]) for org in data["participating_orgs"]] == [
        ("1", "XM-DAC-7", "10"), ("4", "XM-NGO-9", "21")]
    assert data["budgets"] == [{"type": "1", "status": "1", "start": "2024-01-01", "end": "2024-12-31",
                                "value": "900000", "currency": "USD", "value_date": "2024-01-01"}]
    disbursement = FundingFlow.objects.get(reference="XM-MAP-1#1")
    assert (disbursement.stage, disbursement.amount, disbursement.country_id, disbursement.shares.count(),
            disbursement.is_humanitarian, disbursement.theme.code, disbursement.receiver.iati_identifier) == (
        "disbursement", Decimal("250000.00"), None, 0, False, "72010", "XM-NGO-9")
    commitment = FundingFlow.objects.get(reference="XM-MAP-1#2")
    assert (commitment.country_id, commitment.is_humanitarian, commitment.theme.code) == (None, True, "15190")
    first = IatiTransaction.objects.get(activity=activity, position=1)
    assert {key: first.data[key] for key in ("is_humanitarian", "sector", "sector_vocabulary", "region")} == {
        "is_humanitarian": False, "sector": "72010", "sector_vocabulary": "1", "region": "489"}


def test_the_progress_bar_follows_the_bytes_read():
    handle, out = io.BytesIO(REGIONAL.encode()), io.StringIO()
    bar = command.Bar(out, "regional.xml", handle, enabled=True)
    importer.import_source(handle, name="regional.xml", progress=bar)
    bar.close()
    assert out.getvalue() == f"\r{'regional.xml':30} [{'#' * 30}] 100%\n"
    silent = io.StringIO()
    command.Bar(silent, "x.xml", io.BytesIO(b"x"), enabled=False)(1)
    assert silent.getvalue() == ""


def test_an_activity_whose_writing_fails_half_way_is_not_half_written(monkeypatch):
    """The activity row is written before its flows: a failure while writing them leaves nothing of it."""
    second = REGIONAL.replace("XM-MAP-1", "XM-MAP-2").replace("</iati-activities>", "").replace(
        '<iati-activities version="2.03">', "")
    data = REGIONAL.replace("</iati-activities>", second + "</iati-activities>").encode()
    real = transactions.write_flows

    def failing(flows, shares, **kwargs):
        if any(flow.reference.startswith("XM-MAP-2#") for flow in flows):
            raise RuntimeError("disk full")
        return real(flows, shares, **kwargs)

    monkeypatch.setattr(transactions, "write_flows", failing)
    flows_before = FundingFlow.all_objects.count()
    report = importer.import_source(io.BytesIO(data), name="two.xml")
    assert (report.counts["created"], report.counts["invalid"]) == (1, 1)
    line = data[:data.index(b"<iati-activity ", data.index(b"</iati-activity>"))].count(b"\n") + 1
    assert report.problems == [{"source": "two.xml", "identifier": "XM-MAP-1", "line": 1,  # REGIONAL's places
                                "message": "transaction at line 16: recipient-country or recipient-region given for "
                                           "the activity and for its transactions (IATI 2.03: one or the other); "
                                           "imported, each transaction's own place used",
                                "template": said.PLACES_AT_BOTH_LEVELS, "params": {"line": 16}},
                               {"source": "two.xml", "identifier": "XM-MAP-2", "line": line,
                                "message": "not stored: disk full", "template": "not stored: %(error)s",
                                "params": {"error": "disk full"}}]
    assert list(IatiActivity.all_objects.values_list("identifier", flat=True)) == ["XM-MAP-1"]
    assert IatiActivity.history.filter(identifier="XM-MAP-2").count() == 0
    assert FundingFlow.all_objects.count() - flows_before == 2


CURRENCIES = """<iati-activities version="2.03"><iati-activity default-currency="COP">
  <iati-identifier>XM-MAP-2</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donante</narrative></reporting-org>
  <title><narrative>Integración en Cúcuta</narrative></title>
  <participating-org role="4" ref="XM-NGO-9" type="21"><narrative>ONG</narrative></participating-org>
  <activity-status code="2"/>
  <recipient-country code="CO" percentage="100"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2026-03-01"/>
    <value value-date="2026-03-01">6000000000.005</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2020-01-01"/>
    <value value-date="2020-01-01">1000</value></transaction>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2021-06-17"/>
    <value currency="EUR" value-date="2021-06-17">1000000</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-01-01"/>
    <value currency="MNT" value-date="2024-01-01">5000</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-01-01"/>
    <value currency="XAU" value-date="2024-01-01">2</value></transaction>
</iati-activity></iati-activities>"""


def test_each_transaction_is_converted_as_the_rate_table_and_the_ecb_give_it_or_says_why_not():
    # Converted in the reading process from the rate table read once (``mapping.Reference``): the same dollars and
    # problems as ``money.to_usd``. The demo's illustrative COP rate is 4,000 per dollar from 2 January 2026.
    report = importer.import_source(io.BytesIO(CURRENCIES.encode()), name="currencies.xml")
    assert (report.counts["created"], report.transactions, report.flows, report.problems) == (1, 5, 4, [])
    assert gc.get_freeze_count() == 0  # what the import kept out of the collector's passes is back in them
    assert list(IatiTransaction.objects.filter(activity__identifier="XM-MAP-2").order_by("position").values_list(
        "currency", "value", "amount_usd")) == [
        ("COP", Decimal("6000000000.005"), Decimal("1500000.00")), ("COP", Decimal(1000), None),
        ("EUR", Decimal(1000000), Decimal("1193700.00")), ("MNT", Decimal(5000), None), ("XAU", Decimal(2), None)]
    assert list(FundingFlow.objects.filter(reference__startswith="XM-MAP-2#").order_by("reference").values_list(
        "reference", "stage", "amount", "amount_usd", "usd_problem", "country_id")) == [
        ("XM-MAP-2#1", "disbursement", Decimal("6000000000.01"), Decimal("1500000.00"), "", "COL"),
        ("XM-MAP-2#2", "disbursement", Decimal("1000.00"), None, "no_rate_before_date", "COL"),
        ("XM-MAP-2#3", "commitment", Decimal("1000000.00"), Decimal("1193700.00"), "", "COL"),
        ("XM-MAP-2#4", "disbursement", Decimal("5000.00"), None, "no_rate", "COL")]


def test_an_activity_the_model_refuses_is_reported_with_the_models_reasons_and_the_others_are_stored():
    """What ``full_clean`` checks of a new activity (its identifier's length and control characters), reported as it
    reports them, and a gender marker's significance outside its codelist read as not given."""
    def one(identifier, significance="1", title="Title"):
        return (f'<iati-activity default-currency="USD"><iati-identifier>{identifier}</iati-identifier>'
                '<reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>'
                f'<title><narrative>{title}</narrative></title>'
                f'<policy-marker vocabulary="1" code="1" significance="{significance}"/>'
                '<transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/>'
                '<value value-date="2024-03-01">100</value></transaction></iati-activity>\n')

    long_identifier = "XM-" + "L" * 198
    content = ('<iati-activities version="2.03">\n' + one("XM-V-1") + one(long_identifier) + one("XM-V-&#x86;")
               + one("XM-V-4", significance="40000") + one("XM-V-5", title="T&#x86;") + "</iati-activities>")
    flows_before = FundingFlow.all_objects.count()
    report = importer.import_source(io.BytesIO(content.encode()), name="checked.xml")
    assert (report.counts["created"], report.counts["invalid"]) == (3, 2)
    assert [(problem["identifier"], problem["line"], problem["message"]) for problem in report.problems] == [
        (long_identifier, 3, "not stored: {'identifier': ['Ensure this value has at most 200 characters "
                             "(it has 201).']}"),
        ("XM-V-\x86", 4, "not stored: {'identifier': ['Remove the control characters from this text: U+0086.']}")]
    # A significance outside the codelist (0–4) is read as not given; a title is JSON, which keeps any character.
    assert list(IatiActivity.all_objects.order_by("identifier").values_list("identifier", "gender_marker")) == [
        ("XM-V-1", 1), ("XM-V-4", None), ("XM-V-5", 1)]
    assert IatiActivity.objects.get(identifier="XM-V-5").titles == {"en": "T\x86"}
    assert FundingFlow.all_objects.count() - flows_before == 3
