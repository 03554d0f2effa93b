"""What a deployment relies on: the health probe, and Django's deployment checklist in production mode."""

import os
import secrets
import subprocess
import sys

import pytest

from minga.site import health

pytestmark = pytest.mark.django_db


def test_the_health_probe_answers_ok_when_the_database_and_cache_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "queue": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_the_health_probe_answers_503_with_the_failing_part(client, monkeypatch):
    def broken():
        raise ConnectionError("refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {"database": "failed: ConnectionError", "cache": "ok",
                                                               "queue": "ok"}}


def test_a_degraded_queue_keeps_the_probe_at_200_but_a_failure_beside_it_gives_503(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "queue", lambda: "degraded: 1 job waiting and no worker running (none has run)")
    response = client.get("/health/")
    assert (response.status_code, response.json()["status"]) == (200, "degraded")

    def broken():
        raise ConnectionError("refused")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/health/")
    assert (response.status_code, response.json()["status"]) == (503, "failing")


def test_the_deployment_checklist_is_clean_in_production_mode(tmp_path):
    environment = {
        **os.environ,
        "MINGA_ENV": "production",
        "MINGA_SECRET_KEY": secrets.token_urlsafe(50),
        "MINGA_ALLOWED_HOSTS": "minga.example.org",
        "MINGA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/minga.sqlite3",
        "MINGA_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process only
    result = subprocess.run([sys.executable, "-m", "minga.cli", "check", "--deploy", "--fail-level", "WARNING"],
                            env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout
