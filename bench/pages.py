"""What each public page costs the server, against the sign-in page (same layout, no domain data).

Fills a scratch database (SQLite in a file by default, PostgreSQL with DATABASE_URL, e.g. under
scripts/with-postgres.sh) with the demo and, with ``--projects N``, N generated projects
(``minga.portfolio.synthetic``). Each page is requested in-process through Django's test client, as an
anonymous visitor in Spanish, with every middleware. "Warm": the median of R requests after one
warm-up, the caches full, as every visitor sees it until the data changes. "Cold": the median of the
first request after a write (each run is preceded by a write's invalidation: ``minga.common.cache.bump``
of every domain, as the services do), what the first visitor after a change pays. Each median is
printed in ms and as a ratio to the sign-in page's warm median, timed in the same run.

    .venv/bin/python bench/pages.py [--projects 20000] [--repeat 30]
    scripts/with-postgres.sh .venv/bin/python bench/pages.py
"""

import argparse
import os
import statistics
import time

from scratch import scratch_database

TARGET_RATIO = 3.0
REFERENCE = ("sign-in page (reference)", "/accounts/login/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=0, help="generated projects added to the demo")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with scratch_database() as connection:
        run(args, connection)


def median_ms(action, repeat: int, *, before=None) -> float:
    action()  # warm-up: template loading, query plans, caches
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def public_pages():
    from minga.portfolio.models import Project
    from minga.reference.selectors import organisation_loaded

    project = Project.objects.filter(is_public=True, code__startswith="PQ-COL").order_by("pk").first()
    organisation = organisation_loaded("demo-cucuta")
    return [
        ("home", "/"),
        ("catalogue", "/projects/"),
        ("catalogue, filtered", "/projects/?country=COL&sort=gap_desc"),
        ("project page", f"/projects/{project.code}/"),
        ("countries", "/countries/"),
        ("country page", "/countries/COL/"),
        ("organisations", "/organisations/"),
        ("organisation page", f"/organisations/{organisation.pk}/"),
        ("conferences", "/conferences/"),
        ("taxonomies", "/taxonomies/"),
    ]


def run(args, connection):
    from django.test import Client

    from minga.portfolio.models import Project
    from minga.portfolio.synthetic import fill
    from minga.site.demo import load_demo

    try:
        from minga.common import cache
    except ImportError:  # the code before the cache: every request is cold
        cache = None

    load_demo()
    if args.projects:
        fill(args.projects, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    client = Client(HTTP_ACCEPT_LANGUAGE="es", HTTP_HOST="localhost")
    client.cookies["minga_language"] = "es"

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def after_a_write():
        cache.bump(*cache.DOMAINS)

    total, public = Project.objects.count(), Project.objects.filter(is_public=True).count()
    from django.conf import settings
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"{connection.vendor}: {total} projects ({public} public); cache {backend}; {args.repeat} requests each "
          f"after one warm-up; median ms and ratio to the sign-in page's warm median")
    reference = median_ms(lambda: get(REFERENCE[1]), args.repeat)
    print(f"{REFERENCE[0]:<28}{reference:>8.2f} ms")
    print(f"{'page':<28}{'warm':>17}{'cold (after a write)':>24}")
    worst = 0.0
    for label, url in public_pages():
        warm = median_ms(lambda url=url: get(url), args.repeat)
        cold = median_ms(lambda url=url: get(url), args.repeat, before=after_a_write) if cache else warm
        worst = max(worst, warm / reference)
        print(f"{label:<28}{warm:>8.2f} ms {warm / reference:>5.1f}x{cold:>15.2f} ms {cold / reference:>5.1f}x")
    verdict = "met" if worst <= TARGET_RATIO else "NOT met"
    print(f"worst warm ratio {worst:.1f}x; target <= {TARGET_RATIO:.0f}x: {verdict}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
