"""Issue 8, finding 2: scope covers the country as well as the organisation tree.

A local-government officer acts in their own country only; a donor officer's units may sit anywhere (an
embassy), but one in a member state awaits the secretariat's approval, and an organisation awaiting approval
proposes no project: not through the API, the form or the bulk upload, and not for the secretariat either.
"""

import json
from datetime import datetime
from io import BytesIO

import lxml.html
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from minga.accounts import permissions
from minga.accounts.models import User
from minga.accounts.services import api_token_create
from minga.portfolio import services
from minga.portfolio.models import Project, Status
from minga.reference import services as reference_services
from minga.reference.models import Organisation
from tests.portfolio.test_bulk import filled

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HELD = ("The proposing organisation awaits the secretariat's approval: no project can be proposed or changed "
        "for it until then.")


@pytest.fixture
def token_of(users):
    """Authorization headers of a fresh API token of a demo user, asking for answers in English."""

    def make(role: str) -> dict:
        return {"authorization": f"Bearer {api_token_create(user=users[role], name='tests')[1]}",
                "accept-language": "en"}

    return make


def loaded(key: str) -> Organisation:
    return Organisation.objects.get(load_key=f"organisation:{key}")


def send(client, method, url, payload, headers):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json", headers=headers)


def lima_office(**changes) -> dict:
    return {"name": "Oficina de Cúcuta en Lima", "organisation_type": "11", "country": "PER",
            "parent": loaded("demo-cucuta").pk, **changes}


def a_project(organisation: Organisation) -> dict:
    return {"title_es": "Atención en Lima", "proposing_organisation": organisation.pk,
            "locations": [{"country": organisation.country_id, "percentage": 100}]}


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # grants (and the organisation tree under them) are read once per user


# --- The local-government officer stays in their country ------------------------------------------

@pytest.mark.parametrize("changes", [{}, {"subdivision": "PE-LMA"}, {"parent": None}],
                         ids=["under-cucuta", "under-cucuta-in-lima", "unplaced"])
def test_the_cucuta_officer_cannot_create_an_organisation_in_peru_through_the_api(client, token_of, changes):
    before = Organisation.all_objects.count()
    response = send(client, "post", "/api/v1/organisations", lima_office(**changes), token_of("local_cucuta"))
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not create this record (organisation)."}
    assert Organisation.all_objects.count() == before


def test_the_cucuta_officer_still_creates_a_unit_in_colombia(client, token_of):
    response = send(client, "post", "/api/v1/organisations",
                    lima_office(name="Oficina de enlace", country="COL"), token_of("local_cucuta"))
    assert response.status_code == 201
    assert (response.json()["country"], response.json()["awaiting_approval"]) == ("COL", False)


def test_the_cucuta_officer_cannot_move_a_unit_of_theirs_to_peru(client, token_of, users):
    unit = reference_services.organisation_create(user=users["local_cucuta"], fields={
        "name": "Oficina de enlace", "organisation_type": "11", "country": loaded("gov-col").country,
        "parent": loaded("demo-cucuta")})
    response = send(client, "patch", f"/api/v1/organisations/{unit.pk}", {"version": unit.version, "country": "PER"},
                    token_of("local_cucuta"))
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not change this record (organisation)."}
    unit.refresh_from_db()
    assert (unit.country_id, unit.version) == ("COL", 1)


def test_an_old_unit_of_the_officer_abroad_gives_them_nothing_there(users):
    """A unit placed in Peru before the rule (by the secretariat, say) stays out of the officer's reach."""
    abroad = Organisation.objects.create(name="Oficina de Cúcuta en Lima", organisation_type="11",
                                         country_id="PER", parent=loaded("demo-cucuta"), load_key="test:lima")
    officer = fresh(users["local_cucuta"])
    assert permissions.can(officer, "change", abroad) is False
    assert permissions.can(officer, "create", Project(proposing_organisation=abroad, country_id="PER",
                                                      status=Status.DRAFT)) is False
    assert "test:lima" not in set(permissions.editable(officer, Organisation.objects.all())
                                  .values_list("load_key", flat=True))
    with pytest.raises(PermissionDenied), translation.override("en"):
        services.project_create(user=officer, data={"title_es": "Atención en Lima", "proposing_organisation": abroad})
    assert not Project.objects.filter(country_id="PER", title_es="Atención en Lima").exists()


# --- The donor officer: units anywhere, but in a member state they await approval ------------------

def test_a_donor_officers_organisation_in_a_member_state_awaits_approval_and_proposes_nothing(
        client, token_of, users):
    response = send(client, "post", "/api/v1/organisations",
                    {"name": "Ministerio peruano", "organisation_type": "10", "country": "PER",
                     "parent": loaded("gov-can").pk}, token_of("donor_can"))
    assert response.status_code == 201
    assert response.json()["awaiting_approval"] is True
    ministry = Organisation.objects.get(pk=response.json()["id"])
    before = Project.all_objects.count()
    # Neither Peru's focal point nor the secretariat proposes for it through the API ...
    for role in ("focal_per", "secretariat"):
        refused = send(client, "post", "/api/v1/projects", a_project(ministry), token_of(role))
        assert (refused.status_code, refused.json()) == (403, {"detail": HELD}), role
    assert Project.all_objects.count() == before
    # ... once the secretariat approves it, Peru's focal point may.
    reference_services.organisation_approve(organisation=ministry, user=users["secretariat"],
                                            expected_version=ministry.version)
    created = send(client, "post", "/api/v1/projects", a_project(ministry), token_of("focal_per"))
    assert created.status_code == 201
    assert created.json()["proposing_organisation"]["id"] == ministry.pk


def test_a_donor_officers_unit_outside_the_member_states_needs_no_approval(client, token_of):
    response = send(client, "post", "/api/v1/organisations",
                    {"name": "Division des Amériques", "organisation_type": "10", "country": "CAN",
                     "parent": loaded("gov-can").pk}, token_of("donor_can"))
    assert (response.status_code, response.json()["awaiting_approval"]) == (201, False)


def test_a_donor_officers_change_in_a_member_state_goes_back_to_the_secretariat(users):
    embassy = Organisation.objects.create(name="Embajada de Canadá en Perú", organisation_type="10",
                                          country_id="PER", parent=loaded("gov-can"), load_key="test:embassy")
    donor = fresh(users["donor_can"])
    changed = reference_services.organisation_update(organisation=embassy, user=donor,
                                                     changes={"website": "https://example.org/"}, expected_version=1)
    assert changed.awaiting_approval is True
    # Peru's focal point edits it too (their country), and leaves the secretariat's decision where it is.
    again = reference_services.organisation_update(organisation=changed, user=users["focal_per"],
                                                   changes={"acronym": "ECP"}, expected_version=changed.version)
    assert again.awaiting_approval is True


@pytest.mark.parametrize("role", ["focal_per", "local_cucuta", "donor_can", "observer"])
def test_only_the_secretariat_approves(users, role):
    ministry = Organisation.objects.create(name="Ministerio peruano", organisation_type="10", country_id="PER",
                                           parent=loaded("gov-can"), awaiting_approval=True)
    with pytest.raises(PermissionDenied):
        reference_services.organisation_approve(organisation=ministry, user=fresh(users[role]), expected_version=1)
    ministry.refresh_from_db()
    assert (ministry.awaiting_approval, ministry.version) == (True, 1)


def test_the_secretariat_approves_from_the_organisation_page(client_as, users):
    ministry = Organisation.objects.create(name="Ministerio peruano", organisation_type="10", country_id="PER",
                                           parent=loaded("gov-can"), awaiting_approval=True)
    url = reverse("reference:organisation_approve", args=[ministry.pk])
    page = client_as(users["focal_per"]).get(ministry.get_absolute_url()).content.decode()
    assert 'data-testid="awaiting-approval"' in page and url not in page
    assert client_as(users["focal_per"]).post(url, {"version": 1}).status_code == 403
    secretariat = client_as(users["secretariat"])
    assert url in secretariat.get(ministry.get_absolute_url()).content.decode()
    assert secretariat.post(url, {"version": 1}).status_code == 302
    ministry.refresh_from_db()
    assert (ministry.awaiting_approval, ministry.version) == (False, 2)


# --- An organisation awaiting approval is not offered in the form or the bulk template, nor accepted ---

@pytest.fixture
def ministry(users):
    return Organisation.objects.create(name="Ministerio peruano", organisation_type="10", country_id="PER",
                                       parent=loaded("gov-can"), awaiting_approval=True, load_key="test:ministry")


def test_the_form_offers_no_organisation_awaiting_approval_and_refuses_one_sent(client_as, users, ministry):
    for role in ("focal_per", "secretariat"):
        client = client_as(users[role])
        page = client.get("/projects/new/")
        offered = lxml.html.fromstring(page.content.decode()).xpath(
            '//select[@name="proposing_organisation"]/option/@value')
        assert str(ministry.pk) not in offered, role
        assert str(loaded("gov-per").pk) in offered, role
    before = Project.all_objects.count()
    client = client_as(users["focal_per"])
    form = dict(lxml.html.fromstring(client.get("/projects/new/").content.decode())
                .xpath('//form[@data-testid="step-form"]')[0].form_values())
    response = client.post("/projects/new/", {**form, "proposing_organisation": ministry.pk,
                                              "title_es": "Atención en Lima", "after": "next"})
    assert response.status_code == 200
    assert Project.all_objects.count() == before


def test_the_bulk_upload_refuses_an_organisation_awaiting_approval(client_as, users, ministry):
    client = client_as(users["focal_per"])
    lists = openpyxl.load_workbook(BytesIO(client.get(reverse("portfolio:bulk_template")).content))["Lists"]
    gov_per = loaded("gov-per")  # the only organisation of Peru offered: not the ministry awaiting approval
    assert [cell.value for cell in lists["A"][1:] if cell.value] == [f"{gov_per.name} [{gov_per.pk}]"]
    client.cookies["minga_language"] = "en"
    response = client.post(reverse("portfolio:bulk_upload"), {"file": filled(client, {2: {
        "title_es": "Atención en Lima", "proposing_organisation": f"{ministry.name} [{ministry.pk}]",
        "planned_start": datetime(2026, 4, 1), "countries": "PER"}})})
    assert [str(error) for error in response.context["errors"]] == [
        "Row 2, Proposing organisation: You may not propose projects for “Ministerio peruano”."]
    assert not Project.all_objects.filter(title_es="Atención en Lima").exists()


def test_a_project_of_an_organisation_put_back_to_approval_is_held_for_everyone(users):
    project = Project.objects.get(code__startswith="PQ-COL-", proposing_organisation__load_key="organisation:gov-col",
                                  status=Status.DRAFT)
    Organisation.objects.filter(load_key="organisation:gov-col").update(awaiting_approval=True)
    project = Project.objects.get(pk=project.pk)
    for role in ("secretariat", "focal_col"):
        user = fresh(users[role])
        assert permissions.can(user, "change", project) is False, role
        assert permissions.allowed_transitions(user, project) == [], role
        assert project.code not in set(permissions.editable(user, Project.objects.all())
                                       .values_list("code", flat=True)), role
    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        permissions.require(users["focal_col"], "change", project)
    assert str(refused.value) == HELD
