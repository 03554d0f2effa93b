from django.contrib import admin

from minga.audit.admin import SoftDeleteHistoryAdmin
from minga.process import models

admin.site.register(models.Meeting, SoftDeleteHistoryAdmin)
admin.site.register(models.ProcessDocument, SoftDeleteHistoryAdmin)
admin.site.register(models.PresidencyTerm, SoftDeleteHistoryAdmin)
admin.site.register(models.RoadmapAction, SoftDeleteHistoryAdmin)
admin.site.register(models.Milestone, SoftDeleteHistoryAdmin)
admin.site.register(models.ProgressUpdate, SoftDeleteHistoryAdmin)
admin.site.register(models.ActionEvidence, SoftDeleteHistoryAdmin)
