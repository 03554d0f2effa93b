"""gunicorn's server hooks for ``minga serve`` (loaded with ``-c python:minga.gunicorn_hooks``)."""

import os
import signal
import subprocess
import sys

# Set by ``minga serve``: "1" when the master is to run a background-job worker (``minga worker``) beside
# the web workers, started when the server is ready and stopped when it exits.
TASK_WORKER_VARIABLE = "MINGA_SERVE_TASK_WORKER"
_task_worker: list[subprocess.Popen] = []


def when_ready(server):
    """Start ``minga worker`` beside the web server. It is a process of its own: a job it runs goes on while
    gunicorn reloads its web workers, and a job left by either stopping is taken back by the next worker."""
    if os.environ.get(TASK_WORKER_VARIABLE) != "1" or _task_worker:
        return
    # Its own session: a Ctrl+C in the terminal reaches gunicorn only, and on_exit asks the worker once.
    _task_worker.append(subprocess.Popen([sys.executable, "-m", "minga.cli", "worker"],
                                         start_new_session=True))
    server.log.info("Background-job worker started (pid %s).", _task_worker[0].pid)


def on_exit(server):
    """Ask the job worker to stop: it finishes the job in hand, then exits (``kill`` it again to stop it at
    once: its job is then queued again and runs from the start at the next start)."""
    for process in _task_worker:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            server.log.info("Background-job worker (pid %s) asked to stop after its job in hand.", process.pid)
    _task_worker.clear()


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
