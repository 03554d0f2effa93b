"""Writes made around the services (finance/totals_signals.py): a save of a flow moves the kept totals as a
service would; a change of shares marks them stale and the next read rebuilds them."""

from decimal import Decimal

import pytest

from minga.finance.selectors.funding import ALL
from minga.finance.selectors.totals import funding_rows_kept
from minga.finance.tracking import FlowShare, FundingFlow, FundingTotalsState
from tests.finance.kept import assert_totals_kept_exactly

pytestmark = pytest.mark.django_db


def funding(country: str) -> Decimal:
    return {row.key: row.funding for row in funding_rows_kept("public", "country", ALL)}[country]


def test_a_save_around_the_services_moves_the_totals_exactly(ledger):
    assert funding("PER") == Decimal(211_000)  # 70 % of F3's 300,000 + F7's 1,000
    flow = FundingFlow.objects.get(pk=ledger.f3.pk)
    flow.amount, flow.amount_usd = Decimal(330_000), Decimal(330_000)
    flow.save()
    assert funding("PER") == Decimal(232_000)  # 70 % of 330,000 + 1,000
    assert_totals_kept_exactly()


def test_a_share_changed_around_the_services_marks_the_totals_stale_and_the_next_read_rebuilds(ledger):
    share = FlowShare.objects.get(flow=ledger.f3, country_id="PER")
    share.percentage = Decimal(60)
    share.save()
    FlowShare.objects.filter(flow=ledger.f3, country_id="COL").update(percentage=Decimal(40))
    assert FundingTotalsState.objects.exists()
    assert funding("PER") == Decimal(181_000)  # 60 % of 300,000 + 1,000, rebuilt on reading
    assert not FundingTotalsState.objects.exists()


def test_a_disbursement_unlinked_around_the_services_counts_on_its_own(ledger):
    assert funding("COL") == Decimal(1_690_000)  # F1's rest 200,000 + F2 400,000 + F3's 90,000 + F5 1,000,000
    flow = FundingFlow.objects.get(pk=ledger.f2.pk)
    flow.commitment = None  # the admin: not paid against F1 after all
    flow.save()
    assert funding("COL") == Decimal(2_090_000)  # F1's whole 600,000 again, beside F2
    assert_totals_kept_exactly()
