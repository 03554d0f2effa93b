"""Who records, confirms, validates and sees pledges and flows: every role, in and out of scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from minga.accounts import permissions
from minga.accounts.models import Role, RoleGrant, User
from minga.audit.services import EditConflict
from minga.finance import services
from minga.finance.inputs import FinanceInvalid, FlowInput, PledgeInput
from minga.finance.tracking import FollowUp, FundingFlow, Requirement, TrackedPledge
from minga.reference.models import Country, Organisation, Source

pytestmark = pytest.mark.django_db

ROLES = ["secretariat", "focal_col", "focal_per", "local_cucuta", "donor_can", "donor_usa", "observer", "anonymous"]


def org(key):
    return Organisation.objects.get(load_key=f"organisation:{key}")


@pytest.fixture
def people(users):
    """The demo accounts and an officer of another donor (USAID)."""
    officer = User.objects.create_user(username="donor.usa", password="x")
    RoleGrant.objects.create(user=officer, role=Role.DONOR_OFFICER, organisation=org("usaid"))
    return {**users, "donor_usa": officer}


def flow_input(**fields):
    base = {"stage": "disbursement", "provider": org("gac"), "receiver": org("unhcr"), "amount": Decimal(1000),
            "currency": "USD", "value_date": date(2024, 5, 1), "country": Country.objects.get(pk="COL")}
    return FlowInput(**{**base, **fields})


def pledge_input(**fields):
    base = {"donor": org("gac"), "amount": Decimal(5000), "currency": "CAD", "pledged_on": date(2023, 3, 16),
            "instrument": "grant", "purpose": "humanitarian", "source": Source.objects.get(load_key="source:illustrative"),
            "is_regional": True}
    return PledgeInput(**{**base, **fields})


@pytest.fixture
def draft(people):
    return services.flow_create(user=people["donor_can"], data=flow_input())


@pytest.mark.parametrize(("role", "allowed"), [
    ("secretariat", True), ("donor_can", True), ("donor_usa", False), ("focal_col", False), ("focal_per", False),
    ("local_cucuta", False), ("observer", False), ("anonymous", False)])
def test_only_the_donors_officer_and_the_secretariat_record_its_flows(people, role, allowed):
    before = FundingFlow.all_objects.count()
    if allowed:
        flow = services.flow_create(user=people[role], data=flow_input())
        assert (flow.status, flow.amount_usd, flow.version) == (FollowUp.DRAFT, Decimal("1000.00"), 1)
        assert flow.history.get().history_user == people[role]
    else:
        with pytest.raises(PermissionDenied):
            services.flow_create(user=people[role], data=flow_input())
        assert FundingFlow.all_objects.count() == before


@pytest.mark.parametrize(("role", "allowed"), [
    ("secretariat", True), ("donor_can", True), ("donor_usa", False), ("focal_col", False), ("observer", False),
    ("anonymous", False)])
def test_only_the_donors_officer_and_the_secretariat_record_its_pledges(people, role, allowed):
    before = TrackedPledge.all_objects.count()
    if allowed:
        pledge = services.pledge_create(user=people[role], data=pledge_input())
        assert (pledge.status, pledge.humanitarian_percent, pledge.is_public) == (FollowUp.DRAFT, 100, False)
    else:
        with pytest.raises(PermissionDenied):
            services.pledge_create(user=people[role], data=pledge_input())
        assert TrackedPledge.all_objects.count() == before


def test_the_other_donors_officer_may_not_change_the_pledge_or_the_flow(people, draft):
    pledge = services.pledge_create(user=people["donor_can"], data=pledge_input())
    with pytest.raises(PermissionDenied):
        services.pledge_update(pledge=pledge, user=people["donor_usa"], data=pledge_input(amount=Decimal(1)),
                               expected_version=1)
    with pytest.raises(PermissionDenied):
        services.flow_update(flow=draft, user=people["donor_usa"], data=flow_input(amount=Decimal(1)),
                             expected_version=1)
    with pytest.raises(PermissionDenied):  # nor take it over by naming their own organisation
        services.flow_update(flow=draft, user=people["donor_can"], data=flow_input(provider=org("usaid")),
                             expected_version=1)
    draft.refresh_from_db()
    assert (draft.amount, draft.provider_id, draft.version) == (Decimal(1000), org("gac").pk, 1)


@pytest.mark.parametrize(("role", "seen"), [
    ("secretariat", True), ("observer", True), ("donor_can", True), ("donor_usa", False),
    ("focal_col", False), ("focal_per", False), ("local_cucuta", False), ("anonymous", False)])
def test_a_draft_is_seen_by_its_donor_the_secretariat_and_observers_only(people, draft, role, seen):
    assert permissions.visible(people[role], FundingFlow.objects.filter(pk=draft.pk)).exists() is seen
    assert permissions.can(people[role], "view", draft) is seen


@pytest.mark.parametrize(("role", "moves"), [
    ("secretariat", ["confirmed", "validated", "draft"]), ("focal_col", ["confirmed", "draft"]),
    ("focal_per", []), ("donor_can", []), ("donor_usa", []), ("observer", []), ("anonymous", [])])
def test_a_reported_flow_is_confirmed_by_the_receiving_countrys_focal_point(people, draft, role, moves):
    reported = services.flow_transition(flow=draft, user=people["donor_can"], to_status="reported", expected_version=1)
    assert permissions.allowed_transitions(people[role], reported) == moves
    seen = role in ("secretariat", "focal_col", "donor_can", "observer")
    assert permissions.visible(people[role], FundingFlow.objects.filter(pk=draft.pk)).exists() is seen


def test_the_whole_way_from_draft_to_public(people, draft):
    with pytest.raises(PermissionDenied):
        services.flow_transition(flow=draft, user=people["focal_col"], to_status="reported", expected_version=1)
    flow = services.flow_transition(flow=draft, user=people["donor_can"], to_status="reported", expected_version=1)
    with pytest.raises(PermissionDenied):  # no longer the donor's to change
        services.flow_update(flow=flow, user=people["donor_can"], data=flow_input(), expected_version=2)
    with pytest.raises(PermissionDenied):
        services.flow_transition(flow=flow, user=people["focal_per"], to_status="confirmed", expected_version=2)
    with pytest.raises(PermissionDenied):
        services.flow_update(flow=flow, user=people["focal_col"], data=flow_input(), expected_version=2)
    flow = services.flow_transition(flow=flow, user=people["focal_col"], to_status="confirmed", expected_version=2)
    with pytest.raises(PermissionDenied):
        services.flow_transition(flow=flow, user=people["donor_can"], to_status="validated", expected_version=3)
    assert not permissions.visible(None, FundingFlow.objects.filter(pk=flow.pk)).exists()
    flow = services.flow_transition(flow=flow, user=people["secretariat"], to_status="validated", expected_version=3)
    assert (flow.status, flow.is_public, flow.version) == ("validated", True, 4)
    assert permissions.visible(None, FundingFlow.objects.filter(pk=flow.pk)).exists()
    assert [(h.status, h.history_user.username) for h in flow.history.order_by("history_date")] == [
        ("draft", "donante.can"), ("reported", "donante.can"), ("confirmed", "focal.col"),
        ("validated", "secretaria")]


def test_a_flow_with_a_receiving_country_is_not_validated_before_its_confirmation(people, draft, english):
    flow = services.flow_transition(flow=draft, user=people["donor_can"], to_status="reported", expected_version=1)
    with pytest.raises(FinanceInvalid) as refused:
        services.flow_transition(flow=flow, user=people["secretariat"], to_status="validated", expected_version=2)
    assert refused.value.errors == {"status": ["The focal point of the receiving country confirms this flow first."]}
    regional = services.flow_create(user=people["donor_can"], data=flow_input(country=None))
    regional = services.flow_transition(flow=regional, user=people["donor_can"], to_status="reported",
                                        expected_version=1)
    assert permissions.allowed_transitions(people["focal_col"], regional) == []
    regional = services.flow_transition(flow=regional, user=people["secretariat"], to_status="validated",
                                        expected_version=2)
    assert regional.is_public is True


def test_sending_back_needs_a_comment(people, draft, english):
    flow = services.flow_transition(flow=draft, user=people["donor_can"], to_status="reported", expected_version=1)
    with pytest.raises(FinanceInvalid) as refused:
        services.flow_transition(flow=flow, user=people["focal_col"], to_status="draft", expected_version=2)
    assert refused.value.errors == {"comment": ["Say what must be corrected."]}
    flow = services.flow_transition(flow=flow, user=people["focal_col"], to_status="draft", expected_version=2,
                                    comment="Received 900, not 1000")
    assert flow.history.latest("history_date").history_change_reason == "Received 900, not 1000"
    assert permissions.can(people["donor_can"], "change", flow) is True


def test_an_edit_of_an_older_version_is_refused_and_changes_nothing(people, draft):
    services.flow_update(flow=draft, user=people["donor_can"], data=flow_input(amount=Decimal(2000)),
                         expected_version=1)
    with pytest.raises(EditConflict):
        services.flow_update(flow=draft, user=people["donor_can"], data=flow_input(amount=Decimal(3000)),
                             expected_version=1)
    draft.refresh_from_db()
    assert (draft.amount, draft.version) == (Decimal(2000), 2)


def test_pledges_are_validated_by_the_secretariat_and_then_public(people):
    pledge = services.pledge_create(user=people["donor_can"], data=pledge_input())
    pledge = services.pledge_transition(pledge=pledge, user=people["donor_can"], to_status="reported",
                                        expected_version=1)
    assert permissions.allowed_transitions(people["donor_can"], pledge) == []
    assert permissions.allowed_transitions(people["focal_col"], pledge) == []
    assert not permissions.visible(None, TrackedPledge.objects.filter(pk=pledge.pk)).exists()
    pledge = services.pledge_transition(pledge=pledge, user=people["secretariat"], to_status="validated",
                                        expected_version=2)
    assert permissions.visible(None, TrackedPledge.objects.filter(pk=pledge.pk)).exists()


@pytest.mark.parametrize("role", ["donor_can", "focal_col", "observer", "anonymous"])
def test_only_the_secretariat_records_requirements(people, role):
    source = Source.objects.get(load_key="source:illustrative")
    with pytest.raises(PermissionDenied):
        services.requirement_create(user=people[role], plan="RMRP", year=2023, amount=Decimal(1), currency="USD",
                                    source=source)
    requirement = services.requirement_create(user=people["secretariat"], plan="RMRP", year=2023, amount=Decimal(1),
                                              currency="USD", source=source)
    assert permissions.visible(people[role], Requirement.objects.filter(pk=requirement.pk)).exists()


def test_inputs_that_break_a_rule_are_refused_whole(people, english):
    before = (TrackedPledge.all_objects.count(), FundingFlow.all_objects.count())
    col, per = Country.objects.get(pk="COL"), Country.objects.get(pk="PER")
    with pytest.raises(FinanceInvalid) as refused:
        services.pledge_create(user=people["donor_can"], data=pledge_input(
            is_regional=False, countries=[(col, Decimal(60)), (per, Decimal(30))], instrument="loan",
            purpose="both", currency="ZZZ"))
    assert refused.value.errors == {
        "currency": ["Choose a currency from the list."],
        "humanitarian_percent": ["Give the humanitarian share, between 0 and 100 %."],
        "countries": ["The countries' shares must add up to 100 %."]}
    with pytest.raises(FinanceInvalid) as refused:
        services.flow_create(user=people["donor_can"], data=flow_input(
            amount=Decimal(0), shares=[(per, None, Decimal(100))]))
    assert refused.value.errors == {"amount": ["Give an amount above zero."],
                                    "country": ["The receiving country must have a share."]}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.pledge_create(user=people["donor_can"], data=pledge_input(instrument="loan"))
    assert refused.value.message_dict == {"is_concessional": ["Say whether the loan is concessional."]}
    assert (TrackedPledge.all_objects.count(), FundingFlow.all_objects.count()) == before


def test_a_missing_rate_leaves_usd_empty_with_its_reason(people):
    flow = services.flow_create(user=people["donor_can"], data=flow_input(currency="PYG"))
    assert (flow.amount_usd, flow.usd_problem) == (None, "no_rate_before_date")  # the table starts later
