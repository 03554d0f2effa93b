# ruff: noqa: N999 -- the module is named after the command, `minga import`
"""``minga import KIND ...``: bring another standard's data in (``minga import iati --help``).

Each kind lives in its own module with ``add_arguments(parser)`` and ``run(command, options)``;
adding one is one line in ``KINDS``.
"""

import importlib

from django.core.management import BaseCommand

KINDS = {
    "iati": "minga.exchange.iati.command",
}


class Command(BaseCommand):
    help = "Import data published in another standard: iati (activity files)."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        for kind, module in KINDS.items():
            sub = kinds.add_parser(kind, help=importlib.import_module(module).__doc__.splitlines()[0])
            importlib.import_module(module).add_arguments(sub)

    def handle(self, *args, kind, **options):
        importlib.import_module(KINDS[kind]).run(self, options)
