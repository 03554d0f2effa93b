"""Issue 13, "Results by territory": the aggregation answers on a hand-built fixture (sum, max, latest; missing
cells and periods never read as zero) and on the demo's illustrative reports."""

from decimal import Decimal

import pytest

from minga.reference.models import Subdivision
from minga.results import selectors
from minga.results.models import Aggregation, Frequency, Indicator, ReportingPeriod, ResultReport
from minga.results.selectors import Territory, combine_periods, combine_places, indicator_table

Q = [ReportingPeriod(pk=number, frequency=Frequency.QUARTERLY, year=2026, number=number) for number in (1, 2, 3, 4)]
A, B = (Territory(code, Subdivision(code=code, name=code), None) for code in ("XX-A", "XX-B"))
# A: Q1 10, Q2 20, Q3 —; B: Q1 5, Q2 —, Q3 7; Q4 nothing anywhere.
CELLS = {(1, "XX-A"): 10, (2, "XX-A"): 20, (1, "XX-B"): 5, (3, "XX-B"): 7}


def table(aggregation):
    reports = [ResultReport(period_id=period, subdivision_id=place, value=Decimal(value))
               for (period, place), value in CELLS.items()]
    return indicator_table(Indicator(aggregation=aggregation), Q, [A, B], reports)


def test_a_sum_adds_periods_and_places_and_leaves_missing_cells_out():
    result = table(Aggregation.SUM)
    assert result.period_totals == {1: 15, 2: 20, 3: 7, 4: None}
    assert result.territory_totals == {"XX-A": 30, "XX-B": 12}
    assert result.total == 42
    assert [(period.pk, place.key) for period, place in result.missing] == [
        (2, "XX-B"), (3, "XX-A"), (4, "XX-A"), (4, "XX-B")]
    assert [period.label for period in result.missing_periods] == ["2026 Q4"]


def test_a_maximum_is_never_added_across_periods_or_places():
    result = table(Aggregation.MAX)
    assert result.period_totals == {1: 10, 2: 20, 3: 7, 4: None}
    assert result.territory_totals == {"XX-A": 20, "XX-B": 7}
    assert result.total == 20


def test_a_latest_value_is_each_places_last_report_and_is_not_combined_across_places():
    result = table(Aggregation.LATEST)
    # Q1: two places reported, no single latest value; Q2 and Q3 have one place each.
    assert result.period_totals == {1: None, 2: 20, 3: 7, 4: None}
    assert result.territory_totals == {"XX-A": 20, "XX-B": 7}
    assert result.total is None


def test_nothing_reported_is_none_not_zero():
    assert combine_periods([None, None], Aggregation.SUM) is None
    assert combine_places([None], Aggregation.MAX) is None
    assert combine_periods([Decimal(0), None], Aggregation.SUM) == 0  # a reported zero stays a zero


@pytest.mark.django_db
def test_people_per_subdivision_of_the_demo_count_each_project_once_per_line(users):
    figures, tables = selectors.people_by_subdivision(users["secretariat"], "COL")
    assert [(figure.code, figure.people, figure.by_line and sorted(figure.by_line.values()), figure.missing_cells)
            for figure in figures] == [
        # Arauca: 150 + 170 children (sum); the women's indicator reported nothing there (missing, not 0).
        ("CO-ARA", Decimal(320), [Decimal(320)], 4),
        # Norte de Santander: Cúcuta 420 + 510 + 480 and 60 elsewhere (sum) + the women enrolled to date (latest
        # value, 180, not 120 + 180); the reception points are not people.
        ("CO-NSA", Decimal(1650), [Decimal(180), Decimal(1470)], 6),
    ]
    assert sorted(table.indicator.name_en for table in tables) == [
        "Children and adolescents attended (illustrative)",
        "Women enrolled in the livelihoods programme, to date (illustrative)"]


@pytest.mark.django_db
def test_the_project_tables_of_the_demo(users, english):
    from minga.portfolio.models import Project

    tables = selectors.project_results(Project.objects.get(code="PQ-COL-2026-0001"))
    totals = {table.indicator.name_en: (table.total, [period.label for period in table.missing_periods])
              for table in tables}
    assert totals == {
        "Children and adolescents attended (illustrative)": (Decimal(1790), []),
        "Women enrolled in the livelihoods programme, to date (illustrative)": (Decimal(180), ["2026 Q3"]),
        "Reception points operating (illustrative)": (Decimal(3), []),
    }
    assert [territory.name for territory in tables[0].territories] == [
        "Arauca", "Norte de Santander, other places", "San José de Cúcuta (Norte de Santander)"]
