from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minga.accounts"
    verbose_name = _("People and access")

    def ready(self):
        # Connects the sign-in signal that starts a session's clock and notes a code is owed.
        from minga.accounts import middleware  # noqa: F401
