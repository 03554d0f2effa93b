"""Issue 13, results by territory: who may write a project's results (its focal point, its local-government
officer, the secretariat), who locks a period (the secretariat alone), and who reads them (everyone once the
project is published; its editors and the observers before). Every role has an allowed and a refused case
for each of the three models."""

import pytest

from minga.accounts import permissions
from minga.portfolio.models import Project
from minga.results.models import Indicator, ReportingPeriod, ResultReport

pytestmark = pytest.mark.django_db

ALLOWED, REFUSED = True, False
CUCUTA, LIMA, BRA_REVIEW = "PQ-COL-2026-0001", "PQ-PER-2026-0001", "PQ-BRA-2026-0001"
ROLES = ("secretariat", "focal_col", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous")


def record(model: str, code: str, saved: bool):
    project = Project.objects.get(code=code)
    if model == "indicator":
        return Indicator.objects.filter(project=project).first() if saved else Indicator(project=project)
    if model == "period":
        return ReportingPeriod.objects.filter(project=project).first() if saved else ReportingPeriod(project=project)
    indicator = Indicator.objects.filter(project=project).first() or Indicator(project=project)
    return ResultReport.objects.filter(indicator=indicator).first() if saved else ResultReport(indicator=indicator)


MATRIX = [
    (role, action, model, code, saved, expected)
    for model in ("indicator", "period", "report")
    for role, action, code, saved, expected in [
        ("secretariat", "create", LIMA, False, ALLOWED),
        ("secretariat", "publish", CUCUTA, True, ALLOWED),  # locking, for periods
        ("focal_col", "create", CUCUTA, False, ALLOWED),
        ("focal_col", "change", CUCUTA, True, ALLOWED),
        ("focal_col", "create", LIMA, False, REFUSED),
        ("focal_col", "publish", CUCUTA, True, REFUSED),
        ("local_cucuta", "create", CUCUTA, False, ALLOWED),
        ("local_cucuta", "change", CUCUTA, True, ALLOWED),
        ("local_cucuta", "change", LIMA, True, REFUSED),
        ("local_cucuta", "publish", CUCUTA, True, REFUSED),
        ("focal_per", "change", LIMA, True, ALLOWED),
        ("focal_per", "change", CUCUTA, True, REFUSED),
        ("focal_per", "view", CUCUTA, True, ALLOWED),
        ("donor_can", "view", CUCUTA, True, ALLOWED),
        ("donor_can", "create", CUCUTA, False, REFUSED),
        ("observer", "view_history", CUCUTA, True, ALLOWED),
        ("observer", "change", CUCUTA, True, REFUSED),
        ("anonymous", "view", LIMA, True, ALLOWED),
        ("anonymous", "view_history", LIMA, True, REFUSED),
        ("anonymous", "create", LIMA, False, REFUSED),
    ]
]


@pytest.mark.parametrize(("role", "action", "model", "code", "saved", "expected"), MATRIX,
                         ids=[f"{m}-{r}-{a}-{c}-{'allowed' if e else 'refused'}" for r, a, m, c, s, e in MATRIX])
def test_can(users, role, action, model, code, saved, expected):
    assert permissions.can(users[role], action, record(model, code, saved)) is expected


def test_every_role_has_an_allowed_and_a_refused_case_per_model():
    covered = {(role, model, expected) for role, _action, model, _code, _saved, expected in MATRIX}
    assert {(role, model, verdict) for role in ROLES if role != "secretariat"
            for model in ("indicator", "period", "report") for verdict in (ALLOWED, REFUSED)} - covered == set()


def test_results_of_an_unpublished_project_are_hidden_from_the_public_and_other_countries(users):
    project = Project.objects.get(code=BRA_REVIEW)
    indicator = Indicator.objects.create(project=project, name_en="Hidden", kind="people", aggregation="sum")
    for role, seen in [("anonymous", False), ("focal_col", False), ("donor_can", False), ("observer", True),
                       ("secretariat", True)]:
        assert (indicator in permissions.visible(users[role], Indicator.objects.filter(project=project))) is seen, role
    # The published projects' indicators are everyone's.
    assert set(permissions.visible(users["anonymous"], Indicator.objects.all()).values_list(
        "project__code", flat=True)) == {CUCUTA, LIMA}
