"""Exports of the portfolio: IATI 2.03 XML (valid, public only), CSV with HXL hashtags, XLSX; the views."""

import codecs
import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from openpyxl import load_workbook

from minga.exchange import hxl, xlsx
from minga.exchange.iati import activities
from minga.exchange.iati.codelists import XML_LANG, safe_parser
from minga.portfolio import selectors, services
from minga.portfolio.models import Project
from minga.reference.models import Marker, Organisation, Term

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "schema"
needs_schema = pytest.mark.skipif(not (SCHEMA_DIR / "iati-activities-schema.xsd").is_file(),
                                  reason="../shared/data/iati/schema is not beside the repository")
SITE = "https://minga.example.org"


@pytest.fixture(scope="module")
def schema():
    return activities.load_schema(SCHEMA_DIR)


def code_of(key: str) -> str:
    return Project.all_objects.get(load_key=f"project:{key}").code


@pytest.fixture
def codes(db) -> dict[str, str]:
    keys = ["cucuta-reception", "lima-kit", "carchi-integration", "roraima-interiorization", "narrative-draft"]
    return {key: code_of(key) for key in keys}


def by_identifier(root, prefix="XM-QUITO-PROCESS") -> dict[str, etree._Element]:
    return {activity.findtext("iati-identifier").removeprefix(prefix + "-"): activity
            for activity in root.iterfind("iati-activity")}


def parse(content: bytes) -> etree._Element:
    return etree.fromstring(content, safe_parser())


def publish_regional_project_in_ves(users) -> Project:
    """A regional project whose budget is in a currency no rate table has: it cannot be converted."""
    secretariat = users["secretariat"]
    data = {
        "title_en": "Regional mobility information card", "summary_es": "Tarjeta regional de información de movilidad.",
        "proposing_organisation": Organisation.objects.get(load_key="organisation:gov-ecu"), "is_regional": True,
        "planned_start": date(2026, 6, 1), "planned_end": date(2027, 5, 31),
        "budget_amount": Decimal("1000000"), "budget_currency": "VES", "budget_value_date": date(2026, 6, 1),
        "requested_amount": Decimal("500000"), "people_total": 100, "people_with_disabilities": None,
        "locations": [],
        "themes": [{"term": Term.objects.get(vocabulary_id="quito-axes", code="regularization"),
                    "percentage": Decimal(100)}],
        "markers": [{"marker": marker, "significance": 0} for marker in Marker.objects.all()],
        "people": [], "budget_years": [{"year": 2026, "amount": Decimal("400000")},
                                       {"year": 2027, "amount": Decimal("600000")}],
        "funding": [], "participants": [],
    }
    project = services.project_create(user=secretariat, data=data)
    for target in ("submitted", "under_review", "published"):
        project = services.project_transition(project=project, user=secretariat, to_status=target,
                                              expected_version=project.version)
    return project


# --- IATI ------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
@needs_schema
def test_iati_export_of_the_demo_portfolio_is_valid_and_holds_the_three_public_projects(schema, codes):
    document = activities.activities_document(selectors.public_projects(), site_url=SITE)

    assert activities.schema_errors(document, schema) == []
    assert document.activities == 3 and document.skipped == []
    root = parse(document.to_bytes())
    assert root.get("version") == "2.03"
    found = by_identifier(root)
    assert set(found) == {codes["cucuta-reception"], codes["lima-kit"], codes["carchi-integration"]}
    assert {activity.find("activity-status").get("code") for activity in found.values()} == {"1", "2"}

    cucuta = found[codes["cucuta-reception"]]
    reporting = cucuta.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type"), reporting.get("secondary-reporter")) == (
        "XM-QUITO-PROCESS", "40", "1")
    assert [(n.get(XML_LANG), n.text) for n in cucuta.find("title")] == [
        ("es", "Centros de recepción y primera respuesta para mujeres, niñas y adolescentes en Norte de Santander"),
        ("en", "Reception and first-response centres for women, girls and adolescents in Norte de Santander")]
    assert [n.get(XML_LANG) for n in cucuta.find("description")] == ["es", "pt"]
    assert cucuta.find("activity-status").get("code") == "1"
    assert [(d.get("type"), d.get("iso-date")) for d in cucuta.iterfind("activity-date")] == [
        ("1", "2026-03-01"), ("3", "2027-12-31")]
    assert cucuta.find("activity-scope").get("code") == "5"
    assert [(c.get("code"), c.get("percentage")) for c in cucuta.iterfind("recipient-country")] == [("CO", "100")]
    assert cucuta.find("recipient-region") is None
    assert [(loc.get("ref"), loc.findtext("name/narrative"), loc.find("feature-designation").get("code"),
             loc.find("administrative").get("vocabulary"), loc.find("administrative").get("code"))
            for loc in cucuta.iterfind("location")] == [
        ("CO-ARA", "Arauca", "ADM1", "A4", "CO"), ("CO-NSA", "Norte de Santander", "ADM1", "A4", "CO"),
        ("CO54001", "San José de Cúcuta", "ADM2", "A4", "CO")]
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in cucuta.iterfind("sector")] == [
        ("1", "15190", "100"), ("99", "reception-centres", "60"), ("99", "gender-equity", "40"),
        ("98", "women-access-to-rights", "100")]
    axis = cucuta.find("sector[@vocabulary='99']")
    assert axis.get("vocabulary-uri") == f"{SITE}/taxonomies/#vocabulary-quito-axes"
    assert {n.get(XML_LANG) for n in axis} == {"es", "pt", "en"}
    assert [(t.get("vocabulary"), t.get("code")) for t in cucuta.iterfind("tag")] == [("3", "5.2"), ("3", "10.7")]
    gender = cucuta.find("policy-marker[@vocabulary='1']")
    assert (gender.get("code"), gender.get("significance"), len(gender)) == ("1", "2", 0)
    assert [(p.get("code"), p.get("significance")) for p in cucuta.iterfind("policy-marker[@vocabulary='99']")] == [
        ("territorial", "2"), ("best-interests-of-the-child", "1"), ("human-rights", "1")]
    assert [(b.get("type"), b.get("status"), b.find("period-start").get("iso-date"),
             b.find("period-end").get("iso-date"), b.find("value").text, b.find("value").get("currency"),
             b.find("value").get("value-date")) for b in cucuta.iterfind("budget")] == [
        ("1", "1", "2026-03-01", "2026-12-31", "3600000000.00", "COP", "2026-03-01"),
        ("1", "1", "2027-01-01", "2027-12-31", "2400000000.00", "COP", "2026-03-01")]
    assert cucuta.find("transaction") is None
    assert cucuta.find("document-link").get("url") == f"{SITE}/projects/{codes['cucuta-reception']}/"

    carchi = found[codes["carchi-integration"]]
    assert carchi.find("activity-status").get("code") == "2"
    assert [d.get("type") for d in carchi.iterfind("activity-date")] == ["1", "2", "3"]
    assert [(o.get("role"), o.get("type"), o.get("ref"), o.findtext("narrative"))
            for o in carchi.iterfind("participating-org")] == [
        ("2", "11", None, "GAD Municipal de Tulcán"), ("1", "10", "XM-DAC-301-2", "Global Affairs Canada")]
    lima = found[codes["lima-kit"]]
    assert [(loc.get("ref")) for loc in lima.iterfind("location")] == ["PE-LMA", "PE-TUM"]
    assert lima.find("participating-org").get("type") == "10"


@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
@needs_schema
def test_sector_percentages_total_100_in_each_vocabulary(codes):
    root = activities.activities_document(selectors.public_projects()).root
    exported = list(root.iterfind("iati-activity"))
    assert len(exported) == 3
    for activity in exported:
        totals = {}
        for sector in activity.iterfind("sector"):
            vocabulary = sector.get("vocabulary")
            totals[vocabulary] = totals.get(vocabulary, Decimal(0)) + Decimal(sector.get("percentage"))
        assert set(totals.values()) == {Decimal(100)}, activity.findtext("iati-identifier")


@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
@needs_schema
def test_a_regional_completed_project_gets_a_region_closed_status_and_actual_dates(schema, users, codes):
    regional = publish_regional_project_in_ves(users)
    carchi = Project.objects.get(code=codes["carchi-integration"])
    services.project_transition(project=carchi, user=users["secretariat"], to_status="completed",
                                expected_version=carchi.version)

    document = activities.activities_document(selectors.public_projects())

    assert activities.schema_errors(document, schema) == []
    assert document.activities == 4
    found = by_identifier(document.root)
    region = found[regional.code]
    assert region.find("recipient-country") is None
    assert [(r.get("code"), r.get("vocabulary"), r.get("percentage")) for r in region.iterfind("recipient-region")] == [
        ("498", "1", "100")]
    assert region.find("activity-scope").get("code") == "2"
    assert region.get("default-currency") == "VES"
    assert region.find("sector[@vocabulary='99']").get("vocabulary-uri") is None  # no site address given
    closed = found[codes["carchi-integration"]]
    assert closed.find("activity-status").get("code") == "4"
    today = timezone.localdate().isoformat()
    assert [(d.get("type"), d.get("iso-date")) for d in closed.iterfind("activity-date")][-1] == ("4", today)


@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
def test_iati_identifier_takes_the_configured_publisher_prefix(settings, codes):
    settings.MINGA_IATI_PUBLISHER_REF = "XI-IATI-QPTS"
    root = activities.activities_document(selectors.public_projects()).root
    assert sorted(a.findtext("iati-identifier") for a in root.iterfind("iati-activity")) == sorted(
        f"XI-IATI-QPTS-{codes[key]}" for key in ("cucuta-reception", "lima-kit", "carchi-integration"))
    assert {a.find("reporting-org").get("ref") for a in root.iterfind("iati-activity")} == {"XI-IATI-QPTS"}


@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
def test_iati_never_holds_drafts_or_projects_under_review_even_for_the_secretariat(client_as, users, codes):
    response = client_as(users["secretariat"]).get(reverse("exchange:project_export", kwargs={"format": "iati"}))
    assert response.status_code == 200
    found = by_identifier(parse(response.content))
    assert set(found) == {codes["cucuta-reception"], codes["lima-kit"], codes["carchi-integration"]}
    assert codes["narrative-draft"].encode() not in response.content
    assert codes["roraima-interiorization"].encode() not in response.content

    asked_for_drafts = client_as(users["focal_col"]).get(
        reverse("exchange:project_export", kwargs={"format": "iati"}), {"status": "draft"}, HTTP_ACCEPT_LANGUAGE="en")
    assert asked_for_drafts.status_code == 404
    assert asked_for_drafts.content.decode() == (
        "No published project matches these filters, and an IATI file must hold at least one.")


@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
def test_iati_view_follows_the_catalogue_filters(client, codes):
    response = client.get(reverse("exchange:project_export", kwargs={"format": "iati"}), {"subdivision": "CO-NSA"})
    root = parse(response.content)
    assert list(by_identifier(root)) == [codes["cucuta-reception"]]
    # The links and vocabulary URIs use the address the request came to.
    assert root.find("iati-activity/document-link").get("url") == (
        f"http://testserver/projects/{codes['cucuta-reception']}/")


# --- CSV with HXL ----------------------------------------------------------------------------------

def read_csv(text: str) -> tuple[list[str], list[str], list[dict]]:
    """The download's text (its byte-order mark: ``minga.common.hxl.csv_bytes``) or ``projects_csv``'s."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    headers, tags = rows[0], rows[1]
    return headers, tags, [dict(zip(tags, row, strict=True)) for row in rows[2:]]


def test_csv_has_headers_hashtags_and_one_row_per_project_and_territory(codes):
    text = hxl.projects_csv(selectors.projects_search(None, selectors.ProjectFilters(sort="code")))
    headers, tags, rows = read_csv(text)

    assert headers[:6] == ["Code", "Title", "Language of the title", "Summary", "Language of the summary", "Status"]
    assert len(headers) == len(tags)
    for tag in ("#activity+code", "#activity+title", "#org+name+proposer", "#country+code", "#adm1+code",
                "#sector+code", "#status+name", "#date+start", "#date+end", "#value+budget+usd",
                "#value+requested+usd", "#value+secured+usd", "#value+gap+usd", "#targeted+total", "#meta+note"):
        assert tags.count(tag) == 1, tag
    assert [(row["#activity+code"], row["#country+code"], row["#adm1+code"]) for row in rows] == sorted([
        (codes["cucuta-reception"], "COL", "CO-ARA"), (codes["cucuta-reception"], "COL", "CO-NSA"),
        (codes["carchi-integration"], "ECU", "EC-C"),
        (codes["lima-kit"], "PER", "PE-LMA"), (codes["lima-kit"], "PER", "PE-TUM")])

    arauca, norte = [row for row in rows if row["#activity+code"] == codes["cucuta-reception"]]
    assert (arauca["#meta+share+country+pct"], arauca["#meta+share+adm1+pct"], arauca["#adm2+code"]) == (
        "100.00", "30.00", "")
    assert (norte["#adm1+name"], norte["#meta+share+adm1+pct"], norte["#adm2+code"], norte["#adm2+name"]) == (
        "Norte de Santander", "70.00", "CO54001", "San José de Cúcuta")
    assert norte["#activity+title"].startswith("Reception and first-response centres")
    assert (norte["#activity+description"][:30], norte["#meta+description+lang"]) == (
        "Dos centros de orientación y r", "es")  # no English summary: Spanish, and the row says so
    assert norte["#sector+code"] == "reception-centres|gender-equity"
    assert (norte["#status+name"], norte["#status+code"]) == ("Published", "published")
    assert (norte["#date+start"], norte["#date+end"]) == ("2026-03-01", "2027-12-31")
    assert (norte["#currency"], norte["#value+budget"], norte["#value+requested"]) == (
        "COP", "6000000000.00", "4800000000.00")
    assert (norte["#value+budget+usd"], norte["#value+requested+usd"], norte["#value+secured+usd"],
            norte["#value+gap+usd"], norte["#meta+note"]) == ("1500000.00", "1200000.00", "0.00", "1200000.00", "")
    assert (norte["#targeted+total"], norte["#targeted+refugees_migrants"], norte["#targeted+f+adults"]) == (
        "4200", "3000", "2100")
    assert norte["#indicator+marker+gender"] == "2"
    assert norte["#meta+illustrative"] == "1"

    carchi = next(row for row in rows if row["#activity+code"] == codes["carchi-integration"])
    assert (carchi["#org+name+funder"], carchi["#value+secured+usd"]) == ("Global Affairs Canada", "287687.17")


def test_csv_leaves_unconverted_usd_empty_and_says_not_converted(users):
    regional = publish_regional_project_in_ves(users)
    text = hxl.projects_csv(selectors.projects_search(None, selectors.ProjectFilters()))
    _, _, rows = read_csv(text)
    row = next(row for row in rows if row["#activity+code"] == regional.code)
    assert (row["#country+code"], row["#adm1+code"], row["#meta+regional"]) == ("", "", "1")
    assert (row["#value+budget"], row["#currency"], row["#value+budget+usd"], row["#value+requested+usd"],
            row["#value+gap+usd"]) == ("1000000.00", "VES", "", "", "")
    assert row["#meta+note"] == "not converted"
    assert row["#meta+conversion"].startswith("budget not converted: no rate for VES")


@pytest.mark.parametrize("who, draft_expected", [("anonymous", False), ("focal_col", True), ("focal_per", False),
                                                 ("secretariat", True)])
def test_csv_view_follows_the_catalogue_visibility(client_as, users, codes, who, draft_expected):
    response = client_as(users[who]).get(reverse("exchange:project_export", kwargs={"format": "csv"}))
    assert response.status_code == 200
    assert response.content.startswith(codecs.BOM_UTF8)
    _, _, rows = read_csv(response.content.decode("utf-8"))
    exported = {row["#activity+code"] for row in rows}
    visible = set(selectors.projects_search(users[who], selectors.ProjectFilters()).values_list("code", flat=True))
    assert visible and exported == visible
    assert (codes["narrative-draft"] in exported) is draft_expected


def test_csv_view_applies_the_catalogue_filters(client, codes):
    response = client.get(reverse("exchange:project_export", kwargs={"format": "csv"}), {"country": "PER"})
    assert response.content.startswith(codecs.BOM_UTF8)
    _, _, rows = read_csv(response.content.decode("utf-8"))
    assert [(row["#activity+code"], row["#adm1+code"]) for row in rows] == [
        (codes["lima-kit"], "PE-LMA"), (codes["lima-kit"], "PE-TUM")]


# --- XLSX ------------------------------------------------------------------------------------------

def test_xlsx_has_typed_cells_a_frozen_filtered_header_and_an_about_sheet(codes):
    filters = selectors.ProjectFilters(country=["COL", "ECU"], status=["published", "in_implementation"])
    exported_at = timezone.make_aware(datetime(2026, 11, 28, 9, 30))
    content = xlsx.projects_xlsx(selectors.projects_search(None, filters), filters=filters,
                                 audience=xlsx.audience_of(None), exported_at=exported_at)
    workbook = load_workbook(io.BytesIO(content))

    assert workbook.sheetnames == ["Projects", "About"]
    sheet = workbook["Projects"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Code", "Title", "Language of the title"]
    assert sheet.freeze_panes == "B2"
    assert sheet.max_row == 3
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=len(header)).column_letter}3"
    rows = {row[0].value: {header[i]: cell for i, cell in enumerate(row)} for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {codes["cucuta-reception"], codes["carchi-integration"]}

    cucuta = rows[codes["cucuta-reception"]]
    assert cucuta["Countries (share)"].value == "Colombia (100%)"
    assert cucuta["Subdivision codes (ISO 3166-2)"].value == "CO-ARA, CO-NSA"
    assert cucuta["Subdivisions (share)"].value == "Arauca (30%); Norte de Santander (70%)"
    assert cucuta["Municipalities (share)"].value == "San José de Cúcuta (100%)"
    assert cucuta["Planned start"].value == datetime(2026, 3, 1)
    assert cucuta["Planned start"].is_date
    assert cucuta["Total budget"].value == 6000000000
    assert cucuta["Total budget (USD)"].value == 1500000
    assert cucuta["Total budget (USD)"].number_format == xlsx.USD_FORMAT
    assert cucuta["Funding gap (USD)"].value == 1200000
    assert cucuta["People served"].value == 4200
    assert cucuta["Regional"].value is False
    assert cucuta["Note"].value is None
    carchi = rows[codes["carchi-integration"]]
    assert carchi["Secured (USD)"].value == pytest.approx(287687.17)
    assert carchi["Status"].value == "In implementation"

    about = {row[0]: row[1:] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["Exported at"][0] == datetime(2026, 11, 28, 9, 30)
    assert about["Exported at"][1] == "America/Panama"
    assert about["Projects"][0] == 2
    assert about["Visible to"][0] == "the public (not signed in)"
    assert about["Country"][0] == "COL, ECU"
    assert about["Status"][0] == "Published, In implementation"
    notes = [row[1] for row in workbook["About"].iter_rows(values_only=True) if not row[0] and row[1]]
    assert any(note.startswith("“not converted”: an amount is in a currency with no exchange rate") for note in notes)
    assert "Exchange rates for COP: Minga: Demonstration data: illustrative, not a real figure" in notes
    assert "Exchange rates for CAD: European Central Bank reference rates" in notes


def test_xlsx_view_is_reachable_anonymously_with_a_dated_file_name(client, codes):
    response = client.get(reverse("exchange:project_export", kwargs={"format": "xlsx"}), {"q": "Carchi"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="minga-projects-{day}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Projects"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [codes["carchi-integration"]]


@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
def test_export_views_name_their_files_and_types(client):
    day = timezone.localdate().isoformat()
    csv_response = client.get("/projects/export.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == f'attachment; filename="minga-projects-{day}.csv"'
    iati_response = client.get("/projects/export.iati")
    assert iati_response["Content-Type"] == "application/xml; charset=utf-8"
    assert iati_response["Content-Disposition"] == f'attachment; filename="minga-projects-iati-{day}.xml"'
    assert client.get("/projects/export.pdf").status_code == 404
    assert client.post("/projects/export.csv").status_code == 405
