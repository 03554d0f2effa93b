"""The JSON API under /api/v1/: public reads, reads by role with a bearer token, writes with versions."""

import json

import pytest
from django.utils import timezone

from minga.accounts.services import api_token_create, api_token_revoke
from minga.audit.services import record_soft_delete
from minga.reference.models import Organisation, PopulationFigure
from minga.reference.selectors import organisation_loaded

pytestmark = pytest.mark.django_db

MEMBER_STATES = ["ARG", "BRA", "CHL", "COL", "CRI", "DOM", "ECU", "GUY", "MEX", "PAN", "PER", "PRY", "URY"]
NSA_DRAFT = "figure:CO-NSA:refugees_migrants:2024-06-30:illustrative"
ENGLISH = {"accept-language": "en"}


def patch(client, organisation_id, payload, headers=None):
    return client.patch(f"/api/v1/organisations/{organisation_id}", data=json.dumps(payload),
                        content_type="application/json", headers=headers or ENGLISH)


def post(client, payload, headers=None):
    return client.post("/api/v1/organisations", data=json.dumps(payload), content_type="application/json",
                       headers=headers or ENGLISH)


# --- Public reads ----------------------------------------------------------------------------

def test_member_states_are_exactly_the_thirteen(client):
    response = client.get("/api/v1/countries?member_state=true")
    assert response.status_code == 200
    assert [country["iso3"] for country in response.json()] == MEMBER_STATES


def test_country_detail_lists_its_subdivisions(client):
    response = client.get("/api/v1/countries/col")
    assert response.status_code == 200
    body = response.json()
    assert (body["iso3"], body["name_en"], body["is_member_state"]) == ("COL", "Colombia", True)
    santander = next(unit for unit in body["subdivisions"] if unit["code"] == "CO-NSA")
    assert santander == {"code": "CO-NSA", "country": "COL", "parent": None, "name": "Norte de Santander",
                         "category": santander["category"], "is_admin1": True,
                         "has_geometry": santander["has_geometry"]}
    assert {unit["country"] for unit in body["subdivisions"]} == {"COL"}


def test_unknown_country_is_a_json_404(client):
    response = client.get("/api/v1/countries/XXX")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json; charset=utf-8")
    assert response.json() == {"detail": "Not found."}


def test_openapi_schema_is_valid_json_with_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"] == {"title": "Minga API", "version": "1", "description": schema["info"]["description"]}
    assert set(schema["paths"]) == {
        "/api/v1/conferences", "/api/v1/countries", "/api/v1/countries/{iso3}", "/api/v1/markers", "/api/v1/me",
        "/api/v1/organisations", "/api/v1/organisations/{organisation_id}", "/api/v1/population-figures",
        "/api/v1/subdivisions", "/api/v1/vocabularies", "/api/v1/vocabularies/{code}/terms",
        "/api/v1/projects", "/api/v1/projects/{code}", "/api/v1/projects/{code}/transitions",
        "/api/v1/narrative/check", "/api/v1/funding", "/api/v1/process/meetings", "/api/v1/process/documents",
        "/api/v1/local-governments/{organisation_id}/needs", "/api/v1/needs/{need_id}",
        "/api/v1/capacity/coverage",
        "/api/v1/services", "/api/v1/services/{service_id}",
        "/api/v1/results/projects/{code}", "/api/v1/results/countries/{iso3}"}
    assert set(schema["paths"]["/api/v1/organisations/{organisation_id}"]) == {"get", "patch"}


def test_deleted_organisation_is_not_found(client, users):
    deleted = record_soft_delete(instance=organisation_loaded("gov-col"), user=users["secretariat"])
    response = client.get(f"/api/v1/organisations/{deleted.pk}")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


# --- Population figures by role --------------------------------------------------------------

def figure_ids(response) -> set[int]:
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def test_anonymous_sees_only_published_figures(client):
    draft = PopulationFigure.objects.get(load_key=NSA_DRAFT)
    published = set(PopulationFigure.objects.filter(is_published=True).values_list("pk", flat=True))
    ids = figure_ids(client.get("/api/v1/population-figures"))
    assert ids == published
    assert draft.pk not in ids and len(ids) == 25


def test_colombia_focal_points_token_also_sees_the_unpublished_colombian_figure(client, token_of):
    draft = PopulationFigure.objects.get(load_key=NSA_DRAFT)
    published = set(PopulationFigure.objects.filter(is_published=True).values_list("pk", flat=True))
    assert figure_ids(client.get("/api/v1/population-figures", headers=token_of("focal_col"))) == published | {
        draft.pk}


def test_peru_focal_points_token_does_not_see_the_unpublished_colombian_figure(client, token_of):
    published = set(PopulationFigure.objects.filter(is_published=True).values_list("pk", flat=True))
    assert figure_ids(client.get("/api/v1/population-figures", headers=token_of("focal_per"))) == published


def test_signed_in_session_reads_like_a_token(client_as, users):
    draft = PopulationFigure.objects.get(load_key=NSA_DRAFT)
    response = client_as(users["observer"]).get("/api/v1/population-figures?country=col")
    assert draft.pk in figure_ids(response)
    assert {item["country"] for item in response.json()["items"]} == {"COL"}


def test_invalid_token_is_refused_with_401_even_for_a_public_read(client):
    response = client.get("/api/v1/population-figures", headers={"authorization": "Bearer mg_not-a-token"})
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid, revoked or missing API token."})


def test_revoked_token_is_refused_with_401(client, users):
    token, key = api_token_create(user=users["focal_col"], name="script")
    api_token_revoke(token=token, user=users["focal_col"])
    response = client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"})
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid, revoked or missing API token."})


def test_token_of_an_inactive_user_is_refused_with_401(client, users):
    _, key = api_token_create(user=users["focal_col"], name="script")
    users["focal_col"].is_active = False
    users["focal_col"].save()
    response = client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_using_a_token_records_when_it_was_last_used(client, users):
    token, key = api_token_create(user=users["observer"], name="script")
    assert token.last_used_at is None
    before = timezone.now()
    assert client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).status_code == 200
    token.refresh_from_db()
    assert before <= token.last_used_at <= timezone.now()


# --- /me -------------------------------------------------------------------------------------

def test_me_shows_the_roles_of_the_tokens_user(client, token_of):
    response = client.get("/api/v1/me", headers=token_of("focal_col"))
    assert response.json() == {"username": "focal.col", "authenticated": True,
                               "roles": [{"role": "country_focal_point", "country": "COL", "organisation": None}]}


def test_me_shows_the_organisation_of_a_donor_officer(client, token_of):
    response = client.get("/api/v1/me", headers=token_of("donor_can"))
    assert response.json()["roles"] == [
        {"role": "donor_officer", "country": None, "organisation": organisation_loaded("gov-can").pk}]


def test_me_anonymous_has_no_roles(client):
    assert client.get("/api/v1/me").json() == {"username": "", "authenticated": False, "roles": []}


# --- PATCH /organisations/{id} ---------------------------------------------------------------

def test_patch_without_token_is_401_and_changes_nothing(client):
    gov_col = organisation_loaded("gov-col")
    response = patch(client, gov_col.pk, {"version": gov_col.version, "acronym": "GdC"})
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid, revoked or missing API token."})
    assert Organisation.objects.get(pk=gov_col.pk).acronym == ""


def test_patch_with_only_a_session_is_401(client_as, users):
    gov_col = organisation_loaded("gov-col")
    response = patch(client_as(users["secretariat"]), gov_col.pk, {"version": gov_col.version, "acronym": "GdC"})
    assert response.status_code == 401
    assert Organisation.objects.get(pk=gov_col.pk).acronym == ""


def test_focal_point_patches_a_colombian_organisation(client, token_of, users):
    gov_col = organisation_loaded("gov-col")
    version = gov_col.version
    response = patch(client, gov_col.pk, {"version": version, "acronym": "GdC", "reason": "acronym"},
                     token_of("focal_col"))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["version"], body["acronym"], body["country"]) == (gov_col.pk, version + 1, "GdC", "COL")
    stored = Organisation.objects.get(pk=gov_col.pk)
    assert (stored.acronym, stored.version) == ("GdC", version + 1)
    last = stored.history.first()
    assert (last.history_user, last.history_change_reason) == (users["focal_col"], "acronym")


def test_patch_with_a_stale_version_is_409_and_changes_nothing(client, token_of):
    gov_col = organisation_loaded("gov-col")
    version = gov_col.version
    assert patch(client, gov_col.pk, {"version": version, "acronym": "GdC"}, token_of("secretariat")).status_code == 200
    response = patch(client, gov_col.pk, {"version": version, "acronym": "XX", "website": "https://example.org"},
                     token_of("focal_col"))
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"This record was changed by someone else (you edited version {version}, it is now at version "
                  f"{version + 1}). Nothing was saved: reload it and apply your changes again.",
        "current_version": version + 1}
    stored = Organisation.objects.get(pk=gov_col.pk)
    assert (stored.acronym, stored.website, stored.version) == ("GdC", "", version + 1)


def test_focal_point_cannot_patch_a_peruvian_organisation(client, token_of):
    gov_per = organisation_loaded("gov-per")
    response = patch(client, gov_per.pk, {"version": gov_per.version, "acronym": "X"}, token_of("focal_col"))
    # Organisations are public, so the record is found and the edit refused (403, not 404).
    assert (response.status_code, response.json()) == (
        403, {"detail": "You may not change this record (organisation)."})
    stored = Organisation.objects.get(pk=gov_per.pk)
    assert (stored.acronym, stored.version) == (gov_per.acronym, gov_per.version)


def test_focal_point_cannot_move_an_organisation_to_another_country(client, token_of):
    gov_col = organisation_loaded("gov-col")
    response = patch(client, gov_col.pk, {"version": gov_col.version, "country": "PER"}, token_of("focal_col"))
    assert response.status_code == 403
    assert Organisation.objects.get(pk=gov_col.pk).country_id == "COL"


def test_patch_with_an_unknown_country_code_is_422_naming_the_field(client, token_of):
    gov_col = organisation_loaded("gov-col")
    response = patch(client, gov_col.pk, {"version": gov_col.version, "country": "XYZ"}, token_of("focal_col"))
    assert (response.status_code, response.json()) == (
        422, {"detail": {"country": ["Unknown ISO 3166-1 alpha-3 code: 'XYZ'."]}})
    stored = Organisation.objects.get(pk=gov_col.pk)
    assert (stored.country_id, stored.version) == ("COL", gov_col.version)


def test_patch_with_a_subdivision_of_another_country_is_422_naming_the_field(client, token_of):
    gov_col = organisation_loaded("gov-col")
    response = patch(client, gov_col.pk, {"version": gov_col.version, "subdivision": "PE-LMA"},
                     token_of("secretariat"))
    assert (response.status_code, list(response.json()["detail"])) == (422, ["subdivision"])
    stored = Organisation.objects.get(pk=gov_col.pk)
    assert (stored.subdivision_id, stored.version) == (None, gov_col.version)


def test_patch_without_a_version_is_422(client, token_of):
    gov_col = organisation_loaded("gov-col")
    response = patch(client, gov_col.pk, {"acronym": "GdC"}, token_of("focal_col"))
    assert response.status_code == 422
    # Schema errors come in the API's one shape, by field path (finding 6 of issue 8).
    assert response.json() == {"detail": {"version": ["Field required"]}}
    assert Organisation.objects.get(pk=gov_col.pk).acronym == ""


def test_patch_of_an_unknown_or_deleted_organisation_is_404(client, token_of, users):
    deleted = record_soft_delete(instance=organisation_loaded("gov-col"), user=users["secretariat"])
    headers = token_of("focal_col")
    assert patch(client, deleted.pk, {"version": deleted.version, "acronym": "X"}, headers).status_code == 404
    assert patch(client, 10**9, {"version": 1, "acronym": "X"}, headers).status_code == 404


def test_observer_token_cannot_patch(client, token_of):
    gov_col = organisation_loaded("gov-col")
    response = patch(client, gov_col.pk, {"version": gov_col.version, "acronym": "X"}, token_of("observer"))
    assert response.status_code == 403


# --- POST /organisations ---------------------------------------------------------------------

def test_focal_point_creates_an_organisation_with_201(client, token_of, users):
    response = post(client, {"name": "Fundación Ejemplo", "organisation_type": "22", "country": "col",
                             "subdivision": "co-ant"}, token_of("focal_col"))
    assert response.status_code == 201
    body = response.json()
    created = Organisation.objects.get(pk=body["id"])
    assert body == {"id": created.pk, "version": 1, "name": "Fundación Ejemplo", "acronym": "",
                    "name_es": "", "name_pt": "", "name_en": "", "acronym_es": "", "acronym_pt": "", "acronym_en": "",
                    "iati_identifier": None, "organisation_type": "22", "country": "COL", "subdivision": "CO-ANT",
                    "municipality": None, "parent": None, "website": "", "is_illustrative": False,
                    "awaiting_approval": False, "roles": []}
    assert created.history.get().history_user == users["focal_col"]


def test_focal_point_cannot_create_an_organisation_in_another_country(client, token_of):
    before = Organisation.all_objects.count()
    response = post(client, {"name": "ONG Lima", "organisation_type": "22", "country": "PER"}, token_of("focal_col"))
    assert (response.status_code, response.json()) == (
        403, {"detail": "You may not create this record (organisation)."})
    assert Organisation.all_objects.count() == before


def test_create_without_token_is_401(client):
    before = Organisation.all_objects.count()
    response = post(client, {"name": "ONG", "organisation_type": "22", "country": "COL"})
    assert response.status_code == 401
    assert Organisation.all_objects.count() == before


def test_create_with_an_invalid_type_is_422_naming_the_field(client, token_of):
    response = post(client, {"name": "ONG", "organisation_type": "99", "country": "COL"}, token_of("secretariat"))
    assert (response.status_code, list(response.json()["detail"])) == (422, ["organisation_type"])
    assert not Organisation.all_objects.filter(name="ONG").exists()
