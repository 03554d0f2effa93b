from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from minga.common.cache import DOMAINS, bump


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the page was read at, as every form of the site does: an edit made meanwhile
    (here or anywhere) makes the save a conflict instead of being overwritten unannounced."""

    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["read_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin's save runs in one transaction: the row stays locked until it commits (PostgreSQL).
            current = type(self.instance).all_objects.select_for_update().filter(
                pk=self.instance.pk).values_list("version", flat=True).first()
            if cleaned.get("read_version") != current:
                raise ValidationError(
                    _("This record was changed by someone else (you edited version %(expected)s, it is now at "
                      "version %(current)s). Nothing was saved: reload it and apply your changes again.")
                    % {"expected": cleaned.get("read_version"), "current": current}, code="conflict")
        return cleaned


class SoftDeleteHistoryAdmin(SimpleHistoryAdmin):
    """Maintenance screens for editable records: history yes, hard delete no (use soft delete)."""

    form = VersionedAdminForm

    # Addresses typed without a scheme are read as https (Django 6 changes the default from http).
    formfield_overrides = {models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return self.model.all_objects.all()

    def save_model(self, request, obj, form, change):
        # An edit here is an edit like any other: it moves the version on, so an editor holding
        # the older version in a form or the API is told of the conflict instead of overwriting.
        if change:
            obj.version = form.cleaned_data["read_version"] + 1
        super().save_model(request, obj, form, change)
        # Around the services, so no service drops what public pages keep: every domain's pages are rebuilt.
        bump(*DOMAINS)
