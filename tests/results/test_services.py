"""Issue 13, results by territory: writing reports (all or nothing, disaggregation that adds up, one report per
cell, optimistic versions, history), and locking a period against late reports."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minga.audit.services import EditConflict
from minga.portfolio.models import Project
from minga.results import services
from minga.results.models import Indicator, ReportingPeriod, ResultReport
from minga.results.services import ReportInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell():
    """The demo's children indicator in Cúcuta's project, its open third quarter, Arauca (no report there yet)."""
    project = Project.objects.get(code="PQ-COL-2026-0001")
    indicator = Indicator.objects.get(load_key="results-indicator:PQ-COL-2026-0001:children-attended")
    periods = {period.number: period for period in ReportingPeriod.objects.filter(project=project)}
    return indicator, periods, "CO-ARA"


def test_the_owner_records_a_result_with_its_breakdown_and_history(users, cell):
    indicator, periods, territory = cell
    report = services.report_save(user=users["local_cucuta"], indicator=indicator, period=periods[3],
                                  territory=territory, data=ReportInput(
                                      value=Decimal(90), breakdown={"sex": {"female": 50, "male": 40}}))
    stored = ResultReport.objects.get(indicator=indicator, period=periods[3], subdivision_id="CO-ARA")
    assert (stored.pk, stored.value, stored.breakdown, stored.partial, stored.version, stored.reported_by) == (
        report.pk, Decimal(90), {"sex": {"female": 50, "male": 40}}, [], 1, users["local_cucuta"])
    assert [entry.history_user for entry in stored.history.all()] == [users["local_cucuta"]]
    changed = services.report_save(user=users["focal_col"], indicator=indicator, period=periods[3],
                                   territory=territory, data=ReportInput(value=Decimal(95)), expected_version=1)
    assert (changed.pk, changed.value, changed.breakdown, changed.version) == (report.pk, Decimal(95), {}, 2)


def test_a_locked_period_refuses_a_late_report_and_stores_nothing(users, cell, english):
    indicator, periods, _territory = cell
    assert periods[1].is_locked
    before = ResultReport.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.report_save(user=users["local_cucuta"], indicator=indicator, period=periods[1], territory="CO-ARA",
                             data=ReportInput(value=Decimal(10)))
    assert refused.value.message_dict == {"period": [
        "The period 2026 Q1 is locked: the secretariat has closed it, so its reports can no longer be added or "
        "changed. Ask the secretariat to open it again."]}
    assert ResultReport.objects.count() == before


def test_a_locked_period_refuses_a_change_even_by_the_secretariat_until_opened_again(users, cell, english):
    indicator, periods, _territory = cell
    report = ResultReport.objects.get(indicator=indicator, period=periods[1], subdivision_id="CO-ARA")
    with pytest.raises(ValidationError, match="is locked: the secretariat has closed it"):
        services.report_save(user=users["secretariat"], indicator=indicator, period=periods[1], territory="CO-ARA",
                             data=ReportInput(value=Decimal(151)), expected_version=report.version)
    opened = services.period_set_lock(user=users["secretariat"], period=periods[1], locked=False,
                                      expected_version=periods[1].version)
    assert (opened.is_locked, opened.locked_by) == (False, None)
    changed = services.report_save(user=users["secretariat"], indicator=indicator, period=opened, territory="CO-ARA",
                                   data=ReportInput(value=Decimal(151)), expected_version=report.version)
    assert changed.value == Decimal(151)


def test_only_the_secretariat_locks_a_period(users, cell):
    _indicator, periods, _territory = cell
    with pytest.raises(PermissionDenied):
        services.period_set_lock(user=users["local_cucuta"], period=periods[2], locked=True,
                                 expected_version=periods[2].version)
    locked = services.period_set_lock(user=users["secretariat"], period=periods[2], locked=True,
                                      expected_version=periods[2].version)
    assert (locked.is_locked, locked.locked_by, locked.version) == (True, users["secretariat"], periods[2].version + 1)


def test_an_officer_of_another_scope_may_not_write(users, cell):
    indicator, periods, territory = cell
    for role in ("focal_per", "donor_can", "observer", "anonymous"):
        with pytest.raises(PermissionDenied):
            services.report_save(user=users[role], indicator=indicator, period=periods[3], territory=territory,
                                 data=ReportInput(value=Decimal(1)))
    assert not ResultReport.objects.filter(indicator=indicator, period=periods[3], subdivision_id="CO-ARA").exists()


@pytest.mark.parametrize(("breakdown", "partial", "message"), [
    ({"sex": {"female": 50, "male": 30}}, (),
     "Sex: the parts add up to 80, not to the total 90. Correct them, or mark this breakdown as partial."),
    ({"age": {"0-17": 60, "18-59": 40}}, ("age",), "Age group: the parts add up to 100, more than the total 90."),
    ({"population": {"refugees_migrants": Decimal("2.5")}}, (), "Population group: each part is a whole number of people."),
    ({"colour": {"blue": 90}}, (), "Unknown disaggregation: colour."),
])
def test_a_breakdown_that_does_not_add_up_is_refused(users, cell, english, breakdown, partial, message):
    indicator, periods, territory = cell
    with pytest.raises(ValidationError) as refused:
        services.report_save(user=users["local_cucuta"], indicator=indicator, period=periods[3], territory=territory,
                             data=ReportInput(value=Decimal(90), breakdown=breakdown, partial=partial))
    assert refused.value.message_dict == {"breakdown": [message]}
    assert not ResultReport.objects.filter(indicator=indicator, period=periods[3], subdivision_id="CO-ARA").exists()


def test_a_breakdown_marked_partial_may_cover_part_of_the_total(users, cell):
    indicator, periods, territory = cell
    report = services.report_save(user=users["local_cucuta"], indicator=indicator, period=periods[3],
                                  territory=territory, data=ReportInput(
                                      value=Decimal(90), breakdown={"age": {"0-17": 60}}, partial=("age", "sex")))
    assert (report.breakdown, report.partial) == ({"age": {"0-17": 60}}, ["age"])


def test_a_report_of_a_cell_read_before_another_was_saved_is_a_conflict(users, cell):
    indicator, periods, _territory = cell
    report = ResultReport.objects.get(indicator=indicator, period=periods[2], subdivision_id="CO-ARA")
    services.report_save(user=users["local_cucuta"], indicator=indicator, period=periods[2], territory="CO-ARA",
                         data=ReportInput(value=Decimal(171)), expected_version=report.version)
    with pytest.raises(EditConflict):
        services.report_save(user=users["focal_col"], indicator=indicator, period=periods[2], territory="CO-ARA",
                             data=ReportInput(value=Decimal(172)), expected_version=report.version)
    with pytest.raises(EditConflict):  # sent as new, but the cell has a report now
        services.report_save(user=users["focal_col"], indicator=indicator, period=periods[2], territory="CO-ARA",
                             data=ReportInput(value=Decimal(172)))
    assert ResultReport.objects.get(pk=report.pk).value == Decimal(171)


def test_a_territory_outside_the_project_and_a_fraction_of_people_are_refused(users, cell, english):
    indicator, periods, _territory = cell
    with pytest.raises(ValidationError) as refused:
        services.report_save(user=users["local_cucuta"], indicator=indicator, period=periods[3], territory="CO-ANT",
                             data=ReportInput(value=Decimal("1.5")))
    assert refused.value.message_dict == {"territory": ["Choose one of the project's territories."],
                                          "value": ["People are counted in whole numbers."]}


def test_a_project_keeps_one_frequency(users, english):
    project = Project.objects.get(code="PQ-COL-2026-0001")
    with pytest.raises(ValidationError) as refused:
        services.period_create(user=users["local_cucuta"], project=project, frequency="monthly", year=2026, number=10)
    assert refused.value.message_dict == {"frequency": ["This project reports quarterly; all its periods have the "
                                                        "same length."]}
    period = services.period_create(user=users["local_cucuta"], project=project, frequency="quarterly", year=2026,
                                    number=4)
    assert (period.label, period.starts_on.isoformat(), period.ends_on.isoformat()) == (
        "2026 Q4", "2026-10-01", "2026-12-31")


def test_the_owner_defines_an_indicator(users):
    project = Project.objects.get(code="PQ-COL-2026-0001")
    indicator = services.indicator_create(user=users["local_cucuta"], project=project, data=services.IndicatorInput(
        name_es="Familias orientadas", unit_es="familias", kind="other", aggregation="max", target=Decimal(50)))
    assert (indicator.name_in("en"), indicator.position, indicator.version) == (("Familias orientadas", "es"), 3, 1)
    with pytest.raises(PermissionDenied):
        services.indicator_create(user=users["focal_per"], project=project, data=services.IndicatorInput(name_es="X"))
