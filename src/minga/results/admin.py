from django.contrib import admin

from minga.audit.admin import SoftDeleteHistoryAdmin
from minga.results import models

# The secretariat's maintenance (indicators and periods are made with the services; no form for them yet).
admin.site.register(models.Indicator, SoftDeleteHistoryAdmin)
admin.site.register(models.ReportingPeriod, SoftDeleteHistoryAdmin)
admin.site.register(models.ResultReport, SoftDeleteHistoryAdmin)
