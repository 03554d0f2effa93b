"""The secretariat's maintenance screens; the product UI is the templates."""

from django.contrib import admin

from minga.audit.admin import SoftDeleteHistoryAdmin
from minga.reference import models


@admin.register(models.Organisation)
class OrganisationAdmin(SoftDeleteHistoryAdmin):
    list_display = ["name", "acronym", "name_es", "name_pt", "name_en", "organisation_type", "country",
                    "iati_identifier", "deleted_at"]
    list_filter = ["organisation_type", "country__is_member_state"]
    search_fields = ["name", "acronym", "name_es", "name_pt", "name_en", "acronym_es", "acronym_pt", "acronym_en",
                     "iati_identifier"]


@admin.register(models.Source)
class SourceAdmin(SoftDeleteHistoryAdmin):
    list_display = ["publisher", "title", "url", "published_on", "date_precision", "is_secondary", "is_illustrative"]
    list_filter = ["is_secondary", "date_precision"]
    search_fields = ["publisher", "title", "title_es", "title_pt", "title_en", "url"]


@admin.register(models.Term)
class TermAdmin(SoftDeleteHistoryAdmin):
    list_display = ["vocabulary", "code", "label_es", "label_pt", "label_en"]
    list_filter = ["vocabulary"]
    search_fields = ["code", "label_es", "label_pt", "label_en"]


admin.site.register(models.Country, list_display=["iso3", "name_en", "is_member_state", "is_origin"])
admin.site.register(models.Subdivision, list_display=["code", "name", "country", "is_admin1"])
admin.site.register(models.Vocabulary)
admin.site.register(models.Marker)
admin.site.register(models.Municipality, SoftDeleteHistoryAdmin)
admin.site.register(models.PopulationFigure, SoftDeleteHistoryAdmin)
admin.site.register(models.RegionalFigure, SoftDeleteHistoryAdmin)
