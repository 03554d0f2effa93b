"""Numbers as an IATI file writes them (xsd:decimal: digits, one optional point, an optional sign): anything else
in a transaction's value or a percentage is reported with its activity and line, never a crash of the whole run,
and never read as a number the publisher did not write (``1e3``, ``1_000``)."""

import io
from decimal import Decimal

import pytest
from django.utils import translation

from minga.exchange.iati import importer
from minga.exchange.models import IatiActivity
from minga.finance.tracking import FundingFlow, SourceKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the report's sentences are compared in English
        yield


def activity(identifier: str, value: str = "1000", percentage: str = "100") -> str:
    return f"""<iati-activity default-currency="USD">
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>
  <title><narrative>T</narrative></title>
  <recipient-country code="CO" percentage="{percentage}"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/>
    <value value-date="2024-03-01">{value}</value></transaction>
</iati-activity>"""


def run(*activities: str) -> importer.Report:
    data = ('<iati-activities version="2.03">' + "".join(activities) + "</iati-activities>").encode()
    return importer.import_source(io.BytesIO(data), name="values.xml")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN", "1e3", "1E+3", "1_000", "١٠٠"])
def test_a_value_that_is_no_decimal_is_reported_and_the_other_activities_imported(value):
    report = run(activity("XM-V-1", value=value), activity("XM-V-2"))
    assert (report.counts["created"], report.counts["invalid"], report.flows) == (1, 1, 1)
    assert report.problems == [{"source": "values.xml", "identifier": "XM-V-1", "line": 1,
                                "message": f"transaction at line 6: value {value!r} is not a number",
                                "template": "transaction at line %(line)s: value %(value)r is not a number",
                                "params": {"line": 6, "value": value}}]
    assert list(IatiActivity.objects.values_list("identifier", flat=True)) == ["XM-V-2"]
    assert list(FundingFlow.objects.filter(source_kind=SourceKind.IATI).values_list("amount", flat=True)) == [
        Decimal("1000.00")]


@pytest.mark.parametrize("percentage", ["NaN", "sNaN", "Infinity", "1e2"])
def test_a_percentage_that_is_no_decimal_is_reported_and_the_other_activities_imported(percentage):
    report = run(activity("XM-P-1", percentage=percentage), activity("XM-P-2"))
    assert (report.counts["created"], report.counts["invalid"]) == (1, 1)
    assert report.problems == [{"source": "values.xml", "identifier": "XM-P-1", "line": 1,
                                "message": f"recipient-country: percentage {percentage!r} is not a number",
                                "template": "%(element)s: percentage %(value)r is not a number",
                                "params": {"element": "recipient-country", "value": percentage}}]


def test_a_signed_or_spaced_decimal_is_read_as_written():
    report = run(activity("XM-S-1", value=" +1000.50 "), activity("XM-S-2", value=".5"))
    assert (report.counts["created"], report.problems) == (2, [])
    assert sorted(FundingFlow.objects.filter(source_kind=SourceKind.IATI).values_list("amount", flat=True)) == [
        Decimal("0.50"), Decimal("1000.50")]


@pytest.mark.parametrize("code", ["X", "14", "100", "Disbursement"])
def test_a_transaction_type_outside_the_codelist_is_reported_alike_on_every_database(code):
    """A code of three letters or more was stored on SQLite and refused by PostgreSQL's varchar(2) ("not stored:
    value too long…"); a shorter unknown one was kept as a transaction of no kind."""
    unknown = activity("XM-T-1").replace('<transaction-type code="3"/>', f'<transaction-type code="{code}"/>')
    report = run(unknown, activity("XM-T-2"))
    assert (report.counts["created"], report.counts["invalid"]) == (1, 1)
    assert report.problems == [{"source": "values.xml", "identifier": "XM-T-1", "line": 1,
                                "message": f"transaction at line 6: transaction type {code!r} is not an IATI "
                                           "transaction type (1-13)",
                                "template": "transaction at line %(line)s: transaction type %(code)r is not an IATI "
                                            "transaction type (1-13)",
                                "params": {"line": 6, "code": code}}]
    assert list(IatiActivity.objects.values_list("identifier", flat=True)) == ["XM-T-2"]
