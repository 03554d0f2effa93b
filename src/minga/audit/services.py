"""The one way records are created, edited, soft-deleted and restored.

Domain services check permissions, then call these. Each runs in one transaction, validates
the whole record before saving, and leaves a history entry naming the user and the reason.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require
from minga.audit import reasons
from minga.common.cache import DOMAINS, bump
from minga.common.text import control_characters, control_characters_message


class EditConflict(Exception):
    """The record changed since the editor read it; nothing was written."""

    def __init__(self, *, instance, expected_version):
        self.instance = instance
        self.expected_version = expected_version
        super().__init__(
            _("This record was changed by someone else (you edited version %(expected)s, it is now "
              "at version %(current)s). Nothing was saved: reload it and apply your changes again.")
            % {"expected": expected_version, "current": instance.version}
        )


def _save(instance, *, user, reason):
    found = control_characters(reason or "")  # the history keeps the reason: as any text, no control character
    if found:
        raise ValidationError({"reason": [control_characters_message(found)]})
    instance._history_user = user
    instance._change_reason = reason
    instance.save()
    return instance


@transaction.atomic
def record_create(*, model, user, fields: dict, reason: str = ""):
    instance = model(**fields)
    instance.full_clean()
    return _save(instance, user=user, reason=reason)


@transaction.atomic
def record_update(*, instance, user, changes: dict, expected_version: int, reason: str = ""):
    """Apply ``changes`` if the record is still at ``expected_version``, else raise EditConflict.

    The version is bumped by a conditional UPDATE first, so two concurrent editors cannot both
    pass the check, on SQLite or PostgreSQL alike.
    """
    model = type(instance)
    bumped = model.all_objects.filter(
        pk=instance.pk, version=expected_version, deleted_at__isnull=True
    ).update(version=F("version") + 1)
    if not bumped:
        current = model.all_objects.get(pk=instance.pk)
        raise EditConflict(instance=current, expected_version=expected_version)
    fresh = model.all_objects.get(pk=instance.pk)
    for field, value in changes.items():
        setattr(fresh, field, value)
    fresh.full_clean()
    return _save(fresh, user=user, reason=reason)


@transaction.atomic
def record_soft_delete(*, instance, user, reason: str = ""):
    model = type(instance)
    fresh = model.all_objects.select_for_update().get(pk=instance.pk)
    if fresh.deleted_at is not None:
        return fresh
    fresh.deleted_at = timezone.now()
    fresh.deleted_by = user
    fresh.version += 1
    return _save(fresh, user=user, reason=reason or reasons.code("deleted"))


@transaction.atomic
def record_restore(*, instance, user, reason: str = ""):
    model = type(instance)
    fresh = model.all_objects.select_for_update().get(pk=instance.pk)
    if fresh.deleted_at is None:
        return fresh
    fresh.deleted_at = None
    fresh.deleted_by = None
    fresh.version += 1
    fresh.full_clean()
    return _save(fresh, user=user, reason=reason or reasons.code("restored"))


def soft_delete(*, instance, user, reason: str = ""):
    """Delete as a user: hidden from everyone but the secretariat, restorable, kept in the history."""
    require(user, Action.DELETE, instance)
    deleted = record_soft_delete(instance=instance, user=user, reason=reason)
    _invalidate(instance)
    return deleted


def restore(*, instance, user, reason: str = ""):
    require(user, Action.RESTORE, instance)
    restored = record_restore(instance=instance, user=user, reason=reason)
    _invalidate(instance)
    return restored


def _invalidate(instance) -> None:
    """Public pages kept in the cache show records of every domain: a deletion or restoration bumps its own."""
    if instance._meta.app_label in DOMAINS:
        bump(instance._meta.app_label)
