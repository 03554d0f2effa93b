"""Workflows: the states a record moves through, declared once by the app that owns the record.

A domain app declares one ``Workflow`` per record with states in its ``workflow.py`` (states and
their labels, which are public and which the proposer may still edit; transitions with who may
take them, button labels, comment and confirmation rules, the message said afterwards, guards and
side effects) and registers it from its ``AppConfig.ready()``. The permission module reads it
from here by model label, so this floor names no domain state and imports no domain app.
How to declare one: docs/workflows.md.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured


class Who(StrEnum):
    """Who may take a transition. The secretariat may take every transition of a workflow."""

    SECRETARIAT = "secretariat"
    # An editor (in the model's access policy) whose scope covers the record: a focal point of its
    # country, the officer of its proposing local government, the donor officer of its donor, ...
    PROPOSER = "proposer"
    # A user whose role is among the policy's ``confirmers`` and whose scope covers the record's country:
    # the focal point of the country that received a funding flow confirms it arrived.
    CONFIRMER = "confirmer"


class Comment(StrEnum):
    NONE = "none"  # no comment box
    OPTIONAL = "optional"  # a comment box; the comment is kept in the history
    REQUIRED = "required"  # refused without a comment that says something


@dataclass(frozen=True)
class NextStep:
    """What a user is told to do next while the record is in a state, depending on one transition."""

    target: str
    text: str  # said to whoever may take the transition to ``target``
    otherwise: str  # said to everyone else

    def __post_init__(self):
        object.__setattr__(self, "target", str(self.target))


@dataclass(frozen=True)
class State:
    value: str
    label: str  # lazily translated (gettext_lazy)
    is_public: bool = False  # records in this state are in the public catalogue
    editable_by_proposer: bool = False  # the policy's editors (not only the secretariat) change it
    iati_status: str | None = None  # the state's code in the IATI codelist for the record (ActivityStatus, …)
    next_step: NextStep | None = None

    def __post_init__(self):
        # A choices member (TextChoices) becomes its plain value, as the database gives it back.
        object.__setattr__(self, "value", str(self.value))


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    who: frozenset
    label: str  # the button's label, lazily translated
    done: str = ""  # said once the move is made
    comment: Comment = Comment.NONE
    comment_missing: str = ""  # the refusal when a required comment is blank
    confirm: bool = False  # asked a second time, on a page of its own (moves that are hard to undo)
    confirm_note: str = ""  # what that page says the move does
    # Refuses the move when it returns errors ({field: [messages]}), e.g. an incomplete submission.
    guard: Callable[[object], dict[str, list[str]]] | None = None
    guard_refused: str = ""  # said when the guard refuses, before its errors
    # Further field changes made with the move, e.g. stamping when it was submitted.
    effects: Callable[[object, datetime], dict] | None = None

    def __post_init__(self):
        sources = (self.sources,) if isinstance(self.sources, str) else self.sources
        object.__setattr__(self, "sources", tuple(str(source) for source in sources))
        object.__setattr__(self, "target", str(self.target))
        object.__setattr__(self, "who", frozenset(Who(who) for who in self.who))
        if not self.who:
            raise ImproperlyConfigured(f"The transition to {self.target} names nobody who may take it.")
        if self.comment == Comment.REQUIRED and not self.comment_missing:
            raise ImproperlyConfigured(f"The transition to {self.target} requires a comment: say what is "
                                       "answered when it is missing (comment_missing).")

    def comment_error(self, comment: str) -> str | None:
        """The refusal, in the active language, when the comment this move requires is blank."""
        if self.comment == Comment.REQUIRED and not (comment or "").strip():
            return str(self.comment_missing)
        return None


@dataclass(frozen=True)
class Workflow:
    model: str  # the model's label, e.g. "portfolio.project"
    state_field: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    public_field: str | None = None  # a boolean field kept equal to the state's is_public
    _states: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "model", self.model.lower())
        states = {state.value: state for state in self.states}
        if len(states) != len(self.states):
            raise ImproperlyConfigured(f"The workflow of {self.model} declares a state twice.")
        seen = set()
        for transition in self.transitions:
            unknown = [value for value in (*transition.sources, transition.target) if value not in states]
            if unknown:
                raise ImproperlyConfigured(
                    f"The workflow of {self.model} moves from or to undeclared states: {', '.join(unknown)}.")
            for source in transition.sources:
                if (source, transition.target) in seen:
                    raise ImproperlyConfigured(
                        f"The workflow of {self.model} declares the move {source} → {transition.target} twice.")
                seen.add((source, transition.target))
        object.__setattr__(self, "_states", states)

    def state(self, value: str) -> State:
        try:
            return self._states[value]
        except KeyError:
            raise LookupError(f"{value!r} is not a state of {self.model}.") from None

    def label(self, value: str) -> str:
        """The state's label, or the value itself when it is no state (to name what was asked for)."""
        state = self._states.get(value)
        return state.label if state else value

    def choices(self) -> list[tuple[str, str]]:
        return [(state.value, state.label) for state in self.states]

    def public_states(self) -> tuple[str, ...]:
        return tuple(state.value for state in self.states if state.is_public)

    def editable_states(self) -> tuple[str, ...]:
        return tuple(state.value for state in self.states if state.editable_by_proposer)

    def moves_from(self, source: str) -> list[Transition]:
        """The transitions out of ``source``, in the order they are declared (the order of the buttons)."""
        return [transition for transition in self.transitions if source in transition.sources]

    def transition(self, source: str, target: str) -> Transition:
        for transition in self.moves_from(source):
            if transition.target == target:
                return transition
        raise LookupError(f"{self.model} has no move from {source} to {target}.")

    def refusals(self, obj, target: str, *, comment: str = "") -> dict[str, list[str]]:
        """Why the move of ``obj`` to ``target`` cannot be made as asked ({} when it can)."""
        transition = self.transition(getattr(obj, self.state_field), target)
        errors = dict(transition.guard(obj)) if transition.guard else {}
        missing = transition.comment_error(comment)
        if missing:
            errors["comment"] = [missing]
        return errors

    def changes(self, obj, target: str, *, at: datetime) -> dict:
        """The field changes that move ``obj`` to ``target`` at ``at``, side effects included."""
        transition = self.transition(getattr(obj, self.state_field), target)
        changes = {self.state_field: target}
        if self.public_field:
            changes[self.public_field] = self.state(target).is_public
        if transition.effects:
            changes.update(transition.effects(obj, at))
        return changes


_registry: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Make ``workflow`` the one the permission module uses for its model. Call it from ``AppConfig.ready()``."""
    registered = _registry.get(workflow.model)
    # ready() may run again when tests rebuild the app registry: the same declaration is no news.
    if registered is workflow:
        return workflow
    if registered is not None:
        raise ImproperlyConfigured(f"A workflow for {workflow.model} is already registered; "
                                   "a model has one workflow, declared once.")
    _registry[workflow.model] = workflow
    return workflow


def _label(model_or_label) -> str:
    if isinstance(model_or_label, str):
        return model_or_label.lower()
    return model_or_label._meta.label_lower  # a model class or one of its records


def workflow_for(model_or_label) -> Workflow:
    label = _label(model_or_label)
    try:
        return _registry[label]
    except KeyError:
        raise LookupError(f"No workflow is registered for {label}; declare one in its app's workflow.py and "
                          "register it from the app's AppConfig.ready().") from None
