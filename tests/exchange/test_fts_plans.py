"""FTS v2 plan overview: each plan's requirement (revised, else original) per usage year, for its one country or
the region, and a one-country plan's caseload as population figures, each citing the plan's FTS page."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from minga.exchange.fts import import_fts
from minga.finance.tracking import Requirement
from minga.reference.models import PopulationFigure

OVERVIEW = Path(__file__).resolve().parents[3] / "shared" / "data" / "fts" / "2-fts-flow-plan-overview-progress-2020.json"
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not OVERVIEW.is_file(), reason="../shared/data/fts is not beside the repository")]
GROUPS = {"inNeed": "in_need", "target": "targeted", "affected": "affected"}


def _expected():
    requirements, figures = set(), set()
    for plan in json.loads(OVERVIEW.read_text())["data"]["plans"]:
        amount = plan["requirements"]["revisedRequirements"] or plan["requirements"]["origRequirements"]
        countries = [c["iso3"] for c in plan["countries"]]
        country = countries[0] if len(countries) == 1 else None
        if amount:
            for year in {int(y["year"]) for y in plan["usageYears"]}:
                requirements.add((plan["code"], year, country, Decimal(amount)))
        if country and plan["caseLoads"]:
            for total in plan["caseLoads"][0]["totals"]:
                if total["type"] in GROUPS and total.get("value"):
                    figures.add((country, GROUPS[total["type"]], total["value"],
                                 date.fromisoformat(plan["startDate"])))
    return requirements, figures


def test_the_plan_overview_gives_requirements_and_population_figures_with_their_source(users):
    with translation.override("en"):
        report = import_fts([str(OVERVIEW)], user=users["secretariat"])
    requirements, figures = _expected()
    assert ("HPSE20", 2020, "PSE", Decimal("420381684")) in requirements
    found = Requirement.objects.filter(load_key__startswith="fts-plan-")
    assert {(r.plan, r.year, r.country_id, r.amount) for r in found} == requirements
    assert {r.amount_usd for r in found} == {amount for *_rest, amount in requirements}
    pse = found.get(plan="HPSE20")
    assert pse.source.url == "https://fts.unocha.org/plans/832/summary"
    assert pse.note == "FTS when read: funded US$295077912 (70.19 %)"
    people = PopulationFigure.objects.filter(source__load_key__startswith="source:fts-plan-")
    assert {(f.country_id, f.group, f.value, f.as_of) for f in people} == figures
    assert ("PSE", "in_need", 2400000, date(2020, 1, 1)) in figures
    assert not any(f.is_published for f in people)
    assert report.plans.requirements == {"created": len(requirements), "updated": 0, "unchanged": 0}
    again = import_fts([str(OVERVIEW)], user=users["secretariat"])
    assert again.plans.requirements == {"created": 0, "updated": 0, "unchanged": len(requirements)}
    assert again.plans.figures == {"created": 0, "updated": 0, "unchanged": len(figures)}
    assert found.count() == len(requirements)


@pytest.mark.parametrize(("wrong", "problem"), [
    ({"countries": ["COL"]}, "countries is not a list of objects"),
    ({"caseLoads": [{"totals": ["x"]}]}, "caseLoads.totals is not a list of objects"),
    ({"requirements": "lots"}, "requirements is not an object"),
    ({"funding": [1]}, "funding is not an object"),
    ({"usageYears": ["2020"]}, "usageYears is not a list of objects"),
], ids=["countries", "totals", "requirements", "funding", "years"])
def test_a_plan_of_another_shape_is_refused_alone_and_the_others_are_read(users, tmp_path, wrong, problem):
    """Only KeyError, TypeError and ValueError were caught: AttributeError stopped the whole overview."""
    def plan(plan_id):
        return {"id": plan_id, "name": f"Plan {plan_id}", "code": f"X{plan_id}", "startDate": "2020-01-01",
                "countries": [{"iso3": "COL"}], "requirements": {"revisedRequirements": 1000}}
    path = tmp_path / "overview.json"
    path.write_text(json.dumps({"data": {"plans": [{**plan(99001), **wrong}, plan(99002)]}}))
    with translation.override("en"):
        report = import_fts([str(path)], user=users["secretariat"])
    assert report.plans.problems == [f"plan 99001: not read ({problem})"]
    assert list(Requirement.objects.filter(load_key__startswith="fts-plan-9900").values_list("load_key", flat=True)
                ) == ["fts-plan-99002-2020"]
