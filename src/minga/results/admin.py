from django.contrib import admin

from minga.audit.admin import SoftDeleteHistoryAdmin
from minga.results import models

# The secretariat's maintenance; the project's editors use the results pages (forms, XLSX template and upload).
admin.site.register(models.Indicator, SoftDeleteHistoryAdmin)
admin.site.register(models.ReportingPeriod, SoftDeleteHistoryAdmin)
admin.site.register(models.ResultReport, SoftDeleteHistoryAdmin)
