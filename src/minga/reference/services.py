"""Every write to reference records that people edit: organisations, municipalities, population figures.

Each service checks the permission module first, then writes through the audit mechanism, so
the history names the user and an edit on a stale version is refused.
"""

from minga.accounts.permissions import Action, actor_for, needs_approval, require
from minga.audit import services as audit
from minga.common.cache import REFERENCE, invalidates
from minga.reference.models import Municipality, Organisation, PopulationFigure

ORGANISATION_FIELDS = {"name", "acronym", "name_es", "name_pt", "name_en", "acronym_es", "acronym_pt", "acronym_en",
                       "iati_identifier", "organisation_type", "country", "subdivision",
                       "municipality", "parent", "website"}
POPULATION_FIGURE_FIELDS = {"country", "subdivision", "group", "value", "is_approximate", "as_of", "source",
                            "note_es", "note_pt", "note_en"}
MUNICIPALITY_FIELDS = {"pcode", "name", "subdivision", "parent", "admin_level"}


def _only(fields: dict, allowed: set[str]) -> dict:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    return fields


def _blank_identifier_is_none(fields: dict) -> dict:
    # An empty IATI identifier means "none"; stored as NULL so the unique constraint ignores it.
    if "iati_identifier" in fields and not fields["iati_identifier"]:
        fields = {**fields, "iati_identifier": None}
    return fields


def _as_changed(instance, changes: dict):
    """An unsaved copy with the changes applied: the edited record must stay within the editor's scope."""
    model = type(instance)
    copy = model(**{field.attname: getattr(instance, field.attname) for field in model._meta.concrete_fields})
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


@invalidates(REFERENCE)
def organisation_create(*, user, fields: dict, reason: str = "", load_key: str | None = None) -> Organisation:
    """``load_key``: an importer's key for the organisation it found in a source (``fts-organisation-4306``)."""
    fields = _blank_identifier_is_none(_only(fields, ORGANISATION_FIELDS))
    candidate = Organisation(**fields)
    require(user, Action.CREATE, candidate)
    # A donor officer's unit in a member state proposes nothing there until the secretariat approves it.
    if needs_approval(user, candidate):
        fields = {**fields, "awaiting_approval": True}
    if load_key:
        fields = {**fields, "load_key": load_key}
    return audit.record_create(model=Organisation, user=user, fields=fields, reason=reason)


@invalidates(REFERENCE)
def organisation_update(*, organisation: Organisation, user, changes: dict, expected_version: int,
                        reason: str = "") -> Organisation:
    changes = _blank_identifier_is_none(_only(changes, ORGANISATION_FIELDS))
    require(user, Action.CHANGE, organisation)
    # The record after the change must still be in the editor's scope (no moving it out of reach).
    changed = _as_changed(organisation, changes)
    require(user, Action.CHANGE, changed)
    # As a published figure goes back to awaiting publication: the secretariat looks at it again.
    if needs_approval(user, changed) and not organisation.awaiting_approval:
        changes = {**changes, "awaiting_approval": True}
    return audit.record_update(instance=organisation, user=user, changes=changes,
                               expected_version=expected_version, reason=reason)


@invalidates(REFERENCE)
def organisation_approve(*, organisation: Organisation, user, expected_version: int) -> Organisation:
    """The secretariat approves an organisation awaiting approval: from now on it may propose projects."""
    require(user, Action.PUBLISH, organisation)
    return audit.record_update(instance=organisation, user=user, changes={"awaiting_approval": False},
                               expected_version=expected_version, reason="approved")


@invalidates(REFERENCE)
def population_figure_create(*, user, fields: dict, reason: str = "") -> PopulationFigure:
    fields = _only(fields, POPULATION_FIGURE_FIELDS)
    require(user, Action.CREATE, PopulationFigure(**fields))
    return audit.record_create(model=PopulationFigure, user=user, fields=fields, reason=reason)


@invalidates(REFERENCE)
def population_figure_update(*, figure: PopulationFigure, user, changes: dict, expected_version: int,
                             reason: str = "") -> PopulationFigure:
    changes = _only(changes, POPULATION_FIGURE_FIELDS)
    require(user, Action.CHANGE, figure)
    require(user, Action.CHANGE, _as_changed(figure, changes))
    # A published figure that is edited goes back to the secretariat before the public sees it.
    if figure.is_published and not actor_for(user).is_secretariat:
        changes = {**changes, "is_published": False}
    return audit.record_update(instance=figure, user=user, changes=changes,
                               expected_version=expected_version, reason=reason)


@invalidates(REFERENCE)
def population_figure_set_published(*, figure: PopulationFigure, user, published: bool,
                                    expected_version: int) -> PopulationFigure:
    require(user, Action.PUBLISH, figure)
    return audit.record_update(instance=figure, user=user, changes={"is_published": published},
                               expected_version=expected_version,
                               reason="published" if published else "unpublished")


@invalidates(REFERENCE)
def municipality_create(*, user, fields: dict, reason: str = "") -> Municipality:
    fields = _only(fields, MUNICIPALITY_FIELDS)
    require(user, Action.CREATE, Municipality(**fields))
    return audit.record_create(model=Municipality, user=user, fields=fields, reason=reason)
