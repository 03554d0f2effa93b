from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "minga.portfolio"
    verbose_name = _("Portfolio of Cooperation Projects")

    def ready(self):
        # The permission module answers who may move a project where from this declaration.
        from minga.accounts import workflows
        from minga.portfolio.workflow import PROJECT_WORKFLOW

        workflows.register(PROJECT_WORKFLOW)
        # The history words the reasons this app stores as codes in the reader's language.
        from minga.portfolio import history

        history.register()
