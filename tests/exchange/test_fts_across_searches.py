"""FTS parent and child flows that arrive in separate searches (files), in either order, count once.

- A parked parent (its amountUSD is what its children did not take) and its children are separate sums, as FTS
  counts them: the location's funding is the JSON rule's sum whatever the order, and a flow that two searches
  both give is one record.
- A "Pass through" flow passes on its parent's money: once both are in Minga the money counts once, at the
  parent (docs/finance.md, "Counting once"), whichever came first; when the parent stops counting (a newer
  version of amount 0), the pass-through flows count again where they went.
"""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from minga.exchange.fts import import_fts
from minga.exchange.fts_models import FtsFlow
from minga.finance.selectors.report import report_rows
from minga.finance.tracking import FundingFlow
from tests.exchange.test_fts import _location_funding

FTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "fts"
PAGES = ["custom-search-locationid-171-year-2020.json", "custom-search-locationid-171-year-2020-page-2.json",
         "custom-search-locationid-171-year-2020-page-3.json"]
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not FTS.is_dir(), reason="../shared/data/fts is not beside the repository")]
PARKED_PARENT = 204307
PASS_THROUGH_PARENT = 224940  # not in the oPt search: Kuwait's flow to the Kuwait Red Crescent Society


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def flows() -> list[dict]:
    return [flow for name in PAGES for flow in json.loads((FTS / name).read_text())["data"]["flows"]]


def search(tmp_path: Path, name: str, items: list[dict]) -> str:
    """A one-page search file holding ``items`` (FTS's own page shape, without totals or nextLink)."""
    path = tmp_path / name
    path.write_text(json.dumps({"data": {"flows": items}, "meta": {"language": "en", "count": len(items)}}))
    return str(path)


def funding(by: str) -> dict:
    return {row["key"]: Decimal(row["funding_usd"]) for row in report_rows(None, by=by)}


def pse() -> Decimal:
    return funding("country").get("PSE", Decimal(0))


def everything() -> Decimal:
    return sum(funding("year").values(), Decimal(0))


@pytest.mark.parametrize("order", ["parent first", "children first"])
def test_a_parked_parent_and_its_children_in_separate_searches_count_once_each(users, tmp_path, order):
    all_flows = flows()
    parent = next(flow for flow in all_flows if int(flow["id"]) == PARKED_PARENT)
    children = [flow for flow in all_flows if flow["parentFlowId"] == PARKED_PARENT]
    assert len(children) == 9
    # The parent's search also gives one of the children: the same flow twice is one record.
    parent_search = search(tmp_path, "parent.json", [parent, children[0]])
    children_search = search(tmp_path, "children.json", children)
    expected = _location_funding([parent, *children])
    assert expected == Decimal("4564265") + sum(Decimal(str(flow["amountUSD"])) for flow in children)
    before, flows_before = pse(), FundingFlow.objects.count()

    names = [parent_search, children_search] if order == "parent first" else [children_search, parent_search]
    first, second = (import_fts([name], user=users["secretariat"]) for name in names)
    assert first.created + second.created == 10 and second.unchanged == 1
    assert pse() - before == expected
    assert FundingFlow.objects.count() - flows_before == 10
    assert sorted(FtsFlow.objects.filter(parent_flow_id=PARKED_PARENT).values_list("flow_id", flat=True)) == sorted(
        int(flow["id"]) for flow in children)
    assert FundingFlow.objects.filter(source_kind="fts", parent__isnull=False).count() == 0

    again = import_fts([parent_search, children_search], user=users["secretariat"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 11)
    assert pse() - before == expected


def pass_through_family() -> tuple[dict, list[dict]]:
    children = [flow for flow in flows() if flow["parentFlowId"] == PASS_THROUGH_PARENT]
    parent = copy.deepcopy(children[0])
    parent.update({
        "id": str(PASS_THROUGH_PARENT), "amountUSD": 1200000, "originalAmount": None, "originalCurrency": None,
        "flowType": "Standard", "parentFlowId": None, "childFlowIds": [int(flow["id"]) for flow in children],
        "description": "Kuwait to the Kuwait Red Crescent Society (made up for this test: its search is not shared)",
        "destinationObjects": [
            {"type": "Organization", "id": "999001", "name": "Kuwait Red Crescent Society", "behavior": "single",
             "organizationTypes": ["Red Cross/Red Crescent"], "organizationSubTypes": ["National Society"]},
            {"type": "UsageYear", "id": "41", "name": "2020", "behavior": "single"}]})
    return parent, children


@pytest.mark.parametrize("order", ["parent first", "children first"])
def test_pass_through_flows_and_their_parent_in_separate_searches_count_once_at_the_parent(users, tmp_path, order):
    parent, children = pass_through_family()
    assert len(children) == 12 and {flow["flowType"] for flow in children} == {"Pass through"}
    passed = _location_funding(children)
    assert passed == sum(Decimal(str(flow["amountUSD"])) for flow in children) == Decimal("1136975")
    parent_search, children_search = search(tmp_path, "kuwait.json", [parent]), search(tmp_path, "opt.json", children)
    before_pse, before_all = pse(), everything()

    if order == "children first":
        import_fts([children_search], user=users["secretariat"])
        assert (pse() - before_pse, everything() - before_all) == (passed, passed)  # FTS's oPt total, alone
        import_fts([parent_search], user=users["secretariat"])
    else:
        import_fts([parent_search], user=users["secretariat"])
        assert (pse() - before_pse, everything() - before_all) == (0, Decimal("1200000"))
        import_fts([children_search], user=users["secretariat"])
    # Both in Minga: the money counts once, at the parent, where it first left a donor.
    assert (pse() - before_pse, everything() - before_all) == (0, Decimal("1200000"))
    parent_flow = FtsFlow.objects.get(flow_id=PASS_THROUGH_PARENT).funding_flow
    assert sorted(FundingFlow.objects.filter(parent=parent_flow).values_list("reference", flat=True)) == sorted(
        f"FTS {flow['id']} v1" for flow in children)

    # A newer version of the parent with nothing left (amount 0): it no longer counts, and its pass-through
    # flows count again where they went.
    withdrawn = {**parent, "versionId": 2, "amountUSD": 0}
    import_fts([search(tmp_path, "kuwait-v2.json", [withdrawn])], user=users["secretariat"])
    assert (pse() - before_pse, everything() - before_all) == (passed, passed)
    assert FundingFlow.objects.filter(parent=parent_flow).count() == 0
