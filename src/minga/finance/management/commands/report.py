"""``minga report funding --by country|subdivision|donor|conference|theme|year [--year Y] [--format ...]``;
``minga report roadmap --language es|pt|en --output FILE.pdf`` (the roadmap's progress report, ``process.printing``).

Reads what the public sees (validated pledges and flows); amounts without a USD rate are listed under
``unconverted``, never dropped. Rows and counting rules: ``minga.finance.selectors.funding``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from minga.common.errors import ParameterInvalid
from minga.common.languages import LANGUAGES
from minga.finance.selectors.funding import DIMENSIONS
from minga.finance.selectors.report import FORMATS, render, report_rows
from minga.process import printing


class Command(BaseCommand):
    help = "Funding per country, subdivision, donor, conference, theme or year (pledged, funding, gap)."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["funding", "roadmap"])
        parser.add_argument("--by", choices=DIMENSIONS)
        parser.add_argument("--language", choices=LANGUAGES, help="roadmap: the report's language")
        parser.add_argument("--output", help="roadmap: the PDF file to write")
        parser.add_argument("--year", default=None)
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, **options):
        if options["report"] == "roadmap":
            return self._roadmap(options)
        if not options["by"]:
            raise CommandError("the following arguments are required: --by")
        try:
            rows = report_rows(None, by=options["by"], year=options["year"])
        except ParameterInvalid as error:
            raise CommandError(f"--{error.field}: {error.message}") from None
        self.stdout.write(render(rows, options["format"]), ending="")

    def _roadmap(self, options):
        if not options["language"] or not options["output"]:
            raise CommandError("minga report roadmap needs --language (es, pt or en) and --output FILE.pdf")
        target = Path(options["output"]).resolve()
        target.write_bytes(printing.report_pdf(options["language"]))
        self.stdout.write(f"{target}: {target.stat().st_size} bytes")
