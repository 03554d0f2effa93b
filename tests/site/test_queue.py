"""The queue's upkeep (minga.site.queue): which workers live, which jobs are taken back from a stopped worker
and which are given up, what the health probe says of the queue, and what ``minga serve`` starts beside
gunicorn. (A real worker process: tests/site/test_worker.py.)"""

import io
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from minga import gunicorn_hooks
from minga.exchange import import_runs
from minga.exchange.models import ImportRun
from minga.site import queue
from minga.site.models import TaskWorker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def run(users):
    return import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("a.xml", b"<x/>"))


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def worker_row(worker_id: str, *, seconds_ago: float = 0, pid: int | None = None, hostname: str | None = None):
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return TaskWorker.objects.create(worker_id=worker_id, hostname=hostname or socket.gethostname(),
                                     pid=pid or os.getpid(), started_at=seen, last_seen=seen)


def test_a_worker_beats_and_is_forgotten():
    queue.beat("w1")
    queue.beat("w1")
    assert list(TaskWorker.objects.values_list("worker_id", flat=True)) == ["w1"]
    assert [worker.worker_id for worker in queue.live_workers()] == ["w1"]
    queue.forget("w1")
    assert not TaskWorker.objects.exists()


def test_a_worker_is_gone_when_silent_too_long_or_when_its_process_on_this_machine_is_gone():
    worker_row("fresh")
    worker_row("silent", seconds_ago=queue.STALE_SECONDS + 1)
    worker_row("killed", pid=dead_pid())
    worker_row("elsewhere", hostname="another-machine", pid=1)  # another machine's pid is not looked at
    assert sorted(worker.worker_id for worker in queue.live_workers()) == ["elsewhere", "fresh"]


def test_recover_takes_back_the_jobs_of_gone_workers_only(run, users):
    other = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("b.xml", b"<x/>"))
    worker_row("alive")
    worker_row("killed", pid=dead_pid())
    DBTaskResult.objects.get(pk=run.task_id).claim("killed")
    DBTaskResult.objects.get(pk=other.task_id).claim("alive")
    assert queue.recover() == {"requeued": 1, "abandoned": 0}
    taken_back = DBTaskResult.objects.get(pk=run.task_id)
    assert (taken_back.status, taken_back.started_at, taken_back.worker_ids) == ("READY", None, ["killed"])
    assert DBTaskResult.objects.get(pk=other.task_id).status == "RUNNING"
    assert queue.recover() == {"requeued": 0, "abandoned": 0}


def test_recover_takes_back_a_job_interrupted_by_a_stop_but_not_one_that_failed_on_its_own(run, users):
    other = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("b.xml", b"<x/>"))
    for job, error in ((DBTaskResult.objects.get(pk=run.task_id), SystemExit(1)),
                       (DBTaskResult.objects.get(pk=other.task_id), ValueError("its own error"))):
        job.claim("stopped")
        job.set_failed(error)
    assert queue.recover() == {"requeued": 1, "abandoned": 0}
    assert DBTaskResult.objects.get(pk=run.task_id).status == "READY"
    assert DBTaskResult.objects.get(pk=other.task_id).status == "FAILED"


def test_a_job_whose_workers_stopped_under_it_too_often_is_given_up_and_its_run_says_so(run, caplog):
    job = DBTaskResult.objects.get(pk=run.task_id)
    for worker_id in ("w1", "w2", "w3"):
        job.claim(worker_id)
    ImportRun.objects.filter(pk=run.pk).update(state="running", attempts=3)
    with caplog.at_level(logging.CRITICAL, logger="django_tasks"):
        assert queue.recover() == {"requeued": 0, "abandoned": 1}
    job.refresh_from_db()
    assert (job.status, job.exception_class_path) == ("FAILED", queue.ABANDONED)
    run.refresh_from_db()
    assert (run.state, run.failure, run.error) == (
        "failed", "given-up", "minga.site.queue.JobAbandoned: started 3 times, and each time its worker stopped under it")
    with translation.override("en"):  # the label is read in the reader's language; here in English
        assert run.get_failure_display() == "The import was given up: its worker stopped under it again and again."
    assert queue.recover() == {"requeued": 0, "abandoned": 0}  # given up once


# --- the health probe ------------------------------------------------------------------------------------

def test_the_queue_is_ok_with_no_job_waiting_even_without_a_worker(client):
    assert queue.state() == "ok"
    assert client.get("/health/").json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok",
                                                                        "queue": "ok"}}


def test_jobs_waiting_with_no_worker_running_are_a_degraded_queue(run, users, client):
    import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("b.xml", b"<x/>"))
    response = client.get("/health/")
    assert response.status_code == 200  # the web process still serves: the proxy keeps it
    assert response.json() == {"status": "degraded", "checks": {
        "database": "ok", "cache": "ok", "queue": "degraded: 2 jobs waiting and no worker running (none has run)"}}
    worker_row("gone", seconds_ago=queue.STALE_SECONDS + 125)
    assert queue.state() == "degraded: 2 jobs waiting and no worker running (last seen 3 min ago)"
    worker_row("alive")
    assert queue.state() == "ok"


def test_a_job_waiting_too_long_with_a_worker_running_is_a_degraded_queue(run):
    worker_row("busy")
    DBTaskResult.objects.filter(pk=run.task_id).update(
        enqueued_at=timezone.now() - timedelta(seconds=queue.WAIT_WARNING_SECONDS + 60))
    assert queue.state() == "degraded: 1 job waiting, the oldest for 11 min"


def test_a_job_left_running_by_a_stopped_worker_is_a_degraded_queue(run):
    DBTaskResult.objects.get(pk=run.task_id).claim("killed")
    assert queue.state() == "degraded: 1 job left running by a worker that stopped (queued again by the next worker)"
    worker_row("killed")
    assert queue.state() == "ok"


def test_the_queue_is_not_looked_at_when_jobs_run_at_once(run, settings):
    settings.MINGA_TASK_BACKEND = "immediate"
    assert queue.state() == "ok"


# --- minga serve starts a worker beside gunicorn ---------------------------------------------------------

class Server:
    log = logging.getLogger("tests.gunicorn")


class Started:
    """A fake ``minga worker`` process: ``wait`` returns once it is signalled or ``die`` is called."""

    def __init__(self, args):
        self.args, self.pid, self.signals = args, 4242 + len(STARTED), []
        self.ended = threading.Event()
        STARTED.append(self)

    def poll(self):
        return 0 if self.ended.is_set() else None

    def wait(self):
        self.ended.wait(30)
        return 0

    def send_signal(self, number):
        self.signals.append(number)
        self.ended.set()

    def die(self):  # a kill -9 from outside
        self.ended.set()


STARTED: list[Started] = []


@pytest.fixture
def fake_workers(monkeypatch):
    STARTED.clear()
    monkeypatch.setenv(gunicorn_hooks.TASK_WORKER_VARIABLE, "1")
    monkeypatch.setenv("MINGA_TASK_WORKER_BACKOFF", "0.01")
    monkeypatch.setattr(gunicorn_hooks, "WorkerProcess", Started)
    yield STARTED
    gunicorn_hooks.on_exit(Server())


def started(count: int) -> list[Started]:
    """The fake workers once ``count`` were started (the keeper is a thread of its own)."""
    for _ in range(3000):
        if len(STARTED) >= count:
            return list(STARTED)
        time.sleep(0.01)
    raise AssertionError(f"{len(STARTED)} workers started, not {count}")


def test_gunicorn_starts_the_job_worker_when_ready_and_asks_it_to_stop_on_exit(fake_workers):
    gunicorn_hooks.when_ready(Server())
    gunicorn_hooks.when_ready(Server())  # once
    [keeper] = gunicorn_hooks._keeper
    [worker] = started(1)
    assert worker.args == [sys.executable, "-m", "minga.cli", "worker"]
    gunicorn_hooks.on_exit(Server())
    keeper.join(30)
    assert not keeper.is_alive()
    assert worker.signals == [signal.SIGTERM]
    assert gunicorn_hooks._keeper == []
    assert len(fake_workers) == 1  # none started after the server's exit
    assert keeper.restarts == 0


def test_gunicorn_starts_a_new_job_worker_when_its_worker_dies(fake_workers):
    gunicorn_hooks.when_ready(Server())
    [keeper] = gunicorn_hooks._keeper
    [first] = started(1)
    first.die()
    first_again, second = started(2)
    assert first_again is first and second.pid == first.pid + 1 and second.poll() is None
    assert second.args == [sys.executable, "-m", "minga.cli", "worker"]
    assert keeper.restarts == 1
    gunicorn_hooks.on_exit(Server())
    keeper.join(30)
    assert (first.signals, second.signals, len(fake_workers)) == ([], [signal.SIGTERM], 2)


def test_a_job_worker_that_keeps_dying_young_is_restarted_with_a_growing_wait(monkeypatch):
    assert [gunicorn_hooks.restart_wait(failures, 1.0) for failures in range(9)] == [1, 1, 2, 4, 8, 16, 32, 60, 60]
    # Five workers: three die at once, the fourth after two minutes (the count starts again), the fifth at once.
    lifetimes, clock, waits = [0, 0, 0, 120, 0], [0.0], []
    keeper = gunicorn_hooks.TaskWorkerKeeper(Server.log, first_wait=1.0)

    class Dying:
        def __init__(self, args):
            self.pid = 1

        def wait(self):
            clock[0] += lifetimes.pop(0)
            if not lifetimes:
                keeper.stopping.set()  # the server exits while the fifth is down
            return -9

    monkeypatch.setattr(gunicorn_hooks, "WorkerProcess", Dying)
    monkeypatch.setattr(gunicorn_hooks, "monotonic", lambda: clock[0])
    monkeypatch.setattr(keeper.stopping, "wait", lambda seconds: waits.append(seconds) or False)
    keeper.run()  # in this thread: returns once stopped
    assert waits == [1, 2, 4, 1]
    assert keeper.restarts == 4


def test_gunicorn_starts_no_job_worker_when_serve_said_not_to(monkeypatch):
    monkeypatch.setenv(gunicorn_hooks.TASK_WORKER_VARIABLE, "0")
    monkeypatch.setattr(gunicorn_hooks, "WorkerProcess", Started)
    gunicorn_hooks.when_ready(Server())
    assert gunicorn_hooks._keeper == []


@pytest.mark.parametrize(("arguments", "backend", "expected"), [
    ([], "database", "1"), (["--no-task-worker"], "database", "0"), ([], "immediate", "0")])
def test_minga_serve_tells_gunicorn_whether_to_start_a_job_worker(monkeypatch, settings, arguments, backend, expected):
    settings.MINGA_TASK_BACKEND = backend
    executed = []
    monkeypatch.setenv(gunicorn_hooks.TASK_WORKER_VARIABLE, "unset")  # restored after the test
    monkeypatch.setattr("os.execv", lambda path, args: executed.append(args))
    call_command("serve", *arguments, stdout=io.StringIO())
    assert os.environ[gunicorn_hooks.TASK_WORKER_VARIABLE] == expected
    assert executed[0][1:5] == ["minga.wsgi:application", "--config", "python:minga.gunicorn_hooks", "--bind"]


def test_the_job_worker_runs_in_a_session_of_its_own_and_stops_when_asked():
    worker = gunicorn_hooks.WorkerProcess([sys.executable, "-c", "import time; time.sleep(60)"])
    assert os.getsid(worker.pid) == worker.pid
    assert worker.poll() is None
    worker.send_signal(signal.SIGTERM)
    assert worker.wait() == -signal.SIGTERM
    assert worker.poll() == -signal.SIGTERM
    worker.send_signal(signal.SIGTERM)  # gone: nothing is sent (its pid may be another process's by now)


def test_starting_a_job_worker_does_not_wait_for_a_process_forked_meanwhile():
    """gunicorn's master forks web workers (without exec) while its keeper thread starts ``minga worker``.
    ``subprocess.Popen`` then waited for as long as such a fork lived (it held Popen's pipe open): in CI, the
    keeper hung and no job worker came back after a kill. Here the main thread forks children that live 30 s
    while a thread starts 20 workers: each start must return at once."""
    starts: list[float] = []

    def start_workers():
        for _ in range(20):
            began = time.monotonic()
            worker = gunicorn_hooks.WorkerProcess(["/bin/true"])
            starts.append(time.monotonic() - began)
            worker.wait()

    thread = threading.Thread(target=start_workers, daemon=True)
    children = []
    try:
        thread.start()
        deadline = time.monotonic() + 20
        while thread.is_alive() and time.monotonic() < deadline:
            child = os.fork()
            if child == 0:  # a gunicorn web worker: it never execs
                time.sleep(30)
                os._exit(0)
            children.append(child)
            time.sleep(0.002)
        thread.join(1)
    finally:
        for child in children:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
    assert len(starts) == 20
    assert max(starts) < 5
