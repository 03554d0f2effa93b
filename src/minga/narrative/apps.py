from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NarrativeConfig(AppConfig):
    name = "minga.narrative"
    verbose_name = _("New narrative")
