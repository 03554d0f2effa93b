"""``minga codelists update [--from DIR_OR_URL]``: load the official IATI codelists (names of codes).

Without ``--from``, only the built-in set is there (transaction, organisation and flow types), and the
command says so. Tests load ``../shared/data/iati/codelists/``.
"""

from django.core.management import BaseCommand, CommandError

from minga.exchange.iati import codelist_store
from minga.exchange.iati.codelists import CodelistError


class Command(BaseCommand):
    help = "IATI codelists: update [--from DIR_OR_URL] loads the official lists (every <Name>.xml of a folder)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        update = actions.add_parser("update", help="load the official IATI codelists")
        update.add_argument("--from", dest="origin", metavar="DIR_OR_URL", default="")

    def handle(self, *args, action, origin, **options):
        if not origin:
            self.stdout.write("built-in codelists: " + ", ".join(
                f"{name} ({len(codes)})" for name, codes in codelist_store.BUILT_IN.items())
                + "; give --from DIR_OR_URL to load the official lists")
            return
        try:
            loaded = codelist_store.update(origin)
        except (CodelistError, OSError) as error:
            raise CommandError(f"nothing loaded: {error}") from None
        self.stdout.write(f"{len(loaded)} codelists, {sum(loaded.values())} codes loaded from {origin}")
