"""The public funding dashboard at scale: its query time per filter, and how soon a new flow shows.

Fills a scratch database (SQLite in a file by default, PostgreSQL with DATABASE_URL, e.g. under
scripts/with-postgres.sh) with the demo, ``--projects`` generated projects (``minga.portfolio.synthetic``)
and ``--flows`` generated funding flows from ``--donors`` donors (commitments, disbursements against them
or alone, split across countries or regional, some in EUR and some unconverted), written in bulk and
then counted into the totals by ``rebuild_funding_totals`` (as a bulk importer does; its time is
printed). Then, as an anonymous visitor, ``finance.selectors.dashboard.dashboard`` (every figure of
/funding/) is timed ``--repeat`` times under each filter: none, conference, donor, country, theme, year,
humanitarian, integration; median and p95 over all of them. Beside it, in the same run, a plain
``GROUP BY`` of the same flows (the reference), with the ratios. Last, freshness: a new flow is
recorded and validated through the services as the secretariat, and the time until the public
dashboard shows it is measured ``--writes`` times. Also ``minga report funding --by …`` (``report_rows``) once
per dimension, with its ratio to the plain ``GROUP BY`` (``--report-reference``: beside ``funding_rows``, the
Python path it replaced, with a check that both give the same rows).

    .venv/bin/python bench/dashboard.py [--flows 1000000] [--projects 20000] [--donors 200]
    scripts/with-postgres.sh .venv/bin/python bench/dashboard.py
    .venv/bin/python bench/dashboard.py --wait-for /tmp/go   # fill now; measure after `touch /tmp/go`
"""

import argparse
import os
import random
import statistics
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from scratch import scratch_database

TARGET_P95_MS = 150.0
TARGET_FRESH_MS = 1000.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--donors", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--writes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--wait-for", type=Path, default=None,
                        help="after filling the database, wait until this file exists before measuring (fill on a "
                             "busy machine, measure when it is quiet)")
    parser.add_argument("--existing", action="store_true",
                        help="measure the database DATABASE_URL names, filled by an earlier run (kept alive by its "
                             "--wait-for), without filling it again: a change to the reads measured on the same data")
    parser.add_argument("--report-reference", action="store_true",
                        help="also time funding_rows (every flow read into Python, the report's path before the "
                             "aggregate query) by subdivision, conference, theme and year, and check the same rows")
    args = parser.parse_args(argv)
    if args.existing:
        os.environ["DJANGO_SETTINGS_MODULE"] = "minga.settings"
        import django

        django.setup()
        from django.db import connection
        return run(args, connection)
    with scratch_database() as connection:
        return run(args, connection)


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def generate(args, rng):
    """Donors, their pledges (three each, at the conferences or outside), and the flows, in bulk."""
    from minga.finance.models import Conference
    from minga.finance.tracking import FlowShare, FollowUp, FundingFlow, TrackedPledge
    from minga.portfolio.models import Project
    from minga.reference.models import Country, Organisation, Source, Term

    source = Source.objects.get(load_key="source:illustrative")
    donors = Organisation.objects.bulk_create(
        Organisation(name=f"Benchmark donor {n}", organisation_type="10", iati_identifier=f"XM-BENCH-{n}")
        for n in range(args.donors))
    receivers = list(Organisation.objects.exclude(pk__in=[d.pk for d in donors]).values_list("pk", flat=True)[:300])
    countries = list(Country.objects.filter(is_member_state=True).values_list("iso3", flat=True))
    themes = list(Term.objects.filter(vocabulary_id="quito-axes").values_list("pk", flat=True))
    conferences = [*Conference.objects.values_list("pk", flat=True), None]
    projects = list(Project.objects.values_list("pk", flat=True))
    validated = {"status": FollowUp.VALIDATED, "is_public": True}
    pledges = TrackedPledge.objects.bulk_create(
        TrackedPledge(donor=donor, conference_id=rng.choice(conferences), pledged_on=date(rng.randint(2019, 2025), 3, 1),
                      instrument="grant", purpose=rng.choice(["humanitarian", "development", "both"]),
                      humanitarian_percent=Decimal(50), amount=Decimal(rng.randint(1, 500) * 100_000),
                      currency="USD", amount_usd=Decimal(rng.randint(1, 500) * 100_000), source=source,
                      is_regional=True, **validated)
        for donor in donors for _ in range(3))
    pledges_of = {}
    for pledge in pledges:
        pledges_of.setdefault(pledge.donor_id, []).append(pledge.pk)
    # Each donor works in a few countries and themes (as donors do), which bounds the cells the totals hold.
    profile = {d.pk: (rng.sample(countries, 4), rng.sample(themes, min(3, len(themes)))) for d in donors}
    made, batch, commitments = 0, 20_000, {}
    while made < args.flows:
        flows, parts = [], []
        for _ in range(min(batch, args.flows - made)):
            donor = rng.choice(donors).pk
            where, topics = profile[donor]
            stage = "commitment" if rng.random() < .4 else "disbursement"
            currency, usd = "USD", Decimal(rng.randint(1_000, 5_000_000))
            roll = rng.random()
            if roll < .05:
                currency, amount = "EUR", (usd * Decimal("0.9")).quantize(Decimal("0.01"))
            elif roll < .06:
                currency, amount, usd = "PYG", usd * 7000, None
            else:
                amount = usd
            against = None
            if stage == "disbursement" and commitments.get(donor) and rng.random() < .5:
                against = rng.choice(commitments[donor])
            public = rng.random() < .95
            flows.append(FundingFlow(
                stage=stage, provider_id=donor, receiver_id=rng.choice(receivers),
                pledge_id=rng.choice(pledges_of[donor]) if rng.random() < .7 else None,
                project_id=rng.choice(projects) if projects and rng.random() < .5 else None,
                commitment_id=against, value_date=date(rng.randint(2019, 2026), rng.randint(1, 12), 1),
                is_humanitarian=rng.random() < .5, country_id=None, theme_id=rng.choice(topics + [None]),
                amount=amount, currency=currency, amount_usd=usd, source_kind="iati", source=source,
                status=FollowUp.VALIDATED if public else FollowUp.DRAFT, is_public=public))
            roll = rng.random()
            parts.append([] if roll < .05 else [(where[0], Decimal("60")), (where[1], Decimal("40"))] if roll < .15
                         else [(rng.choice(where), Decimal(100))])
        created = FundingFlow.objects.bulk_create(flows, batch_size=5000)
        FlowShare.objects.bulk_create((FlowShare(flow_id=flow.pk, country_id=country, percentage=share)
                                       for flow, shares in zip(created, parts, strict=True)
                                       for country, share in shares), batch_size=5000)
        for flow in created:
            if flow.stage == "commitment":
                commitments.setdefault(flow.provider_id, []).append(flow.pk)
        made += len(created)
    return donors, themes


REPORT_SLOW_MS = 1000.0  # the report per dimension, one run: over a second is worth reading kept totals


def report_funding(plain, reference: bool = False):
    """``minga report funding --by …`` for the public, once per dimension: by country and donor it reads the kept
    totals, by subdivision, conference, theme and year one aggregate query over the flows
    (finance/selectors/report.py, funding_sql.py). With ``reference``, also ``funding_rows`` (every flow read into
    Python: what the report did before) per dimension, and the check that both give the same rows."""
    from minga.finance.selectors.funding import DIMENSIONS, FundingFilters, funding_rows
    from minga.finance.selectors.report import KEYS, report_rows
    from minga.finance.selectors.totals import BY

    timings = {}
    for by in DIMENSIONS:
        started = time.perf_counter()
        rows = report_rows(None, by=by)
        timings[by] = ((time.perf_counter() - started) * 1000, len(rows))
        reads = "kept totals" if by in BY else "aggregate query"
        print(f"report_rows by {by} ({reads}): {timings[by][0]:.0f} ms, {timings[by][0] / plain:.2f}x the plain "
              f"GROUP BY, {len(rows)} rows", flush=True)
        if reference and by not in BY:
            started = time.perf_counter()
            expected = [{key: row[key] for key in KEYS}
                        for row in (r.as_dict() for r in funding_rows(None, by, FundingFilters()))]
            ms = (time.perf_counter() - started) * 1000
            print(f"  reference funding_rows by {by} (every flow in Python, the report before): {ms:.0f} ms, "
                  f"{ms / plain:.2f}x the plain GROUP BY; same rows: {'yes' if expected == rows else 'NO'}", flush=True)
    print("report funding per dimension (report_rows, public, one run), ms, ratio to the plain GROUP BY, rows: "
          + "; ".join(f"{by} {ms:.0f} ({ms / plain:.2f}x, {count})" for by, (ms, count) in timings.items()))
    slow = [by for by, (ms, _count) in timings.items() if ms > REPORT_SLOW_MS]
    print(f"report funding over {REPORT_SLOW_MS / 1000:.0f} s: {', '.join(slow) or 'none'}")


def run(args, connection):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from minga.finance import services
    from minga.finance.inputs import FlowInput
    from minga.finance.selectors.dashboard import DashboardQuery, dashboard, options
    from minga.finance.selectors.funding import FundingFilters
    from minga.finance.totals import rebuild_funding_totals
    from minga.finance.tracking import FollowUp, FundingFlow, FundingTotal
    from minga.portfolio.synthetic import fill
    from minga.reference.models import Organisation, Source
    from minga.site.demo import load_demo

    if args.existing:
        from minga.reference.models import Term

        donors = list(Organisation.objects.filter(iati_identifier__startswith="XM-BENCH-").order_by("pk"))
        themes = list(Term.objects.filter(vocabulary_id="quito-axes").values_list("pk", flat=True))
        print(f"{connection.vendor}: {FundingFlow.objects.count()} flows from {len(donors)} donors, filled earlier; "
              f"{FundingTotal.objects.count()} rows of totals")
    else:
        rng = random.Random(args.seed)
        load_demo()
        if args.projects:
            fill(args.projects, args.seed)
        started = time.perf_counter()
        donors, themes = generate(args, rng)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        cells = rebuild_funding_totals()
        rebuilt = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        flows = FundingFlow.objects.count()
        print(f"{connection.vendor}: {flows} flows from {args.donors} donors over {args.projects} projects "
              f"(written in {generated:.0f} s); totals rebuilt in {rebuilt:.1f} s: {cells} cells, "
              f"{FundingTotal.objects.count()} rows")
    if args.wait_for:
        print(f"filled; measuring once {args.wait_for} exists", flush=True)
        while not args.wait_for.exists():
            time.sleep(5)
        print(f"load average when measuring starts: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    donor = donors[0].pk
    combinations = [("none", FundingFilters()), ("conference", FundingFilters(conference="brussels-2023")),
                    ("donor", FundingFilters(donor=donor)), ("country", FundingFilters(country="COL")),
                    ("theme", FundingFilters(theme=themes[0])), ("year", FundingFilters(year=2024)),
                    ("humanitarian", FundingFilters(humanitarian=True)),
                    ("integration", FundingFilters(humanitarian=False))]
    today = timezone.localdate()

    def show(filters):
        options(None)  # the filters' choices, as the page reads them
        return dashboard(None, DashboardQuery(filters=filters), on=today)

    samples, per_filter = [], {}
    for name, filters in combinations:
        show(filters)  # warm-up
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            show(filters)
            times.append((time.perf_counter() - started) * 1000)
        per_filter[name] = statistics.median(times)
        samples += times
    median, p95 = statistics.median(samples), percentile(samples, .95)

    def group_by():
        with connection.cursor() as cursor:
            cursor.execute("SELECT provider_id, stage, SUM(amount_usd) FROM finance_fundingflow "
                           "WHERE is_public AND deleted_at IS NULL AND parent_id IS NULL GROUP BY provider_id, stage")
            cursor.fetchall()
    group_by()
    reference = []
    for _ in range(3):
        started = time.perf_counter()
        group_by()
        reference.append((time.perf_counter() - started) * 1000)
    plain = statistics.median(reference)
    print("dashboard (all its queries) per filter, median ms: "
          + ", ".join(f"{name} {ms:.1f}" for name, ms in per_filter.items()))
    print(f"dashboard over {len(samples)} requests: median {median:.1f} ms, p95 {p95:.1f} ms; "
          f"plain GROUP BY of the flows {plain:.1f} ms; ratios to it: median {median / plain:.3f}, p95 {p95 / plain:.3f}")
    report_funding(plain, reference=args.report_reference)

    secretariat = get_user_model().objects.get(username="secretaria")
    source = Source.objects.get(load_key="source:illustrative")
    receiver = Organisation.objects.exclude(pk__in=[d.pk for d in donors]).order_by("pk").first()
    fresh = []
    for n in range(args.writes):
        before = show(FundingFilters()).headline.funding
        started = time.perf_counter()
        flow = services.flow_create(user=secretariat, data=FlowInput(
            stage="disbursement", provider=donors[n % len(donors)], receiver=receiver, value_date=today,
            amount=Decimal(1234), currency="USD", source=source))
        for step in (FollowUp.REPORTED, FollowUp.VALIDATED):
            flow = services.flow_transition(flow=flow, user=secretariat, to_status=step, expected_version=flow.version)
        shown = show(FundingFilters()).headline.funding
        fresh.append((time.perf_counter() - started) * 1000)
        assert shown == before + Decimal(1234), (shown, before)
    print(f"a new flow, recorded and validated through the services, shows on the public dashboard after "
          f"median {statistics.median(fresh):.0f} ms, at most {max(fresh):.0f} ms (write and read; {args.writes} writes)")
    met = p95 < TARGET_P95_MS and max(fresh) < TARGET_FRESH_MS
    print(f"target p95 < {TARGET_P95_MS:.0f} ms and fresh < {TARGET_FRESH_MS:.0f} ms: {'met' if met else 'NOT met'}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return met


if __name__ == "__main__":
    main()
