"""gunicorn's server hooks for ``minga serve`` (loaded with ``-c python:minga.gunicorn_hooks``)."""


def post_worker_init(worker):
    """Build the catalogue's facet index before the worker takes its first request, so no visitor waits for it."""
    from django.db import connections

    from minga.portfolio.facet_index import INDEX

    try:
        INDEX.refresh()
    except Exception:  # noqa: BLE001 — e.g. a database not migrated yet: the first search will build it
        worker.log.exception("The catalogue's facet index could not be built when the worker started.")
    finally:
        connections.close_all()  # the worker's requests open their own
