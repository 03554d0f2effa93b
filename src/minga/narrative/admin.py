from django.contrib import admin

from minga.audit.admin import SoftDeleteHistoryAdmin
from minga.narrative import models


@admin.register(models.GuideEntry)
class GuideEntryAdmin(SoftDeleteHistoryAdmin):
    list_display = ("term", "language", "category", "severity", "version")
    list_filter = ("language", "category", "severity")
    search_fields = ("term", "patterns")
