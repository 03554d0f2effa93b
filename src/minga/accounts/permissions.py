"""The one place that answers "may this user do X to this object?" and "which of these may they see?".

Views, the API, the CLI and the services all ask here; nothing else decides access.

The rules, for every role:
- The Technical Secretariat may do everything, including publish, delete and restore.
- A reviewer/observer reads everything that is not deleted (published or not) and its history,
  and changes nothing.
- A country focal point creates and changes, in the models that allow it, the records of their
  country; a local-government officer those of their organisation (and the units under it) and of
  its territory, always within its country; a donor officer those of their organisation (and the
  units under it), wherever they sit (an embassy abroad).
- What a donor officer writes in a member state waits for the secretariat's approval
  (``needs_approval``), and a record that depends on an unapproved one is held: no one creates,
  changes or moves it until the secretariat approves (a project of an unapproved organisation).
- Everyone, signed in or not, sees published records; deleted records only the secretariat sees, and
  the records of a private model (``Policy.private``: the import runs) too.

Which roles may edit a model, and where a record's country, organisation and territory are found,
is declared in ``minga.accounts.policies.POLICIES`` (read here, and re-exported), keyed by model label, so that lower apps need not import the
domain apps that register them. Where a record has states, who may move it where is its
workflow's answer: the app that owns the record declares it and registers it with
``minga.accounts.workflows`` when it starts.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from minga.accounts.models import Role
from minga.accounts.policies import POLICIES, Policy
from minga.accounts.workflows import Transition, Who, Workflow, workflow_for


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    RESTORE = "restore"
    PUBLISH = "publish"
    VIEW_HISTORY = "view_history"


@dataclass(frozen=True)
class GrantScope:
    role: Role
    countries: frozenset = frozenset()
    organisations: frozenset = frozenset()
    subdivisions: frozenset = frozenset()
    municipalities: frozenset = frozenset()
    # The organisation the grant names, and where it sat when the grant was read (``PLACEMENT``).
    organisation: int | None = None
    placement: tuple = ()


# Where an organisation sits. An organisation-scoped grant reaches what lies under and around its organisation
# (its units; a local government's territory), so the grant's own organisation is moved by the secretariat only.
PLACEMENT = ("country_id", "subdivision_id", "municipality_id", "parent_id")


def _placement(organisation) -> tuple:
    return tuple(getattr(organisation, name, None) for name in PLACEMENT)


@dataclass
class Actor:
    """A user's active grants, resolved once per request."""

    user: object
    scopes: list[GrantScope] = field(default_factory=list)

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def has_role(self, role: Role) -> bool:
        return any(scope.role == role for scope in self.scopes)

    @property
    def is_secretariat(self) -> bool:
        # An inactive account has no grants (see actor_for); it must not keep the superuser's powers either.
        return self.has_role(Role.SECRETARIAT) or bool(
            getattr(self.user, "is_superuser", False) and getattr(self.user, "is_active", False))

    @property
    def is_observer(self) -> bool:
        return self.has_role(Role.OBSERVER)


def actor_for(user) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Actor(user=user)
    cached = getattr(user, "_minga_actor", None)
    if cached is not None:
        return cached
    scopes = []
    for grant in user.grants.filter(revoked_at__isnull=True).select_related("organisation"):
        if grant.role == Role.COUNTRY_FOCAL_POINT:
            scopes.append(GrantScope(Role.COUNTRY_FOCAL_POINT, countries=frozenset({grant.country_id})))
        elif grant.role in (Role.LOCAL_GOVERNMENT_OFFICER, Role.DONOR_OFFICER):
            organisation = grant.organisation
            local = grant.role == Role.LOCAL_GOVERNMENT_OFFICER
            territory = {organisation.subdivision_id} if local and organisation.subdivision_id else set()
            # A local government acts in its own country only; a donor's units may sit anywhere (an
            # embassy), so a donor officer's grant is bound to no country.
            country = {organisation.country_id} if local and organisation.country_id else set()
            town = {organisation.municipality_id} if local and organisation.municipality_id else set()
            scopes.append(GrantScope(
                Role(grant.role), countries=frozenset(country),
                organisations=frozenset(organisation.descendant_ids()), subdivisions=frozenset(territory),
                municipalities=frozenset(town), organisation=organisation.pk, placement=_placement(organisation)))
        else:
            scopes.append(GrantScope(Role(grant.role)))
    actor = Actor(user=user, scopes=scopes)
    user._minga_actor = actor
    return actor


def forget(user) -> None:
    """Drop the cached grants (after a grant was given or revoked)."""
    if user is not None and hasattr(user, "_minga_actor"):
        del user._minga_actor


def policy_for(model) -> Policy:
    label = model._meta.label_lower
    try:
        return POLICIES[label]
    except KeyError:
        raise LookupError(f"No access policy is declared for {label}; add one to POLICIES.") from None


def _value(obj, path: str | None):
    if path is None:
        return None
    value = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _own(scope: GrantScope, policy: Policy, obj) -> bool:
    """The record is one of the grant's organisations' (an organisation: one of them)."""
    if policy.organisation == "pk":
        # An organisation as it would be after a change: under one of the grant's organisations, or the grant's own
        # (``_scope_covers`` has refused it moved). Its own id alone would let the grant move it anywhere (under
        # another donor; out of the territory, which the next request's grant would then follow).
        if obj.pk is not None and obj.pk == scope.organisation:
            return True
        return _value(obj, policy.parent_organisation) in scope.organisations
    return (_value(obj, policy.organisation) in scope.organisations
            or _value(obj, policy.parent_organisation) in scope.organisations)


def _moves_the_grants_organisation(scope: GrantScope, policy: Policy, obj) -> bool:
    return (policy.organisation == "pk" and obj.pk is not None and obj.pk == scope.organisation
            and _placement(obj) != scope.placement)


def _scope_covers(scope: GrantScope, policy: Policy, obj) -> bool:
    if scope.role == Role.COUNTRY_FOCAL_POINT:
        return _value(obj, policy.country) in scope.countries
    if _moves_the_grants_organisation(scope, policy, obj):
        return False
    if scope.role == Role.LOCAL_GOVERNMENT_OFFICER:
        # Never outside the officer's country: a unit of theirs placed abroad (an "office in Lima" with
        # no subdivision) would let them propose projects for another member state.
        if policy.country and _value(obj, policy.country) not in scope.countries:
            return False
        # Their organisations count only while they stay in the officer's territory: moving one
        # elsewhere would widen the officer's reach to that other territory.
        subdivision = _value(obj, policy.subdivision)
        if policy.municipality and scope.municipalities:
            # A municipality's officer: that municipality, or (none named) their own organisation's records.
            municipality = _value(obj, policy.municipality)
            if municipality is not None:
                return municipality in scope.municipalities
            return _own(scope, policy, obj) and (subdivision is None or subdivision in scope.subdivisions)
        elif subdivision is not None and subdivision in scope.subdivisions:
            return True
        return _own(scope, policy, obj) and (subdivision is None or not scope.subdivisions)
    if scope.role == Role.DONOR_OFFICER:
        return _own(scope, policy, obj)
    return False


def _in_scope(actor: Actor, policy: Policy, obj) -> bool:
    return any(scope.role in policy.editors and _scope_covers(scope, policy, obj) for scope in actor.scopes)


def _confirms(actor: Actor, policy: Policy, obj) -> bool:
    if not policy.confirmers:
        return False
    # A record still in its proposer's hands (a draft) is not theirs to see or confirm yet.
    if policy.state and getattr(obj, policy.state) in _workflow(policy, type(obj)).editable_states():
        return False
    return any(scope.role in policy.confirmers and scope.role == Role.COUNTRY_FOCAL_POINT
               and _value(obj, policy.country) in scope.countries for scope in actor.scopes)


def _held(policy: Policy, obj) -> bool:
    return policy.held is not None and bool(_value(obj, policy.held))


def _edits(actor: Actor, policy: Policy, obj) -> bool:
    if policy.state and getattr(obj, policy.state) not in _workflow(policy, type(obj)).editable_states():
        return False
    return _in_scope(actor, policy, obj)


def _is_public(policy: Policy, obj) -> bool:
    return policy.published is None or bool(_value(obj, policy.published))


def can(user, action: Action | str, obj) -> bool:
    action = Action(action)
    actor = actor_for(user)
    policy = policy_for(type(obj))
    deleted = getattr(obj, "deleted_at", None) is not None
    # Held for another record's approval: the secretariat approves that one first, then acts here.
    if action in (Action.CREATE, Action.CHANGE) and _held(policy, obj):
        return False
    if actor.is_secretariat:
        return True
    if action in (Action.PUBLISH, Action.RESTORE) or policy.private:
        return False
    if action == Action.VIEW:
        if deleted:
            return False
        return (_is_public(policy, obj) or actor.is_observer or _in_scope(actor, policy, obj)
                or _confirms(actor, policy, obj))
    if action == Action.VIEW_HISTORY:
        return not deleted and (actor.is_observer or _in_scope(actor, policy, obj) or _confirms(actor, policy, obj))
    if deleted:
        return False
    # CREATE is asked of the unsaved record, so its scope fields decide where it may be made.
    if action in (Action.CREATE, Action.CHANGE, Action.DELETE):
        return _edits(actor, policy, obj)
    return False


def _workflow(policy: Policy, model) -> Workflow:
    workflow = workflow_for(model)
    if workflow.state_field != policy.state:
        raise ImproperlyConfigured(f"The access policy of {workflow.model} keeps its state in {policy.state!r}, "
                                   f"its workflow in {workflow.state_field!r}.")
    return workflow


def allowed_moves(user, obj) -> list[Transition]:
    """The transitions ``user`` may take on ``obj`` from its current state, as its workflow declares them."""
    policy = policy_for(type(obj))
    workflow = _workflow(policy, type(obj))
    if getattr(obj, "deleted_at", None) is not None or _held(policy, obj):
        return []
    actor = actor_for(user)
    moves = []
    for move in workflow.moves_from(getattr(obj, policy.state)):
        # The secretariat may do everything, so it may also act for a proposer (e.g. submit for them).
        if (actor.is_secretariat or (Who.PROPOSER in move.who and _in_scope(actor, policy, obj))
                or (Who.CONFIRMER in move.who and _confirms(actor, policy, obj))):
            moves.append(move)
    return moves


def allowed_transitions(user, obj) -> list[str]:
    """The states ``user`` may move ``obj`` to from its current state."""
    return [move.target for move in allowed_moves(user, obj)]


def can_transition(user, obj, target: str) -> bool:
    return target in allowed_transitions(user, obj)


def require_transition(user, obj, target: str) -> None:
    if not can_transition(user, obj, target):
        policy = policy_for(type(obj))
        workflow = _workflow(policy, type(obj))
        raise PermissionDenied(_("You may not move this record from “%(source)s” to “%(target)s”.") % {
            "source": workflow.label(getattr(obj, policy.state)), "target": workflow.label(target)})


def needs_approval(user, obj) -> bool:
    """Whether ``obj``, as ``user`` creates or changes it, must wait for the secretariat's approval.

    A write covered by a grant bound to the record's country (a focal point, a local-government officer)
    counts as it is; the secretariat's too. A donor officer's grant is bound to no country: what they write
    in a member state (``Policy.approval_where``) waits, so that it proposes nothing there until approved.
    The write services ask this of the record as it will be saved and set ``Policy.approval`` from it.
    """
    policy = policy_for(type(obj))
    actor = actor_for(user)
    if policy.approval is None or actor.is_secretariat or not _value(obj, policy.approval_where):
        return False
    country = _value(obj, policy.country)
    return not any(scope.role in policy.editors and country in scope.countries and _scope_covers(scope, policy, obj)
                   for scope in actor.scopes)


class Refusal(PermissionDenied):
    """A refusal said in the active language that can be said again in another: ``template``, the msgid of its
    sentence, and ``params``, the msgids of the words put into it. An import run's background job meets it in the
    site's language; the run's page says it in its reader's (``minga.exchange.problems``)."""

    def __init__(self, template: str, **params: str):
        self.template, self.params = template, params
        # gettext("") is the catalogue's header, not an empty sentence.
        sentence = _(template) if template else ""
        super().__init__(sentence % {key: _(value) for key, value in params.items()} if params else sentence)


def _msgid(text) -> str:
    """A lazy translation's msgid: with no language active it says itself as written."""
    with override(None):
        return str(text)


def require(user, action: Action | str, obj) -> None:
    if not can(user, action, obj):
        policy = policy_for(type(obj))
        if Action(action) in (Action.CREATE, Action.CHANGE) and _held(policy, obj):
            raise Refusal(_msgid(policy.held_refusal))
        if Action(action) == Action.CHANGE and any(_moves_the_grants_organisation(scope, policy, obj)
                                                   for scope in actor_for(user).scopes):
            raise Refusal(gettext_noop("Only the Technical Secretariat moves the organisation your role is granted "
                                       "for (its country, subdivision, municipality or parent organisation)."))
        raise Refusal(_REFUSALS[Action(action)], model=_msgid(type(obj)._meta.verbose_name))


class NotFound(ObjectDoesNotExist, Http404):
    """No such record, or one the user may not see: the same answer for both, so that it tells nothing.

    Pages answer it 404 as any ``Http404``; the API and the CLI catch it as ``ObjectDoesNotExist``.
    """


def access(user, queryset: QuerySet, action: Action | str = Action.VIEW, *, include_deleted: bool = False,
           **lookup):
    """The one record of ``queryset`` at ``lookup``, if the user may see it (else ``NotFound``) and may do
    ``action`` to it (else ``PermissionDenied``).

    Deleted records are looked at only with ``include_deleted`` (pages that show them to the secretariat);
    whoever else asks still gets ``NotFound``, as ``can`` lets no one else view them.
    """
    if not include_deleted and hasattr(queryset.model, "deleted_at"):
        queryset = queryset.filter(deleted_at__isnull=True)
    try:
        record = queryset.filter(**lookup).first()
    except (ValueError, TypeError):  # a key of the wrong kind names no record
        record = None
    if record is None or not can(user, Action.VIEW, record):
        raise NotFound(f"No visible {queryset.model._meta.label_lower} at {lookup!r}.")  # for logs, not users
    if Action(action) != Action.VIEW:
        require(user, action, record)
    return record


def can_create_any(user, model) -> bool:
    """Whether the user could create at least one record of ``model`` somewhere (for showing buttons)."""
    actor = actor_for(user)
    return actor.is_secretariat or any(scope.role in policy_for(model).editors for scope in actor.scopes)


def require_create_any(user, model) -> None:
    """Refuse a user who could create no record of ``model`` anywhere (a page that offers the form to create one)."""
    if not can_create_any(user, model):
        raise Refusal(_REFUSALS[Action.CREATE], model=_msgid(model._meta.verbose_name))


def _path_lookup(path: str) -> str:
    return path.replace(".", "__").removesuffix("_id") if path != "pk" else "pk"


def _scope_filter(actor: Actor, policy: Policy) -> Q:
    condition = Q(pk__in=[])
    for scope in actor.scopes:
        if scope.role not in policy.editors:
            continue
        if scope.role == Role.COUNTRY_FOCAL_POINT and policy.country:
            condition |= Q(**{f"{_path_lookup(policy.country)}__in": scope.countries})
        elif scope.role in (Role.LOCAL_GOVERNMENT_OFFICER, Role.DONOR_OFFICER):
            local = scope.role == Role.LOCAL_GOVERNMENT_OFFICER
            territorial = local and policy.subdivision and scope.subdivisions
            reach = Q(pk__in=[])
            if policy.organisation:
                own = Q(**{f"{_path_lookup(policy.organisation)}__in": scope.organisations})
                if territorial:
                    own &= Q(**{f"{_path_lookup(policy.subdivision)}__isnull": True})
                reach |= own
            if local and policy.municipality and scope.municipalities:  # as _scope_covers
                town = _path_lookup(policy.municipality)
                reach = Q(**{f"{town}__in": scope.municipalities})
                if policy.organisation:
                    own = Q(**{f"{_path_lookup(policy.organisation)}__in": scope.organisations, f"{town}__isnull": True})
                    if policy.subdivision and scope.subdivisions:
                        own &= Q(**{f"{_path_lookup(policy.subdivision)}__in": scope.subdivisions})
                    reach |= own
            elif territorial:
                reach |= Q(**{f"{_path_lookup(policy.subdivision)}__in": scope.subdivisions})
            if local and policy.country:  # as _scope_covers: never outside the officer's country
                reach &= Q(**{f"{_path_lookup(policy.country)}__in": scope.countries})
            condition |= reach
    return condition


def in_scope(user, queryset: QuerySet) -> QuerySet:
    """The rows of ``queryset`` within the user's scope, whatever their state ("my projects")."""
    actor = actor_for(user)
    queryset = queryset.filter(deleted_at__isnull=True) if hasattr(queryset.model, "deleted_at") else queryset
    if actor.is_secretariat:
        return queryset
    return queryset.filter(_scope_filter(actor, policy_for(queryset.model)))


def visible(user, queryset: QuerySet, *, include_deleted: bool = False) -> QuerySet:
    """The rows of ``queryset`` the user may see (soft-deleted rows only for the secretariat)."""
    actor = actor_for(user)
    policy = policy_for(queryset.model)
    if include_deleted and not actor.is_secretariat:
        include_deleted = False
    if not include_deleted and hasattr(queryset.model, "deleted_at"):
        queryset = queryset.filter(deleted_at__isnull=True)
    if policy.private and not actor.is_secretariat:
        return queryset.none()
    if actor.is_secretariat or actor.is_observer or policy.published is None:
        return queryset
    return queryset.filter(Q(**{_path_lookup(policy.published): True}) | _scope_filter(actor, policy)
                           | _confirm_filter(actor, policy, queryset.model))


def _confirm_filter(actor: Actor, policy: Policy, model) -> Q:
    countries = {country for scope in actor.scopes if scope.role in policy.confirmers
                 and scope.role == Role.COUNTRY_FOCAL_POINT for country in scope.countries}
    if not countries or not policy.country:
        return Q(pk__in=[])
    condition = Q(**{f"{_path_lookup(policy.country)}__in": countries})
    if policy.state:
        condition &= ~Q(**{f"{policy.state}__in": _workflow(policy, model).editable_states()})
    return condition


def editable(user, queryset: QuerySet) -> QuerySet:
    """The rows of ``queryset`` the user may change ("my records")."""
    actor = actor_for(user)
    policy = policy_for(queryset.model)
    if hasattr(queryset.model, "deleted_at"):
        queryset = queryset.filter(deleted_at__isnull=True)
    if policy.held:
        queryset = queryset.exclude(**{_path_lookup(policy.held): True})
    if actor.is_secretariat:
        return queryset
    queryset = queryset.filter(_scope_filter(actor, policy))
    if policy.state:
        queryset = queryset.filter(**{f"{policy.state}__in": _workflow(policy, queryset.model).editable_states()})
    return queryset


# One whole sentence per action, so that each language can build it its own way.
_REFUSALS = {
    Action.VIEW: gettext_noop("You may not view this record (%(model)s)."),
    Action.CREATE: gettext_noop("You may not create this record (%(model)s)."),
    Action.CHANGE: gettext_noop("You may not change this record (%(model)s)."),
    Action.DELETE: gettext_noop("You may not delete this record (%(model)s)."),
    Action.RESTORE: gettext_noop("You may not restore this record (%(model)s)."),
    Action.PUBLISH: gettext_noop("You may not publish this record (%(model)s)."),
    Action.VIEW_HISTORY: gettext_noop("You may not view the history of this record (%(model)s)."),
}
