from django.contrib import admin

from minga.audit.admin import SoftDeleteHistoryAdmin
from minga.finance import models

admin.site.register(models.Conference, SoftDeleteHistoryAdmin)
admin.site.register(models.ConferenceFigure, SoftDeleteHistoryAdmin)
admin.site.register(models.Pledge, SoftDeleteHistoryAdmin)
