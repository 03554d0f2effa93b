"""The exchange's background jobs: an uploaded IATI file, or an uploaded FTS file, imported by a worker
(docs/jobs.md).

Both jobs run the same way (``_run``): the job moves its ``ImportRun`` from queued to running to done or
failed, and writes its progress (how much of the file is done, counts so far) as it goes: at most once a
second or every 5 % of the file, not after every record, so that a large file is not slowed by its own
progress. A job started again (its worker stopped mid-run, ``minga.site.queue``) starts the file from the
beginning: what the first attempt wrote compares unchanged (an IATI activity by its fingerprint, an FTS flow
by its id and version), so nothing is written twice.
"""

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import override
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

from minga.exchange import fts
from minga.exchange import problems as said
from minga.exchange.fts_read import FtsInvalid
from minga.exchange.iati import importer
from minga.exchange.models import ImportRun

logger = logging.getLogger("minga.exchange.jobs")

PROGRESS_SECONDS = 1.0
PROGRESS_SHARE = 0.05


class Refused(Exception):
    """The file was refused whole and nothing of it was written; the message (a ``Problem`` when it is one of the
    importer's) says why."""


class Broken(Exception):
    """The file broke off after some activities: those before the break were imported; the message (a
    ``Problem``) says where."""


class Progress:
    """Called by the IATI importer after each batch of activities with the bytes of the file read up to it; writes
    to the run only when enough has changed."""

    def __init__(self, run: ImportRun, report):
        self.run, self.report = run, report
        self.written_at, self.written_bytes, self.writes = time.monotonic(), 0, 0
        self.step = max(int(run.bytes_total * PROGRESS_SHARE), 1)

    def counts(self) -> dict:
        return dict(self.report.counts)

    def __call__(self, read: int) -> None:
        self.write(read)

    def write(self, read: int) -> None:
        if read - self.written_bytes < self.step and time.monotonic() - self.written_at < PROGRESS_SECONDS:
            return
        ImportRun.objects.filter(pk=self.run.pk).update(bytes_read=read, counts=self.counts())
        self.written_at, self.written_bytes = time.monotonic(), read
        self.writes += 1


class FtsProgress(Progress):
    """Called by the FTS importer after each flow with the flows done and the flows of the page. The whole file
    is read before the first flow is written (it is one JSON document), so the part of the file done is the
    part of its flows done, given in bytes so that both kinds of run show one bar."""

    def counts(self) -> dict:
        return fts_counts(self.report)

    def __call__(self, done: int, total: int) -> None:
        self.write(self.run.bytes_total * done // total if total else self.run.bytes_total)


def fts_counts(report: fts.FtsReport) -> dict:
    counts = {"pages": report.pages, "read": report.read, "created": report.created, "updated": report.updated,
              "unchanged": report.unchanged, "refused": len(report.problems), "outcomes": dict(report.outcomes),
              "totals": [[label, total] for label, total in report.totals]}
    if report.plans is not None:
        counts.update(plans=report.plans.plans, requirements=dict(report.plans.requirements),
                      figures=dict(report.plans.figures))
    return counts


def stored_path(run: ImportRun):
    return settings.MINGA_IMPORT_DIR / run.stored_name


def _finish(run: ImportRun, state: str, counts: dict | None = None, problems: list | None = None,
            failure: str = "", error: str = "") -> None:
    """``error`` (the failure's detail) is kept as it was said and, when it is a ``Problem``, language-neutral."""
    run.state, run.failure, run.finished_at = state, failure, timezone.now()
    run.error, run.error_problem = str(error), said.stored(error)
    if counts is not None:
        run.counts, run.problems = counts, problems or []
    if state == ImportRun.State.DONE:
        run.bytes_read = run.bytes_total
    run.save(update_fields=["state", "failure", "error", "error_problem", "finished_at", "counts", "problems",
                            "bytes_read"])
    if run.stored_name:
        stored_path(run).unlink(missing_ok=True)


def _run(run_id: int, kind: str, import_file) -> str:
    """The state machine both jobs share. ``import_file(run, handle, name)`` imports the open file and answers
    (counts, problems), or raises ``Refused(reason)`` carrying its own (counts, problems) in ``args[1:]``."""
    run = ImportRun.objects.filter(pk=run_id, kind=kind).first()
    if run is None or run.state in (ImportRun.State.DONE, ImportRun.State.FAILED):
        return run.state if run else "missing"  # delivered again after it ended: nothing to do
    run.state, run.attempts, run.started_at = ImportRun.State.RUNNING, run.attempts + 1, timezone.now()
    run.counts, run.problems, run.bytes_read, run.error, run.error_problem = {}, [], 0, "", {}
    run.save(update_fields=["state", "attempts", "started_at", "counts", "problems", "bytes_read", "error",
                            "error_problem"])
    name = run.sources[0] if run.sources else run.stored_name
    # What the importer writes (the history's reasons, the problems' and the failure's own words beside their
    # templates: what an older page showed) is in the site's language, whatever the worker's.
    with override(settings.LANGUAGE_CODE):
        path = stored_path(run)
        if not run.stored_name or not path.is_file():
            _finish(run, ImportRun.State.FAILED, failure=ImportRun.Failure.MISSING)
            return run.state
        partial = ({}, [])  # what the importer had done when it stopped, for the report
        try:
            with path.open("rb") as handle:
                counts, problems = import_file(run, handle, name, partial)
        except Refused as error:
            _finish(run, ImportRun.State.FAILED, *partial, failure=ImportRun.Failure.REFUSED, error=said.of(error))
        except Broken as error:
            _finish(run, ImportRun.State.FAILED, *partial, failure=ImportRun.Failure.BROKEN, error=said.of(error))
        except PermissionDenied as error:
            _finish(run, ImportRun.State.FAILED, *partial, failure=ImportRun.Failure.DENIED, error=said.of(error))
        except (SystemExit, KeyboardInterrupt):
            # The worker is being stopped: the run waits for the next one (minga.site.queue takes the job back).
            ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.QUEUED)
            raise
        except Exception as error:  # the run says what stopped it; the worker goes on with the next job
            logger.exception("%s import run %s stopped", kind.upper(), run.pk)
            _finish(run, ImportRun.State.FAILED, *partial, failure=ImportRun.Failure.STOPPED,
                    error=f"{type(error).__name__}: {error}")
        else:
            _finish(run, ImportRun.State.DONE, counts, problems)
    return run.state


@contextmanager
def _kept_when_stopped(partial: tuple, parts):
    """What the importer had done when it stopped (``parts()``: counts, problems) goes into ``partial``, for
    the failed run's report."""
    try:
        yield
    except BaseException:
        counts, problems = parts()
        partial[0].update(counts)
        partial[1].extend(problems)
        raise


def _iati_counts(report: importer.Report, *, plans: bool = False) -> tuple[dict, list]:
    """The run's counts and problems; with ``plans`` (a run that ended: one query), the plans named that no
    requirement holds. A stopped run's report does not ask the database, which may be what stopped it."""
    counts = {**report.counts, "transactions": report.transactions, "flows": report.flows}
    unmatched = report.unmatched_plans() if plans else []
    if unmatched:  # [[plan code, activities naming it, the first of them]]: shown as lines by the run's page
        counts["unmatched_plans"] = unmatched
    return counts, report.problems


def _import_iati(run: ImportRun, handle, name: str, partial: tuple) -> tuple[dict, list]:
    report = importer.Report()
    with _kept_when_stopped(partial, lambda: _iati_counts(report)):
        try:
            importer.import_source(handle, name=name, user=run.started_by, report=report,
                                   progress=Progress(run, report))
        except importer.ImportRefused:
            reason = said.restored(report.problems[-1]) if report.problems else ""
            # Refused before its first activity: nothing was written. Broken off later (a file cut short): the
            # activities read before the break were written, and the run must not say that nothing was.
            raise (Broken if report.counts["read"] else Refused)(reason) from None
    return _iati_counts(report, plans=True)


def _fts_problems(report: fts.FtsReport, name: str, refusal: list) -> list:
    problems = [*report.problems, *(report.plans.problems if report.plans is not None else []), *refusal]
    return [said.row(name, message) for message in problems]


def _import_fts(run: ImportRun, handle, name: str, partial: tuple) -> tuple[dict, list]:
    report, refusal = fts.FtsReport(), []  # the refusal is the file's, not a flow's: not counted as one refused
    with _kept_when_stopped(partial, lambda: (fts_counts(report), _fts_problems(report, name, refusal))):
        try:
            fts.import_fts_file(handle, label=name, user=run.started_by, report=report,
                                progress=FtsProgress(run, report))
        except FtsInvalid as error:
            refusal.append(said.of(error))
            raise Refused(said.of(error)) from None
    return fts_counts(report), _fts_problems(report, name, refusal)


@task()
def import_iati_upload(run_id: int) -> str:
    """Import the file of ``ImportRun`` ``run_id``; answers the run's final state."""
    return _run(run_id, "iati", _import_iati)


@task()
def import_fts_upload(run_id: int) -> str:
    """Import the FTS file (a v1 flow search page, or a v2 plan overview) of ``ImportRun`` ``run_id``; answers
    the run's final state."""
    return _run(run_id, "fts", _import_fts)


JOBS = {"iati": import_iati_upload, "fts": import_fts_upload}


@receiver(task_finished, dispatch_uid="minga.exchange.jobs.run_given_up")
def run_given_up(sender, task_result, **kwargs) -> None:
    """A job that failed outside the import's own handling (given up after its workers stopped under it
    again and again): its run says so rather than staying "running" for ever."""
    if task_result.status != TaskResultStatus.FAILED or not any(
            task_result.task.func is job.func for job in JOBS.values()):
        return
    errors = [error.exception_class_path for error in task_result.errors]
    if any(path in ("builtins.SystemExit", "builtins.KeyboardInterrupt") for path in errors):
        return  # a stopped worker: the job runs again
    run_id = task_result.args[0] if task_result.args else task_result.kwargs.get("run_id")
    with override(settings.LANGUAGE_CODE), transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is not None and run.state in (ImportRun.State.QUEUED, ImportRun.State.RUNNING):
            _finish(run, ImportRun.State.FAILED, failure=ImportRun.Failure.GIVEN_UP,
                    error=", ".join(task_result.errors[-1].traceback.strip().splitlines()[-1:])
                    if task_result.errors else "")
