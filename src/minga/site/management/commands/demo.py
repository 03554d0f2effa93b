from django.conf import settings
from django.core.management import BaseCommand, CommandError

from minga.site.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo


class Command(BaseCommand):
    help = "Load the demo: the real figures of the process with their sources, illustrative records and one account per role."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true",
                            help="Load demo accounts even with MINGA_ENV=production (they share a known password).")

    def handle(self, *args, **options):
        if settings.MINGA_ENV == "production" and not options["allow_production"]:
            raise CommandError("Refusing to create demo accounts with a known password in production "
                               "(MINGA_ENV=production); pass --allow-production if you really mean it.")
        report = load_demo()
        created = ", ".join(f"{count} {kind}" for kind, count in report.created.items() if count) or "nothing new"
        self.stdout.write(f"demo data: {created}")
        self.stdout.write(f"demo accounts (password: {DEMO_PASSWORD}):")
        for username, role in report.accounts:
            self.stdout.write(f"  {username:<14} {role}")
        self.stdout.write(
            f"two-factor code of the secretariat (DEMO ONLY, never in production): add the key {DEMO_TOTP_SECRET} "
            "to an authenticator app, or print the current code with `minga demo_code`.")
