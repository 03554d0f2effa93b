"""The parts of the IATI mapping that the other tests leave out, exactly: a regional activity (498) and its
flows, sectors of several vocabularies kept as given (1 DAC, 10 IASC clusters, 99 the publisher's own),
descriptions in every language, dates, budgets, a transaction's own humanitarian flag, sector and region; and
the terminal's progress bar."""

import io
from decimal import Decimal

import pytest
from django.utils import translation

from minga.exchange.iati import command, importer
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
    assert (report.counts["created"], report.flows, report.problems) == (1, 2, [])
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
    real = importer.write_flows

    def failing(flows, shares, **kwargs):
        if any(flow.reference.startswith("XM-MAP-2#") for flow in flows):
            raise RuntimeError("disk full")
        return real(flows, shares, **kwargs)

    monkeypatch.setattr(importer, "write_flows", failing)
    flows_before = FundingFlow.all_objects.count()
    report = importer.import_source(io.BytesIO(data), name="two.xml")
    assert (report.counts["created"], report.counts["invalid"]) == (1, 1)
    line = data[:data.index(b"<iati-activity ", data.index(b"</iati-activity>"))].count(b"\n") + 1
    assert report.problems == [{"source": "two.xml", "identifier": "XM-MAP-2", "line": line,
                                "message": "not stored: disk full"}]
    assert list(IatiActivity.all_objects.values_list("identifier", flat=True)) == ["XM-MAP-1"]
    assert IatiActivity.history.filter(identifier="XM-MAP-2").count() == 0
    assert FundingFlow.all_objects.count() - flows_before == 2
