"""ExactSum adds amounts in millionths exactly past 2**63, where SQLite's own SUM stops; ``summed_exactly`` asks
SQLite's own SUM first and ExactSum only past that limit."""

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from minga.common.aggregates import SQLITE_FUNCTION, ExactSum, GroupKey, summed_exactly
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


def sums_by_country(add):
    return list(FundingTotal.objects.filter(level="test").values("country").order_by()
                .annotate(total=add("unconverted")).values_list("country", "total"))


def test_summed_exactly_adds_past_two_to_the_sixty_third_exactly(huge_cells):
    [(country, total)] = summed_exactly(sums_by_country)
    assert (country, int(total)) == ("PRY", 3 * 2**62 + 3)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs its own exact SUM once")
def test_on_sqlite_summed_exactly_asks_sqlite_s_own_sum_and_python_s_only_past_its_limit(huge_cells):
    FundingTotal.objects.bulk_create(
        FundingTotal(level="small", kind="flow", donor_id=9 + n, country="COL", year=2024, purpose="humanitarian",
                     is_public=True, currency="COP", unconverted=n) for n in (5, 7))
    with CaptureQueriesContext(connection) as small:
        answer = summed_exactly(lambda add: list(
            FundingTotal.objects.filter(level="small").values("country").order_by()
            .annotate(total=add("unconverted")).values_list("country", "total")))
    assert answer == [("COL", 12)]
    assert [SQLITE_FUNCTION in query["sql"] for query in small.captured_queries] == [False]
    with CaptureQueriesContext(connection) as huge:
        [(country, total)] = summed_exactly(sums_by_country)
    assert (country, int(total)) == ("PRY", 3 * 2**62 + 3)
    assert [SQLITE_FUNCTION in query["sql"] for query in huge.captured_queries] == [False, True]


def test_summed_exactly_lets_other_errors_through():
    def broken(add):
        raise OperationalError("no such table: elsewhere")

    with pytest.raises(OperationalError, match="no such table"):
        summed_exactly(broken)


def test_group_key_groups_by_the_column_which_sqlite_keeps_from_its_indexes(huge_cells):
    grouped = (FundingTotal.objects.filter(level="test").values(key=GroupKey("donor_id")).order_by("key")
               .annotate(cells=Count("pk")))
    assert list(grouped) == [{"key": 1, "cells": 1}, {"key": 2, "cells": 1}, {"key": 3, "cells": 1}]
    sql = str(grouped.query)
    column = '"finance_fundingtotal"."donor_id"'
    # Django groups by the selected expression (``GROUP BY 1``): on SQLite that is ``+column``.
    selected = f'SELECT +{column} AS "key"' if connection.vendor == "sqlite" else f'SELECT {column} AS "key"'
    assert sql.startswith(selected)
    assert " GROUP BY 1 " in sql or f" GROUP BY {sql.split(' AS ')[0].removeprefix('SELECT ')} " in sql
