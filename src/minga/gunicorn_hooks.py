"""gunicorn's server hooks for ``minga serve`` (loaded with ``-c python:minga.gunicorn_hooks``)."""


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
