"""What the service directory's radius search costs at 100,000 services across the 13 member states.

Fills a scratch database (SQLite by default, in a file as in production; PostgreSQL with DATABASE_URL,
e.g. under scripts/with-postgres.sh) with the reference data and N generated services, scattered around
two or three towns per member state with random types and populations. It then times the search as the
page and the API run it (``minga.services.selectors.radius_ids``: the bounding box on the indexed
latitude and longitude, type and population in SQL, then the haversine distance and the ordering in
Python) for radius + type + population queries at random towns, and for information the full
``selectors.search`` (whole records, with provider and territory, open now and staleness). The reference,
timed in the same process and database: a bare ``SELECT COUNT(*)`` over the same table. Median and 95th
percentile in ms; target p95 under 20 ms.

    .venv/bin/python bench/service_search.py [--services 100000] [--repeat 200]
    scripts/with-postgres.sh .venv/bin/python bench/service_search.py
"""

import argparse
import math
import random
import statistics
import time

from scratch import scratch_database

TARGET_P95_MS = 20
# Towns per member state (latitude, longitude): where services cluster.
TOWNS = {
    "ARG": [(-34.60, -58.38), (-31.42, -64.18)], "BRA": [(2.82, -60.67), (-23.55, -46.63), (-3.12, -60.02)],
    "CHL": [(-33.45, -70.67), (-18.48, -70.31)], "COL": [(7.89, -72.51), (4.71, -74.07), (0.83, -77.64)],
    "CRI": [(9.93, -84.08)], "DOM": [(18.49, -69.93)], "ECU": [(0.81, -77.72), (-0.18, -78.47), (-2.19, -79.89)],
    "GUY": [(6.80, -58.16)], "MEX": [(19.43, -99.13), (32.53, -117.04)], "PAN": [(8.98, -79.52)],
    "PRY": [(-25.26, -57.58)], "PER": [(-12.05, -77.04), (-3.57, -80.45)], "URY": [(-34.90, -56.16)],
}


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + .5) - 1))]


def timed(action, repeat: int) -> tuple[float, float, float, float]:
    """Median and p95 of wall-clock ms, then of this process's CPU ms (on SQLite the whole work, whatever else
    the machine runs at the time)."""
    action()  # warm-up
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(wall), percentile(wall, .95), statistics.median(cpu), percentile(cpu, .95)


def line(label: str, timing, sqlite: bool) -> str:
    text = f"{label}: median {timing[0]:.2f} ms, p95 {timing[1]:.2f} ms"
    return text + (f"; CPU median {timing[2]:.2f} ms, p95 {timing[3]:.2f} ms" if sqlite else "")


def fill(count: int, seed: int) -> None:
    from datetime import date, timedelta

    from minga.reference.models import Organisation, Subdivision
    from minga.services.models import Service, stored_codes
    from minga.services.vocabulary import Population, ServiceType

    rng = random.Random(seed)
    provider = Organisation.objects.get(load_key="organisation:gov-col")
    subdivisions = {code: list(Subdivision.objects.filter(country_id=code).values_list("pk", flat=True))
                    for code in TOWNS}
    types, populations = ServiceType.values, Population.values
    batch = []
    for index in range(count):
        country = rng.choice(list(TOWNS))
        lat, lon = rng.choice(TOWNS[country])
        batch.append(Service(
            provider=provider, name_es=f"Servicio {index}", types=stored_codes(rng.sample(types, rng.randint(1, 3))),
            populations=stored_codes(rng.sample(populations, rng.randint(1, 3))),
            latitude=lat + rng.gauss(0, 0.6), longitude=lon + rng.gauss(0, 0.6), country_id=country,
            subdivision_id=rng.choice(subdivisions[country]), is_free=rng.random() < .8,
            hours=[{"day": "monday", "opens": "08:00", "closes": "17:00"}],
            last_verified_on=date(2026, 6, 1) - timedelta(days=rng.randint(0, 400))))
        if len(batch) == 5000:
            Service.objects.bulk_create(batch)
            batch = []
    Service.objects.bulk_create(batch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--radius", type=float, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with scratch_database() as connection:
        run(args, connection)


def run(args, connection):
    from minga.reference.loaders import load_reference
    from minga.services import selectors
    from minga.services.models import Service
    from minga.services.vocabulary import Population, ServiceType

    load_reference()
    started = time.perf_counter()
    fill(args.services, args.seed)
    filled = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    version = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else (
        connection.Database.sqlite_version)
    print(f"{connection.vendor} {version}: {Service.objects.count()} services, filled in {filled:.1f} s; "
          f"{args.repeat} timed queries each after one warm-up; radius {args.radius:g} km")
    rng = random.Random(args.seed + 1)
    towns = [town for towns in TOWNS.values() for town in towns]
    queries = []
    for _ in range(args.repeat):
        lat, lon = rng.choice(towns)
        queries.append(selectors.SearchFilters(
            latitude=lat + rng.uniform(-.2, .2), longitude=lon + rng.uniform(-.2, .2), radius_km=args.radius,
            types=(rng.choice(ServiceType.values),), populations=(rng.choice(Population.values),)))

    def cycle(action):
        position = iter(range(10 ** 9))
        return lambda: action(queries[next(position) % len(queries)])

    sqlite = connection.vendor == "sqlite"
    table = Service._meta.db_table
    with connection.cursor() as cursor:
        def count(_query):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 -- our own table name
            return cursor.fetchone()[0]

        def box_count(query):
            south, north, west, east = selectors.bounding_box(query.latitude, query.longitude, query.radius_km)
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE latitude BETWEEN %s AND %s "  # noqa: S608
                           "AND longitude BETWEEN %s AND %s", [south, north, west, east])
            return cursor.fetchone()[0]
        print(line("reference: bare SELECT COUNT(*) over the table", timed(cycle(count), args.repeat), sqlite))
        print(line("reference: bare SQL count of the same bounding box", timed(cycle(box_count), args.repeat), sqlite))
        boxes = [box_count(query) for query in queries]
    live = Service.objects.all()
    found_counts = [len(selectors.radius_ids(live, query)) for query in queries]
    timing = timed(cycle(lambda query: selectors.radius_ids(live, query)), args.repeat)
    print(line("radius + type + population (ids, nearest first)", timing, sqlite)
          + f"; rows in the box: median {statistics.median(boxes):.0f}; services found: median "
            f"{statistics.median(found_counts):.0f}, max {max(found_counts)}")
    print(line("the same through selectors.search (whole records, open now, stale)",
               timed(cycle(lambda query: selectors.search(None, query)), args.repeat), sqlite))
    verdict = "met" if timing[1] < TARGET_P95_MS else "NOT met"
    print(f"target: p95 under {TARGET_P95_MS} ms (wall clock) for the radius search: {verdict}"
          + (f"; CPU p95 {timing[3]:.2f} ms" if sqlite else ""))
    assert not math.isnan(timing[1])


if __name__ == "__main__":
    main()
