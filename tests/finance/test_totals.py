"""The dashboard's totals kept by the writes (minga.finance.totals) give exactly the selectors' answers.

After any sequence of creates, updates, transitions and deletions through the services (and the audit's
soft delete), the rows read from the cells equal ``funding_rows`` computed from the flows, for the
public and for the secretariat, under every filter; and the cells equal a rebuild from scratch.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minga.audit import services as audit
from minga.finance import services
from minga.finance.inputs import FlowInput, PledgeInput
from minga.finance.models import Conference
from minga.finance.selectors.answers import fulfilment, per_capita
from minga.finance.selectors.dashboard import DashboardQuery, dashboard
from minga.finance.selectors.funding import FundingFilters, Row, funding_rows, visible_flows, visible_pledges
from minga.finance.selectors.totals import first_disbursements_kept, funding_rows_kept, view_of
from minga.finance.totals import rebuild_funding_totals
from minga.finance.tracking import FollowUp, FundingFlow, FundingTotal, FundingTotalsState, Stage, TrackedPledge
from minga.reference.models import Country, Term
from tests.finance.conftest import publish_flow, publish_pledge


def same_rows(kept: list[Row], computed: list[Row]) -> None:
    assert [r.key for r in kept] == [r.key for r in computed]
    for a, b in zip(kept, computed, strict=True):
        assert (a.label, a.pledged, a.committed, a.disbursed, a.funding, a.requirement) == (
            b.label, b.pledged, b.committed, b.disbursed, b.funding, b.requirement), a.key
        assert {k: v for k, v in a.unconverted.items() if v} == {k: v for k, v in b.unconverted.items() if v}
        assert ({k: v for k, v in a.unconverted_pledged.items() if v}
                == {k: v for k, v in b.unconverted_pledged.items() if v})


def filter_sets(ledger):
    theme = ledger.theme.pk
    return [FundingFilters(), FundingFilters(year=2023), FundingFilters(year=2024), FundingFilters(donor=ledger.gac.pk),
            FundingFilters(conference="brussels-2023"), FundingFilters(country="COL"), FundingFilters(country="PER"),
            FundingFilters(theme=theme), FundingFilters(humanitarian=True), FundingFilters(humanitarian=False),
            FundingFilters(year=2023, humanitarian=True, country="COL"), FundingFilters(donor=ledger.gac.pk, theme=theme),
            FundingFilters(conference="brussels-2023", year=2024, humanitarian=False)]


def assert_kept_exact(ledger, users):
    assert not FundingTotalsState.objects.exists()  # kept by the writes, not rebuilt on reading
    for user in (users["anonymous"], users["secretariat"]):
        view = view_of(user)
        for filters in filter_sets(ledger):
            for by in ("country", "donor"):
                same_rows(funding_rows_kept(view, by, filters), funding_rows(user, by, filters))
            first = {}
            for flow in visible_flows(user, filters):
                if flow.stage == Stage.DISBURSEMENT and flow.pledge_id:
                    first[flow.pledge_id] = min(first.get(flow.pledge_id, flow.value_date), flow.value_date)
            pledges = [p.pk for p in visible_pledges(user, filters)]
            assert first_disbursements_kept(view, filters, pledges) == {k: v for k, v in first.items() if k in pledges}
    kept = cells()
    rebuild_funding_totals()
    assert kept == cells()


def cells() -> set:
    return {tuple(row) for row in FundingTotal.objects.values_list(
        "kind", "donor_id", "country", "year", "purpose", "theme_id", "conference_id", "is_public", "mask",
        "currency", "records", "pledged", "committed", "disbursed", "funding", "unconverted", "unconverted_pledged")
        if any(row[10:])}


@pytest.fixture
def kept_ledger(ledger):
    rebuild_funding_totals()  # the demo's records were set aside around the services: start from exact cells
    return SimpleNamespace(**ledger)


def test_the_hand_built_ledger_reads_the_same_from_the_totals(kept_ledger, users):
    assert_kept_exact(kept_ledger, users)


def test_the_dashboard_is_the_same_from_the_totals_as_from_the_flows(kept_ledger, users):
    """Every figure of the page: the kept rows for the public, the computed ones for the same filters."""
    for filters in filter_sets(kept_ledger):
        found = dashboard(None, DashboardQuery(filters=filters), on=date(2030, 7, 1))
        computed = {a.row.key: a for a in per_capita(None, date(2030, 7, 1), filters)}
        assert {a.row.key for a in found.countries} == set(computed)
        for answer in found.countries:
            same_rows([answer.row], [computed[answer.row.key].row])
            assert answer.disbursed_per_person == computed[answer.row.key].disbursed_per_person
        donors = {a.row.key: a for a in fulfilment(None, "donor", filters)}
        assert {a.row.key for a in found.donors} == set(donors)
        for answer in found.donors:
            same_rows([answer.row], [donors[answer.row.key].row])
            assert (answer.fulfilment_percent, answer.median_days_to_disbursement) == (
                donors[answer.row.key].fulfilment_percent, donors[answer.row.key].median_days_to_disbursement)


def test_a_commitment_partly_disbursed_in_another_year_leaves_its_rest_under_a_year_filter(kept_ledger, users):
    """f1 (600,000 committed in 2023) is paid 400,000 in 2023; a 2024 payment of 150,000 more counts
    against it without a filter (rest 50,000) but not under 2023 (rest 200,000)."""
    secretariat = users["secretariat"]
    f1 = kept_ledger.f1
    col = Country.objects.get(pk="COL")
    publish_flow(services.flow_create(user=secretariat, data=FlowInput(
        stage="disbursement", amount=Decimal(150_000), currency="USD", provider=kept_ledger.gac,
        receiver=f1.receiver, pledge=kept_ledger.p1, commitment=f1, country=col, value_date=date(2024, 5, 1),
        is_humanitarian=True, theme=kept_ledger.theme)), secretariat)
    theme_rows = {r.key: r for r in funding_rows_kept("public", "country", FundingFilters(year=2023))}
    all_rows = {r.key: r for r in funding_rows_kept("public", "country", FundingFilters())}
    # COL in 2023: f1's rest 200,000 + f2 400,000 + f5 1,000,000 (4e9 COP) = 1,600,000
    assert theme_rows["COL"].funding == Decimal("1600000")
    # COL, all years: f1's rest 50,000 + f2 + the new 150,000 + f3's 30 % (90,000) + f5 = 1,690,000
    assert all_rows["COL"].funding == Decimal("1690000")
    assert_kept_exact(kept_ledger, users)


def test_a_disbursement_unlinked_from_its_commitment_counts_on_its_own(kept_ledger, users):
    """F2 (400,000) no longer paid against F1 (600,000): F1's whole amount is funding again, beside F2."""
    f2 = FundingFlow.objects.get(pk=kept_ledger.f2.pk)
    services.flow_update(flow=f2, user=users["secretariat"], expected_version=f2.version, data=FlowInput(
        stage=f2.stage, provider=f2.provider, receiver=f2.receiver, value_date=f2.value_date, amount=f2.amount,
        currency=f2.currency, country=f2.country, shares=[(s.country, s.subdivision, s.percentage)
                                                          for s in f2.shares.order_by("pk")],
        is_humanitarian=f2.is_humanitarian, pledge=f2.pledge, project=f2.project, commitment=None,
        source=f2.source))
    rows = funding_rows_kept("public", "country", FundingFilters())
    assert sum((r.funding for r in rows), Decimal(0)) == Decimal(2_301_000)  # 1,901,000 + F1's 400,000 paid by F2
    assert {r.key: r.funding for r in rows}["COL"] == Decimal(2_090_000)  # F1 600,000 + F2 + F3's 90,000 + F5
    assert_kept_exact(kept_ledger, users)


OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["flow", "pay", "update", "unlink", "publish", "send_back", "delete", "pledge", "move_pledge"]),
    st.integers(0, 50), st.sampled_from([2023, 2024]), st.booleans(), st.sampled_from(["USD", "EUR", "PYG"]),
    st.sampled_from(["COL", "PER", "both", "regional"]), st.integers(1, 900)), min_size=1, max_size=7)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(OPERATIONS)
def test_any_sequence_of_writes_keeps_the_totals_exact(kept_ledger, users, operations):
    with transaction.atomic():
        run(kept_ledger, users, operations)
        assert_kept_exact(kept_ledger, users)
        transaction.set_rollback(True)


def run(ledger, users, operations):
    secretariat = users["secretariat"]
    col, per = Country.objects.get(pk="COL"), Country.objects.get(pk="PER")
    theme = ledger.theme
    other_theme = Term.objects.filter(vocabulary_id="quito-axes").exclude(pk=theme.pk).order_by("code").first()
    conferences = list(Conference.objects.order_by("code"))
    for kind, pick, year, flag, currency, where, amount in operations:
        flows = list(FundingFlow.objects.order_by("pk"))
        pledges = list(TrackedPledge.objects.order_by("pk"))
        country, shares = {"COL": (col, []), "PER": (per, []), "regional": (None, []),
                           "both": (col, [(col, None, Decimal("66.67")), (per, None, Decimal("33.33"))])}[where]
        provider = [ledger.gac, ledger.usaid][pick % 2]
        own_pledges = [p for p in pledges if p.donor_id == provider.pk]
        base = {"amount": Decimal(amount) * 1000 + Decimal("0.01") * pick, "currency": currency, "provider": provider,
                    "receiver": ledger.f1.receiver, "country": country, "shares": shares, "value_date": date(year, 1 + pick % 12, 1),
                    "is_humanitarian": flag, "theme": [None, theme, other_theme][pick % 3],
                    "pledge": own_pledges[pick % len(own_pledges)] if own_pledges and pick % 4 else None}
        if kind == "flow":
            flow = services.flow_create(user=secretariat, data=FlowInput(
                stage=[Stage.COMMITMENT, Stage.DISBURSEMENT][pick % 2], **base))
            if pick % 3:
                publish_flow(flow, secretariat)
        elif kind == "pay":
            commitments = [f for f in flows if f.stage == Stage.COMMITMENT and f.provider_id == provider.pk]
            if commitments:
                flow = services.flow_create(user=secretariat, data=FlowInput(
                    stage=Stage.DISBURSEMENT, commitment=commitments[pick % len(commitments)], **base))
                if pick % 3:
                    publish_flow(flow, secretariat)
        elif kind == "update" and flows:
            flow = flows[pick % len(flows)]
            if flow.parent_id or flow.provider_id != provider.pk or flow.status != FollowUp.DRAFT:
                continue
            commitment = flow.commitment if flow.stage == Stage.DISBURSEMENT else None
            services.flow_update(flow=flow, user=secretariat, expected_version=flow.version, data=FlowInput(
                stage=flow.stage, commitment=commitment, **base))
        elif kind == "unlink" and flows:  # a disbursement no longer paid against its commitment, or now paid
            flow = flows[pick % len(flows)]
            commitments = [f for f in flows if f.stage == Stage.COMMITMENT and f.provider_id == flow.provider_id]
            if flow.stage != Stage.DISBURSEMENT or flow.status != FollowUp.DRAFT or not commitments:
                continue
            commitment = None if flow.commitment_id else commitments[pick % len(commitments)]
            services.flow_update(flow=flow, user=secretariat, expected_version=flow.version, data=FlowInput(
                stage=flow.stage, provider=flow.provider, receiver=flow.receiver, value_date=flow.value_date,
                amount=flow.amount, currency=flow.currency, country=flow.country, commitment=commitment,
                shares=[(s.country, s.subdivision, s.percentage) for s in flow.shares.order_by("pk")],
                is_humanitarian=flow.is_humanitarian, pledge=flow.pledge, theme=flow.theme))
        elif kind == "publish" and flows:
            flow = flows[pick % len(flows)]
            if flow.status == FollowUp.DRAFT:
                publish_flow(flow, secretariat)
        elif kind == "send_back" and flows:
            flow = flows[pick % len(flows)]
            if flow.status in (FollowUp.REPORTED, FollowUp.CONFIRMED):
                services.flow_transition(flow=flow, user=secretariat, to_status=FollowUp.DRAFT,
                                         expected_version=flow.version, comment="check the amount")
        elif kind == "delete" and flows:
            audit.soft_delete(instance=flows[pick % len(flows)], user=secretariat, reason="duplicate")
        elif kind == "pledge":
            pledge = services.pledge_create(user=secretariat, data=PledgeInput(
                donor=provider, conference=conferences[pick % len(conferences)] if flag else None,
                amount=base["amount"], currency=currency, pledged_on=date(year, 3, 1), instrument="grant",
                purpose=["humanitarian", "development", "both"][pick % 3],
                humanitarian_percent=[Decimal(100), Decimal(0), Decimal(50)][pick % 3],
                countries=[(c, s) for c, _sub, s in shares] or ([(country, Decimal(100))] if country else []),
                is_regional=country is None, earmarks=[t for t in (theme, other_theme) if pick % 2 or t == theme],
                source=ledger.f1.source))
            if pick % 3:
                publish_pledge(pledge, secretariat)
        elif kind == "move_pledge" and own_pledges:
            pledge = own_pledges[pick % len(own_pledges)]
            if pledge.status != FollowUp.DRAFT:
                continue
            services.pledge_update(pledge=pledge, user=secretariat, expected_version=pledge.version, data=PledgeInput(
                donor=provider, conference=conferences[pick % len(conferences)] if flag else None,
                amount=pledge.amount, currency=pledge.currency, pledged_on=date(year, 3, 1), instrument="grant",
                purpose="both", humanitarian_percent=Decimal(50), countries=[(per, Decimal(100))],
                earmarks=[other_theme], source=pledge.source))
