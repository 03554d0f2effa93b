from pathlib import Path

from django.core.management import BaseCommand
from django.utils import timezone

from minga.site.backup import make_backup


class Command(BaseCommand):
    help = "Write every row and stored file of this Minga to one archive (.tar.gz) that `minga restore` reads back."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path,
                            help="Archive to write (default: var/backups/minga-YYYYmmdd-HHMMSS.tar.gz).")

    def handle(self, *args, **options):
        from django.conf import settings

        output = options["output"] or (
            Path(settings.VAR_DIR) / "backups" / f"minga-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        report = make_backup(output)
        self.stdout.write(f"backup written to {output}: {report.total_rows} rows in {len(report.rows)} tables, "
                          f"{report.files} files")
