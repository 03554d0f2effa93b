"""Two processes, one cache: a write made in one process is on the next page another process renders.

The test database (demo data) is copied to a database that both this process and a second Python process
(tests/site/page_reader.py: same settings, own memory, like a second gunicorn worker or machine) use: on
SQLite a file, on PostgreSQL a database made from the test database as a template. The page cache is the
default one, the database cache in that same database. The second process renders a page (and so keeps
it), this process writes through a service, and the second process's next render shows the write.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, connections

from minga.accounts.models import User
from minga.common.formatting import format_number
from minga.portfolio import services as portfolio_services
from minga.portfolio.models import Project
from minga.reference import selectors as reference_selectors
from minga.reference import services as reference_services
from minga.site.demo import load_demo
from tests.codes import YEAR

READER = Path(__file__).with_name("page_reader.py")
RORAIMA = f"PQ-BRA-{YEAR}-0001"  # under review in the demo: not public until published


@contextmanager
def shared_copy_of_test_database(tmp_path):
    """Point this process's connection at a copy of the test database that other processes can open, and
    yield the environment that sends another process there; put everything back afterwards."""
    settings_dict = connection.settings_dict
    test_name = settings_dict["NAME"]
    env = {**os.environ, "MINGA_VAR_DIR": str(tmp_path), "MINGA_CACHE_URL": "db://"}
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        kept = connection.connection
        connection.connection = None
        settings_dict["NAME"] = str(path)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        try:
            yield env
        finally:
            connection.close()
            settings_dict["NAME"] = test_name
            connection.connection = kept
        return
    copy = f"minga_shared_{uuid.uuid4().hex[:8]}"
    # A template database must have no other session: close this process's, and end any left open on it by
    # earlier tests' threads (a live server's), which the whole suite otherwise leaves behind.
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", [test_name])
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{test_name}"')
    settings_dict["NAME"] = copy
    user, password = settings_dict["USER"], settings_dict["PASSWORD"]
    env["DATABASE_URL"] = (f"postgres://{user}:{password}@{settings_dict['HOST'] or 'localhost'}:"
                           f"{settings_dict['PORT'] or 5432}/{copy}")
    try:
        yield env
    finally:
        connection.close()
        settings_dict["NAME"] = test_name
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{copy}"')


class Reader:
    """The second process: ``get(url)`` is its render of ``url``."""

    def __init__(self, env):
        self.process = subprocess.Popen([sys.executable, str(READER)], env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = self.process.stdout.readline()
        assert ready, self.process.stderr.read()
        assert json.loads(ready) == {"ready": True}

    def get(self, url: str) -> tuple[int, str]:
        self.process.stdin.write(url + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read()
        answer = json.loads(line)
        return answer["status"], answer["body"]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def without_tokens(page: str) -> str:
    """The page without its CSRF token, which differs on each render (masked anew), cached or not."""
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+', r"\1", page)


@pytest.fixture
def shared(transactional_db, tmp_path, settings):
    # Committed data, which another process sees: the test database is flushed after each such test (as for
    # the browser tests), so the demo data are loaded again when an earlier one took them.
    if not Project.objects.filter(code=RORAIMA).exists():
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
        load_demo()
    with shared_copy_of_test_database(tmp_path) as env:
        reader = Reader(env)
        try:
            yield reader
        finally:
            reader.close()


def test_a_figure_changed_in_one_process_is_on_the_next_home_page_of_another(shared):
    row = reference_selectors.latest_people_per_host_country(None)[0]
    figure = row.figure
    new_value = 7_654_321
    with_new_value = format_number(new_value, locale="es")  # "7.654.321", as the Spanish page writes it
    status, before = shared.get("/")
    assert status == 200
    assert with_new_value not in before
    assert without_tokens(shared.get("/")[1]) == without_tokens(before)

    reference_services.population_figure_update(
        figure=figure, user=User.objects.get(username="secretaria"), changes={"value": new_value},
        expected_version=figure.version)

    status, after = shared.get("/")
    assert status == 200
    assert with_new_value in after


def test_a_project_published_in_one_process_is_in_the_next_catalogue_of_another(shared):
    project = Project.objects.get(code=RORAIMA)
    status, before = shared.get("/projects/")
    assert status == 200
    assert RORAIMA not in before
    assert shared.get(f"/projects/{RORAIMA}/")[0] == 404

    portfolio_services.project_transition(project=project, user=User.objects.get(username="secretaria"),
                                          to_status="published", expected_version=project.version,
                                          comment="Approved")

    status, after = shared.get("/projects/")
    assert status == 200
    assert RORAIMA in after
    assert shared.get(f"/projects/{RORAIMA}/")[0] == 200
