from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "minga.exchange"
    verbose_name = _("Standards in and out")

    def ready(self):
        from minga.exchange import jobs  # noqa: F401  (its receiver marks a given-up import run as failed)
