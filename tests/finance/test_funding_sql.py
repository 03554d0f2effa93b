"""The funding rows summed by the database (``funding_sql.funding_rows_sql``) equal ``funding_rows`` exactly.

``funding_rows`` reads every flow into Python and is the reference; the aggregate query must give the same rows
(keys, labels, order, every amount, the unconverted amounts) for every dimension, filter and reader: on the
hand-built ledger, and on a generated one with multi-country and subdivision shares, pass-through flows, FTS
parent and child flows, loans, amounts without a USD rate, commitments paid in parts across years (some beyond
their amount), drafts, soft-deleted flows and flows that are not summed (expenditure, incoming funds).
"""

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from minga.finance.models import Conference
from minga.finance.selectors import funding
from minga.finance.selectors.funding import DIMENSIONS, FundingFilters, funding_rows
from minga.finance.selectors.funding_sql import funding_rows_sql
from minga.finance.selectors.report import KEYS, report_rows
from minga.finance.totals import refresh_totals_for
from minga.finance.tracking import FlowShare, FollowUp, FundingFlow, PledgeCountry, TrackedPledge
from minga.reference.models import Country, Subdivision, Term
from tests.finance.conftest import org
from tests.finance.kept import assert_totals_kept_exactly

READERS = ("anonymous", "secretariat", "donor_can", "focal_col")


def rows(found) -> list[dict]:
    return [row.as_dict() for row in found]


def assert_same(user, by, filters):
    expected = rows(funding_rows(user, by, filters))
    assert rows(funding_rows_sql(user, by, filters)) == expected, (by, filters)
    return expected


def filter_sets(donor, theme):
    return [FundingFilters(), FundingFilters(year=2023), FundingFilters(year=2024), FundingFilters(donor=donor),
            FundingFilters(conference="brussels-2023"), FundingFilters(country="COL"), FundingFilters(theme=theme),
            FundingFilters(humanitarian=True), FundingFilters(year=2023, humanitarian=False, country="PER"),
            FundingFilters(donor=donor, theme=theme, year=2024)]


@pytest.mark.parametrize("by", DIMENSIONS)
def test_on_the_hand_built_ledger(ledger, users, english, by):
    for reader in READERS:
        for filters in filter_sets(ledger.gac.pk, ledger.theme.pk):
            assert_same(users[reader], by, filters)
    # what the ledger's worked figures say (test_selectors.py), by subdivision: half of the 400,000 to Norte de Santander
    nsa = {row["key"]: row for row in rows(funding_rows_sql(None, "subdivision", FundingFilters()))}["CO-NSA"]
    assert (nsa["disbursed_usd"], nsa["funding_usd"]) == ("200000.00", "200000.00")


def money(rng, low=1, high=2_000_000):
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def generate(ledger, users, seed: int):
    """A few hundred flows and a dozen pledges written in bulk (as an importer writes), then counted into the
    totals with ``refresh_totals_for``."""
    rng = random.Random(seed)
    source = ledger.p1.source
    gac, usaid, unhcr, iom = ledger.gac, ledger.usaid, org("unhcr"), org("iom")
    donors = [gac, usaid, unhcr]
    countries = {c.pk: c for c in Country.objects.filter(pk__in=["COL", "PER", "ECU", "BRA"])}
    subdivisions = {code: list(Subdivision.objects.filter(country_id=code).order_by("pk")[:3]) for code in countries}
    themes = list(Term.objects.filter(vocabulary_id="quito-axes").order_by("code")[:3])
    conferences = [*Conference.objects.order_by("pk")[:3], None]
    pledges = TrackedPledge.objects.bulk_create(TrackedPledge(
        donor=rng.choice(donors), conference=rng.choice(conferences), pledged_on=date(rng.choice([2023, 2024]), 5, 1),
        instrument=(instrument := rng.choice(["grant", "loan"])),
        is_concessional=rng.choice([True, False]) if instrument == "loan" else None,
        purpose=rng.choice(["humanitarian", "development", "both"]), humanitarian_percent=Decimal(50),
        amount=(amount := money(rng)), currency=(currency := rng.choice(["USD", "USD", "PYG"])),
        amount_usd=amount if currency == "USD" else None, source=source, is_regional=False,
        status=FollowUp.VALIDATED if (public := rng.random() < .8) else FollowUp.DRAFT, is_public=public)
        for _ in range(12))
    for pledge in pledges:
        where = rng.choice([[], [("COL", 100)], [("COL", "33.33"), ("PER", "33.33"), ("ECU", "33.34")]])
        PledgeCountry.objects.bulk_create(PledgeCountry(pledge=pledge, country_id=c, percentage=Decimal(str(p)))
                                          for c, p in where)
        TrackedPledge.earmarks.through.objects.bulk_create(  # in bulk, as an importer: no signal
            TrackedPledge.earmarks.through(trackedpledge=pledge, term=term)
            for term in rng.sample(themes, rng.choice([0, 1, 2, 3])))
    pledges += [ledger.p1, ledger.p2, ledger.p3]

    def shares():
        roll = rng.random()
        col, per = subdivisions["COL"], subdivisions["PER"]
        if roll < .15:
            return []  # regional
        if roll < .35:
            return [("COL", col[0].pk, "50"), ("COL", None, "50")]
        if roll < .5:
            return [("COL", None, "33.33"), ("PER", per[0].pk if per else None, "33.33"), ("ECU", None, "33.34")]
        if roll < .6:
            return [("COL", col[1].pk, "12.5"), ("COL", col[2].pk, "12.5"), ("BRA", None, "75")]
        return [(code := rng.choice(list(countries)), rng.choice([None, *[s.pk for s in subdivisions[code]]]), "100")]

    def flow(stage, **fields):
        currency = fields.pop("currency", rng.choice(["USD"] * 6 + ["EUR", "PYG", "COP"]))
        amount = fields.pop("amount", money(rng))
        usd = amount if currency == "USD" else (amount * Decimal("1.25")).quantize(Decimal("0.01")) \
            if currency == "EUR" else None  # PYG and COP: no rate at that date
        public = rng.random() < .8
        status = FollowUp.VALIDATED if public else rng.choice([FollowUp.DRAFT, FollowUp.REPORTED, FollowUp.CONFIRMED])
        deleted = datetime(2026, 1, 1, tzinfo=UTC) if rng.random() < .04 else None
        base = {"stage": stage, "provider": rng.choice(donors), "receiver": rng.choice([unhcr, iom]),
                "pledge": rng.choice([*pledges, None, None]),
                "value_date": date(rng.choice([2023, 2024]), rng.randint(1, 12), 1),
                "is_humanitarian": rng.random() < .5, "theme": rng.choice([*themes, None]), "amount": amount,
                "currency": currency, "amount_usd": usd, "source_kind": "iati", "source": source, "status": status,
                "is_public": public, "deleted_at": deleted}
        return FundingFlow(**{**base, **fields})

    made = []

    def write(flows):
        parts = [shares() for _ in flows]
        for found, where in zip(flows, parts, strict=True):
            found.country_id = where[0][0] if where else None
        flows = FundingFlow.objects.bulk_create(flows)
        FlowShare.objects.bulk_create(FlowShare(flow=f, country_id=c, subdivision_id=s, percentage=Decimal(p))
                                      for f, where in zip(flows, parts, strict=True) for c, s, p in where)
        made.extend(flows)
        return flows

    commitments = write([flow("commitment") for _ in range(60)]
                        + [flow("commitment", currency="PYG", amount=money(rng, 1000, 5000)) for _ in range(8)])
    lone = write([flow(rng.choice(["disbursement"] * 4 + ["expenditure", "incoming"])) for _ in range(80)])
    paid = []
    for commitment in commitments:  # paid in parts, in the same year or the next, some beyond the amount
        for _ in range(rng.choice([0, 1, 2, 3])):
            currency = commitment.currency if rng.random() < .7 else "USD"
            paid.append(flow("disbursement", commitment=commitment, provider=commitment.provider, currency=currency,
                             amount=(commitment.amount * Decimal(rng.choice(["0.25", "0.5", "0.6"]))).quantize(
                                 Decimal("0.01")),
                             pledge=rng.choice([commitment.pledge, None])))
    paid = write(paid)
    # pass-through: passes on a counted flow's money (not summed again); an FTS parent and its child, both counted
    write([flow("disbursement", parent=rng.choice(lone + paid)) for _ in range(15)]
          + [flow("disbursement", reference=f"fts-child-{n}") for n in range(5)])
    refresh_totals_for(flow_ids=[f.pk for f in made], pledge_ids=[p.pk for p in pledges[:12]])
    return donors, themes


@pytest.mark.parametrize("seed", [1, 2])
def test_on_generated_ledgers_every_dimension_filter_and_reader(ledger, users, english, seed):
    donors, themes = generate(ledger, users, seed)
    assert_totals_kept_exactly()
    assert FundingFlow.objects.filter(commitment__isnull=False).count() > 50
    assert FlowShare.objects.filter(subdivision__isnull=False).exists()
    for by in DIMENSIONS:
        for reader in READERS:
            for filters in filter_sets(donors[seed % 2].pk, themes[0].pk):
                assert_same(users[reader], by, filters)
    expected = rows(funding_rows(None, "subdivision", FundingFilters()))
    assert any(row["unconverted"] for row in expected)  # something to compare in every column
    assert any(row["key"] == "regional" for row in expected)


@pytest.mark.parametrize("reader", ["anonymous", "secretariat", "donor_can"])
@pytest.mark.parametrize("year", [None, 2023, 2024])
def test_the_report_by_subdivision_conference_theme_and_year_sums_in_the_database(
        ledger, users, english, monkeypatch, reader, year):
    generate(ledger, users, 3)
    user = users[reader]
    expected = {by: [{key: row[key] for key in KEYS} for row in rows(funding_rows(user, by, FundingFilters(year=year)))]
                for by in DIMENSIONS}
    monkeypatch.setattr(funding, "visible_flows", lambda *args: pytest.fail("every flow read into Python"))
    for by in DIMENSIONS:
        assert report_rows(user, by=by, year=year) == expected[by]
