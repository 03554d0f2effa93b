"""The portfolio through the API: the catalogue's visibility and filters, detail, create, update, transitions."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minga.portfolio.models import Project, Status
from minga.portfolio.selectors import ProjectFilters, projects_search
from minga.reference.selectors import organisation_loaded

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
YEAR = timezone.localdate().year
CUCUTA = f"PQ-COL-{YEAR}-0001"  # published, proposed by the Alcaldía de Cúcuta
LIMA = f"PQ-PER-{YEAR}-0001"  # published
CARCHI = f"PQ-ECU-{YEAR}-0001"  # in implementation
RORAIMA = f"PQ-BRA-{YEAR}-0001"  # under review
NARRATIVE = f"PQ-COL-{YEAR}-0002"  # draft of focal.col
PUBLIC = {CUCUTA, LIMA, CARCHI}


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return [item["code"] for item in body["items"]]


def catalogue_codes(user, query: str) -> list[str]:
    return list(projects_search(user, ProjectFilters.from_querydict(QueryDict(query))).values_list("code", flat=True))


def send(client, method, url, payload, headers):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json", headers=headers)


def new_project(**changes) -> dict:
    payload = {
        "title_es": "Rutas de protección para niñas y adolescentes en Arauca",
        "summary_pt": "Rotas de proteção em Arauca e Saravena.",
        "proposing_organisation": organisation_loaded("gov-col").pk,
        "planned_start": "2026-05-01", "planned_end": "2027-04-30",
        "budget_amount": "800000000", "budget_currency": "COP", "budget_value_date": "2026-05-01",
        "requested_amount": "600000000",
        "locations": [{"country": "COL", "percentage": 100}, {"subdivision": "CO-ARA", "percentage": 100}],
        "themes": [{"vocabulary": "quito-axes", "code": "child-protection", "percentage": 100}],
        "markers": [{"marker": "gender", "significance": 2}, {"marker": "territorial", "significance": 1}],
        "people_total": 500,
        "people": [{"dimension": "population_group", "category": "refugees_migrants", "people": 500}],
        "budget_years": [{"year": 2026, "amount": "500000000"}, {"year": 2027, "amount": "300000000"}],
        "participants": [{"organisation": "XM-DAC-41121", "role": "4"}],
    }
    payload.update(changes)
    return payload


# --- List: the catalogue's visibility and filters ----------------------------------------------

def test_anonymous_list_is_the_public_catalogue_and_never_a_draft(client):
    listed = codes(client.get("/api/v1/projects", headers=ENGLISH))
    assert set(listed) == PUBLIC
    assert listed == catalogue_codes(None, "")
    assert NARRATIVE not in listed and RORAIMA not in listed


@pytest.mark.parametrize("query, expected", [
    ("country=COL", {CUCUTA}),
    ("subdivision=PE-LMA", {LIMA}),
    ("q=acolhida", {CUCUTA}),  # a Portuguese word of its summary
    ("axis=socioeconomic-integration", {CARCHI}),
    ("status=published&sort=code", {CUCUTA, LIMA}),
    ("proposer_country=ECU,PER", {CARCHI, LIMA}),
    ("marker=best-interests-of-the-child", {CUCUTA, LIMA}),
])
def test_list_filters_are_the_catalogues(client, query, expected):
    listed = codes(client.get(f"/api/v1/projects?{query}", headers=ENGLISH))
    assert set(listed) == expected
    assert listed == catalogue_codes(None, query)


def test_focal_points_token_lists_its_countrys_draft_and_not_another_countrys(client, token_of, users):
    colombian = codes(client.get("/api/v1/projects?sort=code", headers=token_of("focal_col")))
    assert colombian == sorted(PUBLIC | {NARRATIVE}) == catalogue_codes(users["focal_col"], "sort=code")
    assert codes(client.get("/api/v1/projects?sort=code", headers=token_of("focal_per"))) == sorted(PUBLIC)


def test_list_is_paginated(client):
    response = client.get("/api/v1/projects?sort=code&limit=2&offset=1", headers=ENGLISH)
    body = response.json()
    assert (body["count"], [item["code"] for item in body["items"]]) == (3, [CARCHI, LIMA])


def test_list_reads_the_parts_in_a_fixed_number_of_queries(client):
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/projects?limit=1", headers=ENGLISH).json()["items"]) == 1
    with CaptureQueriesContext(connection) as three:
        assert len(client.get("/api/v1/projects?limit=3", headers=ENGLISH).json()["items"]) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


# --- Detail ------------------------------------------------------------------------------------

def test_detail_of_a_published_project(client):
    response = client.get(f"/api/v1/projects/{CUCUTA}", headers=ENGLISH)
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["status"], body["status_label"], body["is_public"], body["version"]) == (
        CUCUTA, "published", "Published", True, Project.objects.get(code=CUCUTA).version)
    assert body["proposing_organisation"] == {
        "id": organisation_loaded("demo-cucuta").pk, "name": "Alcaldía de San José de Cúcuta", "acronym": "",
        "iati_identifier": None, "organisation_type": "11", "country": "COL"}
    assert body["title_pt"] == "" and body["summary_pt"].startswith("Dois centros de orientação")
    assert sorted((row["level"], row["municipality"] or row["subdivision"] or row["country"], row["percentage"])
                  for row in body["locations"]) == [
        ("country", "COL", "100.00"), ("municipality", "CO54001", "100.00"),
        ("subdivision", "CO-ARA", "30.00"), ("subdivision", "CO-NSA", "70.00")]
    assert [(t["vocabulary"], t["code"], t["percentage"]) for t in body["themes"]] == [
        ("lines-of-work-2023", "women-access-to-rights", "100.00"),
        ("quito-axes", "reception-centres", "60.00"), ("quito-axes", "gender-equity", "40.00")]
    assert {m["marker"]: m["significance"] for m in body["markers"]} == {
        "territorial": 2, "gender": 2, "best-interests-of-the-child": 1, "human-rights": 1}
    assert body["budget"] == {"amount": "6000000000.00", "currency": "COP", "value_date": "2026-03-01",
                              "usd": "1500000.00"}  # 4,000 COP per USD (illustrative rate)
    assert body["requested"] == {"amount": "4800000000.00", "usd": "1200000.00"}
    assert (body["secured_usd"], body["gap_usd"]) == ("0.00", "1200000.00")
    assert [(y["year"], y["amount"]) for y in body["budget_years"]] == [(2026, "3600000000.00"),
                                                                         (2027, "2400000000.00")]
    assert body["people_total"] == 4200
    assert body["links"] == {"self": f"/api/v1/projects/{CUCUTA}", "html": f"/projects/{CUCUTA}/"}
    assert body["allowed_transitions"] == [] and body["contacts"] == []


def test_a_draft_is_404_for_anonymous_and_another_countrys_focal_point(client, token_of):
    for headers in (ENGLISH, token_of("focal_per")):
        response = client.get(f"/api/v1/projects/{NARRATIVE}", headers=headers)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    response = client.get(f"/api/v1/projects/{NARRATIVE}", headers=token_of("focal_col"))
    assert (response.status_code, response.json()["status"]) == (200, "draft")
    assert response.json()["allowed_transitions"] == ["submitted", "withdrawn"]


def test_unknown_project_is_404(client):
    response = client.get(f"/api/v1/projects/PQ-COL-{YEAR}-9999")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


# --- Create ------------------------------------------------------------------------------------

def test_focal_point_creates_a_draft_from_codes(client, token_of, users):
    response = send(client, "post", "/api/v1/projects", new_project(), token_of("focal_col"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["status"], body["version"], body["is_public"]) == (
        f"PQ-COL-{YEAR}-0003", "draft", 1, False)
    project = Project.objects.get(code=body["code"])
    assert (project.created_by, project.proposing_organisation, project.country_id) == (
        users["focal_col"], organisation_loaded("gov-col"), "COL")
    assert sorted((r.country_id, r.subdivision_id or "", r.percentage) for r in project.locations.all()) == [
        ("COL", "", Decimal("100")), ("COL", "CO-ARA", Decimal("100"))]
    assert [(r.term.code, r.percentage) for r in project.themes.all()] == [("child-protection", Decimal("100"))]
    assert {r.marker_id: r.significance for r in project.markers.all()} == {"gender": 2, "territorial": 1}
    assert [(r.year, r.amount) for r in project.budget_years.all()] == [(2026, Decimal("500000000")),
                                                                         (2027, Decimal("300000000"))]
    assert [(r.organisation.acronym, r.role) for r in project.participants.all()] == [("UNHCR", "4")]
    assert (project.budget_usd, project.requested_usd, project.gap_usd) == (
        Decimal("200000.00"), Decimal("150000.00"), Decimal("150000.00"))
    assert body["budget"]["usd"] == "200000.00"


def test_create_with_shares_that_do_not_add_up_is_422_by_field_path(client, token_of):
    before = Project.all_objects.count()
    payload = new_project(locations=[{"subdivision": "CO-NSA", "percentage": 60},
                                     {"subdivision": "CO-ARA", "percentage": 30}])
    response = send(client, "post", "/api/v1/projects", payload, token_of("focal_col"))
    assert (response.status_code, response.json()) == (
        422, {"detail": {"locations": ["The shares of the subdivisions total 90%, not 100%."]}})
    assert Project.all_objects.count() == before


def test_create_with_unknown_codes_is_422_naming_each(client, token_of):
    payload = new_project(locations=[{"subdivision": "CO-XXX", "percentage": 100}],
                          themes=[{"vocabulary": "quito-axes", "code": "no-such-axis", "percentage": 100}])
    response = send(client, "post", "/api/v1/projects", payload, token_of("focal_col"))
    assert (response.status_code, response.json()) == (422, {"detail": {
        "locations[1].subdivision": ["Unknown subdivision “CO-XXX”: use an ISO 3166-2 code such as CO-NSA."],
        "themes[1].code": ["Unknown theme “no-such-axis” in “quito-axes”."]}})


def test_create_without_a_token_is_401(client, client_as, users):
    assert send(client, "post", "/api/v1/projects", new_project(), ENGLISH).status_code == 401
    session = client_as(users["focal_col"])  # a session alone never writes through the API
    assert send(session, "post", "/api/v1/projects", new_project(), ENGLISH).status_code == 401


def test_peru_focal_point_may_not_create_for_colombias_government(client, token_of):
    before = Project.all_objects.count()
    response = send(client, "post", "/api/v1/projects", new_project(), token_of("focal_per"))
    assert (response.status_code, response.json()) == (403, {"detail": "You may not create this record (project)."})
    assert Project.all_objects.count() == before


# --- Update ------------------------------------------------------------------------------------

def test_patch_changes_only_what_it_names_and_bumps_the_version(client, token_of, users):
    draft = Project.objects.get(code=NARRATIVE)
    response = send(client, "patch", f"/api/v1/projects/{NARRATIVE}", {
        "version": draft.version, "title_en": "A communication strategy for a new migration narrative",
        "locations": [{"country": "COL", "percentage": 100}], "reason": "English title"}, token_of("focal_col"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["title_en"], body["title_es"]) == (
        draft.version + 1, "A communication strategy for a new migration narrative", draft.title_es)
    stored = Project.objects.get(code=NARRATIVE)
    assert (stored.version, stored.title_en) == (draft.version + 1, body["title_en"])
    assert [(r.country_id, r.percentage) for r in stored.locations.all()] == [("COL", Decimal("100"))]
    assert [(r.term.code, r.percentage) for r in stored.themes.all()] == [("new-migration-narrative", Decimal("100"))]
    last = stored.history.first()
    assert (last.history_user, last.history_change_reason) == (users["focal_col"], "English title")


def test_patch_with_a_stale_version_is_409_and_changes_nothing(client, token_of):
    draft = Project.objects.get(code=NARRATIVE)
    version = draft.version
    assert send(client, "patch", f"/api/v1/projects/{NARRATIVE}", {"version": version, "title_en": "First"},
                token_of("focal_col")).status_code == 200
    response = send(client, "patch", f"/api/v1/projects/{NARRATIVE}",
                    {"version": version, "title_en": "Second", "title_es": "Otro"}, token_of("secretariat"))
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"This record was changed by someone else (you edited version {version}, it is now at version "
                  f"{version + 1}). Nothing was saved: reload it and apply your changes again.",
        "current_version": version + 1}
    stored = Project.objects.get(code=NARRATIVE)
    assert (stored.version, stored.title_en, stored.title_es) == (version + 1, "First", draft.title_es)


def test_patch_of_another_countrys_draft_is_404_and_of_a_published_project_403(client, token_of):
    draft = Project.objects.get(code=NARRATIVE)
    response = send(client, "patch", f"/api/v1/projects/{NARRATIVE}", {"version": draft.version, "title_en": "X"},
                    token_of("focal_per"))
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    published = Project.objects.get(code=CUCUTA)
    response = send(client, "patch", f"/api/v1/projects/{CUCUTA}", {"version": published.version, "title_en": "X"},
                    token_of("focal_col"))
    assert (response.status_code, response.json()) == (403, {"detail": "You may not change this record (project)."})
    assert Project.objects.get(code=NARRATIVE).title_en == "" and Project.objects.get(code=CUCUTA).title_en == (
        published.title_en)


def test_patch_that_breaks_the_shares_is_422(client, token_of):
    draft = Project.objects.get(code=NARRATIVE)
    response = send(client, "patch", f"/api/v1/projects/{NARRATIVE}", {
        "version": draft.version, "themes": [{"vocabulary": "quito-axes", "code": "education", "percentage": 50}]},
        token_of("focal_col"))
    assert (response.status_code, response.json()) == (422, {"detail": {
        "themes[quito-axes]": ["The shares in “Quito Process thematic axes” total 50%, not 100%."]}})
    assert Project.objects.get(code=NARRATIVE).version == draft.version


# --- Transitions -------------------------------------------------------------------------------

def transition(client, code, to_status, headers, comment="", version=None):
    version = Project.objects.get(code=code).version if version is None else version
    return send(client, "post", f"/api/v1/projects/{code}/transitions",
                {"to_status": to_status, "version": version, "comment": comment}, headers)


def test_secretariat_publishes_a_project_under_review(client, token_of, users):
    response = transition(client, RORAIMA, "published", token_of("secretariat"), comment="Approved")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["is_public"], body["allowed_transitions"]) == (
        "published", True, ["in_implementation", "withdrawn"])
    last = Project.objects.get(code=RORAIMA).transitions.last()
    assert (last.from_status, last.to_status, last.user, last.comment) == (
        "under_review", "published", users["secretariat"], "Approved")
    assert RORAIMA in codes(client.get("/api/v1/projects", headers=ENGLISH))


def test_focal_point_withdraws_its_draft(client, token_of):
    response = transition(client, NARRATIVE, "withdrawn", token_of("focal_col"))
    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")


def test_focal_point_may_not_publish_its_own_draft(client, token_of):
    response = transition(client, NARRATIVE, "published", token_of("focal_col"))
    assert (response.status_code, response.json()) == (
        403, {"detail": "You may not move this record from “Draft” to “Published”."})
    assert Project.objects.get(code=NARRATIVE).status == Status.DRAFT


def test_another_countrys_focal_point_does_not_find_the_draft_to_move(client, token_of):
    response = transition(client, NARRATIVE, "withdrawn", token_of("focal_per"))
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert Project.objects.get(code=NARRATIVE).status == Status.DRAFT


def test_another_countrys_focal_point_sees_but_may_not_move_a_published_project(client, token_of):
    response = transition(client, CUCUTA, "in_implementation", token_of("focal_per"))
    assert (response.status_code, response.json()) == (
        403, {"detail": "You may not move this record from “Published” to “In implementation”."})


def test_submitting_an_incomplete_draft_is_422_naming_what_is_missing(client, token_of):
    response = transition(client, NARRATIVE, "submitted", token_of("focal_col"))
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {
        "planned_start", "planned_end", "budget_amount", "requested_amount", "people_total", "summary", "locations",
        "themes", "markers", "budget_years"}
    assert Project.objects.get(code=NARRATIVE).status == Status.DRAFT


def test_transition_with_a_stale_version_is_409(client, token_of):
    version = Project.objects.get(code=RORAIMA).version
    response = transition(client, RORAIMA, "published", token_of("secretariat"), version=version - 1)
    assert (response.status_code, response.json()["current_version"]) == (409, version)
    assert Project.objects.get(code=RORAIMA).status == Status.UNDER_REVIEW


def test_unknown_status_is_422(client, token_of):
    response = transition(client, NARRATIVE, "approved", token_of("focal_col"))
    assert response.status_code == 422


# --- OpenAPI -----------------------------------------------------------------------------------

def test_openapi_documents_every_project_endpoint(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    paths = {path: set(operations) for path, operations in schema["paths"].items() if path.startswith("/api/v1/projects")}
    assert paths == {"/api/v1/projects": {"get", "post"}, "/api/v1/projects/{code}": {"get", "patch"},
                     "/api/v1/projects/{code}/transitions": {"post"}}
    for path in paths:
        for operation in schema["paths"][path].values():
            assert operation["summary"] and operation["description"] and operation["tags"] == ["portfolio"]
    listed = {parameter["name"] for parameter in schema["paths"]["/api/v1/projects"]["get"]["parameters"]}
    assert {"q", "country", "subdivision", "axis", "line", "marker", "group", "status", "gap_min", "gap_max",
            "sort", "limit", "offset"} <= listed
