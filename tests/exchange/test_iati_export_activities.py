"""``minga export iati-activities``: the imported activities and their flows as IATI 2.03 XML that validates,
and that an import into an empty database turns back into the same funding answers."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from lxml import etree

from minga.exchange.iati import activity_export, importer, stream
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.selectors.report import report_rows
from minga.finance.tracking import FlowShare, FundingFlow, SourceKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the reports' and histories' sentences are compared in English
        yield

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati"
needs_shared = pytest.mark.skipif(not (SHARED / "schema").is_dir(),
                                  reason="../shared/data/iati is not beside the repository")
FILES = ("usaid-ve.xml", "usaid-489.xml", "dportal-foodsecurity.xml", "iati-standard-example-annotated.xml")


def answers(user):
    return {by: report_rows(user, by=by) for by in ("country", "donor", "theme", "year")}


def transactions():
    return sorted(IatiTransaction.objects.values_list("activity__identifier", "position", "transaction_type",
                                                      "value", "currency", "value_date"))


def empty_imports():
    IatiTransaction.objects.all().delete()
    flows = FundingFlow.all_objects.filter(source_kind=SourceKind.IATI)
    FlowShare.objects.filter(flow__in=flows).delete()
    flows.delete()
    IatiActivity.all_objects.all().delete()


@needs_shared
def test_the_export_validates_and_reimported_gives_the_same_funding_answers(users, tmp_path):
    schema = stream.load_schema(SHARED / "schema")
    for name in FILES:
        importer.import_source(SHARED / "activities" / name, name=name, schema=schema)
    before, stored = answers(users["secretariat"]), transactions()
    assert sum(Decimal(row["funding_usd"]) for row in before["year"]) > 0
    count = IatiActivity.objects.count()
    output = tmp_path / "activities.xml"
    out = io.StringIO()
    call_command("export", "iati-activities", "--output", str(output), "--language", "en", stdout=out,
                 stderr=io.StringIO())
    assert out.getvalue().strip() == f"{count} IATI activities written to {output}"
    assert schema.validate(etree.parse(str(output))), schema.error_log

    empty_imports()
    assert answers(users["secretariat"]) != before
    report = importer.import_source(output, name="export.xml", schema=schema)
    assert (report.counts["created"], report.counts["invalid"]) == (count, 0)
    assert transactions() == stored
    assert answers(users["secretariat"]) == before


def test_an_activity_without_what_the_schema_requires_is_left_out_and_named():
    data = (b'<iati-activities version="2.03"><iati-activity default-currency="USD"><iati-identifier>XM-X-1'
            b'</iati-identifier><reporting-org ref="XM-DAC-7" type="10"><narrative>D</narrative></reporting-org>'
            b"<title><narrative>T</narrative></title></iati-activity></iati-activities>")
    importer.import_source(io.BytesIO(data), name="x.xml")
    document = activity_export.build()
    assert (document.activities, document.skipped) == (
        0, [("XM-X-1", "no participating-org, activity-status, activity-date")])
