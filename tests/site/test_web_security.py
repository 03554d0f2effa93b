"""Finding 9 of issue 8: the headers every answer carries, a body too large refused before it is read, and
a SQLite write that cannot get the lock answered "busy, try again" (503), never 500."""

import sqlite3

import pytest
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import reverse

from minga.accounts.models import ApiToken
from minga.config import SQLITE_BUSY_TIMEOUT_SECONDS, database_from_url

pytestmark = pytest.mark.django_db

CSP = {"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
       "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"}
PERMISSIONS = ("accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
               "magnetometer=(), microphone=(), midi=(), payment=(), usb=()")


@pytest.mark.parametrize("path", ["/", "/projects/", "/accounts/login/", "/api/v1/projects", "/no-such-page/"])
def test_every_answer_carries_the_content_security_and_permissions_policies(client, path):
    response = client.get(path)
    # django-csp writes the directives in no fixed order
    assert set(response["Content-Security-Policy"].split("; ")) == CSP
    assert response["Permissions-Policy"] == PERMISSIONS


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("path, answer", [
    (reverse("portfolio:bulk_upload"), "The upload is larger than 16 MB: send a smaller file."),
    ("/api/v1/projects", '{"detail": "The upload is larger than 16 MB: send a smaller file."}'),
])
def test_a_body_larger_than_any_upload_is_refused_from_its_length_before_it_is_read(client_as, users, path, answer):
    client = client_as(users["focal_col"])
    client.cookies["minga_language"] = "en"
    response = client.post(path, content_type="multipart/form-data; boundary=x",
                           CONTENT_LENGTH=str(16 * 1024 * 1024 + 1), **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert response.content.decode() == answer


def test_a_body_larger_than_the_bulk_file_limit_is_refused_before_it_is_read(client_as, users):
    client = client_as(users["focal_col"])
    client.cookies["minga_language"] = "en"
    response = client.post(reverse("portfolio:bulk_upload"), content_type="multipart/form-data; boundary=x",
                           CONTENT_LENGTH=str(6 * 1024 * 1024), **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert response.content.decode() == "The upload is larger than 5 MB: send a smaller file."


def test_a_body_within_the_limit_reaches_the_view(client_as, users):
    client = client_as(users["focal_col"])
    assert client.post(reverse("accounts:token_create"), {"name": "script"}).status_code == 302
    assert ApiToken.objects.filter(user=users["focal_col"], name="script").count() == 1


def locked_write(tmp_path) -> OperationalError:
    """What Django raises on SQLite when another connection holds the write lock past the busy timeout."""
    settings = database_from_url("", default_sqlite_path=tmp_path / "locked.sqlite3")
    settings["OPTIONS"]["timeout"] = 0.1  # the real 5 s, shortened for the test
    holder = sqlite3.connect(settings["NAME"])
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    writer = DatabaseWrapper({**settings, "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                              "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {}}, alias="locked")
    try:
        with pytest.raises(OperationalError) as caught, writer.cursor() as cursor:
            writer.set_autocommit(False)  # BEGIN IMMEDIATE, as every transaction on SQLite here
            cursor.execute("INSERT INTO t VALUES (2)")
    finally:
        writer.close()
        holder.rollback()
        holder.close()
    return caught.value


def test_sqlite_waits_a_stated_time_for_the_lock_and_keeps_a_write_ahead_log(tmp_path):
    settings = database_from_url("", default_sqlite_path=tmp_path / "minga.sqlite3")
    assert settings["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;",
                                   "timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
    assert str(locked_write(tmp_path)) == "database is locked"


def test_a_write_that_cannot_get_the_sqlite_lock_answers_busy_try_again(client_as, users, monkeypatch, tmp_path,
                                                                        settings):
    error = locked_write(tmp_path)

    def locked(**_kwargs):
        raise error

    monkeypatch.setattr("minga.accounts.services.api_token_create", locked)
    client = client_as(users["focal_col"])
    client.cookies["minga_language"] = "en"
    client.raise_request_exception = False
    response = client.post(reverse("accounts:token_create"), {"name": "script"})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        assert response.status_code == 500  # PostgreSQL has no such lock: the error is not the site being busy
        return
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.content.decode() == ("The site is busy saving other changes: nothing was saved. Try again in a "
                                         "few seconds.")
    assert not ApiToken.objects.filter(user=users["focal_col"], name="script").exists()
