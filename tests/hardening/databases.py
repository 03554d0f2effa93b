"""Throw-away databases for subprocesses: one template per run (migrated, demo loaded), then a copy per import.

On SQLite a database is a file (the template is copied after a checkpoint of its write-ahead log); on
PostgreSQL (when the suite runs with ``DATABASE_URL``, as under ``scripts/with-postgres.sh``) a database
made with ``CREATE DATABASE … TEMPLATE``, on the same server as the test database.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


def base_environment(var_dir: Path) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "minga.settings", "MINGA_ENV": "development",
           "MINGA_VAR_DIR": str(var_dir), "MINGA_CACHE_URL": "locmem://", "PYTHONUNBUFFERED": "1"}
    env.pop("MINGA_IATI_SCHEMA_DIR", None)
    return env


class Databases:
    """Make the template, then ``fresh()`` gives a DATABASE_URL holding a copy of it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.server_url = os.environ.get("DATABASE_URL", "")
        self.postgres = self.server_url.startswith(("postgres://", "postgresql://"))
        self.made: list[str] = []
        # A name of its own per run: pytest-xdist workers each make a template on the same server.
        self.template_name = f"minga_kill_template_{uuid.uuid4().hex[:10]}"
        self.template = self._url(self.template_name)
        run([sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"], self.env(self.template))
        run([sys.executable, "-m", "tests.hardening.drivers", "prepare"], self.env(self.template))
        if not self.postgres:
            with sqlite3.connect(self._path(self.template)) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def env(self, url: str) -> dict[str, str]:
        return {**base_environment(self.folder / "var"), "DATABASE_URL": url}

    def _url(self, name: str) -> str:
        if not self.postgres:
            return f"sqlite:///{self.folder / name}.sqlite3"
        parts = urlsplit(self.server_url)
        url = urlunsplit(parts._replace(path=f"/{name}"))
        with self._server() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return url

    def _server(self):
        import psycopg

        parts = urlsplit(self.server_url)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    @staticmethod
    def _path(url: str) -> str:
        return url.removeprefix("sqlite:///")

    def fresh(self) -> str:
        name = f"minga_kill_{uuid.uuid4().hex[:10]}"
        if not self.postgres:
            url = f"sqlite:///{self.folder / name}.sqlite3"
            shutil.copyfile(self._path(self.template), self._path(url))
            return url
        with self._server() as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"')
        self.made.append(name)
        return urlunsplit(urlsplit(self.server_url)._replace(path=f"/{name}"))

    def count(self, url: str, table: str) -> int:
        """Committed rows of ``table``, read from outside the importing process."""
        if not self.postgres:
            with sqlite3.connect(self._path(url), timeout=30) as connection:
                return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 -- our names
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 -- our names

    def writing(self, url: str) -> bool:
        """Whether another process holds an open write transaction on the database now."""
        if not self.postgres:
            connection = sqlite3.connect(self._path(url), timeout=0, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True  # "database is locked": the importer's transaction holds the write lock
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL").fetchone()[0] > 0

    def drop_all(self) -> None:
        if not self.postgres:
            return
        with self._server() as connection:
            for name in self.made:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(argv: list[str], env: dict[str, str], *, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n"
                             f"{done.stderr[-3000:]}")
    return done
