"""ExactSum adds amounts in millionths exactly past 2**63, where SQLite's own SUM stops."""

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import Sum

from minga.common.aggregates import ExactSum
from minga.finance.tracking import FundingTotal

pytestmark = pytest.mark.django_db


@pytest.fixture
def huge_cells():
    # Three cells of guaraníes without a rate, 4.6 × 10**18 millionths each: together past 2**63.
    FundingTotal.objects.bulk_create(
        FundingTotal(level="test", kind="flow", donor_id=1 + n, country="PRY", year=2024, purpose="humanitarian",
                     is_public=True, currency="PYG", unconverted=2**62 + n) for n in range(3))


def test_exact_sum_adds_past_two_to_the_sixty_third_exactly(huge_cells):
    total = FundingTotal.objects.filter(level="test").aggregate(total=ExactSum("unconverted"))["total"]
    assert int(total) == 3 * 2**62 + 3


def test_exact_sum_of_nothing_is_none_like_sum():
    assert FundingTotal.objects.filter(level="none").aggregate(total=ExactSum("unconverted"))["total"] is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's SUM of a bigint is an exact numeric")
def test_sqlite_s_own_sum_stops_there(huge_cells):
    with pytest.raises(OperationalError, match="integer overflow"), transaction.atomic():
        FundingTotal.objects.filter(level="test").aggregate(total=Sum("unconverted"))
