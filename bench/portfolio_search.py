"""What a filtered view of the project catalogue costs at 20,000 projects, against the bare list query.

Fills a scratch database (SQLite by default, in a file as in production; PostgreSQL with
DATABASE_URL, e.g. under scripts/with-postgres.sh) with the demo and N generated projects and their
parts (``minga.portfolio.synthetic``). It times the facet index's build from nothing (a worker's
start). Then, as the anonymous public and as a country focal point, it runs a fixed set of
filtered views exactly as the catalogue page asks for them (``selectors.catalogue``: the totals,
the facet counts, page 1 with its rows' territories). "Cold" runs come after one project was
changed, so the index re-reads it and the visible keys; "warm" runs follow an unchanged state
of the data. For information, the whole page is also timed through the view (templates included).
Each is timed R times; the median and the 95th percentile are printed in ms and as ratios against the
same figures of the reference, timed in the same process and database: the bare list
``Project.objects.filter(is_public=True).order_by('-pk')[:25]``.

    .venv/bin/python bench/portfolio_search.py [--projects 20000] [--repeat 30]
    scripts/with-postgres.sh .venv/bin/python bench/portfolio_search.py
"""

import argparse
import os
import random
import statistics
import time
import tracemalloc
from dataclasses import dataclass

from scratch import scratch_database

TARGET_P95_MS = 100

# (label, query string): each a view someone would bookmark or share.
SCENARIOS = [
    ("no filter (landing page)", ""),
    ("text: one Portuguese word", "q=integração"),
    ("text: two words", "q=centros recepcion"),
    ("country", "country=COL"),
    ("subdivision + axis", "subdivision=CO-NSA&axis=reception-centres"),
    ("marker + population group", "marker=gender&group=refugees_migrants"),
    ("gap range", "gap_min=500000&gap_max=999999.99"),
    ("country + line + marker + status", "country=PER&line=children-adolescents-on-the-move&marker=territorial"
                                         "&status=published"),
    ("country, sorted by gap", "country=ECU&sort=gap_desc"),
    ("text + country + gap", "q=proteccion&country=COL&gap_min=100000"),
    ("organisation type, sorted by budget", "organisation_type=11&sort=budget_desc"),
    ("two countries + two axes + group", "country=BRA&country=CHL&axis=socioeconomic-integration"
                                         "&axis=child-protection&group=host_community"),
]

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with scratch_database() as connection:
        run(args, connection)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + .5) - 1))]


@dataclass
class Timing:
    median: float  # wall-clock ms
    p95: float
    cpu_median: float  # ms of this process's CPU: on SQLite the whole work, whatever else the machine runs
    cpu_p95: float
    result: object


def timed(action, repeat: int, *, before=None) -> Timing:
    """``repeat`` runs after one warm-up; ``before`` runs, untimed, before each."""
    result = action()  # warm-up: caches and query plans
    wall, cpu = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return Timing(statistics.median(wall), percentile(wall, .95), statistics.median(cpu), percentile(cpu, .95), result)


def run(args, connection):
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import F
    from django.http import QueryDict
    from django.test import RequestFactory
    from django.urls import resolve
    from django.utils import timezone, translation

    from minga.accounts.models import User
    from minga.portfolio.facet_index import INDEX
    from minga.portfolio.models import Project
    from minga.portfolio.selectors import ProjectFilters, catalogue
    from minga.portfolio.synthetic import fill
    from minga.site.demo import load_demo

    load_demo()
    started = time.perf_counter()
    fill(args.projects, args.seed)
    filled = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Planner statistics (and PostgreSQL's visibility map, for index-only scans), as PostgreSQL's
        # autovacuum keeps them; on SQLite `minga` does not run ANALYZE itself (see docs/benchmarks.md).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    total, public = Project.objects.count(), Project.objects.filter(is_public=True).count()
    version = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else (
        connection.Database.sqlite_version)
    print(f"{connection.vendor} {version}: {total} projects ({public} public), filled in {filled:.1f} s; "
          f"{args.repeat} timed runs each after one warm-up")
    translation.activate("es")
    reference = timed(lambda: list(Project.objects.filter(is_public=True).order_by("-pk")[:25]), args.repeat)
    sqlite = connection.vendor == "sqlite"
    print(f"reference (bare list of 25 public projects): median {reference.median:.2f} ms, p95 {reference.p95:.2f} ms"
          + (f"; CPU median {reference.cpu_median:.2f} ms, p95 {reference.cpu_p95:.2f} ms" if sqlite else ""))
    INDEX.forget()
    tracemalloc.start()
    INDEX.refresh()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    def build():
        INDEX.forget()
        INDEX.refresh()

    start = timed(build, max(3, args.repeat // 6))
    print(f"facet index: built from nothing (a worker's start) in median {start.median:.0f} ms, p95 "
          f"{start.p95:.0f} ms ({start.p95 / reference.p95:.0f}x); holds {held / 2**20:.1f} MiB")
    print("cold: the first visitor after a change of the data (one project changed before each run: the index "
          "re-reads it and the visible keys); warm: every later visitor until the data changes; page: the whole "
          "view with its templates, warm. Median and p95 in ms, each with its ratio to the reference's (x)"
          + ("; cpu: the same p95 in CPU time of this process, which on SQLite does all the work." if sqlite else "."))
    print(f"{'user':<10}{'view':<37}{'rows':>6} | {'cold median':>16} {'cold p95':>16}{' cpu':>7} | "
          f"{'warm median':>15} {'warm p95':>15}{' cpu':>7} | {'page p95':>15}")
    factory = RequestFactory(HTTP_HOST="localhost")
    project_catalogue = resolve("/projects/").func  # through the URLconf, which registers the path converter

    def cell(value, base, width):
        return f"{value:.1f} ({value / base:.1f}x)".rjust(width)

    def cpu(timing):
        return f"{timing.cpu_p95:>7.1f}" if sqlite else f"{'':>7}"

    keys = list(Project.objects.filter(is_public=True).values_list("pk", flat=True))
    rng = random.Random(args.seed)

    def change_one_project():
        """As a write through the services leaves it: a new version, a later updated_at."""
        Project.objects.filter(pk=rng.choice(keys)).update(version=F("version") + 1, updated_at=timezone.now())

    worst = {"cold": 0.0, "warm": 0.0, "cold cpu": 0.0, "warm cpu": 0.0}
    for username in (None, "focal.col"):
        user = User.objects.get(username=username) if username else AnonymousUser()
        for label, query in SCENARIOS:
            filters = ProjectFilters.from_querydict(QueryDict(query))
            cold = timed(lambda user=user, filters=filters: catalogue(user, filters, 1), args.repeat,
                         before=change_one_project)
            warm = timed(lambda user=user, filters=filters: catalogue(user, filters, 1), args.repeat)

            def page(query=query, user=user):
                request = factory.get("/projects/", QueryDict(query))
                request.user, request.htmx = user, False
                return project_catalogue(request)

            whole = timed(page, max(5, args.repeat // 3))
            assert whole.result.status_code == 200
            worst.update({"cold": max(worst["cold"], cold.p95), "warm": max(worst["warm"], warm.p95),
                          "cold cpu": max(worst["cold cpu"], cold.cpu_p95),
                          "warm cpu": max(worst["warm cpu"], warm.cpu_p95)})
            print(f"{username or 'public':<10}{label:<37}{cold.result.totals.projects:>6} | "
                  f"{cell(cold.median, reference.median, 16)} {cell(cold.p95, reference.p95, 16)}{cpu(cold)} | "
                  f"{cell(warm.median, reference.median, 15)} {cell(warm.p95, reference.p95, 15)}{cpu(warm)} | "
                  f"{cell(whole.p95, reference.p95, 15)}")
    for kind in ("cold", "warm", *(("cold cpu", "warm cpu") if sqlite else ())):
        verdict = "met" if worst[kind] < TARGET_P95_MS else "NOT met"
        print(f"worst {kind} p95 of the catalogue queries: {worst[kind]:.1f} ms; target p95 < {TARGET_P95_MS} ms: "
              f"{verdict}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
