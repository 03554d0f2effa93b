"""``minga import fts``: the oPt search pages of ../shared/data/fts import, and the funding of the location
equals, to the dollar, the sum this test computes from the JSON with FTS's boundary rules (and the search's own
``incoming.fundingTotal``); a second import changes nothing; a newer version updates in place."""

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from minga.exchange.fts import import_fts
from minga.exchange.fts_models import FtsFlow, FtsOutcome
from minga.finance.selectors.report import report_rows
from minga.finance.tracking import FundingFlow, Stage, TrackedPledge

FTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "fts"
PAGES = [FTS / "custom-search-locationid-171-year-2020.json",
         FTS / "custom-search-locationid-171-year-2020-page-2.json",
         FTS / "custom-search-locationid-171-year-2020-page-3.json"]
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not FTS.is_dir(), reason="../shared/data/fts is not beside the repository")]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _flows() -> list[dict]:
    return [flow for page in PAGES for flow in json.loads(page.read_text())["data"]["flows"]]


def _location_funding(flows, location_id="171") -> Decimal:
    """FTS's rule, computed here from the JSON alone: destination side holds the location, boundary incoming,
    onBoundary single, status commitment or paid."""
    return sum((Decimal(str(flow["amountUSD"])) for flow in flows
                if flow["boundary"] == "incoming" and flow["onBoundary"] == "single"
                and flow["status"] in ("commitment", "paid")
                and any(o["type"] == "Location" and str(o["id"]) == location_id for o in flow["destinationObjects"])),
               Decimal(0))


def _pse(rows) -> dict:
    return next(row for row in rows if row["key"] == "PSE")


def _report_json() -> list[dict]:
    out = StringIO()
    call_command("report", "funding", by="country", format="json", stdout=out)
    return json.loads(out.getvalue())


def test_an_imported_search(users):
    """One import of the three pages (each import of 424 flows takes a while): every check of what it gives."""
    imported = import_fts([str(page) for page in PAGES], user=users["secretariat"])
    assert imported.problems == []
    _the_location_funding_equals_ftss_rule_and_the_searchs_total_to_the_dollar()
    _pledges_are_kept_apart_and_equal_the_searchs_pledge_total()
    _every_flow_is_in_the_ledger_with_its_outcome(imported)
    _parked_parent_and_its_children_both_count_once_and_internal_flows_are_not_summed()
    _original_currency_and_amount_are_kept_beside_ftss_usd()
    _source_and_destination_objects_are_kept()


def test_importing_again(users, tmp_path):
    """A second import changes nothing; a newer version updates in place; a pledge become a commitment."""
    assert import_fts([str(page) for page in PAGES], user=users["secretariat"]).problems == []
    _a_second_import_changes_nothing(users)
    _a_newer_version_updates_the_flow_in_place(users, tmp_path)
    _a_pledge_that_becomes_a_commitment_leaves_the_pledges(users, tmp_path)
    _the_dashboards_totals_followed_every_write()


def _the_dashboards_totals_followed_every_write():
    """Creates, updates in place and withdrawals kept the totals exact by themselves (no rebuild pending)."""
    from tests.finance.kept import assert_totals_kept_exactly

    assert_totals_kept_exactly()


def _the_location_funding_equals_ftss_rule_and_the_searchs_total_to_the_dollar():
    flows = _flows()
    expected = _location_funding(flows)
    meta_total = json.loads(PAGES[0].read_text())["data"]["incoming"]["fundingTotal"]
    assert expected == Decimal(meta_total) == Decimal("381508179")
    row = _pse(_report_json())
    assert row["funding_usd"] == f"{expected}.00" == "381508179.00"
    assert row["unconverted"] == {}


def _pledges_are_kept_apart_and_equal_the_searchs_pledge_total():
    meta = json.loads(PAGES[0].read_text())["data"]["incoming"]
    row = _pse(report_rows(None, by="country"))
    assert row["pledged_usd"] == f"{meta['pledgeTotal']}.00" == "29621.00"
    pledge_ids = [int(f["id"]) for f in _flows() if f["status"] == "pledge"]
    assert [ledger.flow_id for ledger in FtsFlow.objects.filter(outcome=FtsOutcome.PLEDGE)] == pledge_ids
    pledge = FtsFlow.objects.get(flow_id=pledge_ids[0]).pledge
    assert (pledge.amount_usd, pledge.status, pledge.is_public) == (Decimal("29621.00"), "validated", True)
    assert not FundingFlow.objects.filter(load_key=f"fts-flow-{pledge_ids[0]}").exists()


def _every_flow_is_in_the_ledger_with_its_outcome(imported):
    flows = _flows()
    assert (imported.read, imported.created, imported.updated, imported.unchanged) == (424, 424, 0, 0)
    assert FtsFlow.objects.count() == 424
    expected = {"counted": 0, "regional": 0, "passed_on": 0, "pledge": 0, "not_stored": 0}
    for flow in flows:
        if flow["amountUSD"] <= 0:
            expected["not_stored"] += 1
        elif flow["status"] == "pledge":
            expected["pledge"] += 1
        elif flow["boundary"] != "incoming":
            expected["passed_on"] += 1
        else:
            expected["counted" if flow["onBoundary"] == "single" else "regional"] += 1
    assert imported.outcomes == {key: count for key, count in expected.items() if count}
    assert FundingFlow.objects.filter(source_kind="fts").count() == expected["counted"] + expected["regional"] + \
        expected["passed_on"]


def _parked_parent_and_its_children_both_count_once_and_internal_flows_are_not_summed():
    # 204307 is a parked flow whose amountUSD is what its children did not take: FTS counts both.
    parent = FtsFlow.objects.get(flow_id=204307)
    assert (parent.flow_type, parent.amount_usd, parent.outcome) == ("Parked", Decimal("4564265.00"), "counted")
    children = FtsFlow.objects.filter(parent_flow_id=204307)
    assert sorted(children.values_list("flow_id", flat=True)) == sorted(
        int(f["id"]) for f in _flows() if f["parentFlowId"] == 204307)
    assert set(children.values_list("outcome", flat=True)) == {"counted"}
    assert FundingFlow.objects.filter(source_kind="fts", parent__isnull=False).count() == 0
    # Internal flows (the oPt Humanitarian Fund's allocations) pass on money counted where it came in.
    internal = FtsFlow.objects.get(flow_id=207007)
    assert (internal.boundary, internal.parent_flow_id, internal.outcome) == ("internal", 209365, "passed_on")
    assert internal.funding_flow.stage == Stage.INCOMING
    # A parked parent of amount 0 is not stored; its ledger row keeps its children.
    empty = FtsFlow.objects.get(flow_id=209365)
    assert (empty.outcome, empty.funding_flow, len(empty.child_flow_ids)) == ("not_stored", None, 6)


def _original_currency_and_amount_are_kept_beside_ftss_usd():
    flow = FtsFlow.objects.get(flow_id=162816).funding_flow  # EUR 3,740,000 = US$4,348,837 at FTS's rate
    assert (flow.amount, flow.currency, flow.amount_usd, flow.fts_status) == (
        Decimal("3740000.00"), "EUR", Decimal("4348837.00"), "commitment")
    assert flow.country_id is None  # shared over years 2020-2022: FTS counts it on no location, nor do we
    assert flow.reference == "FTS 162816 v2"
    usd_only = FtsFlow.objects.get(flow_id=207006).funding_flow
    assert (usd_only.amount, usd_only.currency) == (Decimal("1000000.00"), "USD")


def _source_and_destination_objects_are_kept():
    ledger = FtsFlow.objects.get(flow_id=138397)
    assert [o["type"] for o in ledger.source_objects][:2] == ["Organization", "Location"]
    flow = FtsFlow.objects.get(flow_id=190288).funding_flow
    assert flow.provider.name == "Germany, Government of"
    assert flow.provider.country_id == "DEU"
    assert flow.provider.organisation_type == "10"
    assert flow.receiver.name == "International Committee of the Red Cross"
    assert flow.source.publisher == "OCHA Financial Tracking Service (FTS)"


def _a_second_import_changes_nothing(users):
    before = (FundingFlow.objects.count(), FundingFlow.history.count(), TrackedPledge.history.count(),
              list(FundingFlow.objects.filter(source_kind="fts").values_list("pk", "version", "amount_usd")))
    again = import_fts([str(page) for page in PAGES], user=users["secretariat"])
    assert (again.read, again.created, again.updated, again.unchanged, again.problems) == (424, 0, 0, 424, [])
    assert (FundingFlow.objects.count(), FundingFlow.history.count(), TrackedPledge.history.count(),
            list(FundingFlow.objects.filter(source_kind="fts").values_list("pk", "version", "amount_usd"))) == before
    assert _pse(_report_json())["funding_usd"] == "381508179.00"


def _a_newer_version_updates_the_flow_in_place(users, tmp_path):
    page = json.loads(PAGES[0].read_text())
    raw = next(f for f in page["data"]["flows"] if f["id"] == "190288")
    newer = copy.deepcopy(raw)
    newer["versionId"] = raw["versionId"] + 1
    newer["amountUSD"] = raw["amountUSD"] + 1000
    newer["originalAmount"] = None
    page["data"]["flows"] = [newer]
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(page))
    before = FtsFlow.objects.get(flow_id=190288).funding_flow
    report = import_fts([str(path)], user=users["secretariat"])
    assert (report.read, report.created, report.updated, report.unchanged) == (1, 0, 1, 0)
    after = FtsFlow.objects.get(flow_id=190288)
    assert after.version == raw["versionId"] + 1
    assert after.funding_flow.pk == before.pk
    assert after.funding_flow.amount_usd == Decimal(raw["amountUSD"] + 1000)
    assert after.funding_flow.version == before.version + 1
    assert _pse(report_rows(None, by="country"))["funding_usd"] == "381509179.00"
    # The same older version again: nothing changes.
    older = import_fts([str(PAGES[0])], user=users["secretariat"])
    assert (older.updated, FtsFlow.objects.get(flow_id=190288).version) == (0, raw["versionId"] + 1)


def _a_pledge_that_becomes_a_commitment_leaves_the_pledges(users, tmp_path):
    page = json.loads(PAGES[0].read_text())
    raw = next(f for f in _flows() if f["status"] == "pledge")
    newer = {**raw, "versionId": raw["versionId"] + 1, "status": "commitment"}
    page["data"]["flows"] = [newer]
    path = tmp_path / "committed.json"
    path.write_text(json.dumps(page))
    import_fts([str(path)], user=users["secretariat"])
    row = _pse(report_rows(None, by="country"))
    assert (row["pledged_usd"], row["funding_usd"]) == ("0.00", "381538800.00")  # with the newer 190288
    assert TrackedPledge.all_objects.get(load_key=f"fts-flow-{raw['id']}-pledge").deleted_at is not None


def test_bad_json_is_refused_with_a_clear_message_and_nothing_is_written(users, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": {"flows": [')
    other = tmp_path / "other.json"
    other.write_text('{"data": {"items": []}}')
    before = (FundingFlow.objects.count(), FtsFlow.objects.count())
    report = import_fts([str(broken), str(other), str(tmp_path / "absent.json")], user=users["secretariat"])
    assert report.problems[0].startswith("broken.json: not JSON (")
    assert report.problems[1:] == ["other.json: not an FTS flow search (no data.flows list).",
                                   f"{tmp_path / 'absent.json'}: could not be read (No such file or directory)."]
    assert (FundingFlow.objects.count(), FtsFlow.objects.count()) == before


def test_a_flow_with_a_wrong_field_is_refused_alone(users, tmp_path):
    page = json.loads(PAGES[2].read_text())
    flows = page["data"]["flows"][:3]
    flows[1] = {**flows[1], "status": "promised"}
    flows[2] = {**flows[2], "amountUSD": "lots"}
    page["data"]["flows"] = flows
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    report = import_fts([str(path)], user=users["secretariat"])
    assert report.problems == [
        f"page.json, flow 2 (id {flows[1]['id']}): status 'promised' is not pledge, commitment or paid",
        f"page.json, flow 3 (id {flows[2]['id']}): amountUSD is not a number"]
    assert list(FtsFlow.objects.values_list("flow_id", flat=True)) == [int(flows[0]["id"])]


def test_the_command_prints_its_report_and_refuses_a_user_who_may_not_publish(users):
    out = StringIO()
    call_command("import", "fts", str(PAGES[2]), as_user="secretaria", stdout=out)
    assert out.getvalue().splitlines()[0] == "1 pages, 24 flows read: 24 created, 0 updated, 0 unchanged, 0 refused."
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("import", "fts", str(PAGES[2]), as_user="nobody")
    before = FtsFlow.objects.count()
    with pytest.raises(CommandError, match="You may not"):
        call_command("import", "fts", str(PAGES[0]), as_user="donante.can", stdout=StringIO())
    assert FtsFlow.objects.count() == before


def _flow(flow_id, version=1) -> dict:
    return {"id": flow_id, "versionId": version, "status": "paid", "boundary": "incoming", "onBoundary": "single",
            "date": "2020-05-01", "amountUSD": 1000,
            "sourceObjects": [{"type": "Organization", "id": 1, "name": "A"}],
            "destinationObjects": [{"type": "Organization", "id": 2, "name": "B"},
                                   {"type": "Location", "id": 3, "name": "Colombia"}]}


def test_a_flow_id_or_version_too_large_to_store_refuses_that_flow_alone(users, tmp_path):
    """Storing it raised OverflowError (SQLite) or DataError (PostgreSQL): the whole import stopped there."""
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"data": {"flows": [_flow(2**70), _flow(900000021), _flow(900000022, version=2**31),
                                                   {**_flow(900000023), "childFlowIds": [2**63]}]}, "meta": {}}))
    report = import_fts([str(path)], user=users["secretariat"])
    assert report.problems == [f"page.json, flow 1 (id {2**70}): id is out of range",
                               "page.json, flow 3 (id 900000022): versionId is out of range",
                               "page.json, flow 4 (id 900000023): childFlowIds is out of range"]
    assert list(FtsFlow.objects.filter(flow_id__gte=900000021).values_list("flow_id", flat=True)) == [900000021]
