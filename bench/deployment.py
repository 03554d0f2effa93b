"""A scratch production deployment for the load test and the multi-process tests: its own database (a new one
in the PostgreSQL cluster of DATABASE_URL, else SQLite in a file), DEBUG off, the demo data, served by
gunicorn as ``minga serve`` starts it."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BIN = Path(sys.executable).parent


def deployment(folder: Path) -> dict:
    """The environment of a production deployment in ``folder``: its own database, DEBUG off."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    environment.update({
        "MINGA_ENV": "production", "MINGA_SECRET_KEY": secrets.token_urlsafe(50),
        "MINGA_ALLOWED_HOSTS": "127.0.0.1,localhost", "MINGA_SSL_REDIRECT": "false", "MINGA_HSTS_SECONDS": "0",
        "MINGA_VAR_DIR": str(folder / "var"), "MINGA_LOG_LEVEL": "ERROR",
        "MINGA_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    })
    url = os.environ.get("DATABASE_URL", "")
    if url:
        name = f"minga_scratch_{os.getpid()}_{secrets.token_hex(4)}"
        import psycopg

        with psycopg.connect(maintenance(url), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')  # a scratch database in the same cluster
        environment["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    else:
        environment["DATABASE_URL"] = f"sqlite:///{folder}/minga.sqlite3"
    return environment


def maintenance(url: str) -> str:
    """The cluster's ``postgres`` database: the one DATABASE_URL names may not exist (the test runner makes
    its own ``test_…`` database beside it)."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def drop_database(environment: dict) -> None:
    scratch = environment.get("DATABASE_URL", "")
    if scratch.startswith("postgres"):
        import psycopg

        with psycopg.connect(maintenance(os.environ["DATABASE_URL"]), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{urlsplit(scratch).path.lstrip("/")}" WITH (FORCE)')


def minga(environment: dict, *arguments: str) -> str:
    result = subprocess.run([str(BIN / "minga"), *arguments],  # noqa: S603 -- this environment's minga
                            env=environment, capture_output=True, text=True, timeout=900, check=False)
    if result.returncode != 0:
        raise SystemExit(f"minga {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def set_up_with_demo(environment: dict) -> None:
    minga(environment, "setup", "--verbosity", "0")
    minga(environment, "demo", "--allow-production")  # a scratch deployment: the demo accounts are its users


class Serving:
    """gunicorn as ``minga serve`` starts it, on a free loopback port, until the block ends; ``arguments`` are
    more options of ``minga serve`` (``--no-task-worker``)."""

    def __init__(self, environment: dict, workers: int, *arguments: str):
        self.environment, self.workers, self.arguments = environment, workers, arguments

    def __enter__(self) -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.log = open(Path(self.environment["MINGA_VAR_DIR"]) / f"server-{port}.log", "w")
        self.process = subprocess.Popen(  # noqa: S603 -- this environment's minga, fixed arguments
            [str(BIN / "minga"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(self.workers),
             *self.arguments],
            env=self.environment, stdout=subprocess.DEVNULL, stderr=self.log)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/health/", timeout=5) as response:  # noqa: S310 -- loopback
                    if response.status == 200:
                        return base
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise SystemExit("gunicorn did not answer /health/ within two minutes.")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def token(environment: dict, username: str, name: str) -> str:
    """A new API token of a demo user."""
    return minga(environment, "create_token", username, "--name", name).strip()


def shell(environment: dict, code: str):
    """What ``code`` (run by ``minga shell -c``) prints as its last line, read as JSON."""
    return json.loads(minga(environment, "shell", "-c", code).strip().splitlines()[-1])
