"""For tests of any writer of flows and pledges: the dashboard's totals followed its writes exactly."""

from minga.finance.totals import rebuild_funding_totals
from minga.finance.tracking import FundingTotal, FundingTotalsState


def cells() -> list[tuple]:
    return sorted(FundingTotal.objects.filter(records__gt=0).values_list(
        "kind", "donor_id", "country", "year", "purpose", "theme_id", "conference_id", "is_public", "mask",
        "currency", "pledged", "committed", "disbursed", "funding", "unconverted", "unconverted_pledged"))


def assert_totals_kept_exactly() -> None:
    """Kept by the writes themselves (no rebuild pending), and equal to a rebuild from the records."""
    assert not FundingTotalsState.objects.exists()
    kept = cells()
    rebuild_funding_totals()
    assert kept == cells()
