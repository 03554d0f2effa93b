"""Issue 11, ``humanitarian-scope`` → requirement: an IATI activity whose humanitarian-scope names a humanitarian
plan (vocabulary 2-1, the plan's FTS code) is linked to that plan's stored requirement cells, whichever was stored
first; a scope naming a plan Minga holds no requirement for, or of another vocabulary, is kept as given and said
to be unmatched (exchange/iati/plans.py)."""

import io
import json
from decimal import Decimal
from importlib import resources

import pytest
from django.utils import translation

from minga.exchange.iati import importer, plans
from minga.exchange.models import IatiActivity
from minga.finance import services as finance
from minga.finance.tracking import Requirement
from minga.reference.models import Country, Source

pytestmark = pytest.mark.django_db

ACTIVITY = """<iati-activity default-currency="USD" humanitarian="1">
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>
  <title><narrative>Title</narrative></title>
  {scopes}
</iati-activity>"""


def import_activities(**scopes: str):
    """One activity per identifier, with the given humanitarian-scope elements."""
    body = "".join(ACTIVITY.format(identifier=identifier.replace("_", "-"), scopes=elements)
                   for identifier, elements in scopes.items())
    with translation.override("en"):
        report = importer.import_source(io.BytesIO(f'<iati-activities version="2.03">{body}</iati-activities>'
                                                   .encode()), name="plans.xml")
    assert report.counts["created"] == len(scopes), report.problems
    return {activity.identifier: activity for activity in IatiActivity.objects.filter(identifier__startswith="XM-PLAN")}


def scope(code: str, vocabulary: str = "2-1", kind: str = "2") -> str:
    return f'<humanitarian-scope type="{kind}" vocabulary="{vocabulary}" code="{code}"/>'


def a_requirement(users, plan: str, year: int, amount: str, country=None) -> Requirement:
    source = Source.objects.order_by("pk").first()
    return finance.requirement_create(user=users["secretariat"], plan=plan, year=year, amount=Decimal(amount),
                                      currency="USD", source=source, country=country)


def test_a_scope_naming_a_plan_with_a_stored_requirement_is_linked_to_it(users):
    requirement = a_requirement(users, "HPSE20", 2020, "420381684")
    activities = import_activities(XM_PLAN_1=scope("HPSE20"))
    activity = activities["XM-PLAN-1"]
    links = plans.scope_links([activity])
    assert links == {activity.pk: [plans.ScopeLink("2", "2-1", "HPSE20", (requirement,))]}
    assert links[activity.pk][0].requirements[0].amount == Decimal("420381684.00")
    assert plans.unmatched_plans([activity]) == []


def test_a_scope_naming_an_unknown_plan_is_kept_as_given_and_said_unmatched(users):
    a_requirement(users, "HPSE20", 2020, "420381684")
    activities = import_activities(XM_PLAN_2=scope("RMRP2099") + scope("EP-2020-000012-VEN", vocabulary="1-2", kind="1"))
    activity = activities["XM-PLAN-2"]
    assert activity.data["humanitarian_scopes"] == [["2", "2-1", "RMRP2099"], ["1", "1-2", "EP-2020-000012-VEN"]]
    assert plans.scope_links([activity]) == {activity.pk: [
        plans.ScopeLink("2", "2-1", "RMRP2099", ()), plans.ScopeLink("1", "1-2", "EP-2020-000012-VEN", ())]}
    # Only a plan scope is "unmatched": an emergency (GLIDE) names no plan.
    assert plans.unmatched_plans([activity]) == [("XM-PLAN-2", "RMRP2099")]
    assert not Requirement.objects.filter(plan__iexact="RMRP2099").exists()  # nothing made up for it


def test_a_requirement_stored_after_the_activity_links_it_too(users):
    activities = import_activities(XM_PLAN_3=scope("HCOL24"))
    activity = activities["XM-PLAN-3"]
    assert plans.unmatched_plans([activity]) == [("XM-PLAN-3", "HCOL24")]
    first = a_requirement(users, "HCOL24", 2024, "342000000", country=Country.objects.get(pk="COL"))
    second = a_requirement(users, "HCOL24", 2025, "300000000", country=Country.objects.get(pk="COL"))
    assert plans.scope_links([activity])[activity.pk] == [plans.ScopeLink("2", "2-1", "HCOL24", (first, second))]
    assert plans.unmatched_plans([activity]) == []


def test_codes_compare_without_case_or_extra_spaces_and_every_cell_of_the_plan_is_linked(users):
    """The built-in RMRP 2019 cells (minga setup: the region and four countries) under one scope."""
    spec = json.loads(resources.files("minga.finance").joinpath("data", "requirements.json").read_text("utf-8"))
    expected = sorted(Decimal(amount) for plan, _year, _country, amount, *_rest in spec["requirements"]
                      if plan == "RMRP 2019")
    assert len(expected) == 5
    activities = import_activities(XM_PLAN_4=scope("rmrp  2019"), XM_PLAN_5=scope("RMRP 2019"))
    links = plans.scope_links(activities.values())
    for activity in activities.values():
        (link,) = links[activity.pk]
        assert link.is_linked
        assert sorted(cell.amount for cell in link.requirements) == expected
        assert {cell.plan for cell in link.requirements} == {"RMRP 2019"}


def test_links_for_many_activities_take_one_query(users, django_assert_num_queries):
    a_requirement(users, "HPSE20", 2020, "420381684")
    activities = list(import_activities(XM_PLAN_6=scope("HPSE20"), XM_PLAN_7=scope("HPSE20"),
                                        XM_PLAN_8=scope("NOPE")).values())
    with django_assert_num_queries(1):
        links = plans.scope_links(activities)
    assert [len(links[activity.pk][0].requirements) for activity in activities] == [1, 1, 0]
