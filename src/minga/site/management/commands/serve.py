import os
import shutil
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import BaseCommand, CommandError

from minga.config import env_int
from minga.gunicorn_hooks import TASK_WORKER_VARIABLE


class Command(BaseCommand):
    help = "Serve Minga with gunicorn (static files by whitenoise). Run 'minga setup' first."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("MINGA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn workers (default: MINGA_WORKERS or 2)")
        parser.add_argument("--no-task-worker", action="store_true",
                            help="start no background-job worker beside the web server (run 'minga worker' "
                                 "elsewhere); none is started either when MINGA_TASK_BACKEND is immediate")

    def handle(self, *args, **options):
        try:
            workers = options["workers"] or env_int("MINGA_WORKERS", default=2, minimum=1, maximum=64)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        if not (settings.STATIC_ROOT / "staticfiles.json").exists():
            raise CommandError("Static files are not collected: run 'minga setup' first.")
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        host, _, port = options["bind"].rpartition(":")
        self.stdout.write(f"Minga is served on http://{host}:{port}/ (stop with Ctrl+C)")
        # gunicorn's master starts `minga worker` once it is up and stops it when it exits (gunicorn_hooks).
        with_worker = settings.MINGA_TASK_BACKEND == "database" and not options["no_task_worker"]
        os.environ[TASK_WORKER_VARIABLE] = "1" if with_worker else "0"
        if with_worker:
            self.stdout.write("A background-job worker runs beside it ('minga worker').")
        self.stdout.flush()
        os.execv(gunicorn, [  # noqa: S606 -- gunicorn from this environment, with fixed arguments
            gunicorn, "minga.wsgi:application", "--config", "python:minga.gunicorn_hooks", "--bind", options["bind"],
            "--workers", str(workers), "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1",
        ])
