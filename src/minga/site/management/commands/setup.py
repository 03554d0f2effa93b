from django.core.management import BaseCommand, call_command

from minga.reference.loaders import load_reference


class Command(BaseCommand):
    help = "Prepare a database and the files Minga serves: migrate, compile translations, collect static files, load reference data."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("createcachetable", verbosity=max(verbosity - 1, 0))  # the database cache's table
        call_command("build_catalogues", verbosity=verbosity)
        call_command("collectstatic", interactive=False, verbosity=max(verbosity - 1, 0))
        for name, report in load_reference().items():
            if verbosity:
                self.stdout.write(f"reference {name}: {report}")
