"""The RMRP among FTS plans (exchange.fts_plans.is_rmrp) is counted as the RMRP of its year, superseding the
built-in figure (finance/data/requirements.json) instead of being added to it; other plans stay uncounted.

The overviews are hand-built in the FTS v2 shape of ``v2/fts/flow/plan/overview/progress/YEAR`` (the shape of
../shared/data/fts/2-fts-flow-plan-overview-progress-2020.json, which holds no RMRP); their ids and codes are
illustrative, but 1129, the RMRP 2023-2024's FTS id (exchange/data/fts_rmrp_plans.json).
"""

import json
from decimal import Decimal

import pytest

from minga.exchange.fts import import_fts
from minga.exchange.fts_plans import is_rmrp
from minga.exchange.hxl_import import apply, preview
from minga.finance import services
from minga.finance.selectors.funding import funding_rows
from minga.finance.tracking import Requirement

pytestmark = pytest.mark.django_db

R4V = ["ARG", "ABW", "BOL", "BRA", "CHL", "COL", "CRI", "CUW", "DOM", "ECU", "GUY", "MEX", "PAN", "PRY", "PER", "TTO",
       "URY"]
RMRP_2020 = "Regional Refugee and Migrant Response Plan for Refugees and Migrants from Venezuela (RMRP) 2020"


def plan(plan_id, name, code, countries, years, revised, *, original=0, plan_type="Regional response plan"):
    stamp = "2020-01-15T10:00:00.000Z"
    return {
        "id": plan_id, "createdAt": stamp, "updatedAt": stamp, "restricted": False, "revisionState": "none",
        "planVersionId": plan_id * 3, "name": name, "startDate": f"{years[0]}-01-01", "endDate": f"{years[-1]}-12-31",
        "comments": None, "isForHPCProjects": True, "code": code, "customLocationCode": None,
        "currentReportingPeriodId": None, "lastPublishedReportingPeriodId": None,
        "countries": [{"id": 100 + n, "iso3": iso3, "name": iso3, "pcode": None, "status": "active", "validOn": None,
                       "itosSync": True, "latitude": 0, "parentId": None, "createdAt": stamp, "longitude": 0,
                       "updatedAt": stamp, "adminLevel": 0, "externalId": None} for n, iso3 in enumerate(countries)],
        "planType": {"id": 5, "name": plan_type, "description": None, "parentID": None, "group": "planType",
                     "code": None, "includeTotals": True, "createdAt": stamp, "updatedAt": stamp},
        "planCosting": None, "caseLoads": [],
        "usageYears": [{"id": 40 + n, "year": str(year), "createdAt": stamp, "updatedAt": stamp}
                       for n, year in enumerate(years)],
        "requirements": {"origRequirements": original, "revisedRequirements": revised},
        "funding": {"totalFunding": 1000, "singleFunding": 1000, "overlapFunding": 0, "sharedFunding": 0,
                    "onBoundaryFunding": 0, "progress": 0.1},
    }


def overview(tmp_path, *plans, name="overview.json"):
    path = tmp_path / name
    total = sum(p["requirements"]["revisedRequirements"] for p in plans)
    path.write_text(json.dumps({"data": {"totals": {"objectsSum": 0, "overlapCorrection": 0, "sharedFunding": 0,
                                                    "totalFunding": 0, "origRequirements": 0,
                                                    "revisedRequirements": total, "progress": 0},
                                         "plans": list(plans)}, "status": "ok"}))
    return str(path)


def counted(by="year"):
    return {row.key: row.requirement for row in funding_rows(None, by) if row.requirement is not None}


def test_the_built_in_rmrp_figures_are_there_to_compare_with():
    assert {year: counted()[year] for year in ("2019", "2020", "2023", "2024")} == {
        "2019": Decimal(738_000_000), "2020": Decimal(1_350_000_000), "2023": Decimal(1_720_000_000),
        "2024": Decimal(1_590_000_000)}


def test_an_fts_rmrp_supersedes_the_built_in_figure_of_its_year_and_other_plans_stay_uncounted(tmp_path, users):
    path = overview(tmp_path,
                    plan(90020, RMRP_2020, "RVEN20", R4V, [2020], 1_407_000_000, original=1_350_000_000),
                    plan(90021, "Venezuela Humanitarian Response Plan 2020", "HVEN20", ["VEN"], [2020], 762_500_000,
                         plan_type="Humanitarian response plan"),
                    plan(90022, "Regional Migrant Response Plan for the Horn of Africa and Yemen 2020", "RMRPHOA20",
                         ["DJI", "ETH", "SOM", "YEM"], [2020], 45_000_000))
    report = import_fts([path], user=users["secretariat"])
    assert report.plans.requirements == {"created": 3, "updated": 0, "unchanged": 0}
    stored = Requirement.objects.filter(load_key__startswith="fts-plan-9002")
    assert sorted((r.plan, r.year, r.country_id, r.amount) for r in stored) == [
        ("HVEN20", 2020, "VEN", Decimal(762_500_000)),
        ("RMRP 2020 (FTS RVEN20)", 2020, None, Decimal(1_407_000_000)),  # 17 countries: the region
        ("RMRPHOA20", 2020, None, Decimal(45_000_000))]
    years = counted()
    # Once, the FTS figure (entered after the built-in one), not 1.35 bn + 1.407 bn, nor the HRP or the other plan.
    assert years["2020"] == Decimal(1_407_000_000)
    assert (years["2019"], years["2021"]) == (Decimal(738_000_000), Decimal(1_440_000_000))
    countries = counted("country")
    assert "VEN" not in countries  # the HRP of Venezuela is on record, not counted
    assert countries["COL"] == Decimal(315_500_000)  # 2019's country figure from R4V: the FTS plan names no country


def test_the_same_rmrp_from_fts_gives_the_same_counted_requirement_as_the_built_in_one(tmp_path, users):
    import_fts([overview(tmp_path, plan(90030, RMRP_2020, "RVEN20", R4V, [2020], 1_350_000_000))],
               user=users["secretariat"])
    assert Requirement.objects.filter(year=2020, country__isnull=True, plan__startswith="RMRP").count() == 2
    assert counted()["2020"] == Decimal(1_350_000_000)


def test_the_reviewed_id_names_the_rmrp_and_a_two_year_plan_counts_for_its_start_year(tmp_path, users):
    path = overview(tmp_path, plan(1129, "Plan 1129", "RVEN23", R4V, [2023, 2024], 1_720_000_001))
    import_fts([path], user=users["secretariat"])
    stored = Requirement.objects.filter(load_key__startswith="fts-plan-1129-")
    assert sorted((r.plan, r.year) for r in stored) == [("RMRP 2023 (FTS RVEN23)", 2023), ("RVEN23", 2024)]
    years = counted()
    assert (years["2023"], years["2024"]) == (Decimal(1_720_000_001), Decimal(1_590_000_000))  # 2024: the update


def test_a_cell_an_earlier_import_stored_under_the_fts_code_is_renamed_and_counted(tmp_path, users):
    source = Requirement.objects.filter(year=2020).first().source
    services.requirement_import(user=users["secretariat"], load_key="fts-plan-90040-2020", plan="RVEN20", year=2020,
                                amount=Decimal(1_400_000_000), currency="USD", source=source, note="")
    assert counted()["2020"] == Decimal(1_350_000_000)  # as the importer found it: not counted
    report = import_fts([overview(tmp_path, plan(90040, RMRP_2020, "RVEN20", R4V, [2020], 1_400_000_000))],
                        user=users["secretariat"])
    assert report.plans.requirements == {"created": 0, "updated": 1, "unchanged": 0}
    assert counted()["2020"] == Decimal(1_400_000_000)
    again = import_fts([overview(tmp_path, plan(90040, RMRP_2020, "RVEN20", R4V, [2020], 1_400_000_000),
                                 name="again.json")], user=users["secretariat"])
    assert again.plans.requirements == {"created": 0, "updated": 0, "unchanged": 1}


def test_hdx_requirement_rows_name_the_rmrp_as_the_plan_overview_does(tmp_path, users):
    """HDX's requirements table (HXL) keys a plan's cell as the overview does: both must name the RMRP alike, or
    the one read last would take the cell out of the count."""
    path = tmp_path / "requirements.csv"
    path.write_text(
        "countryCode,id,name,code,typeId,typeName,startDate,endDate,year,requirements,funding,percentFunded\n"
        "#country+code,#activity+appeal+id+fts_internal,#activity+appeal+name,#activity+appeal+id+external,"
        "#activity+appeal+type+id+fts_internal,#activity+appeal+type+name,#date+start,#date+end,#date+year,"
        "#value+funding+required+usd,#value+funding+total+usd,#value+funding+pct\n"
        f",90050,{RMRP_2020},RVEN20,5,Regional response plan,2020-01-01,2020-12-31,2020,1407000000,1000,0\n"
        ",90051,Venezuela Humanitarian Response Plan 2020,HVEN20,4,Humanitarian response plan,2020-01-01,"
        "2020-12-31,2020,762500000,1000,0\n", encoding="utf-8")
    assert apply(preview(path), user=users["secretariat"]) == {"created": 2, "updated": 0, "unchanged": 0}
    assert sorted(Requirement.objects.filter(load_key__startswith="fts-plan-9005").values_list("plan", "amount")) == [
        ("HVEN20", Decimal(762_500_000)), ("RMRP 2020 (FTS RVEN20)", Decimal(1_407_000_000))]
    assert counted()["2020"] == Decimal(1_407_000_000)
    # The same plan from the overview afterwards: the same cell, unchanged.
    report = import_fts([overview(tmp_path, plan(90050, RMRP_2020, "RVEN20", R4V, [2020], 1_407_000_000))],
                        user=users["secretariat"])
    assert report.plans.requirements["created"] == 0


@pytest.mark.parametrize(("name", "expected"), [
    (RMRP_2020, True),
    ("Venezuela Regional Refugee and Migrant Response Plan 2023-2024", True),
    ("Plan Regional de Respuesta para Refugiados y Migrantes (RMRP) 2021", True),
    ("Venezuela Humanitarian Response Plan 2020", False),
    ("Regional Migrant Response Plan for the Horn of Africa and Yemen 2020", False),
    ("Ukraine Situation Regional Refugee Response Plan 2022", False),
    ("Syria Refugee Response and Resilience Plan (3RP) 2020", False),
])
def test_the_rmrp_is_known_by_its_name(name, expected):
    assert is_rmrp({"id": 1, "name": name}) is expected
