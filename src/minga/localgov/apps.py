from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalgovConfig(AppConfig):
    name = "minga.localgov"
    verbose_name = _("Local governments")
