"""``minga import iati``: every shared activity file imports, its sums equal the XML's exactly, a second
import changes nothing, invalid activities are reported and hostile input changes nothing."""

import contextlib
import io
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import translation
from lxml import etree

from minga.exchange import problems as said
from minga.exchange.iati import importer, stream
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FundingFlow, SourceKind
from tests.finance.kept import assert_totals_kept_exactly

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the reports' and histories' sentences are compared in English
        yield

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati"
needs_shared = pytest.mark.skipif(not (SHARED / "activities").is_dir(),
                                  reason="../shared/data/iati is not beside the repository")
FILES = sorted(path.name for path in (SHARED / "activities").glob("*.xml")) if SHARED.is_dir() else []
CENT = Decimal("0.01")
FLOW_TYPES = {"1", "2", "3", "4", "7", "11"}


@pytest.fixture(scope="module")
def schema():
    return stream.load_schema(SHARED / "schema") if SHARED.is_dir() else None


def xml_sums(path: Path, identifiers=None):
    """Per activity and transaction type, the sum of the values, by plain lxml XPath (no Minga code)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    sums = defaultdict(Decimal)
    flows = defaultdict(Decimal)
    for activity in tree.xpath("/iati-activities/iati-activity"):
        identifier = " ".join(activity.xpath("string(iati-identifier)").split())
        if identifiers is not None and identifier not in identifiers:
            continue
        for transaction in activity.xpath("transaction"):
            kind = transaction.xpath("string(transaction-type/@code)").strip()
            value = Decimal(transaction.xpath("string(value)").strip())
            sums[(identifier, kind)] += value
            if kind in FLOW_TYPES and value > 0:
                flows[kind] += value.quantize(CENT, ROUND_HALF_UP)
    return dict(sums), dict(flows)


def stored_sums():
    rows = IatiTransaction.objects.values_list("activity__identifier", "transaction_type").annotate(total=Sum("value"))
    return {(identifier, kind): total for identifier, kind, total in rows}


def stored_flow_sums():
    rows = (FundingFlow.objects.filter(source_kind=SourceKind.IATI).values_list("iati_transaction_type")
            .annotate(total=Sum("amount")))
    return dict(rows)


@needs_shared
@pytest.mark.parametrize("name", FILES)
def test_every_shared_file_imports_with_the_sums_of_its_xml_and_a_second_import_changes_nothing(name, schema):
    path = SHARED / "activities" / name
    report = importer.import_source(path, name=name, schema=schema)
    imported = set(IatiActivity.objects.values_list("identifier", flat=True))
    expected, expected_flows = xml_sums(path, imported)
    assert bool(expected) is (name != "acfspain-pe.xml")  # the one file without a transaction: its counts alone
    assert stored_sums() == expected
    assert stored_flow_sums() == expected_flows
    total = len(etree.parse(str(path)).xpath("/iati-activities/iati-activity"))
    assert report.counts["read"] == total
    assert report.counts["created"] == len(imported) == total - report.counts["invalid"]
    if name != "dportal-covid-messy.xml":
        assert report.counts["invalid"] == 0, report.problems
    flows = FundingFlow.objects.count()
    history = IatiActivity.history.count()

    again = importer.import_source(path, name=name, schema=schema)
    assert again.counts == {**report.counts, "created": 0, "unchanged": report.counts["created"]}
    assert FundingFlow.objects.count() == flows
    assert IatiActivity.history.count() == history
    assert stored_sums() == expected


@needs_shared
def test_the_messy_export_imports_its_valid_activities_and_reports_each_other_with_its_line(schema):
    path = SHARED / "activities" / "dportal-covid-messy.xml"
    report = importer.import_source(path, name="messy.xml", schema=schema)
    tree = etree.parse(str(path))
    lines = {" ".join(a.xpath("string(iati-identifier)").split()): a.sourceline
             for a in tree.xpath("/iati-activities/iati-activity")}
    assert report.counts == {"read": 401, "created": 282, "updated": 0, "unchanged": 0, "skipped": 0, "invalid": 119}
    imported = set(IatiActivity.objects.values_list("identifier", flat=True))
    reported = {problem["identifier"] for problem in report.problems if problem["identifier"] not in imported}
    assert len(reported) == 119
    assert all(problem["line"] == lines[problem["identifier"]] for problem in report.problems)
    # The activities imported that give their places both for the activity and in transactions (IATI 2.03 allows
    # one or the other) are reported as imported, each transaction's own place used.
    noted = [problem for problem in report.problems if problem["identifier"] in imported]
    both = {" ".join(a.xpath("string(iati-identifier)").split()) for a in tree.xpath(
        "/iati-activities/iati-activity[(recipient-country or recipient-region)"
        " and transaction[recipient-country or recipient-region]]")}
    assert [problem["identifier"] for problem in noted] == sorted(both & imported, key=lines.get)
    assert all(problem["message"].endswith("(IATI 2.03: one or the other); imported, each transaction's own place "
                                           "used") for problem in noted)
    assert {"source": "messy.xml", "identifier": "DAC-1601-INV-006200", "line": 10459,
            "message": "line 10504: Element 'budget-item', attribute 'vocabulary': The attribute 'vocabulary' is "
                       "not allowed.",
            "template": "line %(line)s: %(error)s",
            "params": {"line": 10504, "error": "Element 'budget-item', attribute 'vocabulary': The attribute "
                                               "'vocabulary' is not allowed."}} in report.problems


@needs_shared
def test_strict_refuses_the_whole_messy_file_and_writes_nothing(schema):
    before = (IatiActivity.objects.count(), FundingFlow.objects.count())
    with pytest.raises(importer.ImportRefused, match="with --strict nothing of the file was imported"):
        importer.import_source(SHARED / "activities" / "dportal-covid-messy.xml", name="messy.xml", schema=schema,
                               strict=True)
    assert (IatiActivity.objects.count(), FundingFlow.objects.count()) == before


@needs_shared
@pytest.mark.parametrize("path", sorted((SHARED / "schema-tests" / "should-fail").rglob("*.xml"))
                         if SHARED.is_dir() else [], ids=lambda path: str(path).split("should-fail/")[-1])
def test_every_should_fail_file_is_reported_without_a_crash(path, schema):
    report = importer.Report()
    with contextlib.suppress(importer.ImportRefused):
        importer.import_source(path, name=path.name, schema=schema, report=report)
    assert report.problems, "a file the schema refuses must give at least one problem"
    assert all(problem["message"] for problem in report.problems)
    assert report.counts["created"] == 0


ACTIVITY = """<iati-activity default-currency="EUR" humanitarian="1">
  <iati-identifier>XM-TEST-1</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>
  <title><narrative xml:lang="es">Título</narrative><narrative xml:lang="en">{title}</narrative></title>
  <participating-org role="4" ref="XM-NGO" type="22"><narrative>NGO</narrative></participating-org>
  <activity-status code="2"/>
  <recipient-country code="CO" percentage="60"/><recipient-country code="PE" percentage="40"/>
  <sector vocabulary="1" code="15190"/>
  <policy-marker vocabulary="1" code="1" significance="2"/>
  <humanitarian-scope type="2" vocabulary="2-1" code="RMRP2024"/>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2024-01-10"/>
    <value value-date="2024-01-10">{amount}</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-10"/>
    <value currency="USD" value-date="2024-02-10">500</value>
    <receiver-org ref="XM-OTHER"><narrative>Other</narrative></receiver-org>
    <recipient-country code="EC"/></transaction>
  <transaction><transaction-type code="6"/><transaction-date iso-date="2024-03-10"/>
    <value value-date="2024-03-10">-20</value></transaction>
</iati-activity>"""


def document(*activities, head=""):
    return (head + '<iati-activities version="2.03">' + "".join(activities) + "</iati-activities>").encode()


def run(data: bytes, **options):
    return importer.import_source(io.BytesIO(data), name="test.xml", **options)


def test_an_activity_maps_countries_sectors_markers_and_flows_exactly():
    report = run(document(ACTIVITY.format(title="Title", amount="1000")))
    assert report.counts["created"] == 1 and report.flows == 2 and report.transactions == 3
    activity = IatiActivity.objects.get(identifier="XM-TEST-1")
    assert activity.titles == {"es": "Título", "en": "Title"}
    assert (activity.status, activity.gender_marker, activity.is_humanitarian) == ("2", 2, True)
    assert activity.data["humanitarian_scopes"] == [["2", "2-1", "RMRP2024"]]
    commitment, disbursement = FundingFlow.objects.filter(reference__startswith="XM-TEST-1#").order_by("reference")
    assert (commitment.stage, commitment.amount, commitment.currency, commitment.country_id) == (
        "commitment", Decimal("1000.00"), "EUR", None)
    assert sorted((s.country_id, s.percentage) for s in commitment.shares.all()) == [
        ("COL", Decimal("60.00")), ("PER", Decimal("40.00"))]
    assert commitment.provider.iati_identifier == "XM-DAC-7" and commitment.receiver.iati_identifier == "XM-NGO"
    assert commitment.theme.code == "15190" and commitment.is_humanitarian
    assert (disbursement.stage, disbursement.amount_usd, disbursement.country_id) == (
        "disbursement", Decimal("500.00"), "ECU")
    assert disbursement.receiver.iati_identifier == "XM-OTHER"
    # The loan repayment stays on the activity, as published, and is no flow.
    repayment = IatiTransaction.objects.get(activity=activity, transaction_type="6")
    assert (repayment.value, repayment.flow) == (Decimal("-20"), None)


def test_a_newer_file_updates_in_place_and_the_history_says_what_changed():
    run(document(ACTIVITY.format(title="Title", amount="1000")))
    report = run(document(ACTIVITY.format(title="New title", amount="1200")))
    assert (report.counts["updated"], report.counts["created"]) == (1, 0)
    activity = IatiActivity.objects.get(identifier="XM-TEST-1")
    assert activity.titles["en"] == "New title" and activity.version == 2
    assert activity.history.first().history_change_reason == "imported from test.xml; changed: titles, transactions"
    assert list(FundingFlow.objects.filter(reference__startswith="XM-TEST-1#", stage="commitment")
                .values_list("amount", flat=True)) == [Decimal("1200.00")]
    assert FundingFlow.objects.filter(reference__startswith="XM-TEST-1#").count() == 2
    assert_totals_kept_exactly()  # the replaced flows left the dashboard's totals, the new ones came in


def test_only_member_states_skips_and_counts_the_others():
    elsewhere = ACTIVITY.replace("XM-TEST-1", "XM-TEST-2").replace('code="CO"', 'code="NG"').replace(
        'code="PE"', 'code="KE"').replace('<recipient-country code="EC"/>', "")
    report = run(document(ACTIVITY.format(title="T", amount="1"), elsewhere.format(title="T", amount="1")),
                 only_region=True)
    assert (report.counts["created"], report.counts["skipped"]) == (1, 1)
    assert not IatiActivity.objects.filter(identifier="XM-TEST-2").exists()


BILLION_LAUGHS = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>"""
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.invalid/evil.dtd">'
FILE_ENTITY = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(("data", "message"), [
    (document(ACTIVITY.format(title="&lol3;", amount="1"), head=BILLION_LAUGHS), "declares a DOCTYPE"),
    (document(ACTIVITY.format(title="T", amount="1"), head=EXTERNAL), "declares a DOCTYPE"),
    (document(ACTIVITY.format(title="&secret;", amount="1"), head=FILE_ENTITY), "declares a DOCTYPE"),
    (b"%PDF-1.4 not xml at all", "not well-formed XML (line 1)"),
    (b"", "not well-formed XML"),
    (b"<html><body>hello</body></html>", "the root element is <html>, not <iati-activities>"),
])
def test_hostile_or_foreign_input_is_refused_with_a_clear_error_and_nothing_written(data, message):
    before = (IatiActivity.objects.count(), FundingFlow.objects.count(), IatiActivity.history.count())
    with pytest.raises(importer.ImportRefused, match=re.escape(message)):
        run(data)
    assert (IatiActivity.objects.count(), FundingFlow.objects.count(), IatiActivity.history.count()) == before


def test_an_activity_with_a_problem_is_reported_and_the_valid_one_imported():
    broken = ACTIVITY.replace("XM-TEST-1", "XM-TEST-3").replace("<value value-date=\"2024-01-10\">{amount}",
                                                                  "<value value-date=\"2024-01-10\">lots")
    report = run(document(broken.format(title="T", amount="1"), ACTIVITY.format(title="T", amount="1")))
    assert (report.counts["created"], report.counts["invalid"]) == (1, 1)
    # XM-TEST-1 names its countries for the activity and EC in a transaction, which IATI 2.03 forbids: imported,
    # and said (docs/exchange.md, "Mapping").
    assert report.problems == [{"source": "test.xml", "identifier": "XM-TEST-3", "line": 1,
                                "message": "transaction at line 11: value 'lots' is not a number",
                                "template": "transaction at line %(line)s: value %(value)r is not a number",
                                "params": {"line": 11, "value": "lots"}},
                               {"source": "test.xml", "identifier": "XM-TEST-1", "line": 19,
                                "message": "transaction at line 31: recipient-country or recipient-region given for "
                                           "the activity and for its transactions (IATI 2.03: one or the other); "
                                           "imported, each transaction's own place used",
                                "template": said.PLACES_AT_BOTH_LEVELS, "params": {"line": 31}}]
    assert not IatiActivity.objects.filter(identifier="XM-TEST-3").exists()


@needs_shared
def test_the_command_prints_the_report_as_json_and_fails_on_a_refused_file(tmp_path):
    out = io.StringIO()
    call_command("import", "iati", str(SHARED / "activities" / "usaid-uy.xml"), "--format", "json",
                 "--schema", str(SHARED / "schema"), stdout=out)
    assert json.loads(out.getvalue())["counts"] == {"read": 1, "created": 1, "updated": 0, "unchanged": 0,
                                                     "skipped": 0, "invalid": 0}
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"not xml")
    with pytest.raises(CommandError, match=r"bad\.xml: not well-formed XML"):
        call_command("import", "iati", str(bad), stdout=io.StringIO())


def test_a_value_with_more_digits_than_kept_is_reported_not_rounded():
    too_precise = ACTIVITY.format(title="T", amount="1.1234567890123")
    report = run(document(too_precise))
    assert report.counts["invalid"] == 1
    assert report.problems[0]["message"] == ("transaction at line 11: value '1.1234567890123' has more digits than "
                                             "Minga keeps")


LOCATED = """<iati-activity default-currency="USD">
  <iati-identifier>XM-TEST-LOC</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>
  <title><narrative xml:lang="en">Located</narrative></title>
  <recipient-country code="EC" percentage="100"/>
  <location ref="cucuta"><name><narrative>Cúcuta</narrative></name><point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>7.8939 -72.5078</pos></point></location>
  <location ref="tulcan"><name><narrative>Tulcán</narrative></name><point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>0.8117 -77.7173</pos></point></location>
  <location ref="madrid"><name><narrative>Madrid</narrative></name><point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>40.4168 -3.7038</pos></point></location>
  <location ref="unplaced"><name><narrative>Somewhere</narrative></name></location>
</iati-activity>"""


def test_location_points_are_placed_in_the_subdivision_holding_them_and_a_second_import_changes_nothing():
    assert run(document(LOCATED)).counts["created"] == 1
    activity = IatiActivity.objects.get(identifier="XM-TEST-LOC")
    # Cúcuta is outside the activity's own country (Ecuador): the other boundaries Minga keeps are tried next.
    assert [(location["ref"], location["subdivision"]) for location in activity.data["locations"]] == [
        ("cucuta", "CO-NSA"), ("tulcan", "EC-C"), ("madrid", None), ("unplaced", None)]
    again = run(document(LOCATED))
    assert (again.counts["unchanged"], again.counts["updated"]) == (1, 0)
