"""Reading the history of a record: who changed what, when, from which value to which, as a person would
write it: field labels and reasons in the reader's language, yes/no for booleans, lists as lists, a
model's own sentences where it gives them (``history_rows``, e.g. a project's parts), and no entry for a
save that changed nothing a reader sees (the same parts sent in another order)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from minga.audit import reasons

# Bookkeeping columns that change on every save and say nothing to a reader; and the record of how
# amounts were converted, which follows from the amounts and dates shown.
UNINTERESTING_FIELDS = {"version", "updated_at", "created_at", "load_key", "conversions"}


@dataclass
class FieldChange:
    name: str
    label: str
    old: object
    new: object
    sentence: str = ""  # said instead of before/after (a kind of part: what was added, what removed)

    @property
    def old_shown(self):
        return shown(self.old)

    @property
    def new_shown(self):
        return shown(self.new)


@dataclass
class HistoryEntry:
    when: datetime
    user: object
    action: str
    reason: str
    version: int | None
    changes: list[FieldChange] = field(default_factory=list)


def _display(record, field_name):
    model_field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, model_field.attname, None)
    if model_field.is_relation and value is not None:
        related = getattr(record, field_name, None)
        return str(related) if related is not None else value
    if model_field.choices and value is not None:
        return dict(model_field.flatchoices).get(value, value)
    return value


def shown(value):
    """A value as the page words it: yes/no in the reader's language, a list as a list; dates and numbers
    are left to the template, which writes them in the reader's locale."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return value


def _changes(record, previous, model_field) -> list[FieldChange]:
    model = record.instance_type
    label = str(model._meta.get_field(model_field.name).verbose_name)
    rows = getattr(model, "history_rows", None)
    told = rows(model_field.name, getattr(previous, model_field.attname), getattr(record, model_field.attname)) \
        if rows else None
    if told is not None:
        return [FieldChange(name=model_field.name, label=row_label, old=None, new=None, sentence=sentence)
                for row_label, sentence in told]
    return [FieldChange(name=model_field.name, label=label, old=_display(previous, model_field.name),
                        new=_display(record, model_field.name))]


def history_of(instance) -> list[HistoryEntry]:
    """Newest first. Each entry lists only the fields that changed in that save."""
    records = list(instance.history.all().select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    for position, record in enumerate(records):
        previous = records[position + 1] if position + 1 < len(records) else None
        changes = []
        if previous is not None:
            # Compared field by field rather than with simple-history's diff_against, which skips
            # non-editable fields: deletion must show as a change of deleted_at and deleted_by.
            for model_field in record.tracked_fields:
                if model_field.name in UNINTERESTING_FIELDS:
                    continue
                if getattr(record, model_field.attname) == getattr(previous, model_field.attname):
                    continue
                changes.extend(_changes(record, previous, model_field))
        action = record.history_type
        if previous is not None and "deleted_at" in {c.name for c in changes}:
            action = "-" if record.deleted_at else "r"
        stored_reason = record.history_change_reason or ""
        if action == "~" and not changes and (not stored_reason or reasons.is_code(stored_reason)):
            continue  # a save that changed nothing a reader sees, and no one wrote why: not a change
        entries.append(HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            action=action,
            reason=reasons.worded(stored_reason),
            version=getattr(record, "version", None),
            changes=changes,
        ))
    return entries


@dataclass
class Conflict:
    """What a form says when a save is refused as stale: the record as it is now, the version the person had
    read, and what the others changed since (field by field, from the version read to the one stored now)."""

    record: object
    read_version: int
    changes: list[FieldChange]

    @property
    def version(self) -> int:
        return self.record.version

    def get_absolute_url(self) -> str:
        url = getattr(self.record, "get_absolute_url", None)
        return url() if url else ""


def changes_since(instance, version: int) -> list[FieldChange]:
    """Each field changed after ``version`` once, from its value at ``version`` to its value now (oldest first)."""
    entries = [entry for entry in reversed(history_of(instance)) if entry.version and entry.version > version]
    merged: dict[str, FieldChange] = {}
    for entry in entries:
        for change in entry.changes:
            key = f"{change.name}:{change.label}" if change.sentence else change.name
            earlier = merged.get(key)
            if earlier is None or change.sentence:
                merged[key] = FieldChange(name=change.name, label=change.label, old=change.old, new=change.new,
                                          sentence=change.sentence)
            else:
                earlier.new = change.new
    return [change for change in merged.values() if change.sentence or change.old != change.new]


def conflict_of(error) -> Conflict:
    """The conflict box's content for an ``audit.services.EditConflict``."""
    return Conflict(record=error.instance, read_version=error.expected_version,
                    changes=changes_since(error.instance, error.expected_version))
