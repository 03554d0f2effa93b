"""Issue 11 ("fast"): ``cells.add_lone_flow``, the IATI import's way of adding a new flow that is its own group,
gives exactly the cells ``add_group`` gives for it (no database: both are pure functions of the flow)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from minga.finance import cells as totals_cells
from minga.finance.tracking import Stage

CENTS = st.integers(0, 10**12).map(lambda cents: Decimal(cents).scaleb(-2))
SHARES = st.lists(st.tuples(st.sampled_from(["COL", "PER", "ECU"]),
                            st.integers(0, 10_000).map(lambda hundredths: Decimal(hundredths).scaleb(-2))), max_size=4)
FLOWS = st.builds(
    SimpleNamespace, pk=st.integers(1, 10**6), stage=st.sampled_from([Stage.COMMITMENT, Stage.DISBURSEMENT]),
    value_date=st.dates(date(2015, 1, 1), date(2030, 12, 31)), provider_id=st.integers(1, 5),
    theme_id=st.none() | st.integers(1, 3), is_humanitarian=st.booleans(), is_public=st.booleans(), amount=CENTS,
    currency=st.sampled_from(["USD", "XAF", "PYG"]), amount_usd=st.none() | CENTS)


def by_add_group(flow, shares) -> totals_cells.Cells:
    cells = totals_cells.Cells()
    totals_cells.add_group(cells, [totals_cells.fact_of(
        (flow.pk, flow.stage, None, None, flow.value_date, flow.provider_id, None, flow.theme_id,
         flow.is_humanitarian, flow.is_public, flow.amount, flow.currency, flow.amount_usd), shares)])
    return cells


@given(st.lists(st.tuples(FLOWS, SHARES), min_size=1, max_size=5))
def test_a_lone_flow_adds_the_cells_add_group_adds(flows):
    cells = totals_cells.Cells()
    for flow, shares in flows:
        totals_cells.add_lone_flow(cells, flow, shares)
    expected = totals_cells.Cells()
    for flow, shares in flows:
        for key, values in by_add_group(flow, shares).items():
            expected[key] = [a + b for a, b in zip(expected[key], values, strict=True)]
    assert dict(cells) == dict(expected)


def test_an_unconverted_commitment_shared_in_thirds():
    flow = SimpleNamespace(pk=7, stage=Stage.COMMITMENT, value_date=date(2024, 5, 1), provider_id=3, theme_id=None,
                           is_humanitarian=True, is_public=True, amount=Decimal("999.99"), currency="XAF",
                           amount_usd=None)
    shares = [("COL", Decimal("33.33")), ("PER", Decimal("33.33")), ("COL", Decimal("33.34"))]
    cells = totals_cells.Cells()
    totals_cells.add_lone_flow(cells, flow, shares)
    key = ("flow", 3, "COL", 2024, "humanitarian", 0, 0, True, 0)
    # COL holds 66.67 % (its two shares merged): 666.693333 XAF; PER 33.33 %: 333.296667 XAF, to the millionth.
    assert dict(cells) == {(*key, ""): [1, 0, 0, 0, 0, 0, 0], (*key, "XAF"): [0, 0, 0, 0, 0, 666_693_333, 0],
                           (*key[:2], "PER", *key[3:], ""): [1, 0, 0, 0, 0, 0, 0],
                           (*key[:2], "PER", *key[3:], "XAF"): [0, 0, 0, 0, 0, 333_296_667, 0]}
    assert dict(cells) == dict(by_add_group(flow, shares))
