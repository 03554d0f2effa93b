"""Findings 1 and 6 of issue 8: the API says what is wrong (422 naming the field) where it answered 500 or
wrote what it should have refused."""

import json

import pytest
from django.utils import timezone

from minga.portfolio.models import Project
from minga.reference.models import Organisation
from minga.reference.selectors import organisation_loaded

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
NARRATIVE = f"PQ-COL-{timezone.localdate().year}-0002"  # draft of focal.col
TWENTY_DIGITS = "12345678901234567890"
TOO_LARGE = "Too large: at most 9999999999999999.99."


def send(client, method, url, payload, headers):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json", headers=headers)


def get_refused(client, url):
    # Refused before use: the exact 422 below is the proof (timings belong in bench/).
    return client.get(url, headers=ENGLISH)


# --- Finding 1: numbers in query strings -------------------------------------------------------

@pytest.mark.parametrize(("query", "detail"), [
    ("gap_min=1e999990&gap_max=1e999990", {"gap_min": [TOO_LARGE]}),
    ("gap_max=1e999999", {"gap_max": [TOO_LARGE]}),
    ("gap_min=0.001", {"gap_min": ["At most 2 decimal places."]}),
    ("gap_min=" + "9" * 41, {"gap_min": ["String should have at most 40 characters"]}),
    (f"offset={TWENTY_DIGITS}", {"offset": ["Input should be less than or equal to 2147483647"]}),
    (f"offset={TWENTY_DIGITS}0", {"offset": ["Input should be less than or equal to 2147483647"]}),
    ("limit=101", {"limit": ["Input should be less than or equal to 100"]}),
    ("limit=0", {"limit": ["Input should be greater than or equal to 1"]}),
    (f"limit={TWENTY_DIGITS}", {"limit": ["Input should be less than or equal to 100"]}),
])
def test_the_project_list_refuses_a_number_out_of_bounds_with_a_422_naming_it(client, query, detail):
    response = get_refused(client, f"/api/v1/projects?{query}")
    assert (response.status_code, response.json()) == (422, {"detail": detail})


@pytest.mark.parametrize("path", ["/api/v1/organisations", "/api/v1/population-figures"])
def test_every_paged_list_bounds_limit_and_offset(client, path):
    response = get_refused(client, f"{path}?offset={TWENTY_DIGITS}&limit=1000")
    assert (response.status_code, response.json()) == (422, {"detail": {
        "limit": ["Input should be less than or equal to 100"],
        "offset": ["Input should be less than or equal to 2147483647"]}})
    assert get_refused(client, f"{path}?offset=2147483647&limit=100").json()["items"] == []


def test_an_organisation_id_beyond_any_integer_is_422_and_one_that_is_no_number_a_json_404(client):
    response = get_refused(client, f"/api/v1/organisations/{TWENTY_DIGITS}")
    assert (response.status_code, response.json()) == (
        422, {"detail": {"organisation_id": ["Input should be less than or equal to 2147483647"]}})
    response = get_refused(client, "/api/v1/organisations/abc")
    assert (response.status_code, response["Content-Type"], response.json()) == (
        404, "application/json; charset=utf-8", {"detail": "Not found."})


# --- Finding 6: bodies the API answered with 500, or wrote while it should not have ----------

def new_project(**changes) -> dict:
    payload = {
        "title_es": "Rutas de protección en Arauca", "proposing_organisation": organisation_loaded("gov-col").pk,
        "themes": [{"vocabulary": "quito-axes", "code": "child-protection", "percentage": 100}],
        "people_total": 500,
        "people": [{"dimension": "population_group", "category": "refugees_migrants", "people": 500}],
        "participants": [{"organisation": "XM-DAC-41121", "role": "4"}],
    }
    payload.update(changes)
    return payload


@pytest.mark.parametrize(("changes", "detail"), [
    ({"themes": [{"vocabulary": "quito-axes", "code": "child-protection", "percentage": 100},
                 {"vocabulary": "quito-axes", "code": "child-protection", "percentage": 100}]},
     {"themes[2]": ["This theme is listed twice."]}),
    ({"people_total": 1000,
      "people": [{"dimension": "population_group", "category": "refugees_migrants", "people": 500},
                 {"dimension": "population_group", "category": "refugees_migrants", "people": 500}]},
     {"people[2]": ["This category is listed twice."]}),
    ({"participants": [{"organisation": "XM-DAC-41121", "role": "4"}, {"organisation": "XM-DAC-41121", "role": "4"}]},
     {"participants[2]": ["This organisation is listed twice in this role."]}),
    ({"budget_amount": 1e308, "budget_currency": "COP", "budget_value_date": "2026-05-01"},
     {"budget_amount": ["Input should be less than or equal to 9999999999999999.99"]}),
    ({"budget_amount": "1e999999", "budget_currency": "COP", "budget_value_date": "2026-05-01"},
     {"budget_amount": ["Input should be less than or equal to 9999999999999999.99"]}),
    ({"budget_years": [{"year": 2026, "amount": 1e308}]},
     {"budget_years[1].amount": ["Input should be less than or equal to 9999999999999999.99"]}),
    ({"people_total": 10**30}, {"people_total": ["Input should be less than or equal to 2147483647"]}),
    # An organisation number beyond the database's integers (was an OverflowError), or of thousands of digits.
    ({"proposing_organisation": 10**20}, {"proposing_organisation": [
        "Unknown organisation “100000000000000000000”: give its number or its IATI identifier."]}),
    ({"participants": [{"organisation": "9" * 5000, "role": "4"}]}, {"participants[1].organisation": [
        f"Unknown organisation “{'9' * 5000}”: give its number or its IATI identifier."]}),
    ({"status": "published", "is_public": True, "code": "PQ-COL-2026-9999"}, {
        "status": ["This field cannot be set here: it is read-only or unknown."],
        "is_public": ["This field cannot be set here: it is read-only or unknown."],
        "code": ["This field cannot be set here: it is read-only or unknown."]}),
])
def test_a_create_that_cannot_be_stored_is_422_naming_the_field_and_stores_nothing(client, token_of, changes,
                                                                                    detail):
    before = Project.all_objects.count()
    response = send(client, "post", "/api/v1/projects", new_project(**changes), token_of("focal_col"))
    assert (response.status_code, response.json()) == (422, {"detail": detail})
    assert Project.all_objects.count() == before


@pytest.mark.parametrize("changes", [
    {"status": "published"}, {"is_public": True}, {"code": "PQ-COL-2026-9999"}, {"country": "PER"},
    {"created_at": "2020-01-01T00:00:00Z"}, {"gap_usd": "1"},
])
def test_a_patch_with_a_read_only_field_is_422_naming_it_and_writes_no_version(client, token_of, changes):
    draft = Project.objects.get(code=NARRATIVE)
    history = draft.history.count()
    response = send(client, "patch", f"/api/v1/projects/{NARRATIVE}",
                    {"version": draft.version, "title_en": "Changed", **changes}, token_of("focal_col"))
    assert (response.status_code, response.json()) == (422, {"detail": {
        name: ["This field cannot be set here: it is read-only or unknown."] for name in changes}})
    stored = Project.objects.get(code=NARRATIVE)
    assert (stored.version, stored.title_en, stored.status, stored.history.count()) == (
        draft.version, draft.title_en, draft.status, history)


def test_a_patch_with_duplicate_themes_is_422_and_writes_nothing(client, token_of):
    draft = Project.objects.get(code=NARRATIVE)
    themes = [{"vocabulary": "quito-axes", "code": "education", "percentage": 100}] * 2
    response = send(client, "patch", f"/api/v1/projects/{NARRATIVE}", {"version": draft.version, "themes": themes},
                    token_of("focal_col"))
    assert (response.status_code, response.json()) == (422, {"detail": {"themes[2]": ["This theme is listed twice."]}})
    stored = Project.objects.get(code=NARRATIVE)
    assert (stored.version, [t.term.code for t in stored.themes.all()]) == (
        draft.version, [t.term.code for t in draft.themes.all()])


@pytest.mark.parametrize("changes", [{"is_illustrative": True}, {"id": 1}, {"roles": []}, {"municipality": "x"}])
def test_an_organisation_patch_with_a_read_only_field_is_422_naming_it_and_writes_no_version(client, token_of,
                                                                                             changes):
    gov_col = organisation_loaded("gov-col")
    history = gov_col.history.count()
    response = send(client, "patch", f"/api/v1/organisations/{gov_col.pk}",
                    {"version": gov_col.version, "acronym": "GdC", **changes}, token_of("focal_col"))
    assert (response.status_code, response.json()) == (422, {"detail": {
        name: ["This field cannot be set here: it is read-only or unknown."] for name in changes}})
    stored = Organisation.objects.get(pk=gov_col.pk)
    assert (stored.version, stored.acronym, stored.history.count()) == (gov_col.version, gov_col.acronym, history)
