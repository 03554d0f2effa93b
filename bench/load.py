"""Load test: readers of the public pages and writers through the API against gunicorn, beside a static file.

Sets up a scratch deployment in a temporary folder (production settings, DEBUG off, the demo data): on
PostgreSQL when DATABASE_URL is set (a fresh database is created in that cluster, e.g. under
scripts/with-postgres.sh), else on SQLite in a file. Serves it with ``minga serve`` (gunicorn,
``--workers``), then runs locust headless (bench/locustfile.py) on loopback for ``--seconds``:
``--readers`` visitors opening public pages, searching the catalogue and reading the JSON API with no
pause, and ``--writers`` country focal points recording and editing draft projects through the API.
Every reader also fetches the stylesheet, a static file served by the same server: the reference.
Prints requests, failures, requests/s and p50/p95/p99 per group, and the public pages' rate as a ratio
of the static file's. Exits 1 if any request failed.

    scripts/with-postgres.sh .venv/bin/python bench/load.py            # the full form: 50 + 10 users, 2 minutes
    .venv/bin/python bench/load.py --readers 6 --writers 2 --seconds 8  # the short form tests/site/test_load.py runs
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from deployment import BIN, Serving, deployment, drop_database, set_up_with_demo, shell, token

ROOT = Path(__file__).resolve().parents[1]
GROUPS = [("page", "public pages"), ("api", "public API reads"), ("write", "API writes"),
          ("static", "static file (reference)")]
TARGET_RATE = 300.0
TARGET_P99_MS = 200.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("MINGA_WORKERS", "4")))
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="minga-load-"))
    environment = {}
    try:
        environment = deployment(folder)
        set_up_with_demo(environment)
        return measure(environment, args, folder)
    finally:
        drop_database(environment)
        shutil.rmtree(folder, ignore_errors=True)


def measure(environment: dict, args, folder: Path) -> int:
    """The load test on a deployment set up with the demo; prints the figures, returns 1 if a request failed."""
    environment = {**environment, **facts(environment)}
    with Serving(environment, args.workers) as base:
        groups = run_locust(environment, base, args, folder)
    return report(groups, args)


def facts(environment: dict) -> dict:
    """The writers' tokens, the readers' project codes and the stylesheet's address, for the locustfile."""
    found = {}
    found["MINGA_LOAD_TOKENS"] = ",".join(token(environment, "focal.col", f"load {n}") for n in range(3))
    loaded = shell(environment, (
        "import json; from minga.reference.selectors import organisation_loaded; from minga.portfolio.models import Project; "
        "print(json.dumps({'organisation': organisation_loaded('gov-col').pk, "
        "'projects': list(Project.objects.filter(status='published').values_list('code', flat=True)[:40])}))"))
    found["MINGA_LOAD_ORGANISATION"] = str(loaded["organisation"])
    found["MINGA_LOAD_PROJECTS"] = ",".join(loaded["projects"])
    manifest = json.loads((Path(environment["MINGA_VAR_DIR"]) / "static" / "staticfiles.json").read_text())
    found["MINGA_LOAD_STATIC"] = "/static/" + manifest["paths"]["minga/css/minga.css"]
    return found


def run_locust(environment: dict, base: str, args, folder: Path) -> dict:
    output = folder / "groups.json"
    users = args.readers + args.writers
    environment = {**environment, "MINGA_LOAD_WRITERS": str(args.writers), "MINGA_LOAD_OUTPUT": str(output)}
    subprocess.run(  # noqa: S603 -- this environment's locust, fixed arguments
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", base,
         "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{args.seconds}s", "--only-summary",
         "--stop-timeout", "5", "--loglevel", "WARNING"],
        env=environment, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=args.seconds + 300)
    data = json.loads(output.read_text())
    return {name: {"times": times, "failures": data["failures"].get(name, 0), "seconds": args.seconds}
            for name, times in data["times"].items()}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(groups: dict, args) -> int:
    print(f"{args.readers} readers + {args.writers} writers, {args.seconds} s, gunicorn --workers {args.workers}, "
          f"{'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}")
    print(f"{'group':<26}{'requests':>10}{'failed':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    rates = {}
    for key, label in GROUPS:
        group = groups.get(key)
        if not group:
            continue
        times = group["times"]
        rates[key] = len(times) / group["seconds"]
        print(f"{label:<26}{len(times):>10}{group['failures']:>8}{rates[key]:>9.1f}{percentile(times, .5):>9.0f}"
              f"{percentile(times, .95):>9.0f}{percentile(times, .99):>9.0f}")
    public = groups.get("page", {}).get("times", []) + groups.get("api", {}).get("times", [])
    if public and rates.get("static"):
        public_rate = rates.get("page", 0) + rates.get("api", 0)
        print(f"public pages and API reads: {public_rate:.1f} req/s (target {TARGET_RATE:.0f}), "
              f"p99 {percentile(public, .99):.0f} ms (target {TARGET_P99_MS:.0f}); "
              f"static file {rates['static']:.1f} req/s in the same run")
    failed = sum(group["failures"] for group in groups.values())
    print(f"failed requests: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
