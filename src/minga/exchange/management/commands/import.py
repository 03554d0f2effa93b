# ruff: noqa: N999  (the command is `minga import`)
"""``minga import fts FILE_OR_URL... --as-user NAME`` (and ``minga import hxl FILE [--dry-run]``).

One command, one sub-command per standard; each calls its importer in ``minga.exchange`` and prints its
report. The user's roles apply (the secretariat imports); the exit status is 1 when something was refused.
"""

from django.core.exceptions import PermissionDenied
from django.core.management import BaseCommand, CommandError

from minga.accounts.models import User


def _user(name: str) -> User:
    user = User.objects.filter(username=name).first()
    if user is None:
        raise CommandError(f"No user named {name!r}.")
    return user


class Command(BaseCommand):
    help = "Import OCHA FTS flow searches or HXL tables (see `minga import fts --help`, `minga import hxl --help`)."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        fts = kinds.add_parser("fts", help="OCHA FTS v1 flow searches (files, or addresses whose nextLink is followed)")
        fts.add_argument("names", nargs="+", metavar="FILE_OR_URL")
        fts.add_argument("--as-user", required=True, help="the user the import acts as (their roles apply)")
        hxl = kinds.add_parser("hxl", help="a CSV or XLSX table with an HXL hashtag row")
        hxl.add_argument("names", nargs=1, metavar="FILE")
        hxl.add_argument("--as-user", required=True, help="the user the import acts as (their roles apply)")
        hxl.add_argument("--dry-run", action="store_true", help="show the mapping and the rejected rows; store nothing")

    def handle(self, *args, kind: str, names: list[str], as_user: str, **options):
        user = _user(as_user)
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
