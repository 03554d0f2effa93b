"""Compile the .po translation catalogues to .mo with Babel (pure Python: no GNU gettext needed)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the translation catalogues (locale/*/LC_MESSAGES/*.po) into .mo files."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                try:
                    with po_path.open("rb") as handle:
                        catalogue = read_po(handle, locale=po_path.parent.parent.name, abort_invalid=True)
                except Exception as error:
                    raise CommandError(f"{po_path}: {error}") from error
                with mo_path.open("wb") as handle:
                    write_mo(handle, catalogue, use_fuzzy=False)
                compiled += 1
        if options["verbosity"]:
            self.stdout.write(f"translation catalogues compiled: {compiled}")
