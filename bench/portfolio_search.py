"""What a filtered view of the project catalogue costs at 20,000 projects, against the bare list query.

Fills a scratch database (SQLite by default, in a file as in production; PostgreSQL with
DATABASE_URL, e.g. under scripts/with-postgres.sh) with the demo and N generated projects and their
parts, spread over the 13 member states, their subdivisions, the axes, lines of work, markers,
population groups, statuses and funding gaps. Then, as the anonymous public and as a country focal
point, it runs a fixed set of filtered views exactly as the catalogue page asks for them
(``selectors.catalogue``: the totals, the facet counts, page 1 with its rows' territories) — "cold",
with the cache of counts and page keys emptied before each run, and "warm", with both cached as
after a first visitor — and, for information, the whole page through the view (templates included). Each
is timed R times; the median and the 95th percentile are printed in ms and as ratios against the
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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

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

# Share of projects by proposing country (roughly where the demand comes from).
COUNTRY_WEIGHTS = {"COL": 18, "PER": 14, "ECU": 12, "BRA": 11, "CHL": 9, "ARG": 7, "MEX": 6, "PAN": 5, "DOM": 5,
                   "CRI": 4, "PRY": 3, "URY": 3, "GUY": 3}
STATUS_WEIGHTS = {"published": 45, "in_implementation": 15, "completed": 8, "draft": 11, "submitted": 6,
                  "under_review": 5, "changes_requested": 5, "withdrawn": 5}
WORDS_ES = ("integración socioeconómica", "protección de la niñez", "centros de recepción", "empleabilidad",
            "acceso a derechos", "salud mental", "regularización migratoria", "educación inclusiva",
            "comunidad de acogida", "violencia basada en género", "emprendimiento", "vivienda", "trata de personas",
            "gobiernos locales", "orientación jurídica", "reunificación familiar", "primera respuesta")
WORDS_PT = ("integração socioeconômica", "proteção da infância", "acolhida", "interiorização", "empregabilidade",
            "saúde mental", "comunidade de acolhida", "moradia", "educação", "governos locais")
WORDS_EN = ("socio-economic integration", "child protection", "reception centres", "employability",
            "mental health", "host community", "housing", "local governments", "legal orientation")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with scratch_database() as connection:
        run(args, connection)


def fill(count: int, seed: int) -> None:
    """``count`` projects with their parts, written with bulk_create, as the services would have left them."""
    from minga.portfolio.models import (
        PUBLIC_STATUSES, Project, ProjectLocation, ProjectMarker, ProjectPeople, ProjectTheme,
    )
    from minga.portfolio.services import normalise_text
    from minga.reference.models import Marker, Organisation, Subdivision, Term

    rng = random.Random(seed)
    countries = list(COUNTRY_WEIGHTS)
    units = {iso3: list(Subdivision.objects.filter(country_id=iso3, is_admin1=True).values_list("code", flat=True))
             for iso3 in countries}
    organisations = {}
    for iso3 in countries:
        made = Organisation.objects.bulk_create(
            Organisation(name=f"Benchmark {kind} organisation {iso3} {n}", organisation_type=kind, country_id=iso3)
            for kind in ("10", "11", "11", "15", "22", "21", "80") for n in range(3))
        organisations[iso3] = made
    axes = list(Term.objects.filter(vocabulary_id="quito-axes").values_list("pk", flat=True))
    lines = list(Term.objects.filter(vocabulary_id="lines-of-work-2023").values_list("pk", flat=True))
    markers = list(Marker.objects.values_list("code", flat=True))
    groups = ["refugees_migrants", "host_community", "returnees", "in_transit"]
    status_names, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    start = datetime(2023, 1, 1, tzinfo=dt_timezone.utc)

    projects, parts = [], []
    for i in range(count):
        iso3 = rng.choices(countries, weights=list(COUNTRY_WEIGHTS.values()))[0]
        status = rng.choices(status_names, weights=status_weights)[0]
        title_es = f"{rng.choice(WORDS_ES).capitalize()} y {rng.choice(WORDS_ES)} en {iso3} ({i})"
        summary_es = " ".join(rng.choice(WORDS_ES) for _ in range(40))
        title_pt = f"{rng.choice(WORDS_PT).capitalize()} e {rng.choice(WORDS_PT)}" if rng.random() < .35 else ""
        summary_pt = " ".join(rng.choice(WORDS_PT) for _ in range(30)) if title_pt else ""
        title_en = f"{rng.choice(WORDS_EN).capitalize()} and {rng.choice(WORDS_EN)}" if rng.random() < .4 else ""
        summary_en = " ".join(rng.choice(WORDS_EN) for _ in range(30)) if title_en else ""
        code = f"PQ-{iso3}-{2023 + i % 4}-{i + 1:05d}"
        requested = Decimal(int(rng.lognormvariate(13.5, 1.0))).quantize(Decimal("0.01"))
        secured = (requested * Decimal(rng.choice([0, 0, 0, .1, .25, .5, .8]))).quantize(Decimal("0.01"))
        converted = rng.random() > .03
        budget = (requested * Decimal("1.4")).quantize(Decimal("0.01"))
        public = status in PUBLIC_STATUSES
        when = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 1000))
        projects.append(Project(
            code=code, title_es=title_es, title_pt=title_pt, title_en=title_en, summary_es=summary_es,
            summary_pt=summary_pt, summary_en=summary_en,
            proposing_organisation=rng.choice(organisations[iso3]), country_id=iso3, status=status, is_public=public,
            budget_amount=budget, budget_currency="USD" if converted else "VES", budget_value_date=date(2026, 1, 2),
            requested_amount=requested,
            budget_usd=budget if converted else None, requested_usd=requested if converted else None,
            secured_usd=secured if converted else None, gap_usd=requested - secured if converted else None,
            conversions=[] if converted else [{
                "what": "budget", "amount": f"{budget}", "currency": "VES", "value_date": "2026-01-02",
                "rate": None, "rate_date": None, "source": "", "problem": "no_rate"}],
            people_total=1000, search_text=normalise_text(" ".join(
                (code, title_es, title_pt, title_en, summary_es, summary_pt, summary_en))),
            published_at=when if public else None, submitted_at=when if status != "draft" else None))
        chosen = rng.sample(units[iso3], k=min(len(units[iso3]), rng.choice([1, 1, 2, 3])))
        locations = [("country", iso3, None, 100)] + [("unit", iso3, code, 100 / len(chosen)) for code in chosen]
        if rng.random() < .1:  # some projects span two countries
            other = rng.choice([c for c in countries if c != iso3])
            locations += [("country", other, None, 0), ("unit", other, rng.choice(units[other]), 0)]
        chosen_axes = rng.sample(axes, k=rng.choice([1, 1, 2]))
        people = rng.sample(groups, k=rng.choice([1, 2, 2, 3]))
        parts.append((locations, chosen_axes, rng.choice(lines), {m: rng.choice([0, 1, 1, 2]) for m in markers}, people))
    Project.objects.bulk_create(projects, batch_size=2000)
    saved = dict(Project.objects.filter(code__in=[p.code for p in projects]).values_list("code", "pk"))

    rows = {ProjectLocation: [], ProjectTheme: [], ProjectMarker: [], ProjectPeople: []}
    for project, (locations, chosen_axes, line, marker_levels, people) in zip(projects, parts, strict=True):
        pk = saved[project.code]
        for _level, iso3, unit, share in locations:
            rows[ProjectLocation].append(ProjectLocation(project_id=pk, country_id=iso3, subdivision_id=unit,
                                                         percentage=Decimal(share).quantize(Decimal("0.01"))))
        for term in chosen_axes:
            rows[ProjectTheme].append(ProjectTheme(project_id=pk, term_id=term, percentage=100 / len(chosen_axes)))
        rows[ProjectTheme].append(ProjectTheme(project_id=pk, term_id=line, percentage=100))
        for marker, level in marker_levels.items():
            rows[ProjectMarker].append(ProjectMarker(project_id=pk, marker_id=marker, significance=level))
        for group in people:
            rows[ProjectPeople].append(ProjectPeople(project_id=pk, dimension="population_group", category=group,
                                                     people=1000 // len(people)))
        rows[ProjectPeople] += [ProjectPeople(project_id=pk, dimension="sex_age", category="women", people=500),
                                ProjectPeople(project_id=pk, dimension="sex_age", category="men", people=500)]
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=5000)


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
    from django.core.cache import cache
    from django.http import QueryDict
    from django.test import RequestFactory
    from django.urls import resolve
    from django.utils import translation

    from minga.accounts.models import User
    from minga.core.demo import load_demo
    from minga.portfolio.models import Project
    from minga.portfolio.selectors import ProjectFilters, catalogue
    from minga.portfolio.selectors import _reference_labels as reference_labels

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
    print("cold: the facet counts, totals and page computed (their cache emptied before each run); warm: counts "
          "and the page's keys read from the cache, as for every visitor after the first until the data changes; "
          "page: the whole view "
          "with its templates, warm. Median and p95 in ms, each with its ratio to the reference's (x)"
          + ("; cpu: the same p95 in CPU time of this process, which on SQLite does all the work." if sqlite else "."))
    print(f"{'user':<10}{'view':<37}{'rows':>6} | {'cold median':>16} {'cold p95':>16}{' cpu':>7} | "
          f"{'warm median':>15} {'warm p95':>15}{' cpu':>7} | {'page p95':>15}")
    factory = RequestFactory(HTTP_HOST="localhost")
    project_catalogue = resolve("/projects/").func  # through the URLconf, which registers the path converter

    def cell(value, base, width):
        return f"{value:.1f} ({value / base:.1f}x)".rjust(width)

    def cpu(timing):
        return f"{timing.cpu_p95:>7.1f}" if sqlite else f"{'':>7}"

    def forget_counts():
        cache.clear()
        reference_labels("es")  # reference names stay cached: only the counts are cold

    worst = {"cold": 0.0, "warm": 0.0, "cold cpu": 0.0, "warm cpu": 0.0}
    for username in (None, "focal.col"):
        user = User.objects.get(username=username) if username else AnonymousUser()
        for label, query in SCENARIOS:
            filters = ProjectFilters.from_querydict(QueryDict(query))
            cold = timed(lambda: catalogue(user, filters, 1), args.repeat, before=forget_counts)
            warm = timed(lambda: catalogue(user, filters, 1), args.repeat)

            def page(query=query):
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
