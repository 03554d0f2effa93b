# ruff: noqa: N999  (the command is `minga import`)
"""``minga import iati FILE_OR_URL... [--strict] [--only-member-states] …`` (``exchange.iati.command``),
``minga import fts FILE_OR_URL... --as-user NAME``, ``minga import hxl FILE --as-user NAME [--dry-run]``
and ``minga import hsds DIR [--language es|pt|en] [--default-type CODE …] [--default-population CODE …]``.

One command, one sub-command per standard; each calls its importer in ``minga.exchange`` and prints its
report. For FTS and HXL the user's roles apply (the secretariat imports). HSDS services are matched by
their HSDS id: importing again changes nothing; a service that cannot be placed or classified is refused
with its reasons, the others import. The exit status is 1 when something was refused.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management import BaseCommand, CommandError

from minga.accounts.models import User
from minga.exchange.iati import command as iati_command
from minga.services.vocabulary import Population, ServiceType


def _user(name: str) -> User:
    user = User.objects.filter(username=name).first()
    if user is None:
        raise CommandError(f"No user named {name!r}.")
    return user


class Command(BaseCommand):
    help = ("Import IATI activity files, OCHA FTS flow searches, HXL tables or an HSDS service directory "
            "(see `minga import iati --help`, `minga import fts --help`, `minga import hxl --help`, `minga import hsds --help`).")

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        iati_command.add_arguments(kinds.add_parser("iati", help=iati_command.__doc__.splitlines()[0]))
        fts = kinds.add_parser("fts", help="OCHA FTS v1 flow searches (files, or addresses whose nextLink is followed)")
        fts.add_argument("names", nargs="+", metavar="FILE_OR_URL")
        fts.add_argument("--as-user", required=True, help="the user the import acts as (their roles apply)")
        hxl = kinds.add_parser("hxl", help="a CSV or XLSX table with an HXL hashtag row")
        hxl.add_argument("names", nargs=1, metavar="FILE")
        hxl.add_argument("--as-user", required=True, help="the user the import acts as (their roles apply)")
        hxl.add_argument("--dry-run", action="store_true", help="show the mapping and the rejected rows; store nothing")
        hsds = kinds.add_parser("hsds", help="an Open Referral HSDS 3.0 service directory (services.json or CSV tables)")
        hsds.add_argument("directory", type=Path)
        hsds.add_argument("--language", choices=["es", "pt", "en"], default="es",
                          help="language of a third party's texts (default: %(default)s)")
        hsds.add_argument("--default-type", action="append", choices=ServiceType.values, default=[],
                          help="type given to services that carry no Minga type; repeat for more")
        hsds.add_argument("--default-population", action="append", choices=Population.values, default=[],
                          help="population given to services that carry none of Minga's; repeat for more")

    def handle(self, *args, kind: str, **options):
        if kind == "iati":
            return iati_command.run(self, options)
        if kind == "hsds":
            return self._hsds(**options)
        user = _user(options["as_user"])
        names = options["names"]
        try:
            if kind == "fts":
                from minga.exchange.fts import import_fts

                report = import_fts(names, user=user)
                lines = report.lines()
                failed = bool(report.problems or (report.plans and report.plans.problems))
            else:
                from minga.exchange.hxl_import import import_hxl_command

                lines, failed = import_hxl_command(names[0], user=user, dry_run=options["dry_run"])
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        self.stdout.write("\n".join(lines))
        if failed:
            raise CommandError("Some input was refused (listed above); everything else was imported.",
                               returncode=1)

    def _hsds(self, *, directory, language, default_type, default_population, **options):
        from minga.exchange.hsds.commands import import_hsds, report_lines
        from minga.exchange.hsds.importer import Defaults

        report = import_hsds(directory, Defaults(language=language, types=tuple(default_type),
                                                 populations=tuple(default_population)))
        for line in report_lines(report):
            self.stdout.write(line)
        if report.refused:
            raise CommandError(f"{len(report.refused)} services refused (listed above).", returncode=1)
