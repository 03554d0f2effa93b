"""``minga rebuild_funding_totals``: recompute the dashboard's totals from the flows and pledges.

For after a bulk change that did not call ``minga.finance.totals.refresh_totals_for`` (docs/finance.md,
"Totals kept by the writes"); the services keep the totals themselves.
"""

from django.core.management.base import BaseCommand

from minga.finance.totals import rebuild_funding_totals


class Command(BaseCommand):
    help = "Recompute the funding dashboard's totals from every flow and pledge."

    def handle(self, *args, **options):
        cells = rebuild_funding_totals()
        self.stdout.write(f"{cells} cells of funding totals rebuilt.")
