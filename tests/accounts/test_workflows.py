"""The generic workflow mechanism: a declaration registered by label answers the permission module.

A toy workflow (a leave request) is declared here, as finance or the roadmap will declare theirs:
nothing in ``minga.accounts`` is touched for it to work.
"""

import ast
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils import translation
from django.utils.translation import gettext_lazy as _

import minga.accounts
from minga.accounts import permissions, workflows
from minga.accounts.models import Role
from minga.accounts.workflows import Comment, NextStep, State, Transition, Who, Workflow

SECRETARIAT, PROPOSER = frozenset({Who.SECRETARIAT}), frozenset({Who.PROPOSER})
MOMENT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class Leave:
    """A record that is no Django model: the mechanism needs only a label and attributes."""

    _meta = SimpleNamespace(label_lower="toy.leave")

    def __init__(self, state="requested", country_id="COL", days=3, deleted_at=None):
        self.state, self.country_id, self.days, self.deleted_at = state, country_id, days, deleted_at
        self.approved_at = None


def _enough_days(leave) -> dict[str, list[str]]:
    return {} if leave.days > 0 else {"days": ["Ask for at least one day."]}


def leave_workflow(**overrides) -> Workflow:
    declaration = {
        "model": "Toy.Leave", "state_field": "state", "public_field": "is_public",
        "states": (
            State("requested", "Requested", editable_by_proposer=True,
                  next_step=NextStep("approved", "Decide", "Wait")),
            State("approved", "Approved", is_public=True, iati_status="2"),
            State("refused", "Refused", editable_by_proposer=True),
            State("cancelled", "Cancelled"),
        ),
        "transitions": (
            Transition(("requested",), "approved", SECRETARIAT, "Approve", done="Approved.",
                       effects=lambda leave, at: {"approved_at": at}),
            Transition(("requested",), "refused", SECRETARIAT, "Refuse", comment=Comment.REQUIRED,
                       comment_missing=_("Say what needs to change.")),
            Transition("refused", "requested", PROPOSER, "Ask again", guard=_enough_days),
            Transition(("requested", "refused", "approved"), "cancelled", {Who.SECRETARIAT, Who.PROPOSER},
                       "Cancel", comment=Comment.OPTIONAL, confirm=True),
        ),
    }
    declaration.update(overrides)
    return Workflow(**declaration)


@pytest.fixture
def registry(monkeypatch):
    """A registry holding what the apps registered, whose additions vanish after the test."""
    monkeypatch.setattr(workflows, "_registry", dict(workflows._registry))
    monkeypatch.setitem(permissions.POLICIES, "toy.leave", permissions.Policy(
        editors=frozenset({Role.COUNTRY_FOCAL_POINT}), country="country_id", state="state"))
    return workflows


@pytest.fixture
def leave_registered(registry):
    return registry.register(leave_workflow())


def test_a_workflow_is_found_by_label_model_or_record(leave_registered):
    assert leave_registered.model == "toy.leave"
    assert workflows.workflow_for("toy.leave") is leave_registered
    assert workflows.workflow_for("Toy.Leave") is leave_registered
    assert workflows.workflow_for(Leave) is leave_registered
    assert workflows.workflow_for(Leave()) is leave_registered
    with pytest.raises(LookupError) as caught:
        workflows.workflow_for("toy.holiday")
    assert str(caught.value) == ("No workflow is registered for toy.holiday; declare one in its app's workflow.py "
                                 "and register it from the app's AppConfig.ready().")


def test_registering_another_workflow_for_the_same_label_fails_loudly(leave_registered):
    # ready() run again with the same declaration changes nothing …
    assert workflows.register(leave_registered) is leave_registered
    # … but a second declaration for the same model is refused, even an identical one.
    with pytest.raises(ImproperlyConfigured) as caught:
        workflows.register(leave_workflow())
    assert str(caught.value) == ("A workflow for toy.leave is already registered; a model has one workflow, "
                                 "declared once.")
    assert workflows.workflow_for("toy.leave") is leave_registered


@pytest.mark.django_db
@pytest.mark.usefixtures("leave_registered")
@pytest.mark.parametrize("state, expected", [
    ("requested", {"secretariat": ["approved", "refused", "cancelled"], "focal_col": ["cancelled"]}),
    ("refused", {"secretariat": ["requested", "cancelled"], "focal_col": ["requested", "cancelled"]}),
    ("approved", {"secretariat": ["cancelled"], "focal_col": ["cancelled"]}),
    ("cancelled", {"secretariat": [], "focal_col": []}),
])
def test_who_may_take_each_move_of_a_toy_workflow(users, state, expected):
    leave = Leave(state=state)
    found = {key: permissions.allowed_transitions(users[key], leave) for key in users}
    # Only the secretariat and the proposer (Colombia's focal point for a Colombian leave) move it.
    assert found == {"secretariat": expected["secretariat"], "focal_col": expected["focal_col"], "focal_per": [],
                     "local_cucuta": [], "donor_can": [], "observer": [], "anonymous": []}
    assert [move.label for move in permissions.allowed_moves(users["secretariat"], leave)] == [
        {"approved": "Approve", "refused": "Refuse", "requested": "Ask again", "cancelled": "Cancel"}[target]
        for target in expected["secretariat"]]
    # Another country's focal point is no proposer of this leave.
    assert permissions.allowed_transitions(users["focal_per"], Leave(state=state, country_id="PER")) == (
        expected["focal_col"])


@pytest.mark.django_db
@pytest.mark.usefixtures("leave_registered")
def test_a_deleted_record_moves_nowhere(users):
    assert permissions.allowed_transitions(users["secretariat"], Leave(deleted_at=MOMENT)) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("leave_registered", "english")
def test_require_transition_refuses_with_the_states_labels(users):
    leave = Leave()
    permissions.require_transition(users["focal_col"], leave, "cancelled")
    assert permissions.can_transition(users["focal_col"], leave, "cancelled")
    assert not permissions.can_transition(users["focal_col"], leave, "approved")
    with pytest.raises(PermissionDenied) as caught:
        permissions.require_transition(users["focal_col"], leave, "approved")
    assert str(caught.value) == "You may not move this record from “Requested” to “Approved”."
    with pytest.raises(PermissionDenied) as caught:
        permissions.require_transition(users["secretariat"], leave, "sideways")
    assert str(caught.value) == "You may not move this record from “Requested” to “sideways”."


@pytest.mark.django_db
@pytest.mark.usefixtures("leave_registered")
def test_the_proposer_edits_only_in_the_states_the_workflow_leaves_them(users):
    editable = {state: permissions.can(users["focal_col"], "change", Leave(state=state))
                for state in ("requested", "approved", "refused", "cancelled")}
    assert editable == {"requested": True, "approved": False, "refused": True, "cancelled": False}
    assert permissions.can(users["secretariat"], "change", Leave(state="approved"))


@pytest.mark.usefixtures("english")
def test_a_required_comment_must_say_something():
    workflow = leave_workflow()
    for blank in ("", "   ", None):
        assert workflow.refusals(Leave(), "refused", comment=blank) == {"comment": ["Say what needs to change."]}
    assert workflow.refusals(Leave(), "refused", comment="Too long.") == {}
    # An optional comment may be left out.
    assert workflow.refusals(Leave(), "cancelled") == {}
    with translation.override("es"):
        assert workflow.refusals(Leave(), "refused")["comment"] == ["Indique qué debe cambiar."]


def test_a_guard_refuses_with_its_errors_and_effects_add_changes():
    workflow = leave_workflow()
    assert workflow.refusals(Leave(state="refused", days=0), "requested") == {"days": ["Ask for at least one day."]}
    assert workflow.refusals(Leave(state="refused", days=2), "requested") == {}
    assert workflow.changes(Leave(), "approved", at=MOMENT) == {
        "state": "approved", "is_public": True, "approved_at": MOMENT}
    assert workflow.changes(Leave(), "cancelled", at=MOMENT) == {"state": "cancelled", "is_public": False}
    with pytest.raises(LookupError) as caught:
        workflow.changes(Leave(state="cancelled"), "approved", at=MOMENT)
    assert str(caught.value) == "toy.leave has no move from cancelled to approved."


def test_what_a_declaration_answers():
    workflow = leave_workflow()
    assert workflow.choices() == [("requested", "Requested"), ("approved", "Approved"), ("refused", "Refused"),
                                  ("cancelled", "Cancelled")]
    assert (workflow.public_states(), workflow.editable_states()) == (("approved",), ("requested", "refused"))
    assert [(move.sources, move.target) for move in workflow.moves_from("refused")] == [
        (("refused",), "requested"), (("requested", "refused", "approved"), "cancelled")]
    assert (workflow.state("approved").iati_status, workflow.state("requested").next_step.text) == ("2", "Decide")
    assert (workflow.label("refused"), workflow.label("sideways")) == ("Refused", "sideways")
    with pytest.raises(LookupError):
        workflow.state("sideways")


@pytest.mark.parametrize("overrides, message", [
    ({"states": (State("requested", "Requested"), State("requested", "Again"))},
     "The workflow of toy.leave declares a state twice."),
    ({"transitions": (Transition("requested", "archived", SECRETARIAT, "Archive"),)},
     "The workflow of toy.leave moves from or to undeclared states: archived."),
    ({"transitions": (Transition("requested", "approved", SECRETARIAT, "Approve"),
                      Transition(("refused", "requested"), "approved", PROPOSER, "Approve too"))},
     "The workflow of toy.leave declares the move requested → approved twice."),
])
def test_inconsistent_declarations_are_refused(overrides, message):
    with pytest.raises(ImproperlyConfigured) as caught:
        leave_workflow(**overrides)
    assert str(caught.value) == message


def test_a_transition_names_who_takes_it_and_the_refusal_of_a_missing_comment():
    with pytest.raises(ImproperlyConfigured) as caught:
        Transition("requested", "approved", frozenset(), "Approve")
    assert str(caught.value) == "The transition to approved names nobody who may take it."
    with pytest.raises(ImproperlyConfigured) as caught:
        Transition("requested", "refused", SECRETARIAT, "Refuse", comment=Comment.REQUIRED)
    assert str(caught.value) == ("The transition to refused requires a comment: say what is answered when it is "
                                 "missing (comment_missing).")
    with pytest.raises(ValueError):
        Transition("requested", "approved", {"everyone"}, "Approve")


@pytest.mark.django_db
def test_the_policy_and_the_workflow_must_name_the_same_state_field(registry, users):
    registry.register(leave_workflow(state_field="status"))
    with pytest.raises(ImproperlyConfigured) as caught:
        permissions.allowed_transitions(users["secretariat"], Leave())
    assert str(caught.value) == "The access policy of toy.leave keeps its state in 'state', its workflow in 'status'."


@pytest.mark.django_db
def test_a_record_with_a_state_but_no_registered_workflow_is_an_error_not_a_free_pass(registry, users):
    with pytest.raises(LookupError):
        permissions.can(users["focal_col"], "change", Leave())


ACCOUNTS = Path(minga.accounts.__file__).resolve().parent


def _literals_and_imports(path: Path) -> tuple[set[str], set[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    literals = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    imports = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imports |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    return literals, imports


@pytest.mark.parametrize("module", ["permissions.py", "workflows.py"])
def test_the_accounts_floor_names_no_portfolio_state_and_imports_no_domain_app(module):
    from minga.portfolio.workflow import PROJECT_WORKFLOW

    literals, imports = _literals_and_imports(ACCOUNTS / module)
    states = {state.value for state in PROJECT_WORKFLOW.states}
    assert len(states) == 8
    assert literals & states == set()
    assert sorted(name for name in imports if name.startswith("minga.") and not name.startswith("minga.accounts")) == []
