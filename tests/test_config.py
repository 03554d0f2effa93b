"""Configuration from the environment: bad values stop start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from minga.config import cache_from_url, database_from_url, env_bool, env_int


def test_no_database_url_means_sqlite_under_var(tmp_path):
    config = database_from_url("", default_sqlite_path=tmp_path / "var" / "minga.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "var" / "minga.sqlite3")
    assert (tmp_path / "var").is_dir()


def test_postgres_url_is_parsed(tmp_path):
    config = database_from_url("postgres://minga:s3cret@db.example.org:5433/minga_prod",
                               default_sqlite_path=tmp_path / "x.sqlite3")
    assert (config["ENGINE"], config["NAME"], config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "django.db.backends.postgresql", "minga_prod", "minga", "s3cret", "db.example.org", 5433)
    assert config["OPTIONS"]["options"] == "-c jit=off"


def test_a_postgres_url_s_own_connection_options_are_kept(tmp_path):
    config = database_from_url("postgres://minga@db.example.org/minga?options=-c%20statement_timeout%3D5000",
                               default_sqlite_path=tmp_path / "x.sqlite3")
    assert config["OPTIONS"]["options"] == "-c statement_timeout=5000"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
@pytest.mark.django_db
def test_minga_s_postgres_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.parametrize("url, message", [
    ("mysql://root@localhost/minga", "DATABASE_URL is malformed or unsupported ('mysql://root@localhost/minga')"),
    ("just-a-path.sqlite3", "DATABASE_URL is malformed or unsupported ('just-a-path.sqlite3')"),
    ("postgres://minga:pw@localhost:port/minga", "DATABASE_URL has an invalid port: 'postgres://minga:***@localhost:port/minga'."),
    ("postgres://localhost", "DATABASE_URL names no database: 'postgres://localhost'."),
    ("postgres:///minga", "DATABASE_URL names no host: 'postgres:///minga'."),
])
def test_malformed_database_url_is_named_and_password_hidden(tmp_path, url, message):
    with pytest.raises(ImproperlyConfigured) as caught:
        database_from_url(url, default_sqlite_path=tmp_path / "x.sqlite3")
    assert str(caught.value).startswith(message)
    assert "pw@" not in str(caught.value)


def test_boolean_variables_refuse_unknown_words(monkeypatch):
    monkeypatch.setenv("MINGA_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="MINGA_DEBUG must be true or false"):
        env_bool("MINGA_DEBUG", default=False)


@pytest.mark.parametrize(("raw", "message"), [
    ("5O", "MINGA_LOGIN_FAILURE_LIMIT must be a whole number, not '5O'."),
    ("2.5", "MINGA_LOGIN_FAILURE_LIMIT must be a whole number, not '2.5'."),
    ("1e999999", "MINGA_LOGIN_FAILURE_LIMIT must be a whole number, not '1e999999'."),
    ("0", "MINGA_LOGIN_FAILURE_LIMIT must be between 1 and 1000, not 0."),
    ("-3", "MINGA_LOGIN_FAILURE_LIMIT must be between 1 and 1000, not -3."),
    ("99999999999999", "MINGA_LOGIN_FAILURE_LIMIT must be a whole number, not '99999999999999'."),
])
def test_integer_variables_refuse_words_and_out_of_range_values(monkeypatch, raw, message):
    monkeypatch.setenv("MINGA_LOGIN_FAILURE_LIMIT", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("MINGA_LOGIN_FAILURE_LIMIT", default=5, minimum=1, maximum=1000)
    assert str(refused.value) == message


def test_integer_variables_take_their_default_when_unset_and_their_value_when_set(monkeypatch):
    monkeypatch.delenv("MINGA_LOGIN_FAILURE_LIMIT", raising=False)
    assert env_int("MINGA_LOGIN_FAILURE_LIMIT", default=5, minimum=1, maximum=1000) == 5
    monkeypatch.setenv("MINGA_LOGIN_FAILURE_LIMIT", " 12 ")
    assert env_int("MINGA_LOGIN_FAILURE_LIMIT", default=5, minimum=1, maximum=1000) == 12


def _minga(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("MINGA_") and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    clean.update({"MINGA_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run([sys.executable, "-m", "minga.cli", *args], env=clean, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)


# A key as `python -c 'import secrets; print(secrets.token_urlsafe(50))'` makes one (not a real one).
PRODUCTION_KEY = "t8Jx2QmZ_vR4nKp7LwY9sHc3FbD6gE1aUo5iNe0rTyq-WzXkMjV"


def test_production_without_secret_key_stops_with_a_clear_message(tmp_path):
    result = _minga(tmp_path, "check", MINGA_ENV="production", MINGA_ALLOWED_HOSTS="minga.example.org")
    assert result.returncode == 2
    assert result.stderr.startswith("minga: configuration error: MINGA_SECRET_KEY is not set.")
    assert not (tmp_path / "var" / "secret_key").exists()


def test_malformed_database_url_stops_the_cli_and_creates_no_database(tmp_path):
    result = _minga(tmp_path, "migrate", DATABASE_URL="postgres//oops")
    assert result.returncode == 2
    assert "DATABASE_URL is malformed or unsupported ('postgres//oops')" in result.stderr
    assert not (tmp_path / "var" / "minga.sqlite3").exists()


def test_a_mistyped_integer_setting_stops_the_cli_naming_the_variable(tmp_path):
    result = _minga(tmp_path, "check", MINGA_EMAIL_PORT="twenty-five")
    assert result.returncode == 2
    assert result.stderr.startswith("minga: configuration error: MINGA_EMAIL_PORT must be a whole number, not 'twenty-five'.")


def test_unknown_environment_name_is_refused(tmp_path):
    result = _minga(tmp_path, "check", MINGA_ENV="staging")
    assert result.returncode == 2
    assert "MINGA_ENV must be development, test or production, not 'staging'." in result.stderr


def test_production_profile_turns_on_secure_cookies_and_hsts(tmp_path):
    result = _minga(
        tmp_path, "shell", "--no-imports", "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS)",
        MINGA_ENV="production", MINGA_SECRET_KEY=PRODUCTION_KEY,
        MINGA_ALLOWED_HOSTS="minga.example.org,www.minga.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True True 31536000 True ['minga.example.org', 'www.minga.example.org']"


def test_development_profile_keeps_a_generated_secret_outside_the_repository(tmp_path):
    first = _minga(tmp_path, "shell", "--no-imports", "-c", "from django.conf import settings as s; print(s.SECRET_KEY)")
    second = _minga(tmp_path, "shell", "--no-imports", "-c", "from django.conf import settings as s; print(s.SECRET_KEY)")
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "var" / "secret_key").read_text().strip()
    assert first.stdout.strip() == second.stdout.strip() == key
    assert len(key) >= 50
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("key, distinct", [("x" * 50, 1), ("abc" * 20, 3), ("0123456789"[:9] * 5, 9)])
def test_production_refuses_a_secret_key_of_low_variety(tmp_path, key, distinct):
    result = _minga(tmp_path, "check", MINGA_ENV="production", MINGA_SECRET_KEY=key,
                    MINGA_ALLOWED_HOSTS="minga.example.org")
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"minga: configuration error: MINGA_SECRET_KEY has only {distinct} distinct characters; in production it "
        "must be a random value with at least 10, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'.")


@pytest.mark.parametrize("backend", ["django.core.mail.backends.console.EmailBackend",
                                     "django.core.mail.backends.filebased.EmailBackend"])
def test_production_refuses_an_email_backend_that_writes_reset_links_to_a_log(tmp_path, backend):
    result = _minga(tmp_path, "check", MINGA_ENV="production", MINGA_SECRET_KEY=PRODUCTION_KEY,
                    MINGA_ALLOWED_HOSTS="minga.example.org", MINGA_EMAIL_BACKEND=backend)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"minga: configuration error: MINGA_EMAIL_BACKEND is '{backend}', which writes every message, "
        "password-reset links included, to the log or a file; in production use "
        "django.core.mail.backends.smtp.EmailBackend (the default there) with MINGA_EMAIL_HOST.")


def test_production_sends_mail_by_smtp_unless_told_otherwise_and_development_prints_it(tmp_path):
    show = "from django.conf import settings as s; print(s.EMAIL_BACKEND)"
    production = _minga(tmp_path, "shell", "--no-imports", "-c", show, MINGA_ENV="production",
                        MINGA_SECRET_KEY=PRODUCTION_KEY, MINGA_ALLOWED_HOSTS="minga.example.org")
    development = _minga(tmp_path, "shell", "--no-imports", "-c", show)
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"
    assert development.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_the_cache_is_the_database_cache_unless_a_url_names_another():
    database = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "minga_cache",
                "OPTIONS": {"MAX_ENTRIES": 20_000}}
    assert cache_from_url("") == cache_from_url("db://") == database
    assert cache_from_url("redis://cache.internal:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://cache.internal:6379/1"}
    assert cache_from_url("memcached://cache.internal") == {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": "cache.internal:11211"}
    assert cache_from_url("locmem://") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                           "LOCATION": "minga"}
    assert cache_from_url("dummy://") == {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://cache", "MINGA_CACHE_URL must start with one of db://, redis://, rediss://, memcached://, locmem://, "
                      "dummy://, not 'mysql://cache'."),
    ("memcached://", "MINGA_CACHE_URL names no host: 'memcached://'."),
])
def test_a_cache_url_minga_cannot_use_stops_start_up_naming_the_variable(url, message):
    with pytest.raises(ImproperlyConfigured) as error:
        cache_from_url(url)
    assert str(error.value) == message


def test_the_settings_take_the_cache_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "minga.settings", "MINGA_CACHE_URL": "locmem://"},
        capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
