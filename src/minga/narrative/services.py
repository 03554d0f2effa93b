"""Writes to the guide: the secretariat creates and edits entries; every edit carries the version it read."""

from minga.accounts.permissions import Action, require
from minga.audit import services as audit
from minga.narrative.models import GuideEntry

ENTRY_FIELDS = frozenset({"language", "slug", "term", "category", "severity", "alternatives", "explanation",
                          "patterns", "require_near", "exclude_near", "window", "source"})


def _only(fields: dict) -> dict:
    unknown = set(fields) - ENTRY_FIELDS
    if unknown:
        raise ValueError(f"Not fields of a guide entry: {', '.join(sorted(unknown))}")
    return fields


def entry_create(*, user, fields: dict, reason: str = "") -> GuideEntry:
    fields = _only(fields)
    require(user, Action.CREATE, GuideEntry(**fields))
    return audit.record_create(model=GuideEntry, user=user, fields=fields, reason=reason)


def entry_update(*, entry: GuideEntry, user, changes: dict, expected_version: int, reason: str = "") -> GuideEntry:
    """Apply ``changes`` if the entry is still at ``expected_version`` (``audit.EditConflict`` otherwise)."""
    require(user, Action.CHANGE, entry)
    return audit.record_update(instance=entry, user=user, changes=_only(changes),
                               expected_version=expected_version, reason=reason)
