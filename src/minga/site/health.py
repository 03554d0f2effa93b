"""The health endpoint a load balancer or an orchestrator probes: is this web process able to serve?

Each check answers "ok", "degraded: <why>" or "failed: <error>". A failure gives 503 ("failing") so the
proxy takes the process out of rotation; a degraded part (the background jobs' queue: jobs waiting with no
worker running, waiting too long, or left running by a worker that stopped) gives 200 with the status
"degraded": this process still serves pages, but someone should look. It reads nothing private and is
never cached.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from minga.site import queue


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    cache.set("minga:health", "1", 10)
    return "ok" if cache.get("minga:health") == "1" else "the cache did not keep a value"


def _queue() -> str:
    return queue.state()


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "queue": _queue}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure is the answer, not a crash
            results[name] = f"failed: {type(error).__name__}"
    return results


@never_cache
@require_GET
def health(request):
    results = run_checks()
    if any(value != "ok" and not value.startswith("degraded") for value in results.values()):
        return JsonResponse({"status": "failing", "checks": results}, status=503)
    degraded = any(value != "ok" for value in results.values())
    return JsonResponse({"status": "degraded" if degraded else "ok", "checks": results}, status=200)
