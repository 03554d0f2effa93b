"""Parsing of Minga's environment variables, kept apart from settings so it can be tested."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SUPPORTED_DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
# How long a SQLite write waits for another connection's write before giving up ("database is locked",
# which minga.site.middleware answers with 503 and Retry-After): Python's default, stated here on purpose.
SQLITE_BUSY_TIMEOUT_SECONDS = 5
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;",
                  "timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
# A random key of 32 characters or more from any usual alphabet (hex, base64) has far more.
MIN_SECRET_KEY_DISTINCT_CHARACTERS = 10
# E-mail backends that write each message (and so each password-reset link) where operators read: a log or
# a file. Refused in production, where the reset link is a key to the account.
LEAKING_EMAIL_BACKENDS = {"django.core.mail.backends.console.EmailBackend",
                          "django.core.mail.backends.filebased.EmailBackend"}


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {raw!r}.")


def env_int(name: str, *, default: int, minimum: int, maximum: int) -> int:
    """A whole number within bounds: a typo ("5O", "-1") stops start-up instead of surprising later."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.")
    value = int(text)
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {value}.")
    return value


def env_choice(name: str, *, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices`` (case-insensitive); anything else stops start-up with the variable named."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}.")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def refuse_plain_secret_key(key: str) -> None:
    """A production key of low variety ("xxxx…", "abcabc…") is as guessable as a short one."""
    distinct = len(set(key))
    if distinct < MIN_SECRET_KEY_DISTINCT_CHARACTERS:
        raise ImproperlyConfigured(
            f"MINGA_SECRET_KEY has only {distinct} distinct characters; in production it must be a random value "
            f"with at least {MIN_SECRET_KEY_DISTINCT_CHARACTERS}, e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'."
        )


def refuse_console_email_backend(backend: str) -> None:
    if backend.strip() in LEAKING_EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"MINGA_EMAIL_BACKEND is {backend.strip()!r}, which writes every message, password-reset links "
            "included, to the log or a file; in production use django.core.mail.backends.smtp.EmailBackend "
            "(the default there) with MINGA_EMAIL_HOST."
        )


POSTGRES_OPTIONS = "-c jit=off"


def database_from_url(url: str, *, default_sqlite_path: Path) -> dict:
    """Return a Django DATABASES entry for ``url``, or for SQLite at the default path.

    dj-database-url accepts many schemes and guesses silently; Minga supports two engines and
    says plainly what is wrong with a URL rather than failing later with a driver error.
    """
    if not url:
        default_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL is malformed or unsupported ({_redact(url)!r}): use "
            "postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:////absolute/path.sqlite3."
        )
    if scheme != "sqlite":
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"DATABASE_URL has an invalid port: {_redact(url)!r}.") from None
        if not parts.hostname and not port and "host=" not in parts.query:
            raise ImproperlyConfigured(f"DATABASE_URL names no host: {_redact(url)!r}.")
        if not parts.path.strip("/"):
            raise ImproperlyConfigured(f"DATABASE_URL names no database: {_redact(url)!r}.")
    try:
        config = dj_database_url.parse(url, conn_max_age=60 if scheme != "sqlite" else 0)
    except Exception as error:  # dj-database-url raises several types for bad input
        raise ImproperlyConfigured(f"DATABASE_URL could not be read ({_redact(url)!r}): {error}") from None
    if scheme == "sqlite":
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    else:
        # PostgreSQL's JIT compiles any query its planner costs high, and Minga's are answered in well under a
        # second: the report by theme at 100,000 flows spent 1.4 of its 1.9 s compiling (docs/benchmarks.md).
        # Off per connection unless the URL sets the connection's own ``options``.
        config.setdefault("OPTIONS", {}).setdefault("options", POSTGRES_OPTIONS)
    return config


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


# The cache every worker shares (minga.common.cache): the database's own table by default, which needs no
# other server; Redis or Memcached when a deployment names one. locmem:// is one process's memory
# (development only: other workers would not see a write), dummy:// caches nothing.
CACHE_TABLE = "minga_cache"
CACHE_BACKENDS = {
    "db": "django.core.cache.backends.db.DatabaseCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "memcached": "django.core.cache.backends.memcached.PyMemcacheCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}
CACHE_MAX_ENTRIES = 20_000  # pages × languages × filtered views in use; the oldest third goes past it


def cache_from_url(url: str) -> dict:
    """A Django CACHES entry for MINGA_CACHE_URL (``db://``, ``redis://HOST:PORT/DB``, ``memcached://HOST:PORT``,
    ``locmem://``, ``dummy://``); empty means the database cache."""
    url = url.strip()
    scheme = urlsplit(url).scheme.lower() if url else "db"
    if scheme not in CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"MINGA_CACHE_URL must start with one of {', '.join(f'{s}://' for s in CACHE_BACKENDS)}, "
            f"not {_redact(url)!r}.")
    config = {"BACKEND": CACHE_BACKENDS[scheme]}
    if scheme == "db":
        config["LOCATION"] = CACHE_TABLE
        config["OPTIONS"] = {"MAX_ENTRIES": CACHE_MAX_ENTRIES}
    elif scheme in {"redis", "rediss"}:
        config["LOCATION"] = url
    elif scheme == "memcached":
        parts = urlsplit(url)
        if not parts.hostname:
            raise ImproperlyConfigured(f"MINGA_CACHE_URL names no host: {_redact(url)!r}.")
        config["LOCATION"] = f"{parts.hostname}:{parts.port or 11211}"
    elif scheme == "locmem":
        config["LOCATION"] = "minga"
    return config
