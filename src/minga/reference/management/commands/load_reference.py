from django.core.management import BaseCommand

from minga.reference.loaders import load_reference


class Command(BaseCommand):
    help = "Load or refresh countries (ISO 3166-1), subdivisions (ISO 3166-2), taxonomies, markers and the process's organisations."

    def handle(self, *args, **options):
        for name, report in load_reference().items():
            self.stdout.write(f"{name}: {report}")
