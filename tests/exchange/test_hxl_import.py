"""HXL tables in: the files of ../shared/data/hxl import through the preview (nothing written before the
confirmation; then all accepted rows at once), with expectations computed here from the CSV itself."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from minga.exchange.fts_models import FtsFlow
from minga.exchange.hxl_import import apply, preview
from minga.finance import services as finance
from minga.finance.selectors.report import report_rows
from minga.finance.tracking import FundingFlow, Requirement
from minga.reference.models import Country, Organisation, PopulationFigure, Source

HXL = Path(__file__).resolve().parents[3] / "shared" / "data" / "hxl"
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not HXL.is_dir(), reason="../shared/data/hxl is not beside the repository")]
SECTORS = {"Education": "education", "Food Security Sector": "food-security", "Protection": "protection",
           "Shelter/NFIs": "shelter", "WASH": "wash"}


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _rows(name):
    """(line, row by header) of a shared HXL CSV: line 1 the headers, line 2 the hashtags."""
    reader = csv.DictReader(io.StringIO((HXL / name).read_text(encoding="utf-8")))
    return [(line, row) for line, row in enumerate(reader, start=2) if line > 2]


def test_the_global_requirements_import_through_the_preview(users):
    result = preview(HXL / "fts_requirements_funding_global.csv")
    expected = {(row["code"], int(row["year"]), row["countryCode"], Decimal(row["requirements"]))
                for _line, row in _rows("fts_requirements_funding_global.csv") if row["requirements"]}
    assert (result.kind, result.problem) == ("requirements", "")
    assert [r.line for r in result.rejected] == [line for line, row in _rows("fts_requirements_funding_global.csv")
                                                  if not row["requirements"]]
    assert {r.reason for r in result.rejected} == {"requirement is empty or not above zero"}
    assert ("requirements", "#value+funding+required+usd", "requirement (US$)") in result.mapping
    assert not Requirement.objects.filter(plan__in=[code for code, *_ in expected]).exists()  # nothing yet
    assert apply(result, user=users["secretariat"]) == {"created": len(expected), "updated": 0, "unchanged": 0}
    stored = Requirement.objects.filter(plan__in=[code for code, *_ in expected])
    assert {(r.plan, r.year, r.country_id, r.amount) for r in stored} == expected
    assert apply(preview(HXL / "fts_requirements_funding_global.csv"), user=users["secretariat"]) == {
        "created": 0, "updated": 0, "unchanged": len(expected)}


def test_cluster_requirements_keep_their_rmrp_sector_and_refuse_the_others(users):
    rows = _rows("fts_requirements_funding_cluster_pse.csv")
    result = preview(HXL / "fts_requirements_funding_cluster_pse.csv")
    base = {line: row["cluster"].removesuffix(" COVID-19") for line, row in rows}
    accepted = [line for line, row in rows if row["requirements"] and base[line] in SECTORS]
    assert [line for line, _values in result.accepted] == accepted
    assert [(r.line, r.reason) for r in result.rejected] == [
        (line, f"cluster {row['cluster']!r} is not an RMRP sector of Minga" if row["requirements"]
         else "requirement is empty or not above zero") for line, row in rows if line not in accepted]
    apply(result, user=users["secretariat"])
    stored = Requirement.objects.filter(load_key__startswith="fts-plan-832-2020-cluster-")
    assert sorted((r.sector.code, r.amount) for r in stored) == sorted(
        (SECTORS[base[line]], Decimal(row["requirements"])) for line, row in rows if line in accepted)
    assert {r.country_id for r in stored} == {"PSE"}


def test_funding_flows_import_with_ftss_rule(users):
    rows = _rows("fts_incoming_funding_pse.csv")
    result = preview(HXL / "fts_incoming_funding_pse.csv")
    assert result.kind == "flows"
    positive = [line for line, row in rows if row["amountUSD"] and Decimal(row["amountUSD"]) > 0]
    assert [line for line, _flow in result.accepted] == positive
    assert {r.reason for r in result.rejected} <= {"amount is empty or not above zero"}
    before = FundingFlow.objects.count()
    counts = apply(result, user=users["secretariat"])
    assert counts["created"] == len(positive)
    expected = sum((Decimal(row["amountUSD"]) for _line, row in rows
                    if row["boundary"] == "incoming" and row["onBoundary"] == "single"
                    and row["status"] in ("commitment", "paid") and row["destLocations"] == "PSE"), Decimal(0))
    pse = next(row for row in report_rows(None, by="country") if row["key"] == "PSE")
    assert pse["funding_usd"] == f"{expected:.2f}"
    assert FundingFlow.objects.count() - before == sum(1 for line, row in rows
                                                       if line in positive and row["status"] != "pledge")


def test_population_figures_from_a_table_with_a_hashtag_row(users, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("País,Fecha,Personas refugiadas\n#country+code,#date,#affected+refugees\n"
                    "COL,2024-06-30,2860000\nPER,2024-06-30,1540000\nXXX,2024-06-30,5\nECU,someday,10\n",
                    encoding="utf-8")
    result = preview(path)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (5, "country 'XXX' is not an ISO 3166 alpha-3 code"), (6, "date 'someday' is not a date")]
    assert apply(result, user=users["secretariat"]) == {"created": 2, "updated": 0, "unchanged": 0}
    figures = PopulationFigure.objects.filter(source__title="people.csv")
    assert sorted((f.country_id, f.group, f.value, f.is_published) for f in figures) == [
        ("COL", "refugees_migrants", 2860000, False), ("PER", "refugees_migrants", 1540000, False)]


def test_an_r4v_table_of_refugees_and_migrants_imports_citing_each_rows_source(users, tmp_path):
    """R4V and Minga's own pages tag the count #affected+refugees+migrants and its date #date+reported: the
    table was refused as holding nothing Minga reads. A row's #meta+source+url (or a source column holding an
    address) is its figure's source, found by its address or recorded; a row naming none cites the table."""
    path = tmp_path / "r4v.csv"
    path.write_text("Country,People,As of,Source\n#country+code,#affected+refugees+migrants,#date+reported,"
                    "#meta+source+url\nCOL,2860000,2024-06-30,https://www.r4v.info/es/refugiadosymigrantes\n"
                    "PER,1540000,2024-06-30,\nECU,440000,2024-06-30,r4v.info\n", encoding="utf-8")
    result = preview(path)
    assert (result.kind, [(r.line, r.reason) for r in result.rejected]) == (
        "population", [(5, "source address 'r4v.info' is not a web address")])
    assert apply(result, user=users["secretariat"]) == {"created": 2, "updated": 0, "unchanged": 0}
    figures = PopulationFigure.objects.filter(source__load_key__startswith="source:hxl-")
    assert sorted((f.country_id, f.group, f.value, f.source.url, f.source.publisher, f.source.title)
                  for f in figures) == [
        ("COL", "refugees_migrants", 2860000, "https://www.r4v.info/es/refugiadosymigrantes", "www.r4v.info",
         "https://www.r4v.info/es/refugiadosymigrantes"),
        ("PER", "refugees_migrants", 1540000, "", "HXL table (imported)", "r4v.csv")]
    assert apply(preview(path), user=users["secretariat"]) == {"created": 0, "updated": 0, "unchanged": 2}


def test_two_columns_counting_the_same_people_in_a_row_are_refused(tmp_path):
    path = tmp_path / "both.csv"
    path.write_text("País,Fecha,Refugiados,Migrantes\n#country+code,#date,#affected+refugees,#affected+migrants\n"
                    "COL,2024-06-30,100,\nPER,2024-06-30,100,200\n", encoding="utf-8")
    result = preview(path)
    assert [line for line, _values in result.accepted] == [3]
    assert [(r.line, r.reason) for r in result.rejected] == [
        (4, "#affected+refugees and #affected+migrants both count Refugees and migrants from Venezuela: give one")]


def test_a_summary_of_requirements_without_a_plan_is_refused_whole(tmp_path):
    """A requirement per country names no plan to key it by: the table is no requirements table, refused once."""
    path = tmp_path / "summary.csv"
    path.write_text("País,Requerido\n#country+code,#value+funding+required+usd\nCOL,10\nPER,20\n",
                    encoding="utf-8")
    result = preview(path)
    assert (result.kind, result.accepted, result.rejected) == (None, [], [])
    assert result.problem.startswith("summary.csv: not a table Minga imports. Minga imports tables with the "
                                     "hashtags of one of these kinds: requirements: #value+funding+required+usd, ")


def test_a_table_without_hashtags_minga_reads_is_refused_whole(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert preview(path).problem.startswith("plain.csv: ")


def test_the_command_previews_with_dry_run_and_imports_without(users, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("País,Fecha,Personas\n#country+code,#date,#affected+refugees\nCOL,2024-06-30,2860000\n",
                    encoding="utf-8")
    out = StringIO()
    call_command("import", "hxl", str(path), "--dry-run", as_user="secretaria", stdout=out)
    assert out.getvalue().splitlines()[0] == "people.csv: population figures; 1 rows to import, 0 refused."
    assert not PopulationFigure.objects.filter(source__title="people.csv").exists()
    call_command("import", "hxl", str(path), as_user="secretaria", stdout=StringIO())
    assert PopulationFigure.objects.filter(source__title="people.csv").count() == 1
    with pytest.raises(CommandError):
        call_command("import", "hxl", str(tmp_path / "absent.csv"), as_user="secretaria", stdout=StringIO())


StringIO = io.StringIO


def test_an_xlsx_table_imports_as_a_csv_does(users, tmp_path):
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    for row in [["País", "Fecha", "Personas"], ["#country+code", "#date", "#affected+refugees"],
                ["COL", datetime.date(2024, 6, 30), 2860000]]:
        book.active.append(row)
    book.save(tmp_path / "people.xlsx")
    result = preview(tmp_path / "people.xlsx")
    assert (result.kind, result.rejected, len(result.accepted)) == ("population", [], 1)
    assert apply(result, user=users["secretariat"]) == {"created": 1, "updated": 0, "unchanged": 0}
    figure = PopulationFigure.objects.get(source__title="people.xlsx")
    assert (figure.country_id, figure.value, figure.as_of.isoformat()) == ("COL", 2860000, "2024-06-30")


FLOW_HEADERS = ("date,amountUSD,src,dest,destLoc,status,boundary,onBoundary,id\n"
                "#date,#value+funding+total+usd,#org+name+funder,#org+name+impl,#country+iso3+impl+list,#status+text,"
                "#financial+direction,#financial+direction+type,#activity+id+fts_internal\n")


def _flows_table(tmp_path, *rows, name="flows.csv"):
    path = tmp_path / name
    path.write_text(FLOW_HEADERS + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_funders_named_alike_or_in_other_scripts_are_each_their_own_organisation(users, tmp_path):
    """The key of an organisation named without an FTS id was its slug: "" for an Arabic or a Chinese name (so
    every such funder was the first one), and one slug for names differing only in punctuation."""
    funders = ["الهلال الأحمر القطري", "中华人民共和国政府", "Spain, Government of", "Spain Government of"]
    path = _flows_table(tmp_path, *(f'2020-05-01,{1000 * n},"{funder}",NRC,PSE,paid,incoming,single,90000000{n}'
                                    for n, funder in enumerate(funders, start=1)))
    assert apply(preview(path), user=users["secretariat"]) == {"created": 4, "updated": 0, "unchanged": 0}
    flows = FundingFlow.objects.filter(load_key__in=[f"fts-flow-90000000{n}" for n in range(1, 5)])
    assert sorted((f.amount, f.provider.name) for f in flows) == [
        (Decimal(1000 * n), funder) for n, funder in enumerate(funders, start=1)]
    assert len({f.provider_id for f in flows}) == 4
    assert all(f.provider.load_key.startswith("hxl-organisation-") for f in flows)
    organisations = Organisation.all_objects.count()
    assert apply(preview(path), user=users["secretariat"]) == {"created": 0, "updated": 0, "unchanged": 4}
    assert Organisation.all_objects.count() == organisations


def test_a_flow_direction_is_read_in_any_case_and_anything_else_is_refused(users, tmp_path):
    """Another boundary was stored as given and classed as passed on: out of the country's funding, unsaid."""
    path = _flows_table(tmp_path, "2020-05-01,1000,Donor A,NRC,PSE,paid,Incoming,Single,900000011",
                        "2020-05-01,1000,Donor A,NRC,PSE,paid,sideways,single,900000012",
                        "2020-05-01,1000,Donor A,NRC,PSE,paid,incoming,split,900000013")
    result = preview(path)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (4, "boundary 'sideways' is not incoming, outgoing or internal"),
        (5, "onBoundary 'split' is not single or shared")]
    assert apply(result, user=users["secretariat"])["created"] == 1
    ledger = FtsFlow.objects.get(flow_id=900000011)
    assert (ledger.boundary, ledger.on_boundary, ledger.outcome) == ("incoming", "single", "counted")


def test_a_flow_id_too_large_to_store_is_refused_in_the_preview(users, tmp_path):
    path = _flows_table(tmp_path, "2020-05-01,1000,Donor A,NRC,PSE,paid,incoming,single,99999999999999999999999",
                        f"2020-05-01,1000,Donor A,NRC,PSE,paid,incoming,single,{2**63 - 1}")
    result = preview(path)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "FTS flow id 99999999999999999999999 is out of range")]
    assert apply(result, user=users["secretariat"])["created"] == 1
    assert FtsFlow.objects.filter(flow_id=2**63 - 1).exists()


REQUIREMENT_HEADERS = ("countryCode,id,code,year,requirements\n#country+code,#activity+appeal+id+fts_internal,"
                       "#activity+appeal+id+external,#date+year,#value+funding+required+usd\n")


def test_a_plan_listed_once_per_country_is_one_requirement_per_country(users, tmp_path):
    """The key was the plan and year alone: the last country's row won, and every import rewrote the cell."""
    path = tmp_path / "requirements.csv"
    path.write_text(REQUIREMENT_HEADERS + "JOR,943,RSYR20,2020,1475421996\nLBN,943,RSYR20,2020,2624000000\n",
                    encoding="utf-8")
    assert apply(preview(path), user=users["secretariat"]) == {"created": 2, "updated": 0, "unchanged": 0}
    stored = Requirement.objects.filter(load_key__startswith="fts-plan-943-2020")
    assert sorted(stored.values_list("load_key", "country_id", "amount")) == [
        ("fts-plan-943-2020-JOR", "JOR", Decimal(1475421996)), ("fts-plan-943-2020-LBN", "LBN", Decimal(2624000000))]
    assert apply(preview(path), user=users["secretariat"]) == {"created": 0, "updated": 0, "unchanged": 2}


def test_a_country_row_of_a_plan_stored_for_the_region_does_not_overwrite_it(users, tmp_path):
    """The plan overview keys a plan of several countries, for the region, as ``fts-plan-<id>-<year>``: one
    country's row of it is that country's cell. A plan of one country stays the overview's one cell."""
    source = Source.objects.first()
    finance.requirement_import(user=users["secretariat"], load_key="fts-plan-943-2020", plan="RSYR20", year=2020,
                               amount=Decimal(5995975760), currency="USD", source=source)
    finance.requirement_import(user=users["secretariat"], load_key="fts-plan-929-2020", plan="HAFG20", year=2020,
                               amount=Decimal(1000), currency="USD", source=source, country=Country.objects.get(
                                   pk="AFG"))
    path = tmp_path / "requirements.csv"
    path.write_text(REQUIREMENT_HEADERS + "JOR,943,RSYR20,2020,1475421996\nAFG,929,HAFG20,2020,1131050820\n",
                    encoding="utf-8")
    assert apply(preview(path), user=users["secretariat"]) == {"created": 1, "updated": 1, "unchanged": 0}
    assert sorted(Requirement.objects.filter(load_key__regex=r"^fts-plan-9(43|29)-2020").values_list(
        "load_key", "country_id", "amount")) == [
        ("fts-plan-929-2020", "AFG", Decimal(1131050820)), ("fts-plan-943-2020", None, Decimal(5995975760)),
        ("fts-plan-943-2020-JOR", "JOR", Decimal(1475421996))]


def test_rows_that_would_write_the_same_record_are_refused(users, tmp_path):
    path = tmp_path / "requirements.csv"
    path.write_text(REQUIREMENT_HEADERS + "JOR,943,RSYR20,2020,1\nLBN,943,RSYR20,2020,2\nJOR,943,RSYR20,2020,3\n",
                    encoding="utf-8")
    result = preview(path)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "the same record as line 5: given twice, neither is imported"),
        (5, "the same record as line 3: given twice, neither is imported")]
    assert [line for line, _values in result.accepted] == [4]
    people = tmp_path / "people.csv"
    people.write_text("País,Fecha,Refugiados,Necesitan\n#country+code,#date,#affected+refugees,#inneed\n"
                      "COL,2024-06-30,2860000,\nCOL,2024-06-30,,5000\nCOL,2024-06-30,2900000,\n", encoding="utf-8")
    result = preview(people)
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, "the same record as line 5: given twice, neither is imported"),
        (5, "the same record as line 3: given twice, neither is imported")]
    assert apply(result, user=users["secretariat"]) == {"created": 1, "updated": 0, "unchanged": 0}


def test_the_preview_says_what_is_read_of_each_column_whatever_the_order_of_its_attributes(tmp_path):
    """"#org+name+funder" was looked up as written, not sorted: a flow table's provider showed as not read; and a
    population table's funding column showed as read, "amount (US$)", which a population import never reads."""
    result = preview(_flows_table(tmp_path, "2020-05-01,1000,Donor A,NRC,PSE,paid,incoming,single,900000011"))
    assert result.mapping[2:4] == [("src", "#org+name+funder", "provider"), ("dest", "#org+name+impl", "receiver")]
    path = tmp_path / "people.csv"
    path.write_text("País,Fecha,Personas,Fondos\n#country+code,#date,#affected+refugees,#value+funding+total+usd\n"
                    "COL,2024-06-30,2860000,5\n", encoding="utf-8")
    assert preview(path).mapping == [("País", "#country+code", "country"), ("Fecha", "#date", "date"),
                                     ("Personas", "#affected+refugees", "refugees and migrants"),
                                     ("Fondos", "#value+funding+total+usd", "")]
