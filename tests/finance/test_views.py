"""The donor officer's pages: who may open them, what a post stores, what a refusal says."""

from decimal import Decimal

import pytest

from minga.accounts.models import Role, RoleGrant, User
from minga.common.numbers import format_amount_input
from minga.finance.tracking import FundingFlow, TrackedPledge
from minga.portfolio.models import Project
from minga.reference.models import Organisation, Source
from tests.finance.conftest import publish_flow

pytestmark = pytest.mark.django_db


def org(key):
    return Organisation.objects.get(load_key=f"organisation:{key}")


@pytest.fixture
def officer(client_as, users):
    client = client_as(users["donor_can"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def pledge_post(**changes):
    return {"donor": org("gac").pk, "amount": "1000", "currency": "CAD", "pledged_on": "2023-03-16",
            "instrument": "grant", "purpose": "both", "humanitarian_percent": "25",
            "source": Source.objects.get(load_key="source:illustrative").pk, "country_1": "COL", "share_1": "70",
            "country_2": "PER", "share_2": "30", **changes}


@pytest.mark.parametrize(("role", "status"), [("donor_can", 200), ("secretariat", 200), ("focal_col", 403),
                                              ("observer", 403), ("anonymous", 302)])
def test_who_opens_the_forms(client_as, users, role, status):
    client = client_as(users[role])
    assert client.get("/pledges/new/").status_code == status
    assert client.get("/flows/new/").status_code == status


def test_a_pledge_is_recorded_with_its_countries_and_the_officer_sees_it_as_theirs(officer):
    response = officer.post("/pledges/new/", pledge_post())
    assert (response.status_code, response["Location"]) == (302, "/mine/")
    pledge = TrackedPledge.objects.get(amount=1000, currency="CAD")
    assert (pledge.donor_id, pledge.humanitarian_percent, pledge.status) == (org("gac").pk, Decimal(25), "draft")
    assert sorted(pledge.countries.values_list("country_id", "percentage")) == [
        ("COL", Decimal(70)), ("PER", Decimal(30))]
    assert "Pledge recorded as a draft." in officer.get("/mine/").content.decode()


def test_a_refused_pledge_shows_why_and_stores_nothing(officer):
    before = TrackedPledge.all_objects.count()
    response = officer.post("/pledges/new/", pledge_post(share_2="20"))
    assert response.status_code == 200
    assert "The countries&#x27; shares must add up to 100 %." in response.content.decode()
    assert TrackedPledge.all_objects.count() == before


def test_a_disbursement_against_a_published_project_leads_to_its_page_which_lists_it(officer, client_as):
    project = Project.objects.filter(is_public=True, country_id="COL").order_by("code").first()
    response = officer.post("/flows/new/", {
        "stage": "disbursement", "provider": org("gac").pk, "receiver": org("unhcr").pk, "project": project.pk,
        "amount": "5000", "currency": "USD", "value_date": "2023-05-02", "country": "COL"})
    assert (response.status_code, response["Location"]) == (302, f"/projects/{project.code}/")
    flow = FundingFlow.objects.get(amount=5000)
    page = officer.get(f"/projects/{project.code}/").content.decode()
    assert 'data-testid="flows-table"' in page and "Global Affairs Canada" in page
    public = client_as(None).get(f"/projects/{project.code}/").content.decode()
    assert f"/flows/{flow.pk}/" not in public and "5,000" not in public.split('data-testid="flows-table"')[-1][:3000]


def test_another_donors_officer_finds_no_draft_and_may_not_edit_a_public_one(officer, client_as, users):
    officer.post("/pledges/new/", pledge_post())
    pledge = TrackedPledge.objects.get(amount=1000, currency="CAD")
    other = User.objects.create_user(username="donor.usa", password="x")
    RoleGrant.objects.create(user=other, role=Role.DONOR_OFFICER, organisation=org("usaid"))
    client = client_as(other)
    assert client.get(f"/pledges/{pledge.pk}/edit/").status_code == 404
    TrackedPledge.objects.filter(pk=pledge.pk).update(status="validated", is_public=True)
    assert client.get(f"/pledges/{pledge.pk}/edit/").status_code == 403
    assert client.post(f"/pledges/{pledge.pk}/edit/", pledge_post(amount="1", version="1")).status_code == 403
    assert TrackedPledge.objects.get(pk=pledge.pk).amount == 1000


def test_an_edit_of_an_older_version_is_refused_on_the_form(officer):
    officer.post("/pledges/new/", pledge_post())
    pledge = TrackedPledge.objects.get(amount=1000, currency="CAD")
    assert officer.post(f"/pledges/{pledge.pk}/edit/", pledge_post(amount="2000", version="1")).status_code == 302
    response = officer.post(f"/pledges/{pledge.pk}/edit/", pledge_post(amount="3000", version="1"))
    assert response.status_code == 409  # the conflict: the form back with the input kept (tests/audit/test_no_lost_update.py)
    assert "This record was changed by someone else" in response.content.decode()
    assert TrackedPledge.objects.get(pk=pledge.pk).amount == 2000


# Correcting a record on its form: the form shows some of its fields; a save keeps the others as stored.

UNSTORED = ("version", "updated_at", "created_at")


def stored(record) -> dict:
    """Every stored field of the record but its version and times, and its shares."""
    record = type(record).all_objects.get(pk=record.pk)
    fields = {f.attname: getattr(record, f.attname) for f in type(record)._meta.concrete_fields
              if f.attname not in UNSTORED}
    if isinstance(record, FundingFlow):
        fields["shares"] = list(record.shares.order_by("pk").values_list("country_id", "subdivision_id",
                                                                          "percentage"))
    else:
        fields["countries"] = list(record.countries.order_by("pk").values_list("country_id", "percentage"))
        fields["earmarks"] = sorted(record.earmarks.values_list("pk", flat=True))
    return fields


def flow_post(flow, **changes):
    """The flow's edit form posted as it is shown ("Correct" then "Save"), with ``changes``."""
    data = {"stage": flow.stage, "provider": flow.provider_id, "receiver": flow.receiver_id,
            "pledge": flow.pledge_id or "", "commitment": flow.commitment_id or "", "project": flow.project_id or "",
            "amount": format_amount_input(flow.amount, locale="es"),  # as the Spanish form shows it
            "currency": flow.currency, "value_date": flow.value_date.isoformat(), "country": flow.country_id or "",
            "version": str(flow.version), **({"is_humanitarian": "on"} if flow.is_humanitarian else {})}
    return {**data, **changes}


def public_sums() -> tuple[Decimal, Decimal, Decimal]:
    """Funding and disbursed by country for the public, from the flows and from the kept totals."""
    from minga.finance.selectors import report
    from minga.finance.selectors.funding import funding_rows

    rows = funding_rows(None, "country")
    kept = report.report_funding_rows(None, "country", report.FundingFilters())
    return (sum((r.funding for r in rows), Decimal(0)), sum((r.disbursed for r in rows), Decimal(0)),
            sum((r.funding for r in kept), Decimal(0)))


def test_a_disbursement_saved_unchanged_on_its_form_keeps_every_field_its_shares_and_the_funding(
        ledger, users, client_as):
    client = client_as(users["secretariat"])
    f2 = FundingFlow.objects.get(pk=ledger.f2.pk)  # 400,000 against commitment F1, split 50/50 in Colombia
    before = stored(f2)
    assert (before["commitment_id"], before["shares"]) == (ledger.f1.pk, [
        ("COL", "CO-NSA", Decimal(50)), ("COL", None, Decimal(50))])
    funding, disbursed, kept = public_sums()
    assert funding == kept == Decimal(1_901_000)
    assert client.post(f"/flows/{f2.pk}/edit/", flow_post(f2)).status_code == 302
    assert stored(f2) == before
    assert public_sums() == (Decimal(1_901_000), disbursed, Decimal(1_901_000))


def test_a_changed_amount_changes_the_amount_only_and_counts_against_the_same_commitment(ledger, users, client_as):
    client = client_as(users["secretariat"])
    f2 = FundingFlow.objects.get(pk=ledger.f2.pk)
    before = stored(f2)
    _funding, disbursed, _kept = public_sums()
    assert client.post(f"/flows/{f2.pk}/edit/", flow_post(f2, amount="450000")).status_code == 302
    after = stored(f2)
    assert (after["amount"], after["amount_usd"]) == (Decimal(450_000), Decimal(450_000))
    assert {k: v for k, v in after.items() if k not in ("amount", "amount_usd")} == {
        k: v for k, v in before.items() if k not in ("amount", "amount_usd")}
    # Still paid against F1 (600,000): 50,000 more disbursed, and the same funding (F1's rest is 50,000 less).
    assert public_sums() == (Decimal(1_901_000), disbursed + 50_000, Decimal(1_901_000))


def test_a_new_receiving_country_receives_the_whole_flow_and_the_links_stay(ledger, users, client_as):
    client = client_as(users["secretariat"])
    f2 = FundingFlow.objects.get(pk=ledger.f2.pk)
    assert client.post(f"/flows/{f2.pk}/edit/", flow_post(f2, country="PER")).status_code == 302
    after = stored(f2)
    assert (after["country_id"], after["shares"], after["commitment_id"], after["source_id"]) == (
        "PER", [("PER", None, Decimal(100))], ledger.f1.pk, ledger.f1.source_id)
    funding, _disbursed, kept = public_sums()
    assert funding == kept == Decimal(1_901_000)  # moved from Colombia to Peru, not added


def test_a_pass_through_flow_saved_unchanged_stays_passed_on(ledger, users, client_as):
    client = client_as(users["secretariat"])
    f4 = FundingFlow.objects.get(pk=ledger.f4.pk)  # UNHCR passes on 100,000 of F3 to IOM: counted at F3
    before = stored(f4)
    assert before["parent_id"] == ledger.f3.pk
    assert client.post(f"/flows/{f4.pk}/edit/", flow_post(f4)).status_code == 302
    assert stored(f4) == before
    funding, _disbursed, kept = public_sums()
    assert funding == kept == Decimal(1_901_000)


def test_an_imported_flow_keeps_its_codes_and_the_sources_usd_until_its_amount_changes(ledger, users, client_as):
    from datetime import date

    from minga.finance import services
    from minga.finance.inputs import FlowInput
    from minga.finance.tracking import SourceKind
    from minga.reference.models import Country

    secretariat = users["secretariat"]
    flow = services.flow_create(user=secretariat, data=FlowInput(
        stage="disbursement", provider=ledger.gac, receiver=org("unhcr"), value_date=date(2023, 8, 1),
        amount=Decimal(1000), currency="EUR", country=Country.objects.get(pk="COL"), theme=ledger.theme,
        source_kind=SourceKind.FTS, source=ledger.f1.source, reference="FTS 123 v2", fts_status="paid",
        iati_transaction_type="3", amount_usd=Decimal(1111)))  # FTS's own USD; ours at 0.8 would be 1,250
    before = stored(flow)
    client = client_as(secretariat)
    assert client.post(f"/flows/{flow.pk}/edit/", flow_post(flow)).status_code == 302
    assert stored(flow) == before
    flow.refresh_from_db()
    assert client.post(f"/flows/{flow.pk}/edit/", flow_post(flow, amount="2000")).status_code == 302
    after = stored(flow)
    assert (after["amount"], after["amount_usd"], after["usd_problem"]) == (Decimal(2000), Decimal(2500), "")
    assert {k: after[k] for k in ("theme_id", "source_kind", "reference", "fts_status", "iati_transaction_type",
                                  "shares")} == {k: before[k] for k in ("theme_id", "source_kind", "reference",
                                                                        "fts_status", "iati_transaction_type",
                                                                        "shares")}


def test_a_pledge_saved_unchanged_keeps_the_reported_pledge_it_follows_and_the_sources_usd(ledger, users, client_as):
    from datetime import date

    from minga.finance import services
    from minga.finance.inputs import PledgeInput
    from minga.finance.models import Pledge
    from minga.reference.models import Country

    reported = Pledge.objects.create(conference=ledger.conference, donor=ledger.gac, amount=Decimal(1000),
                                     currency="EUR", source=ledger.f1.source)  # as the conference's source said
    pledge = services.pledge_create(user=users["secretariat"], data=PledgeInput(
        donor=ledger.gac, amount=Decimal(1000), currency="EUR", pledged_on=date(2023, 3, 16),
        instrument="grant", purpose="humanitarian", source=ledger.f1.source, conference=reported.conference,
        reported_pledge=reported, countries=[(Country.objects.get(pk="COL"), Decimal(100))],
        amount_usd=Decimal(1111)))
    before = stored(pledge)
    posted = {"donor": ledger.gac.pk, "conference": reported.conference_id, "amount": "1000", "currency": "EUR",
              "pledged_on": pledge.pledged_on.isoformat(), "instrument": "grant", "purpose": "humanitarian",
              "source": ledger.f1.source_id, "country_1": "COL", "share_1": "100", "version": str(pledge.version)}
    client = client_as(users["secretariat"])
    assert client.post(f"/pledges/{pledge.pk}/edit/", posted).status_code == 302
    assert stored(pledge) == before
    assert before["reported_pledge_id"] == reported.pk and before["amount_usd"] == Decimal(1111)
    assert client.post(f"/pledges/{pledge.pk}/edit/", {**posted, "amount": "2000", "version": str(
        pledge.version + 1)}).status_code == 302
    after = stored(pledge)  # a new amount is converted at its date: 0.8 EUR per USD
    assert (after["amount"], after["amount_usd"], after["reported_pledge_id"]) == (
        Decimal(2000), Decimal(2500), reported.pk)


def test_a_flows_page_shows_each_share_as_stored(ledger, users, client_as):
    """A third was shown as "33 %" (three shares adding up to 99 %): the share as stored, in the reader's way."""
    f3 = ledger.f3
    first, second = f3.shares.order_by("pk")
    f3.shares.filter(pk=first.pk).update(percentage=Decimal("33.33"))
    f3.shares.filter(pk=second.pk).update(percentage=Decimal("66.67"))
    page = client_as(users["secretariat"]).get(f"/flows/{f3.pk}/", headers={"accept-language": "es"})
    assert page.status_code == 200
    text = page.content.decode()
    assert ">Colombia</a> (33,33 %); " in text and ">Perú</a> (66,67 %)" in text


# A disbursement paid against a commitment, recorded on the form: the money is counted once.

def test_a_disbursement_recorded_against_a_commitment_on_the_form_is_counted_once(ledger, users, client_as):
    client = client_as(users["secretariat"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    f1 = FundingFlow.objects.get(pk=ledger.f1.pk)  # 600,000 committed, 400,000 of it paid by F2
    funding, disbursed, _kept = public_sums()
    page = client.get(f"/flows/{f1.pk}/").content.decode()
    assert f'href="/flows/new/?commitment={f1.pk}"' in page and f'href="/flows/{ledger.f2.pk}/"' in page
    offered = client.get(f"/flows/new/?commitment={f1.pk}").context["form"]
    assert {name: offered.initial[name] for name in ("stage", "commitment", "provider", "receiver", "country")} == {
        "stage": "disbursement", "commitment": f1, "provider": f1.provider, "receiver": f1.receiver,
        "country": f1.country}
    assert f'<option value="{f1.pk}" selected>{f1.provider} → {f1.receiver} — $600,000.00, Apr 1, 2023<' \
        in offered.as_p()
    in_spanish = client.get(f"/flows/new/?commitment={f1.pk}", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert f"{f1.provider} → {f1.receiver} — 600.000,00\xa0US$, 1 abr 2023<" in in_spanish
    response = client.post("/flows/new/", {
        "stage": "disbursement", "provider": f1.provider_id, "receiver": f1.receiver_id, "commitment": f1.pk,
        "amount": "150000", "currency": "USD", "value_date": "2023-10-02", "country": "COL"})
    assert response.status_code == 302
    paid = FundingFlow.objects.get(amount=150_000)
    assert paid.commitment_id == f1.pk
    publish_flow(paid, users["secretariat"])
    # 150,000 more disbursed, and the same funding: F1's rest is 150,000 less (counted twice before: +150,000).
    assert public_sums() == (funding, disbursed + 150_000, funding)
    assert f'href="/flows/{paid.pk}/"' in client.get(f"/flows/{f1.pk}/").content.decode()
    assert f'href="/flows/{f1.pk}/"' in client.get(f"/flows/{paid.pk}/").content.decode()


def test_a_commitment_is_chosen_for_a_disbursement_of_its_own_donor_only(ledger, users, client_as):
    client = client_as(users["secretariat"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    f1 = FundingFlow.objects.get(pk=ledger.f1.pk)
    before = FundingFlow.all_objects.count()
    post = {"provider": f1.provider_id, "receiver": f1.receiver_id, "commitment": f1.pk, "amount": "10",
            "currency": "USD", "value_date": "2023-10-02", "country": "COL"}
    as_commitment = client.post("/flows/new/", {**post, "stage": "commitment"})
    assert as_commitment.context["form"].errors == {
        "commitment": ["Only a disbursement is made against a commitment."]}
    other_donor = client.post("/flows/new/", {**post, "stage": "disbursement", "provider": org("usaid").pk})
    assert other_donor.context["form"].errors == {"commitment": ["That commitment is another organisation's."]}
    assert FundingFlow.all_objects.count() == before


def test_another_donors_officer_is_offered_neither_the_commitment_nor_its_pay_out_link(ledger, users, client_as):
    f1 = FundingFlow.objects.get(pk=ledger.f1.pk)  # Global Affairs Canada's
    other = User.objects.create_user(username="donor.usa", password="x")
    RoleGrant.objects.create(user=other, role=Role.DONOR_OFFICER, organisation=org("usaid"))
    client = client_as(other)
    assert "?commitment=" not in client.get(f"/flows/{f1.pk}/").content.decode()
    form = client.get(f"/flows/new/?commitment={f1.pk}").context["form"]
    offered = form.fields["commitment"].queryset
    assert (form.initial, f1 in offered, {flow.provider_id for flow in offered}) == ({}, False, {org("usaid").pk})
    own = client_as(users["donor_can"]).get(f"/flows/new/?commitment={f1.pk}").context["form"]
    assert own.initial["commitment"] == f1 and list(own.fields["commitment"].queryset) == [f1]


@pytest.mark.parametrize("given", ["", "abc", "-1", "1.0", "99999999999999999999999", "١"])
def test_a_pay_out_link_with_no_commitment_id_opens_an_empty_form(given, users, client_as):
    response = client_as(users["donor_can"]).get(f"/flows/new/?commitment={given}")
    assert (response.status_code, response.context["form"].initial) == (200, {})
