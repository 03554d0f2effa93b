from django.contrib import admin

from minga.audit.admin import SoftDeleteHistoryAdmin
from minga.capacity import models

# The secretariat keeps the library and the priority list here; deliveries are entered on the site's form.
admin.site.register(models.KitResource, SoftDeleteHistoryAdmin)
admin.site.register(models.PriorityMunicipality, SoftDeleteHistoryAdmin)
admin.site.register(models.TrainingDelivery, SoftDeleteHistoryAdmin)
