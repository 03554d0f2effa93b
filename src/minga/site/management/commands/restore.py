from pathlib import Path

from django.core.management import BaseCommand, CommandError

from minga.site.backup import BackupRefused, restore_backup


class Command(BaseCommand):
    help = ("Replace every row and stored file of this Minga with those of a `minga backup` archive, all or "
            "nothing.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask: the current data is replaced.")

    def handle(self, *args, **options):
        archive = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist or is not a file.")
        if not options["yes"]:
            answer = input(f"Replace ALL data of this Minga with {archive}? Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            report = restore_backup(archive)
        except BackupRefused as refused:
            raise CommandError(f"{refused} Nothing was changed.") from refused
        self.stdout.write(f"restored {report.total_rows} rows in {len(report.rows)} tables and {report.files} files "
                          f"from {archive}")
