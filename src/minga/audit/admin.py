from django import forms
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from minga.common.cache import DOMAINS, bump


class SoftDeleteHistoryAdmin(SimpleHistoryAdmin):
    """Maintenance screens for editable records: history yes, hard delete no (use soft delete)."""

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
            obj.version += 1
        super().save_model(request, obj, form, change)
        # Around the services, so no service drops what public pages keep: every domain's pages are rebuilt.
        bump(*DOMAINS)
