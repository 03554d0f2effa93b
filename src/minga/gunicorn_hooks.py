"""gunicorn's server hooks for ``minga serve`` (loaded with ``-c python:minga.gunicorn_hooks``)."""

import contextlib
import os
import signal
import sys
import threading
from time import monotonic

# Set by ``minga serve``: "1" when the master is to run a background-job worker (``minga worker``) beside
# the web workers, started when the server is ready, started again when it dies, stopped when the server exits.
TASK_WORKER_VARIABLE = "MINGA_SERVE_TASK_WORKER"
# Back-off between restarts of a job worker that died: the first wait, doubled after each worker that lived
# less than STABLE_SECONDS (one that cannot start — a database gone — is not restarted in a tight loop), up to
# the last; a worker that lived longer starts the count again. ``MINGA_TASK_WORKER_BACKOFF`` sets the first.
BACKOFF_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
STABLE_SECONDS = 60.0
_keeper: list["TaskWorkerKeeper"] = []


def restart_wait(failures: int, first: float = BACKOFF_SECONDS) -> float:
    """Seconds before the next worker starts, after ``failures`` workers in a row that died young."""
    return min(first * 2 ** max(failures - 1, 0), BACKOFF_MAX_SECONDS)


WORKER_COMMAND = [sys.executable, "-m", "minga.cli", "worker"]


class WorkerProcess:
    """A ``minga worker`` process in a session of its own (a Ctrl+C in the terminal reaches gunicorn only, and
    ``stop`` asks the worker once).

    Started with ``posix_spawn``, not ``subprocess.Popen``: Popen forks, then waits on a pipe until the child
    has exec'd. A web worker that gunicorn's master forks at that moment (it forks without exec) inherits
    the pipe's end and keeps it open for its whole life, and Popen waits with it: the keeper hung until the
    server stopped, and no job worker came back (seen in CI). ``posix_spawn`` opens no descriptor."""

    def __init__(self, command: list[str]):
        self.pid = os.posix_spawn(command[0], command, os.environ, setsid=True)
        self.returncode: int | None = None

    def wait(self) -> int:
        """Its exit code (negative: the signal that ended it) once it has ended; -1 when unknown, as when
        gunicorn's master reaped it first (its SIGCHLD handler waits on any child)."""
        try:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            self.returncode = -1
        return self.returncode

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, number: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, number)


class TaskWorkerKeeper(threading.Thread):
    """Runs ``minga worker`` and starts a new one whenever it dies (a ``kill -9``, an out-of-memory kill, a
    crash), with a back-off, until ``stop``. A thread of gunicorn's master: the master has no periodic hook,
    and it reaps every child itself (``waitpid(-1)``), so ``wait`` returns when the worker is gone either way."""

    def __init__(self, log, first_wait: float = BACKOFF_SECONDS):
        super().__init__(name="minga-task-worker-keeper", daemon=True)
        self.log, self.first_wait = log, first_wait
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.process: WorkerProcess | None = None
        self.restarts = 0

    def start_worker(self) -> WorkerProcess | None:
        with self.lock:  # never a new worker once ``stop`` was asked
            if self.stopping.is_set():
                return None
            self.process = WorkerProcess(WORKER_COMMAND)
            return self.process

    def run(self) -> None:
        failures = 0
        while True:
            started = monotonic()
            process = self.start_worker()
            if process is None:
                return
            self.log.info("Background-job worker started (pid %s).", process.pid)
            code = process.wait()
            if self.stopping.is_set():
                return
            failures = 0 if monotonic() - started >= STABLE_SECONDS else failures + 1
            wait = restart_wait(failures, self.first_wait)
            self.log.warning("Background-job worker (pid %s) stopped (exit code %s): a new one starts in %.0f s.",
                             process.pid, code, wait)
            self.restarts += 1
            if self.stopping.wait(wait):
                return

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            self.log.info("Background-job worker (pid %s) asked to stop after its job in hand.", process.pid)


def when_ready(server):
    """Start ``minga worker`` beside the web server, and keep one running. It is a process of its own: a job it
    runs goes on while gunicorn reloads its web workers, and a job left by either stopping is taken back by the
    next worker."""
    if os.environ.get(TASK_WORKER_VARIABLE) != "1" or _keeper:
        return
    first_wait = float(os.environ.get("MINGA_TASK_WORKER_BACKOFF", BACKOFF_SECONDS))
    _keeper.append(TaskWorkerKeeper(server.log, first_wait))
    _keeper[0].start()


def on_exit(server):
    """Ask the job worker to stop: it finishes the job in hand, then exits (``kill`` it again to stop it at
    once: its job is then queued again and runs from the start at the next start). No new one is started."""
    for keeper in _keeper:
        keeper.stop()
    _keeper.clear()


def post_worker_init(worker):
    """Build the catalogue's facet index before the worker takes its first request, so no visitor waits for it
    (unless ``MINGA_CATALOGUE_INDEX`` is ``sql``)."""
    from django.conf import settings
    from django.db import connections

    from minga.portfolio.facet_index import INDEX

    if settings.MINGA_CATALOGUE_INDEX == "sql":  # the catalogue counts in SQL: there is no index to build
        return
    try:
        INDEX.refresh()
    except Exception:
        worker.log.exception("The catalogue's facet index could not be built when the worker started.")
    finally:
        connections.close_all()  # the worker's requests open their own
