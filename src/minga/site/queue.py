"""The upkeep of the background jobs' queue (docs/jobs.md): workers' heartbeats, jobs taken back from a
worker that stopped mid-run, and the queue's state for the health probe.

The queue is django-tasks' database backend (``django_tasks_db``): a job is a row, a worker claims it
(status RUNNING, its id appended to ``worker_ids``) and marks it SUCCESSFUL or FAILED. A worker killed
mid-run (power cut, out of memory, ``kill -9``) leaves its job RUNNING for ever, and one stopped with a
second Ctrl+C leaves it FAILED with ``SystemExit``: django-tasks-db does not take either back. Minga's
worker (``minga worker``) does, when it starts and at each heartbeat: such a job goes back to READY and
runs again (Minga's jobs are idempotent: an IATI import run twice changes nothing the second time), at
most ``MAX_ATTEMPTS`` times in all, after which it is marked failed for good.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import close_old_connections, connection
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from minga.common import read_ahead
from minga.site.models import TaskWorker

logger = logging.getLogger("minga.queue")

HEARTBEAT_SECONDS = 10
STALE_SECONDS = 60  # a worker not heard from for this long is taken as gone
MAX_ATTEMPTS = 3  # starts of one job, the interrupted ones included, before it is given up
WAIT_WARNING_SECONDS = 600  # the health probe reports a job waiting longer than this
INTERRUPTED = ("builtins.SystemExit", "builtins.KeyboardInterrupt")
ABANDONED = "minga.site.queue.JobAbandoned"


class JobAbandoned(Exception):
    """A job whose workers stopped under it ``MAX_ATTEMPTS`` times: it is not started again."""


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{os.urandom(4).hex()}"[:64]


def beat(worker_id: str) -> None:
    """Say that this worker lives (made on the first call)."""
    now = timezone.now()
    updated = TaskWorker.objects.filter(worker_id=worker_id).update(last_seen=now)
    if not updated:
        TaskWorker.objects.create(worker_id=worker_id, hostname=socket.gethostname()[:255], pid=os.getpid(),
                                  started_at=now, last_seen=now)


def forget(worker_id: str) -> None:
    TaskWorker.objects.filter(worker_id=worker_id).delete()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def live_workers(now=None) -> list[TaskWorker]:
    """The workers heard from lately, less those of this machine whose process is gone."""
    now = now or timezone.now()
    here = socket.gethostname()[:255]
    return [worker for worker in TaskWorker.objects.filter(last_seen__gte=now - timedelta(seconds=STALE_SECONDS))
            if worker.hostname != here or _process_exists(worker.pid)]


def recover(now=None) -> dict[str, int]:
    """Queue again the jobs whose worker is gone (RUNNING) or was stopped under them (FAILED with SystemExit
    or KeyboardInterrupt); give up those started ``MAX_ATTEMPTS`` times. Answers the numbers of each."""
    now = now or timezone.now()
    alive = {worker.worker_id for worker in live_workers(now)}
    TaskWorker.objects.exclude(worker_id__in=alive).delete()  # silent too long, or its process is gone
    done = {"requeued": 0, "abandoned": 0}
    orphans = [job for job in DBTaskResult.objects.running() if not job.worker_ids or job.worker_ids[-1] not in alive]
    interrupted = list(DBTaskResult.objects.failed().filter(exception_class_path__in=INTERRUPTED))
    for job in orphans + interrupted:
        if len(job.worker_ids) >= MAX_ATTEMPTS:
            _abandon(job)
            done["abandoned"] += 1
            continue
        # Conditional: a job another worker took back (or finished) meanwhile is left as it is.
        if DBTaskResult.objects.filter(pk=job.pk, status=job.status, started_at=job.started_at).update(
                status=TaskResultStatus.READY, started_at=None, finished_at=None, exception_class_path="",
                traceback=""):
            done["requeued"] += 1
            logger.warning("Job %s (%s) queued again: its worker %s stopped under it.", job.pk, job.task_path,
                           job.worker_ids[-1] if job.worker_ids else "?")
    return done


def _abandon(job: DBTaskResult) -> None:
    job.set_failed(JobAbandoned(f"started {len(job.worker_ids)} times, and each time its worker stopped under it"))
    try:
        task_result = job.task_result
    except ImportError:  # a job of code that no longer exists: nobody to tell
        return
    task_finished.send(sender=type(job.task.get_backend()), task_result=task_result)


class Heartbeat(threading.Thread):
    """Beats for ``worker_id`` every ``HEARTBEAT_SECONDS`` and takes back the jobs of gone workers, beside the
    worker's own loop (which may be inside a long job)."""

    def __init__(self, worker_id: str):
        super().__init__(name="minga-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()
        self.busy = threading.Lock()  # held while it beats: a job's import forks its reading process outside it

    def run(self) -> None:
        with read_ahead.quiet_at_fork(self.busy):
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                with self.busy:
                    self._beat()
        connection.close()

    def _beat(self) -> None:
        try:
            close_old_connections()
            beat(self.worker_id)
            recover()
        except Exception:  # a busy database now is no reason to stop beating later
            logger.exception("The worker's heartbeat could not be written.")

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=HEARTBEAT_SECONDS * 2)


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min" if seconds >= 60 else f"{int(seconds)} s"


def _jobs(count: int) -> str:
    return f"{count} job" if count == 1 else f"{count} jobs"


def state(now=None) -> str:
    """``ok``, or ``degraded: …`` saying what is wrong with the queue (for the health probe)."""
    from django.conf import settings

    if settings.MINGA_TASK_BACKEND != "database":
        return "ok"
    now = now or timezone.now()
    waiting = DBTaskResult.objects.ready().aggregate(count=Count("pk"), oldest=Min("enqueued_at"))
    count, oldest = waiting["count"], waiting["oldest"]
    running = list(DBTaskResult.objects.running().values_list("worker_ids", flat=True))
    if not count and not running:
        return "ok"  # nothing waits, nothing runs: whether a worker lives does not matter yet
    workers = live_workers(now)
    alive = {worker.worker_id for worker in workers}
    orphans = sum(1 for ids in running if not ids or ids[-1] not in alive)
    problems = []
    if count and not workers:
        last = TaskWorker.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()
        since = f"last seen {_minutes((now - last).total_seconds())} ago" if last else "none has run"
        problems.append(f"{_jobs(count)} waiting and no worker running ({since})")
    elif count and (now - oldest).total_seconds() > WAIT_WARNING_SECONDS:
        problems.append(f"{_jobs(count)} waiting, the oldest for {_minutes((now - oldest).total_seconds())}")
    if orphans:
        problems.append(f"{_jobs(orphans)} left running by a worker that stopped (queued again by the next "
                        "worker)")
    return "degraded: " + "; ".join(problems) if problems else "ok"
