"""The secretariat's uploads (IATI activity files, FTS files): a run queued with its file (a write), and the runs
as they may be seen (reads). One way for every kind: the kind names the job (``jobs.JOBS``).

The file is kept in MINGA_IMPORT_DIR (private, never served) under a random name until its job ends. The run
and its job are made in one transaction: there is never a queued run without a job, nor a job without a run.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction

from minga.accounts import permissions
from minga.exchange.jobs import JOBS
from minga.exchange.models import ImportRun

MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # larger files go through `minga import iati|fts FILE`
RECENT = 20
SUFFIXES = {"iati": ".xml", "fts": ".json"}


def upload_start(*, user, upload, kind: str) -> ImportRun:
    """Keep ``upload`` (a Django UploadedFile) and queue its import as a run of ``kind`` ("iati", "fts"); the
    run is answered in state queued (or already ended, where the queue runs jobs at once:
    MINGA_TASK_BACKEND=immediate)."""
    permissions.require(user, permissions.Action.CREATE, ImportRun(kind=kind))
    folder = Path(settings.MINGA_IMPORT_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}{SUFFIXES[kind]}"
    with (folder / stored_name).open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(kind=kind, sources=[Path(upload.name).name[:200]], started_by=user,
                                           bytes_total=upload.size, stored_name=stored_name)
            job = JOBS[kind].enqueue(run.pk)
            ImportRun.objects.filter(pk=run.pk).update(task_id=str(job.id))
    except BaseException:
        (folder / stored_name).unlink(missing_ok=True)
        raise
    run.refresh_from_db()
    return run


def iati_upload_start(*, user, upload) -> ImportRun:
    return upload_start(user=user, upload=upload, kind="iati")


def fts_upload_start(*, user, upload) -> ImportRun:
    return upload_start(user=user, upload=upload, kind="fts")


def recent_runs(user, *, kind: str = "iati", limit: int = RECENT):
    return list(permissions.visible(user, ImportRun.objects.filter(kind=kind).select_related("started_by"))[:limit])


def access_import_run(user, pk, *, kind: str = "iati") -> ImportRun:
    return permissions.access(user, ImportRun.objects.filter(kind=kind), pk=pk)
