"""What ``minga serve`` asks gunicorn to do when a worker starts."""

import logging

import pytest
from django.db import connections

from minga.gunicorn_hooks import post_worker_init
from minga.portfolio.facet_index import INDEX
from minga.portfolio.models import Project


class Worker:
    log = logging.getLogger("tests.gunicorn")


@pytest.fixture
def kept_connections(monkeypatch):
    closed = []
    # The hook closes the worker's connections; here that would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    return closed


@pytest.mark.django_db
def test_a_starting_worker_builds_the_facet_index(kept_connections):
    post_worker_init(Worker())
    assert INDEX.builds == 1
    assert set(INDEX.entries) == set(Project.all_objects.values_list("pk", flat=True))
    assert kept_connections == [True]


@pytest.mark.django_db
def test_a_worker_starts_even_when_the_index_cannot_be_built(kept_connections, monkeypatch, caplog):
    def broken():
        raise RuntimeError("no such table: portfolio_project")

    monkeypatch.setattr(INDEX, "refresh", broken)
    with caplog.at_level(logging.ERROR, logger="tests.gunicorn"):
        post_worker_init(Worker())
    assert "facet index could not be built" in caplog.text
    assert kept_connections == [True]


@pytest.mark.django_db
def test_a_worker_builds_no_index_when_the_catalogue_counts_in_sql(kept_connections, settings):
    settings.MINGA_CATALOGUE_INDEX = "sql"
    post_worker_init(Worker())
    assert (INDEX.builds, INDEX.entries) == (0, None)
    assert kept_connections == []  # it opened none
