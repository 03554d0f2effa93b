"""The project services: codes, whole-project checks, the workflow and who may move it, money to USD."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from minga.accounts import permissions
from minga.audit.selectors import history_of
from minga.audit.services import EditConflict
from minga.portfolio import services
from minga.portfolio.models import Project, ProjectTransition
from minga.portfolio.validation import ProjectInvalid
from minga.reference.models import Country, Marker, Organisation, Subdivision, Term

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def complete_data(**overrides) -> dict:
    colombia = Country.objects.get(iso3="COL")
    data = {
        "title_es": "Atención a mujeres en Arauca", "summary_pt": "Acolhimento de mulheres na fronteira",
        "proposing_organisation": Organisation.objects.get(load_key="organisation:gov-col"),
        "planned_start": date(2026, 1, 1), "planned_end": date(2027, 12, 31),
        "budget_amount": Decimal("800000000"), "budget_currency": "COP", "budget_value_date": date(2026, 1, 15),
        "requested_amount": Decimal("600000000"), "people_total": 500, "people_with_disabilities": 20,
        "locations": [
            {"country": colombia, "subdivision": None, "municipality": None, "percentage": Decimal(100)},
            {"country": colombia, "subdivision": Subdivision.objects.get(code="CO-ARA"), "municipality": None,
             "percentage": Decimal(60)},
            {"country": colombia, "subdivision": Subdivision.objects.get(code="CO-NSA"), "municipality": None,
             "percentage": Decimal(40)},
        ],
        "themes": [{"term": Term.objects.get(vocabulary_id="quito-axes", code="gender-equity"), "percentage": Decimal(100)}],
        "markers": [{"marker": marker, "significance": 1} for marker in Marker.objects.all()],
        "people": [{"dimension": "population_group", "category": "refugees_migrants", "people": 500},
                   {"dimension": "sex_age", "category": "women", "people": 500}],
        "budget_years": [{"year": 2026, "amount": Decimal("400000000")}, {"year": 2027, "amount": Decimal("400000000")}],
        "funding": [],
    }
    data.update(overrides)
    return data


def test_codes_follow_country_year_and_sequence(users):
    first = services.project_create(user=users["focal_col"], data=complete_data())
    second = services.project_create(user=users["focal_col"], data=complete_data(title_es="Otro"))
    year = timezone.localdate().year
    # The demo already holds PQ-COL-<year>-0001 and -0002.
    assert (first.code, second.code) == (f"PQ-COL-{year}-0003", f"PQ-COL-{year}-0004")
    assert first.status == "draft" and not first.is_public
    assert list(first.transitions.values_list("from_status", "to_status")) == [("", "draft")]


def test_money_is_converted_and_the_gap_is_what_is_requested_and_not_secured(users):
    gac = Organisation.objects.get(load_key="organisation:gac")
    project = services.project_create(user=users["focal_col"], data=complete_data(funding=[
        {"funder": gac, "amount": Decimal("100000000"), "currency": "COP", "value_date": date(2026, 2, 1)}]))
    assert (project.budget_usd, project.requested_usd, project.secured_usd, project.gap_usd) == (
        Decimal("200000.00"), Decimal("150000.00"), Decimal("25000.00"), Decimal("125000.00"))
    assert project.funding.get().amount_usd == Decimal("25000.00")


def test_secured_money_that_cannot_be_converted_leaves_the_gap_unknown(users):
    gac = Organisation.objects.get(load_key="organisation:gac")
    project = services.project_create(user=users["focal_col"], data=complete_data(funding=[
        {"funder": gac, "amount": Decimal("1000"), "currency": "VES", "value_date": date(2026, 2, 1)}]))
    assert (project.secured_usd, project.gap_usd, project.requested_usd) == (None, None, Decimal("150000.00"))
    assert "secured 1000 VES not converted: no rate for VES" in project.conversion_note


@pytest.mark.parametrize("overrides, errors", [
    ({"themes": [{"term": "gender-equity", "percentage": Decimal(70)}]},
     {"themes[quito-axes]": ["The shares in “Quito Process thematic axes” total 70%, not 100%."]}),
    ({"people_total": 600},
     {"people[population_group]": ["People by population group add up to 500, not to the total of 600."],
      "people[sex_age]": ["People by sex and age add up to 500, not to the total of 600."]}),
    ({"budget_years": [{"year": 2026, "amount": Decimal("800000000")}, {"year": 2029, "amount": Decimal("0")}]},
     {"budget_years": ["Years outside the planned dates: 2029."]}),
    ({"requested_amount": Decimal("900000000")}, {"requested_amount": ["More is requested than the whole budget."]}),
    ({"is_regional": True}, {"locations": ["A regional project names no territories; untick “regional” to name them."]}),
])
def test_inconsistent_projects_are_refused_whole(users, overrides, errors):
    if "themes" in overrides:
        overrides["themes"] = [{"term": Term.objects.get(vocabulary_id="quito-axes", code=row["term"]),
                                "percentage": row["percentage"]} for row in overrides["themes"]]
    before = Project.all_objects.count()
    with pytest.raises(ProjectInvalid) as caught:
        services.project_create(user=users["focal_col"], data=complete_data(**overrides))
    assert caught.value.errors == errors
    assert Project.all_objects.count() == before


def test_territory_shares_are_checked_per_level(users):
    data = complete_data()
    data["locations"][2]["percentage"] = Decimal("30")
    with pytest.raises(ProjectInvalid) as caught:
        services.project_create(user=users["focal_col"], data=data)
    assert caught.value.errors == {"locations": ["The shares of the subdivisions total 90%, not 100%."]}


def test_incomplete_draft_is_kept_but_cannot_be_submitted(users):
    draft = services.project_create(user=users["focal_col"], data={
        "title_es": "Borrador", "proposing_organisation": Organisation.objects.get(load_key="organisation:gov-col")})
    with pytest.raises(ProjectInvalid) as caught:
        services.project_transition(project=draft, user=users["focal_col"], to_status="submitted",
                                    expected_version=draft.version)
    assert sorted(caught.value.errors) == ["budget_amount", "budget_years", "locations", "markers", "people_total",
                                           "planned_end", "planned_start", "requested_amount", "summary", "themes"]
    assert Project.objects.get(pk=draft.pk).status == "draft"


def test_the_whole_workflow_with_who_may_do_what(users):
    focal, secretariat = users["focal_col"], users["secretariat"]
    project = services.project_create(user=focal, data=complete_data())
    project = services.project_transition(project=project, user=focal, to_status="submitted", expected_version=project.version)
    with pytest.raises(PermissionDenied):
        services.project_transition(project=project, user=focal, to_status="published", expected_version=project.version)
    with pytest.raises(PermissionDenied):
        services.project_update(project=project, user=focal, data={"people_with_disabilities": 10},
                                expected_version=project.version)
    project = services.project_transition(project=project, user=secretariat, to_status="under_review",
                                          expected_version=project.version)
    with pytest.raises(ProjectInvalid) as caught:
        services.project_transition(project=project, user=secretariat, to_status="changes_requested",
                                    expected_version=project.version, comment="  ")
    assert caught.value.errors == {"comment": ["Say what needs to change."]}
    project = services.project_transition(project=project, user=secretariat, to_status="changes_requested",
                                          expected_version=project.version, comment="Reduzca lo solicitado.")
    project = services.project_update(project=project, user=focal, data={"requested_amount": Decimal("400000000")},
                                      expected_version=project.version)
    project = services.project_transition(project=project, user=focal, to_status="submitted", expected_version=project.version)
    project = services.project_transition(project=project, user=secretariat, to_status="under_review",
                                          expected_version=project.version)
    project = services.project_transition(project=project, user=secretariat, to_status="published",
                                          expected_version=project.version)
    assert project.is_public and project.published_at is not None and project.requested_usd == Decimal("100000.00")
    assert list(ProjectTransition.objects.filter(project=project).values_list("to_status", "user__username", "comment")) == [
        ("draft", "focal.col", ""), ("submitted", "focal.col", ""), ("under_review", "secretaria", ""),
        ("changes_requested", "secretaria", "Reduzca lo solicitado."), ("submitted", "focal.col", ""),
        ("under_review", "secretaria", ""), ("published", "secretaria", "")]
    assert permissions.allowed_transitions(focal, project) == ["in_implementation", "withdrawn"]
    assert permissions.allowed_transitions(users["focal_per"], project) == []
    assert permissions.allowed_transitions(users["observer"], project) == []


def test_another_countrys_focal_point_neither_sees_nor_changes_the_draft(users):
    draft = services.project_create(user=users["focal_col"], data=complete_data())
    assert not permissions.can(users["focal_per"], "view", draft)
    assert not Project.objects.filter(pk=draft.pk).filter(
        pk__in=permissions.visible(users["focal_per"], Project.objects.all())).exists()
    with pytest.raises(PermissionDenied):
        services.project_update(project=draft, user=users["focal_per"], data={"title_es": "X"},
                                expected_version=draft.version)
    with pytest.raises(PermissionDenied):
        services.project_create(user=users["focal_per"], data=complete_data())
    assert Project.objects.get(pk=draft.pk).title_es == "Atención a mujeres en Arauca"


def test_stale_edit_changes_neither_fields_nor_parts(users):
    project = services.project_create(user=users["focal_col"], data=complete_data())
    services.project_update(project=project, user=users["focal_col"], data={"title_en": "Women in Arauca"},
                            expected_version=1)
    with pytest.raises(EditConflict):
        services.project_update(project=project, user=users["focal_col"], expected_version=1,
                                data={"title_en": "Stale", "budget_years": [{"year": 2026, "amount": Decimal("800000000")}]})
    stored = Project.objects.get(pk=project.pk)
    assert (stored.title_en, stored.version, stored.budget_years.count()) == ("Women in Arauca", 2, 2)


def test_history_shows_how_the_parts_changed(users):
    project = services.project_create(user=users["focal_col"], data=complete_data())
    data = complete_data()
    data["locations"][1]["percentage"], data["locations"][2]["percentage"] = Decimal(50), Decimal(50)
    services.project_update(project=project, user=users["focal_col"], data={"locations": data["locations"]},
                            expected_version=1)
    with translation.override("en"):
        latest = history_of(Project.objects.get(pk=project.pk))[0]
    # One sentence per kind of part that changed (here the territories only): what was added, what removed.
    assert [(change.label, change.sentence) for change in latest.changes if change.name == "parts_summary"] == [
        ("territories", "Added: CO-ARA 50%, CO-NSA 50%; removed: CO-ARA 60%, CO-NSA 40%.")]


def test_search_text_finds_any_language_without_accents(users):
    project = services.project_create(user=users["focal_col"], data=complete_data(title_en="Integração local"))
    assert "acolhimento de mulheres" in project.search_text and "integracao local" in project.search_text


def test_conversion_note_reads_in_each_readers_language(users):
    from django.utils import translation

    project = services.project_create(user=users["focal_col"], data=complete_data(funding=[
        {"funder": Organisation.objects.get(load_key="organisation:gac"), "amount": Decimal("1000"),
         "currency": "VES", "value_date": date(2026, 2, 1)}]))
    assert project.conversions == [
        {"what": "budget", "amount": "800000000", "currency": "COP", "value_date": "2026-01-15", "rate": "4000",
         "rate_date": "2026-01-02", "source": "Minga: Demonstration data: illustrative, not a real figure",
         "problem": ""},
        {"what": "secured", "amount": "1000", "currency": "VES", "value_date": "2026-02-01", "rate": None,
         "rate_date": None, "source": "", "problem": "no_rate"}]
    assert project.conversion_note.startswith("COP at 4000 per USD (2026-01-02, Minga: Demonstration data")
    with translation.override("es"):
        assert project.conversion_note == (
            "COP a 4000 por USD (2026-01-02, Minga: Demonstration data: illustrative, not a real figure); "
            "1000 VES asegurados no convertidos: no hay tipo de cambio para VES: la Secretaría Técnica puede "
            "agregarlo a la tabla de tipos de cambio")


# Who may move a project where, written out: the declaration in portfolio.workflow must give exactly this.
SECRETARIAT_MOVES = {
    "draft": ["submitted", "withdrawn"],
    "submitted": ["under_review", "changes_requested", "withdrawn"],
    "under_review": ["changes_requested", "published", "withdrawn"],
    "changes_requested": ["submitted", "withdrawn"],
    "published": ["in_implementation", "withdrawn"],
    "in_implementation": ["completed", "withdrawn"],
    "completed": [],
    "withdrawn": [],
}
PROPOSER_MOVES = {
    "draft": ["submitted", "withdrawn"],
    "submitted": ["withdrawn"],
    "under_review": ["withdrawn"],
    "changes_requested": ["submitted", "withdrawn"],
    "published": ["in_implementation", "withdrawn"],
    "in_implementation": ["completed", "withdrawn"],
    "completed": [],
    "withdrawn": [],
}


@pytest.mark.parametrize("state", list(SECRETARIAT_MOVES))
def test_the_permission_module_answers_from_the_project_workflow(users, state):
    from minga.accounts.workflows import workflow_for
    from minga.portfolio.workflow import PROJECT_WORKFLOW

    assert workflow_for(Project) is PROJECT_WORKFLOW
    # Proposed by the Alcaldía de Cúcuta: its officer and Colombia's focal point are its proposers.
    project = Project.objects.get(load_key="project:cucuta-reception")
    project.status = state
    found = {key: permissions.allowed_transitions(users[key], project) for key in users}
    assert found == {"secretariat": SECRETARIAT_MOVES[state], "focal_col": PROPOSER_MOVES[state],
                     "local_cucuta": PROPOSER_MOVES[state], "focal_per": [], "donor_can": [], "observer": [],
                     "anonymous": []}
    may_change = {key: permissions.can(users[key], "change", project) for key in ("focal_col", "local_cucuta")}
    proposer_edits = state in ("draft", "changes_requested")
    assert may_change == {"focal_col": proposer_edits, "local_cucuta": proposer_edits}


def test_the_actions_box_takes_labels_and_rules_from_the_declaration(users):
    from django.test import RequestFactory
    from django.utils import translation

    from minga.portfolio.templatetags.portfolio_workflow import project_transitions

    request = RequestFactory().get("/")
    request.user = users["secretariat"]
    project = Project.objects.get(load_key="project:roraima-interiorization")  # under review
    assert project_transitions({"request": request}, project) == [
        {"status": "changes_requested", "label": "Request changes", "confirm": False, "comment": True,
         "comment_required": True},
        {"status": "published", "label": "Publish", "confirm": True, "comment": True, "comment_required": False},
        {"status": "withdrawn", "label": "Withdraw", "confirm": True, "comment": True, "comment_required": False},
    ]
    with translation.override("es"):
        assert [str(move["label"]) for move in project_transitions({"request": request}, project)] == [
            "Solicitar cambios", "Publicar", "Retirar"]


def test_public_states_iati_codes_and_stamps_come_from_the_declaration(users):
    from minga.portfolio.workflow import PROJECT_WORKFLOW, PUBLIC_STATUSES

    assert PUBLIC_STATUSES == ("published", "in_implementation", "completed")
    assert {state.value: state.iati_status for state in PROJECT_WORKFLOW.states if state.iati_status} == {
        "published": "1", "in_implementation": "2", "completed": "4"}
    focal, secretariat = users["focal_col"], users["secretariat"]
    project = services.project_create(user=focal, data=complete_data())
    project = services.project_transition(project=project, user=focal, to_status="submitted",
                                          expected_version=project.version)
    submitted_at = project.submitted_at
    assert submitted_at is not None and project.published_at is None and not project.is_public
    project = services.project_transition(project=project, user=secretariat, to_status="under_review",
                                          expected_version=project.version)
    project = services.project_transition(project=project, user=secretariat, to_status="published",
                                          expected_version=project.version)
    first_publication = project.published_at
    assert project.is_public and first_publication is not None and project.submitted_at == submitted_at
    project = services.project_transition(project=project, user=focal, to_status="withdrawn",
                                          expected_version=project.version, comment="Sin fondos.")
    assert (project.status, project.is_public, project.published_at) == ("withdrawn", False, first_publication)
