"""The donor officer's pages: who may open them, what a post stores, what a refusal says."""

from decimal import Decimal

import pytest

from minga.accounts.models import Role, RoleGrant, User
from minga.finance.tracking import FundingFlow, TrackedPledge
from minga.portfolio.models import Project
from minga.reference.models import Organisation, Source

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
