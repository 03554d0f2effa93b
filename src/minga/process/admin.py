from django.contrib import admin

from minga.audit.admin import SoftDeleteHistoryAdmin
from minga.process import models

admin.site.register(models.Meeting, SoftDeleteHistoryAdmin)
admin.site.register(models.ProcessDocument, SoftDeleteHistoryAdmin)
admin.site.register(models.PresidencyTerm, SoftDeleteHistoryAdmin)
admin.site.register(models.Milestone, SoftDeleteHistoryAdmin)
admin.site.register(models.ActionEvidence, SoftDeleteHistoryAdmin)


@admin.register(models.RoadmapAction)
class RoadmapActionAdmin(SoftDeleteHistoryAdmin):
    # Every change of status goes through the workflow (process.workflow, via services.record_progress):
    # here the status and percentage are shown, never edited, so no move skips its rules or its dated note.
    readonly_fields = ("status", "progress")


@admin.register(models.ProgressUpdate)
class ProgressUpdateAdmin(SoftDeleteHistoryAdmin):
    # An update is recorded on the action's progress page, which moves the action with it; here its note
    # may be corrected, but neither what it reported nor a new update that would not move the action.
    readonly_fields = ("action", "status", "progress")

    def has_add_permission(self, request):
        return False
