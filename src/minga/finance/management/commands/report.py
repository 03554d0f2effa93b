"""``minga report funding --by country|subdivision|donor|conference|theme|year [--year Y] [--format ...]``.

Reads what the public sees (validated pledges and flows); amounts without a USD rate are listed under
``unconverted``, never dropped. Rows and counting rules: ``minga.finance.selectors.funding``.
"""

from django.core.management.base import BaseCommand, CommandError

from minga.common.errors import ParameterInvalid
from minga.finance.selectors.funding import DIMENSIONS
from minga.finance.selectors.report import FORMATS, render, report_rows


class Command(BaseCommand):
    help = "Funding per country, subdivision, donor, conference, theme or year (pledged, funding, gap)."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["funding"])
        parser.add_argument("--by", choices=DIMENSIONS, required=True)
        parser.add_argument("--year", default=None)
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, **options):
        try:
            rows = report_rows(None, by=options["by"], year=options["year"])
        except ParameterInvalid as error:
            raise CommandError(f"--{error.field}: {error.message}") from None
        self.stdout.write(render(rows, options["format"]), ending="")
