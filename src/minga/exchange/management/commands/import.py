# ruff: noqa: N999 -- the command is named for what the operator types: minga import hsds DIR
"""``minga import hsds DIR [--language es|pt|en] [--default-type CODE …] [--default-population CODE …]``

Import a service directory in Open Referral HSDS 3.0 (Minga's own export or a third party's package,
``services.json`` or the tabular CSV files). Services are matched by their HSDS id: importing again
changes nothing. A service that cannot be placed or classified is refused with its reasons; the others
import. Exit status 1 when any was refused.
"""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from minga.exchange.hsds.commands import import_hsds, report_lines
from minga.exchange.hsds.importer import Defaults
from minga.services.vocabulary import Population, ServiceType


class Command(BaseCommand):
    help = "Import data from a standard format: hsds DIR (Open Referral HSDS 3.0 service directory)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["hsds"])
        parser.add_argument("directory", type=Path)
        parser.add_argument("--language", choices=["es", "pt", "en"], default="es",
                            help="language of a third party's texts (default: %(default)s)")
        parser.add_argument("--default-type", action="append", choices=ServiceType.values, default=[],
                            help="type given to services that carry no Minga type; repeat for more")
        parser.add_argument("--default-population", action="append", choices=Population.values, default=[],
                            help="population given to services that carry none of Minga's; repeat for more")

    def handle(self, *args, kind, directory, language, default_type, default_population, **options):
        report = import_hsds(directory, Defaults(language=language, types=tuple(default_type),
                                                 populations=tuple(default_population)))
        for line in report_lines(report):
            self.stdout.write(line)
        if report.refused:
            raise CommandError(f"{len(report.refused)} services refused (listed above).", returncode=1)
