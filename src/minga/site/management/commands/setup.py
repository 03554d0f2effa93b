from django.core.management import BaseCommand, call_command

from minga.finance.loaders import load_requirements
from minga.narrative.loaders import load_guide
from minga.process.loaders import load_process
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
        process = load_process()
        if verbosity:
            for name in ("meetings", "documents", "presidency_terms", "roadmap_actions"):
                self.stdout.write(f"process {name}: {getattr(process, name)}")
        report = load_guide()
        if verbosity:
            self.stdout.write(f"inclusive-language guide: {report}")
        report = load_requirements()
        if verbosity:
            self.stdout.write(f"RMRP requirements: {report}")
