"""Reading the history of a record: who changed what, when, from which value to which."""

from dataclasses import dataclass, field
from datetime import datetime

# Bookkeeping columns that change on every save and say nothing to a reader.
UNINTERESTING_FIELDS = {"version", "updated_at", "created_at", "load_key"}


@dataclass
class FieldChange:
    name: str
    label: str
    old: object
    new: object


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
                changes.append(FieldChange(
                    name=model_field.name,
                    label=str(record.instance_type._meta.get_field(model_field.name).verbose_name),
                    old=_display(previous, model_field.name),
                    new=_display(record, model_field.name),
                ))
        action = record.history_type
        if previous is not None and "deleted_at" in {c.name for c in changes}:
            action = "-" if record.deleted_at else "r"
        entries.append(HistoryEntry(
            when=record.history_date,
            user=record.history_user,
            action=action,
            reason=record.history_change_reason or "",
            version=getattr(record, "version", None),
            changes=changes,
        ))
    return entries
