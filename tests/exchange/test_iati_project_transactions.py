"""The IATI export of the portfolio (``minga export iati``, ``/projects/export.iati``) writes the flows entered on
the platform for each public project as its transactions: only those the public sees, never an imported one; an
import of the file turns them back into the same flows; the platform's own file imported into itself is skipped,
or its money would be counted twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from minga.exchange.iati import activities, importer
from minga.finance.tracking import FollowUp, FundingFlow, SourceKind
from minga.portfolio import selectors
from minga.portfolio.models import Project
from tests.exchange.test_project_exports import SCHEMA_DIR, by_identifier, needs_schema

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

OTHER_PUBLISHER = "XI-EXAMPLE-MINGA"  # another platform's export, as this one imports it


def project(key: str) -> Project:
    return Project.all_objects.get(load_key=f"project:{key}")


def demo_flow(project_key: str) -> FundingFlow:
    return FundingFlow.all_objects.get(project=project(project_key))


def copy_of(flow: FundingFlow, **changes) -> FundingFlow:
    copy = FundingFlow.all_objects.get(pk=flow.pk)
    copy.pk = copy.id = copy.load_key = None
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def transactions(activity) -> list[tuple]:
    return [(item.get("ref"), item.get("humanitarian"), item.find("transaction-type").get("code"),
             item.find("transaction-date").get("iso-date"), item.findtext("value"), item.find("value").get("currency"),
             item.find("value").get("value-date"),
             [(party.get("ref"), party.get("type"), party.findtext("narrative"))
              for party in (item.find("provider-org"), item.find("receiver-org"))],
             item.findtext("description/narrative"))
            for item in activity.iterfind("transaction")]


@pytest.fixture
def real_demo(demo_as_real):
    """The demo's projects, organisations and flows as if they were real."""
    FundingFlow.all_objects.filter(is_illustrative=True).update(is_illustrative=False)


@needs_schema
@pytest.mark.usefixtures("real_demo")
def test_a_public_projects_flows_entered_on_the_platform_are_its_transactions_and_only_those():
    cucuta, lima = demo_flow("cucuta-reception"), demo_flow("lima-kit")
    # Beside them: a draft, a deleted flow, an imported one; none is written.
    copy_of(cucuta, status=FollowUp.DRAFT, is_public=False, commitment=None)
    copy_of(cucuta, deleted_at=timezone.now(), commitment=None)
    copy_of(lima, source_kind=SourceKind.IATI, reference="XM-OTHER-1#1")
    commitment = copy_of(lima, stage="commitment", value_date=date(2023, 12, 1), amount=Decimal("7500000.50"))

    document = activities.activities_document(selectors.public_projects())

    assert activities.schema_errors(document, activities.load_schema(SCHEMA_DIR)) == []
    written = by_identifier(document.root)
    assert transactions(written[project("cucuta-reception").code]) == [
        (f"flow-{cucuta.pk}", "1", "3", "2023-09-15", "8000000.00", "CAD", "2023-09-15",
         [(None, "10", "Government of Canada"),
          ("XM-DAC-41121", "40", "Office of the United Nations High Commissioner for Refugees")], None)]
    assert transactions(written[project("lima-kit").code]) == [
        (f"flow-{commitment.pk}", "0", "2", "2023-12-01", "7500000.50", "CAD", "2023-12-01",
         [(None, "10", "Government of Canada"), ("XM-DAC-47066", "40", "International Organization for Migration")],
         None),
        (f"flow-{lima.pk}", "0", "3", "2024-02-01", "5000000.00", "CAD", "2024-02-01",
         [(None, "10", "Government of Canada"), ("XM-DAC-47066", "40", "International Organization for Migration")],
         None)]
    assert written[project("carchi-integration").code].find("transaction") is None  # no flow funds it
    # In the schema's order: after the budgets, before the document link.
    tags = [child.tag for child in written[project("lima-kit").code]]
    assert tags.index("transaction") > max(index for index, tag in enumerate(tags) if tag == "budget")


@pytest.mark.usefixtures("demo_as_real")
def test_an_illustrative_flow_is_left_out_of_a_real_project_unless_asked_and_then_marked():
    lima = project("lima-kit")
    assert demo_flow("lima-kit").is_illustrative

    assert by_identifier(activities.activities_document(selectors.public_projects()).root)[lima.code].find("transaction") is None
    marked = by_identifier(activities.activities_document(selectors.public_projects(), include_illustrative=True).root)[lima.code]
    assert [row[-2:] for row in transactions(marked)] == [
        ([(None, "10", "[ILUSTRATIVO — no es un flujo de dinero real] Government of Canada"),
          ("XM-DAC-47066", "40", "[ILUSTRATIVO — no es un flujo de dinero real] International Organization for "
                                 "Migration")],
         "[ILUSTRATIVO — no es un flujo de dinero real]")]


def flows(queryset) -> list[tuple]:
    return sorted(queryset.values_list("stage", "amount", "currency", "amount_usd", "value_date", "provider__name",
                                       "receiver__name", "is_humanitarian", "country_id"))


@needs_schema
@pytest.mark.usefixtures("real_demo")
def test_imported_by_another_platform_the_transactions_are_the_same_flows(tmp_path):
    exported = FundingFlow.objects.filter(project__isnull=False)
    assert exported.count() == 2
    path = tmp_path / "portfolio.xml"
    path.write_bytes(activities.activities_document(selectors.public_projects(), prefix=OTHER_PUBLISHER).to_bytes())

    report = importer.import_source(path, name="portfolio.xml", schema=importer.stream.load_schema(SCHEMA_DIR))

    assert (report.counts["created"], report.counts["invalid"], report.flows) == (3, 0, 2)
    assert flows(FundingFlow.all_objects.filter(source_kind=SourceKind.IATI)) == flows(exported) == [
        ("disbursement", Decimal("5000000.00"), "CAD", exported.get(country_id="PER").amount_usd, date(2024, 2, 1),
         "Government of Canada", "International Organization for Migration", False, "PER"),
        ("disbursement", Decimal("8000000.00"), "CAD", exported.get(country_id="COL").amount_usd, date(2023, 9, 15),
         "Government of Canada", "Office of the United Nations High Commissioner for Refugees", True, "COL")]


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.usefixtures("real_demo")
def test_the_platforms_own_export_imported_into_it_is_skipped_and_said(tmp_path, strict):
    path = tmp_path / "portfolio.xml"
    path.write_bytes(activities.activities_document(selectors.public_projects()).to_bytes())

    report = importer.import_source(path, name="portfolio.xml", strict=strict)

    assert {key: count for key, count in report.counts.items() if count} == {"read": 3, "skipped": 3}
    assert [(row["source"], row["message"]) for row in report.problems] == [
        ("portfolio.xml", "activities reported by this platform itself (XM-QUITO-PROCESS) skipped: 3; their projects "
                          "and flows are already here")]
    assert not FundingFlow.all_objects.filter(source_kind=SourceKind.IATI).exists()
