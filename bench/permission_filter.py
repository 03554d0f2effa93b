"""How much the permission module costs on a list page: organisations visible to each role vs the bare query.

Fills a scratch database (SQLite by default, PostgreSQL with DATABASE_URL) with N organisations
spread over the 13 member states, then times, for each role, listing the rows the role may see
through ``permissions.visible`` and the rows it may edit through ``permissions.editable``,
against the same list without any filter (the reference), in the same process and database.

    .venv/bin/python bench/permission_filter.py [--organisations 20000] [--repeat 15]
"""

import argparse
import statistics
import time

from scratch import scratch_database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    with scratch_database() as connection:
        run(args, connection.vendor)


def run(args, vendor):
    from minga.accounts import permissions
    from minga.accounts.models import User
    from minga.reference.loaders import MEMBER_STATES
    from minga.reference.models import Organisation
    from minga.site.demo import load_demo

    load_demo()
    Organisation.objects.bulk_create(
        Organisation(name=f"Benchmark organisation {i}", organisation_type="22",
                     country_id=MEMBER_STATES[i % len(MEMBER_STATES)])
        for i in range(args.organisations))
    total = Organisation.objects.count()

    def timed(make_queryset):
        list(make_queryset().values_list("pk", "name"))  # warm-up: caches and query plans
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            rows = list(make_queryset().values_list("pk", "name"))
            samples.append(time.perf_counter() - start)
        return statistics.median(samples), len(rows)

    reference, _ = timed(lambda: Organisation.objects.all())
    print(f"{vendor}: {total} organisations, median of {args.repeat} runs; "
          f"reference (bare query, all rows) {reference * 1000:.1f} ms")
    print(f"{'role':<28}{'visible rows':>13}{'ratio':>8}{'editable rows':>15}{'ratio':>8}")
    for username in ("secretaria", "focal.col", "cucuta", "donante.can", "observador", None):
        user = User.objects.get(username=username) if username else None
        permissions.forget(user)
        visible, visible_rows = timed(lambda user=user: permissions.visible(user, Organisation.objects.all()))
        editable, editable_rows = timed(lambda user=user: permissions.editable(user, Organisation.objects.all()))
        print(f"{username or 'anonymous':<28}{visible_rows:>13}{visible / reference:>8.2f}"
              f"{editable_rows:>15}{editable / reference:>8.2f}")


if __name__ == "__main__":
    main()
