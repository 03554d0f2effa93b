import csv
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from minga.accounts.models import User
from minga.reference.imports import COLUMNS, municipalities_import


class Command(BaseCommand):
    help = ("Import municipalities (levels below the ISO 3166-2 subdivision) from a UTF-8 CSV with the "
            f"columns {', '.join(COLUMNS)}. All rows or none; importing again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--as-user", required=True, help="the user the import acts as (their roles apply)")

    def handle(self, *args, path: Path, as_user: str, **options):
        user = User.objects.filter(username=as_user).first()
        if user is None:
            raise CommandError(f"No user named {as_user!r}.")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in ("pcode", "name", "subdivision") if c not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}.")
                rows = list(reader)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot be read as UTF-8 CSV ({error}).") from None
        result = municipalities_import(rows=rows, user=user, reason=f"imported from {path.name}")
        if result.errors:
            raise CommandError("Nothing was imported:\n" + "\n".join(f"  {error}" for error in result.errors))
        self.stdout.write(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged")
