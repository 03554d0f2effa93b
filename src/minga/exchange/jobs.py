"""The exchange's background jobs: an uploaded IATI file imported by a worker (docs/jobs.md).

The job moves its ``ImportRun`` from queued to running to done or failed, and writes its progress (bytes
read, counts so far) as it goes: at most once a second or every 5 % of the file, not after every activity,
so that a large file is not slowed by its own progress. A job started again (its worker stopped mid-run,
``minga.site.queue``) starts the file from the beginning: the activities written by the first attempt
compare unchanged, so nothing is written twice.
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import override
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

from minga.exchange.iati import importer
from minga.exchange.models import ImportRun

logger = logging.getLogger("minga.exchange.jobs")

PROGRESS_SECONDS = 1.0
PROGRESS_SHARE = 0.05


class Progress:
    """Called by the importer after each batch of activities; writes to the run only when enough has changed."""

    def __init__(self, run: ImportRun, handle, report: importer.Report):
        self.run, self.handle, self.report = run, handle, report
        self.written_at, self.written_bytes, self.writes = time.monotonic(), 0, 0
        self.step = max(int(run.bytes_total * PROGRESS_SHARE), 1)

    def __call__(self) -> None:
        read = self.handle.tell()
        if read - self.written_bytes < self.step and time.monotonic() - self.written_at < PROGRESS_SECONDS:
            return
        ImportRun.objects.filter(pk=self.run.pk).update(bytes_read=read, counts=dict(self.report.counts))
        self.written_at, self.written_bytes = time.monotonic(), read
        self.writes += 1


def stored_path(run: ImportRun):
    return settings.MINGA_IMPORT_DIR / run.stored_name


def _finish(run: ImportRun, state: str, report: importer.Report | None, failure: str = "", error: str = "") -> None:
    run.state, run.failure, run.error, run.finished_at = state, failure, error, timezone.now()
    if report is not None:
        run.counts = {**report.counts, "transactions": report.transactions, "flows": report.flows}
        run.problems = report.problems
    if state == ImportRun.State.DONE:
        run.bytes_read = run.bytes_total
    run.save(update_fields=["state", "failure", "error", "finished_at", "counts", "problems", "bytes_read"])
    if run.stored_name:
        stored_path(run).unlink(missing_ok=True)


@task()
def import_iati_upload(run_id: int) -> str:
    """Import the file of ``ImportRun`` ``run_id``; answers the run's final state."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.state in (ImportRun.State.DONE, ImportRun.State.FAILED):
        return run.state if run else "missing"  # delivered again after it ended: nothing to do
    run.state, run.attempts, run.started_at = ImportRun.State.RUNNING, run.attempts + 1, timezone.now()
    run.counts, run.problems, run.bytes_read, run.error = {}, [], 0, ""
    run.save(update_fields=["state", "attempts", "started_at", "counts", "problems", "bytes_read", "error"])
    name = run.sources[0] if run.sources else run.stored_name
    report = importer.Report()
    # What the importer writes (the history's reasons) is in the site's language, whatever the worker's.
    with override(settings.LANGUAGE_CODE):
        path = stored_path(run)
        if not run.stored_name or not path.is_file():
            _finish(run, ImportRun.State.FAILED, None, ImportRun.Failure.MISSING)
            return run.state
        try:
            with path.open("rb") as handle:
                importer.import_source(handle, name=name, user=run.started_by, report=report,
                                       progress=Progress(run, handle, report))
        except importer.ImportRefused:
            reason = report.problems[-1]["message"] if report.problems else ""
            _finish(run, ImportRun.State.FAILED, report, ImportRun.Failure.REFUSED, reason)
        except PermissionDenied as error:
            _finish(run, ImportRun.State.FAILED, report, ImportRun.Failure.DENIED, str(error))
        except (SystemExit, KeyboardInterrupt):
            # The worker is being stopped: the run waits for the next one (minga.site.queue takes the job back).
            ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.QUEUED)
            raise
        except Exception as error:  # the run says what stopped it; the worker goes on with the next job
            logger.exception("IATI import run %s stopped", run.pk)
            _finish(run, ImportRun.State.FAILED, report, ImportRun.Failure.STOPPED, f"{type(error).__name__}: {error}")
        else:
            _finish(run, ImportRun.State.DONE, report)
    return run.state


@receiver(task_finished, dispatch_uid="minga.exchange.jobs.run_given_up")
def run_given_up(sender, task_result, **kwargs) -> None:
    """A job that failed outside the import's own handling (given up after its workers stopped under it
    again and again): its run says so rather than staying "running" for ever."""
    if task_result.status != TaskResultStatus.FAILED or task_result.task.func is not import_iati_upload.func:
        return
    errors = [error.exception_class_path for error in task_result.errors]
    if any(path in ("builtins.SystemExit", "builtins.KeyboardInterrupt") for path in errors):
        return  # a stopped worker: the job runs again
    run_id = task_result.args[0] if task_result.args else task_result.kwargs.get("run_id")
    with override(settings.LANGUAGE_CODE), transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is not None and run.state in (ImportRun.State.QUEUED, ImportRun.State.RUNNING):
            _finish(run, ImportRun.State.FAILED, None, ImportRun.Failure.GIVEN_UP,
                    ", ".join(task_result.errors[-1].traceback.strip().splitlines()[-1:]) if task_result.errors else "")
