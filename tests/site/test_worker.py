"""A real ``minga worker`` process runs the IATI upload's job on the database's queue: a job queued while no
worker ran is done when one starts, and a job left by a worker that was killed mid-run (or stopped under it)
is taken back and done by the next one.

The test database is copied to one that a second process can open (tests/site/test_shared_cache.py: a file
on SQLite, a database made from the test database's template on PostgreSQL); this process writes the run
and its job there, ``minga worker --batch`` (runs what waits, then stops) does the work in its own process.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from lxml import etree

from minga.accounts.models import User
from minga.exchange import import_runs
from minga.exchange.models import IatiActivity, IatiTransaction, ImportRun
from minga.site.demo import load_demo
from minga.site.models import TaskWorker
from tests.site.test_shared_cache import shared_copy_of_test_database

CHILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "activities" / "usaid-cl.xml"
pytestmark = pytest.mark.skipif(not CHILE.is_file(), reason="../shared/data/iati is not beside the repository")


@pytest.fixture
def shared(transactional_db, tmp_path, settings):
    # Committed data, which the worker process sees: the test database is flushed after each such test, so
    # the demo data are loaded again when an earlier one took them.
    if not User.objects.filter(username="secretaria").exists():
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
        load_demo()
    with shared_copy_of_test_database(tmp_path) as env:
        settings.MINGA_IMPORT_DIR = tmp_path / "imports"  # the worker's: MINGA_VAR_DIR/imports
        env.pop("MINGA_IMPORT_DIR", None)
        env.pop("MINGA_TASK_BACKEND", None)
        yield env


def worker(env) -> subprocess.CompletedProcess:
    """``minga worker --batch``: the jobs waiting now, then it stops."""
    result = subprocess.run([sys.executable, "-m", "minga.cli", "worker", "--batch"], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    return result


def chile_upload() -> ImportRun:
    return import_runs.iati_upload_start(user=User.objects.get(username="secretaria"),
                                         upload=SimpleUploadedFile(CHILE.name, CHILE.read_bytes()))


def assert_chile_imported(run: ImportRun, *, attempts: int) -> None:
    tree = etree.parse(str(CHILE), etree.XMLParser(resolve_entities=False, no_network=True))
    identifiers = {" ".join(text.split()) for text in tree.xpath("/iati-activities/iati-activity/iati-identifier/text()")}
    transactions = len(tree.xpath("/iati-activities/iati-activity/transaction"))
    assert (len(identifiers), transactions) == (16, 55)
    run.refresh_from_db()
    flows = IatiTransaction.objects.filter(activity__identifier__in=identifiers).exclude(flow=None).count()
    assert (run.state, run.attempts, run.failure, run.problems) == ("done", attempts, "", [])
    assert run.counts == {"read": 16, "created": 16, "updated": 0, "unchanged": 0, "skipped": 0, "invalid": 0,
                          "transactions": 55, "flows": flows}
    assert (run.bytes_read, run.bytes_total) == (CHILE.stat().st_size, CHILE.stat().st_size)
    assert set(IatiActivity.objects.filter(identifier__in=identifiers).values_list("identifier", flat=True)) == identifiers
    assert IatiTransaction.objects.filter(activity__identifier__in=identifiers).count() == 55
    job = DBTaskResult.objects.get(pk=run.task_id)
    assert (job.status, job.return_value) == ("SUCCESSFUL", "done")
    assert not TaskWorker.objects.exists()  # the worker removed its heartbeat when it stopped


def test_a_job_queued_while_no_worker_ran_is_done_by_a_worker_started_later(shared):
    run = chile_upload()
    assert (run.state, DBTaskResult.objects.get(pk=run.task_id).status) == ("queued", "READY")
    result = worker({**shared, "MINGA_LOG_LEVEL": "DEBUG"})
    assert_chile_imported(run, attempts=1)
    # The worker's heartbeat thread is a quiet one (minga.common.read_ahead): the job's import read the file in a
    # second process, as ``minga import iati`` does.
    assert "Reading ahead in process " in result.stderr and "Reading in this process" not in result.stderr


def test_a_job_whose_worker_was_killed_mid_run_is_taken_back_and_done_by_the_next_worker(shared):
    run = chile_upload()
    # A worker process claims the job as db_worker does, beats, starts the run, and is killed (kill -9).
    dead = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    now = timezone.now()
    TaskWorker.objects.create(worker_id="killed-worker", hostname=socket.gethostname(), pid=dead.pid,
                              started_at=now, last_seen=now)
    DBTaskResult.objects.get(pk=run.task_id).claim("killed-worker")
    ImportRun.objects.filter(pk=run.pk).update(state="running", attempts=1, bytes_read=4096, counts={"read": 3})
    dead.kill()
    dead.wait()
    assert not _exists(dead.pid)
    result = worker(shared)
    assert "Jobs of stopped workers: 1 queued again, 0 given up." in result.stderr
    assert_chile_imported(run, attempts=2)
    assert DBTaskResult.objects.get(pk=run.task_id).worker_ids[0] == "killed-worker"


def test_a_job_whose_worker_was_stopped_under_it_runs_again_at_the_next_start(shared):
    run = chile_upload()
    job = DBTaskResult.objects.get(pk=run.task_id)
    job.claim("stopped-worker")
    job.set_failed(SystemExit(1))  # what db_worker records when a second Ctrl+C stops it inside a job
    ImportRun.objects.filter(pk=run.pk).update(state="queued", attempts=1)
    worker(shared)
    assert_chile_imported(run, attempts=2)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
