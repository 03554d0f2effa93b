"""What every user-editable record shares: a version for optimistic concurrency, soft delete.

The history itself (who, when, old and new values) is kept by django-simple-history: each
editable model declares ``history = HistoricalRecords(...)``; ``minga.audit.selectors`` reads it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from minga.common.text import control_characters, control_characters_message


class LiveManager(models.Manager):
    """Hides soft-deleted rows; ``all_objects`` still sees them (for history and restore)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class EditableRecord(models.Model):
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Increases with every saved edit; an edit based on an older version is refused."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deleted by"), null=True, blank=True,
        editable=False, on_delete=models.PROTECT, related_name="+",
    )

    # Set on records the platform loaded itself (reference and demo data), so that loading again
    # finds them even after people edited every other field; empty for records people created.
    load_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)

    # The first manager declared is Django's default one: it must be the one that hides deleted rows.
    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 -- ruff takes LiveManager() for a field

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def clean_fields(self, exclude=None):
        """The fields' own checks, and no control character in any text (an export or PostgreSQL would fail on it).

        Every write goes through ``full_clean`` (``audit.services``), so this holds for every record people edit.
        """
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if (exclude and field.name in exclude) or not isinstance(field, models.CharField | models.TextField):
                continue
            value = getattr(self, field.attname)
            found = control_characters(value) if isinstance(value, str) else []
            if found:
                errors.setdefault(field.name, []).append(control_characters_message(found))
        if errors:
            raise ValidationError(errors)
