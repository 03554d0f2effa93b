from base64 import b32decode

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from minga.accounts.models import User
from minga.accounts.twofactor import confirmed_totp, totp_now
from minga.site.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (the demo secretariat by default), outside production."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="secretaria")

    def handle(self, *args, username, **options):
        if settings.MINGA_ENV == "production":
            raise CommandError("minga demo_code is for the demo only; it does not run with MINGA_ENV=production.")
        user = User.objects.filter(username=username).first()
        device = confirmed_totp(user) if user else None
        # Only a device with the published demo secret: the command never reveals a real account's code.
        if device is None or device.key != b32decode(DEMO_TOTP_SECRET).hex():
            raise CommandError(f"{username} has no demo two-factor device (load the demo with `minga demo`).")
        self.stdout.write(totp_now(device))
