"""``minga import territories FILE.csv --user NAME``: municipalities and lower levels by p-code (see
``reference.imports``). Nothing is written when a row is wrong; the row errors are printed, exit status 1."""

import csv

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from minga.reference.imports import COLUMNS, municipalities_import


class Command(BaseCommand):
    help = ("Import municipalities and lower levels from a CSV with the columns " + ", ".join(COLUMNS)
            + " (subdivision, or a point with its country, or a parent p-code places each unit).")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="the account the import is made as (its grants apply)")
        parser.add_argument("--reason", default="minga import territories")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = {"pcode", "name"} - set(reader.fieldnames or ())
                if missing:
                    raise CommandError(f"Missing columns: {', '.join(sorted(missing))}.")
                rows = list(reader)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        result = municipalities_import(rows=rows, user=user, reason=options["reason"])
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(f"{len(result.errors)} row error(s): nothing was imported.")
        self.stdout.write(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")
