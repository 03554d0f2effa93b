"""``minga worker [--batch] [--interval SECONDS] [--max-tasks N]``: run the background jobs (docs/jobs.md).

django-tasks-db's ``db_worker`` does the work; around it, Minga's worker beats (``minga.site.queue``) so
that the health probe and other workers know it lives, and takes back, when it starts and at each beat,
the jobs of a worker that stopped mid-run. ``minga serve`` starts one beside the web server.
"""

from django.core.management import BaseCommand, call_command

from minga.site import queue


class Command(BaseCommand):
    help = "Run the background jobs of the queue (started by 'minga serve' beside the web server)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run the jobs waiting now, then stop")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at an empty queue (default 1)")
        parser.add_argument("--max-tasks", type=int, default=None, help="stop after this many jobs")

    def handle(self, *args, **options):
        worker_id = queue.new_worker_id()
        queue.beat(worker_id)  # alive before taking back others' jobs: this worker's own are never taken
        recovered = queue.recover()
        if recovered["requeued"] or recovered["abandoned"]:
            self.stderr.write(f"Jobs of stopped workers: {recovered['requeued']} queued again, "
                              f"{recovered['abandoned']} given up.")
        heartbeat = queue.Heartbeat(worker_id)
        heartbeat.start()
        try:
            call_command("db_worker", worker_id=worker_id, batch=options["batch"], interval=options["interval"],
                         max_tasks=options["max_tasks"], reload=False, startup_delay=False,
                         verbosity=options["verbosity"], stdout=self.stdout, stderr=self.stderr)
        finally:
            heartbeat.stop()
            queue.forget(worker_id)
