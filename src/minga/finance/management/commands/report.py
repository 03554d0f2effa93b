"""``minga report funding --by country|subdivision|donor|conference|theme|year [--year Y] [--format ...]``,
``minga report conference CODE --format pdf|xlsx --language es|pt|en --output FILE`` (its follow-up report) and
``minga report roadmap --language es|pt|en --output FILE.pdf`` (the roadmap's progress report, ``process.printing``).

Reads what the public sees (validated pledges and flows); amounts without a USD rate are listed under
``unconverted``, never dropped. Rows and counting rules: ``minga.finance.selectors.funding``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from minga.common.errors import ParameterInvalid
from minga.common.languages import LANGUAGES
from minga.finance import conference_report
from minga.finance.selectors.funding import DIMENSIONS
from minga.finance.selectors.report import FORMATS, render, report_rows
from minga.process import printing


class Command(BaseCommand):
    help = "Funding per country, subdivision, donor, conference, theme or year (pledged, funding, gap)."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["funding", "conference", "roadmap"])
        parser.add_argument("code", nargs="?", help="the conference's code (report conference)")
        parser.add_argument("--by", choices=DIMENSIONS)
        parser.add_argument("--year", default=None)
        parser.add_argument("--format", choices=(*FORMATS, *conference_report.FORMATS), default=None)
        parser.add_argument("--language", choices=LANGUAGES, default=None,
                            help="conference (default es) and roadmap: the report's language")
        parser.add_argument("--output", default=None, help="conference and roadmap: the file to write")

    def handle(self, *args, **options):
        if options["report"] == "conference":
            return self._conference(options)
        if options["report"] == "roadmap":
            return self._roadmap(options)
        if options["by"] is None:
            raise CommandError("the following arguments are required: --by")
        options["format"] = options["format"] or "table"
        if options["format"] not in FORMATS:
            raise CommandError(f"--format: one of {', '.join(FORMATS)}.")
        try:
            rows = report_rows(None, by=options["by"], year=options["year"])
        except ParameterInvalid as error:
            raise CommandError(f"--{error.field}: {error.message}") from None
        self.stdout.write(render(rows, options["format"]), ending="")

    def _conference(self, options):
        fmt, output = options["format"], options["output"]
        if fmt not in conference_report.FORMATS or not options["code"] or not output:
            raise CommandError("report conference CODE --format pdf|xlsx --output FILE [--language es|pt|en]")
        write = conference_report.report_pdf if fmt == "pdf" else conference_report.report_xlsx
        try:
            content = write(None, options["code"], options["language"] or "es")
        except Http404:
            raise CommandError(f"No conference {options['code']}.") from None
        with open(output, "wb") as handle:
            handle.write(content)
        self.stdout.write(f"{output}\n", ending="")

    def _roadmap(self, options):
        if not options["language"] or not options["output"]:
            raise CommandError("minga report roadmap needs --language (es, pt or en) and --output FILE.pdf")
        target = Path(options["output"]).resolve()
        target.write_bytes(printing.report_pdf(options["language"]))
        self.stdout.write(f"{target}: {target.stat().st_size} bytes")
