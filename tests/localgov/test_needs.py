"""Issue 12: a local-government officer writes the needs statements of their own local government, and is
refused for another one, on the page and through the API; every change is kept in the history."""

import json
import re
from decimal import Decimal

import pytest

from minga.accounts.services import api_token_create
from minga.localgov.models import NeedsStatement
from minga.reference.models import Organisation, Term
from tests.codes import YEAR

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


@pytest.fixture
def cucuta():
    return Organisation.objects.get(load_key="organisation:demo-cucuta")


@pytest.fixture
def tulcan():
    return Organisation.objects.get(load_key="organisation:demo-tulcan")


@pytest.fixture
def education():
    return Term.objects.get(vocabulary_id="quito-axes", code="education")


def _form(theme, **extra):
    return {"theme": theme.pk, "description": "  Aulas de acogida para 300 niñas y niños  ",
            "estimated_cost": "45000", "currency": "USD", "status": "seeking_funding", **extra}


def test_officer_adds_a_needs_statement_for_their_own_local_government_on_the_page(
        client_as, users, cucuta, education):
    client = client_as(users["local_cucuta"])
    before = NeedsStatement.objects.count()

    response = client.post(f"/local-governments/{cucuta.pk}/needs/new/", _form(education))

    assert response.status_code == 302
    need = NeedsStatement.objects.latest("pk")
    assert response["Location"] == f"/local-governments/{cucuta.pk}/#need-{need.pk}"
    assert NeedsStatement.objects.count() == before + 1
    assert (need.organisation, need.theme, need.description, need.estimated_cost, need.currency, need.status,
            need.version) == (cucuta, education, "Aulas de acogida para 300 niñas y niños", Decimal("45000.00"),
                              "USD", "seeking_funding", 1)
    assert [(h.history_type, h.history_user.username) for h in need.history.all()] == [("+", "cucuta")]


def test_officer_is_refused_for_another_local_government_on_the_page(client_as, users, tulcan, education):
    client = client_as(users["local_cucuta"])
    before = NeedsStatement.objects.count()

    assert client.get(f"/local-governments/{tulcan.pk}/needs/new/").status_code == 403
    assert client.post(f"/local-governments/{tulcan.pk}/needs/new/", _form(education)).status_code == 403
    assert NeedsStatement.objects.count() == before


def test_the_form_names_the_currency_by_its_name_and_refuses_a_cost_without_currency(
        client_as, users, cucuta, education, english):
    client = client_as(users["local_cucuta"])
    page = client.get(f"/local-governments/{cucuta.pk}/needs/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="COP">Colombian Peso (COP)</option>' in page
    before = NeedsStatement.objects.count()

    response = client.post(f"/local-governments/{cucuta.pk}/needs/new/", _form(education, currency=""),
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "Choose the currency of the estimated cost." in response.content.decode()
    assert NeedsStatement.objects.count() == before


def test_officer_edits_their_statement_and_the_history_keeps_both_versions(client_as, users, cucuta, english):
    need = NeedsStatement.objects.get(load_key="need:demo-cucuta:1")
    client = client_as(users["local_cucuta"])

    response = client.post(f"/local-governments/needs/{need.pk}/edit/", {
        "version": need.version, "theme": need.theme_id, "description": need.description,
        "estimated_cost": "900000000", "currency": "COP", "status": "partly_funded"})

    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.estimated_cost, need.status, need.version) == (Decimal("900000000.00"), "partly_funded", 2)
    assert [h.status for h in need.history.order_by("history_id")] == ["seeking_funding", "partly_funded"]


def test_officer_cannot_edit_another_local_governments_statement(client_as, users):
    need = NeedsStatement.objects.get(load_key="need:demo-tulcan:2")
    response = client_as(users["local_cucuta"]).post(f"/local-governments/needs/{need.pk}/edit/", {
        "version": need.version, "theme": need.theme_id, "description": "changed", "status": "closed"})
    assert response.status_code == 403
    need.refresh_from_db()
    assert (need.description.startswith("Espacio amigable"), need.version) == (True, 1)


@pytest.fixture
def api(client, users):
    _, key = api_token_create(user=users["local_cucuta"], name="tests")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def post(path, body):
        return client.post(path, data=json.dumps(body), content_type="application/json", **headers)
    return post


def test_officer_adds_a_needs_statement_for_their_own_local_government_through_the_api(api, cucuta):
    response = api(f"/api/v1/local-governments/{cucuta.pk}/needs", {
        "theme": "education", "description": "Aulas de acogida", "estimated_cost": "45000", "currency": "USD",
        "status": "seeking_funding"})

    assert response.status_code == 201
    need = NeedsStatement.objects.latest("pk")
    assert response.json() == {"id": need.pk, "organisation": cucuta.pk, "theme": "education",
                               "description": "Aulas de acogida", "estimated_cost": "45000.00", "currency": "USD",
                               "status": "seeking_funding", "is_illustrative": False, "version": 1}


def test_officer_is_refused_for_another_local_government_through_the_api(api, tulcan, english):
    before = NeedsStatement.objects.count()
    response = api(f"/api/v1/local-governments/{tulcan.pk}/needs", {
        "theme": "education", "description": "Aulas", "status": "identified"})
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not create this record (needs statement)."}
    assert NeedsStatement.objects.count() == before


def test_api_refuses_an_unknown_theme_and_a_field_it_does_not_take(api, cucuta):
    before = NeedsStatement.objects.count()
    unknown = api(f"/api/v1/local-governments/{cucuta.pk}/needs", {"theme": "nope", "description": "x"})
    extra = api(f"/api/v1/local-governments/{cucuta.pk}/needs", {"theme": "education", "description": "x",
                                                                   "organisation": 1})
    assert (unknown.status_code, unknown.json()) == (422, {"detail": {"theme": ["Unknown theme: 'nope'."]}})
    assert extra.status_code == 422
    assert list(extra.json()["detail"]) == ["organisation"]
    assert NeedsStatement.objects.count() == before


def test_the_public_reads_the_statements_of_a_local_government(client, tulcan):
    response = client.get(f"/api/v1/local-governments/{tulcan.pk}/needs")
    need = NeedsStatement.objects.get(load_key="need:demo-tulcan:2")
    assert response.json() == [{"id": need.pk, "organisation": tulcan.pk, "theme": "child-protection",
                                "description": need.description, "estimated_cost": "120000.00", "currency": "USD",
                                "status": "identified", "is_illustrative": True, "version": 1}]


def test_the_profile_shows_territory_needs_and_projects(client, cucuta, english):
    response = client.get(f"/local-governments/{cucuta.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = text_of(response)
    assert response.status_code == 200
    assert "Territory San José de Cúcuta CO54001 , Norte de Santander, Colombia" in text
    assert ("Needs statements Orientation and temporary reception centres illustrative seeking funding Ampliar el "
            "centro de orientación del terminal de transporte (ejemplo). Estimated cost: COP850,000,000 Projects it "
            f"proposes (1) PQ-COL-{YEAR}-0001 Reception and first-response centres") in text
    assert "Sign in to see the officers who answer for this local government." in text
    assert "Add a needs statement" not in text


def test_a_non_local_government_has_no_profile(client):
    gov = Organisation.objects.get(load_key="organisation:gov-col")
    assert client.get(f"/local-governments/{gov.pk}/").status_code == 404
