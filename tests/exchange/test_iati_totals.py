"""Issue 11 ("fast"), third round: the IATI import adds what its new flows give to the dashboard's totals from
the values it has just inserted (``totals.refresh_totals_for_new_flows``) instead of reading the flows back.
The cells must be exactly those a rebuild from the database gives, including for the values the database
does not give back equal (shares of more decimals than kept), which are read back."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minga.exchange.iati import rows, transactions
from minga.finance.tracking import FlowShare, FollowUp, FundingFlow, SourceKind, Stage
from minga.reference.models import Country, Organisation, Term
from tests.finance.kept import assert_totals_kept_exactly, cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return (Organisation.objects.create(name="Donor of the totals test", organisation_type="10"),
            Organisation.objects.create(name="Receiver of the totals test", organisation_type="21"))


def new_flow(parties, stage, amount, usd, *, currency="USD", year=2024, humanitarian=False, country=None,
             theme=None, pledge=None):
    provider, receiver = parties
    return rows.new(FundingFlow, stage=stage, iati_transaction_type="3", provider_id=provider.pk,
                    receiver_id=receiver.pk, value_date=date(year, 5, 1), amount=Decimal(amount), currency=currency,
                    amount_usd=None if usd is None else Decimal(usd), usd_problem="" if usd is not None else "no rate",
                    is_humanitarian=humanitarian, country_id=country.pk if country else None,
                    theme_id=theme.pk if theme else None, source_kind=SourceKind.IATI, reference="XM-T#1",
                    status=FollowUp.REPORTED, pledge_id=pledge)


def assert_written(*, flows: int, history: int, shares: int) -> None:
    assert (FundingFlow.all_objects.filter(reference="XM-T#1").count(),
            FundingFlow.history.filter(reference="XM-T#1").count(),
            FlowShare.objects.filter(flow__reference="XM-T#1").count()) == (flows, history, shares)


def test_new_flows_give_the_cells_a_rebuild_gives(parties):
    col, per, ecu = (Country.objects.get(pk=code) for code in ("COL", "PER", "ECU"))
    theme = Term.objects.filter(vocabulary__code="dac-5").order_by("code").first()
    flows = [new_flow(parties, Stage.COMMITMENT, "1000000.00", "1000000.00", country=col, theme=theme),
             new_flow(parties, Stage.DISBURSEMENT, "250000.50", "250000.50", humanitarian=True),
             new_flow(parties, Stage.DISBURSEMENT, "1200.00", None, currency="XAF", year=2023),
             new_flow(parties, Stage.COMMITMENT, "300.00", None, currency="XAF"),
             new_flow(parties, Stage.COMMITMENT, "999.99", "999.99"),  # shared out in thirds below
             new_flow(parties, Stage.INCOMING, "5000.00", "5000.00", country=per),  # counted nowhere
             new_flow(parties, Stage.EXPENDITURE, "70.00", "70.00")]
    shares = [[(col.pk, None, Decimal(100))], [], [], [],
              [(col.pk, None, Decimal("33.33")), (per.pk, None, Decimal("33.33")), (ecu.pk, None, Decimal("33.34"))],
              [(per.pk, None, Decimal(100))], []]
    before = cells()
    with CaptureQueriesContext(connection) as queries:
        transactions.write_flows(flows, shares, user=None, reason="test")
    # The flows, their history and their shares inserted; the cells added to: nothing read back.
    assert [query["sql"].split()[0] for query in queries.captured_queries
            if "SAVEPOINT" not in query["sql"]].count("SELECT") == 1  # the ids (SQLite: past the counter)
    assert_written(flows=7, history=7, shares=5)
    assert cells() != before
    assert_totals_kept_exactly()


def test_values_the_database_does_not_give_back_equal_are_read_back(parties):
    col, per, ecu = (Country.objects.get(pk=code) for code in ("COL", "PER", "ECU"))
    flows = [new_flow(parties, Stage.COMMITMENT, "600.00", "600.00"),  # shares of more decimals than kept
             new_flow(parties, Stage.DISBURSEMENT, "10.00", "10.00", country=col)]
    shares = [[(col.pk, None, Decimal("33.333")), (per.pk, None, Decimal("33.333")), (ecu.pk, None, Decimal("33.334"))],
              [(col.pk, None, Decimal(100))]]
    before = cells()
    transactions.write_flows(flows, shares, user=None, reason="test")
    assert_written(flows=2, history=2, shares=4)
    assert cells() != before
    assert_totals_kept_exactly()
