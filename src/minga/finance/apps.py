from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "minga.finance"
    verbose_name = _("Money")

    def ready(self):
        from minga.accounts import workflows
        from minga.finance import totals_signals
        from minga.finance.selectors.follow_up import flows_for_project
        from minga.finance.selectors.matches import donor_matches
        from minga.finance.workflow import FLOW_WORKFLOW, PLEDGE_WORKFLOW
        from minga.portfolio.selectors import matching

        workflows.register(FLOW_WORKFLOW)
        workflows.register(PLEDGE_WORKFLOW)
        totals_signals.connect()  # writes made around the services keep the dashboard's totals exact
        # Question 6's one list, for the donor officer's "my projects" (the portfolio must not import finance).
        matching.register_ranker(donor_matches)
        matching.register_flows_reader(flows_for_project)  # the flows on a project's page
