"""The health endpoint a load balancer or an orchestrator probes: is this web process able to serve?

Each check answers "ok" or a short reason; any failure gives 503 so the proxy takes the process out of
rotation. It reads nothing private and is never cached.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    cache.set("minga:health", "1", 10)
    return "ok" if cache.get("minga:health") == "1" else "the cache did not keep a value"


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache}


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
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": results}, status=200 if healthy else 503)
