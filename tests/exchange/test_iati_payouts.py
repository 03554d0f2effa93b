"""An imported activity's disbursements pay out its commitments (``exchange.iati.payouts``): the money counts once,
at its latest stage, as docs/finance.md says. Before, every imported commitment counted in full beside the
disbursements that paid it out (1,000,000 committed and 600,000 of it paid: 1,600,000 of funding)."""

import importlib
from decimal import Decimal
from pathlib import Path

import pytest

from minga.exchange.iati.payouts import COMMITMENT, DISBURSEMENT, payouts
from minga.exchange.iati.reader import decimal_or_none
from minga.exchange.models import IatiTransaction
from minga.finance.selectors.report import report_rows
from minga.finance.tracking import FundingFlow
from tests.exchange.test_iati_transaction_types import document, run, transaction
from tests.finance.kept import assert_totals_kept_exactly

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "activities"
NGO = '<receiver-org ref="XM-NGO" type="22"><narrative>NGO</narrative></receiver-org>'
OTHER = '<receiver-org ref="XM-OTHER-NGO" type="22"><narrative>Other NGO</narrative></receiver-org>'


def measures(user) -> dict:
    return {row["key"]: (Decimal(row["committed_usd"]), Decimal(row["disbursed_usd"]), Decimal(row["funding_usd"]))
            for row in report_rows(user, by="country")}


def moved(before: dict, after: dict) -> dict:
    zero = (Decimal(0),) * 3
    changes = {key: tuple(a - b for a, b in zip(after.get(key, zero), before.get(key, zero), strict=True))
               for key in set(before) | set(after)}
    return {key: change for key, change in changes.items() if change != zero}


def links() -> list[tuple]:
    """(position, stage, position of the commitment it pays out) per imported transaction with a flow."""
    position = dict(IatiTransaction.objects.exclude(flow=None).values_list("flow_id", "position"))
    return sorted((position[pk], stage, position.get(commitment))
                  for pk, stage, commitment in FundingFlow.all_objects.filter(pk__in=position)
                  .values_list("pk", "stage", "commitment_id"))


@pytest.mark.django_db
def test_a_disbursement_pays_out_the_commitment_of_its_activity_and_counts_once(users):
    before = measures(users["secretariat"])
    run(document(transaction("2", "1000000"), transaction("3", "600000", "2024-05-01"),
                 transaction("4", "100000", "2024-06-01")))  # expenditure: counted nowhere, paying nothing out
    assert links() == [(1, "commitment", None), (2, "disbursement", 1), (3, "expenditure", None)]
    # 60 % Colombia, 40 % Peru: committed 1,000,000, paid 600,000 of it: funding 1,000,000, not 1,600,000.
    assert moved(before, measures(users["secretariat"])) == {
        "COL": (Decimal("600000.00"), Decimal("360000.00"), Decimal("600000.00")),
        "PER": (Decimal("400000.00"), Decimal("240000.00"), Decimal("400000.00"))}
    assert_totals_kept_exactly()


@pytest.mark.django_db
def test_each_disbursement_pays_out_its_receivers_commitment_and_a_newer_file_links_again(users):
    before = measures(users["secretariat"])
    given = [transaction("2", "500000", extra=NGO), transaction("2", "300000", extra=OTHER),
             transaction("3", "200000", "2024-03-01", extra=OTHER), transaction("3", "450000", "2024-04-01", extra=NGO),
             transaction("3", "150000", "2024-05-01", extra=OTHER)]
    run(document(*given))
    assert links() == [(1, "commitment", None), (2, "commitment", None), (3, "disbursement", 2),
                       (4, "disbursement", 1), (5, "disbursement", 2)]
    # NGO: 500,000 committed, 450,000 paid → 500,000; other NGO: 300,000 committed, 350,000 paid (more than it) →
    # 350,000. Funding 850,000 (60/40).
    assert moved(before, measures(users["secretariat"])) == {
        "COL": (Decimal("480000.00"), Decimal("480000.00"), Decimal("510000.00")),
        "PER": (Decimal("320000.00"), Decimal("320000.00"), Decimal("340000.00"))}
    assert_totals_kept_exactly()

    # Its money changed: the flows, linked to each other, are replaced together, and linked again.
    report = run(document(*given[:4]))
    assert (report.counts["updated"], report.problems) == (1, [])
    assert links() == [(1, "commitment", None), (2, "commitment", None), (3, "disbursement", 2),
                       (4, "disbursement", 1)]
    assert moved(before, measures(users["secretariat"])) == {
        "COL": (Decimal("480000.00"), Decimal("390000.00"), Decimal("480000.00")),
        "PER": (Decimal("320000.00"), Decimal("260000.00"), Decimal("320000.00"))}
    assert_totals_kept_exactly()


def committed(receiver: int, value: int) -> tuple:
    return (COMMITMENT, receiver, Decimal(value))


def paid(receiver: int, value: int) -> tuple:
    return (DISBURSEMENT, receiver, Decimal(value))


def test_payouts_go_to_the_commitment_with_the_most_left_to_pay():
    assert payouts([paid(1, 5)]) == {}  # nothing committed: nothing to pay out
    assert payouts([committed(1, 100), committed(1, 100), paid(1, 60), paid(1, 60), paid(1, 50)]) == {
        2: 0, 3: 1, 4: 0}
    # Another receiver's commitment only when the disbursement's own receiver has none.
    assert payouts([committed(1, 10), committed(2, 500), paid(1, 50), paid(3, 50)]) == {2: 0, 3: 1}
    # Equal rests: the first given. Incoming funds and expenditure pay nothing out.
    assert payouts([committed(1, 10), committed(1, 10), paid(1, 1), ("expenditure", 1, Decimal(1)),
                    ("incoming", 1, Decimal(1))]) == {2: 0}


@pytest.mark.django_db
def test_the_migration_links_what_earlier_imports_stored_and_the_totals_follow(users):
    from django.apps import apps

    from minga.finance import totals
    from minga.finance.tracking import FundingTotalsState

    migration = importlib.import_module("minga.exchange.migrations.0009_imported_disbursements_pay_out_commitments")
    before = measures(users["secretariat"])
    run(document(transaction("2", "1000000"), transaction("3", "600000", "2024-05-01")))
    # As an import before this change stored them:
    FundingFlow.all_objects.filter(source_kind="iati").update(commitment=None)
    totals.rebuild_funding_totals()
    assert moved(before, measures(users["secretariat"]))["COL"][2] == Decimal("960000.00")  # counted twice

    migration.link(apps, None)
    assert links() == [(1, "commitment", None), (2, "disbursement", 1)]
    assert FundingTotalsState.objects.count() == 1  # the totals rebuilt on their next read
    assert moved(before, measures(users["secretariat"])) == {
        "COL": (Decimal("600000.00"), Decimal("360000.00"), Decimal("600000.00")),
        "PER": (Decimal("400000.00"), Decimal("240000.00"), Decimal("400000.00"))}
    assert_totals_kept_exactly()
    migration.link(apps, None)  # again: nothing more to link, nothing marked
    assert FundingTotalsState.objects.count() == 0


def test_payouts_over_the_shared_files():
    """Each activity's positive commitments and disbursements, read from the XML by XPath (values as published,
    currencies mixed, receivers aside): linked, their funding is within 0.007 % of the larger of the two per
    activity; unlinked it was a quarter more."""
    from lxml import etree

    stages = {"2": COMMITMENT, "3": DISBURSEMENT, "7": DISBURSEMENT}
    unlinked = pooled = linked = Decimal(0)
    for path in sorted(SHARED.glob("*.xml")):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
        for activity in etree.parse(str(path), parser).iter("iati-activity"):
            flows = []
            for item in activity.iterfind("transaction"):
                stage = stages.get(item.xpath("string(transaction-type/@code)").strip())
                value = decimal_or_none(item.xpath("string(value)"))
                if stage and value is not None and value > 0:
                    flows.append((stage, 0, value))
            commitments = [value for stage, _receiver, value in flows if stage == COMMITMENT]
            disbursed = sum(value for stage, _receiver, value in flows if stage == DISBURSEMENT)
            links = payouts(flows)
            left = [value - sum(flows[d][2] for d, c in links.items() if c == index)
                    for index, (stage, _receiver, value) in enumerate(flows) if stage == COMMITMENT]
            unlinked += sum(commitments) + disbursed
            pooled += max(sum(commitments), disbursed)
            linked += disbursed + sum(max(rest, 0) for rest in left)
    assert (round(unlinked / 10**9, 1), round(pooled / 10**9, 2), round(linked / 10**9, 2)) == (
        Decimal("809.0"), Decimal("647.38"), Decimal("647.42"))
    assert linked / pooled < Decimal("1.00007")
