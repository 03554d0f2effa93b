"""The API fetches a record with its permission as the pages do: 404 JSON when hidden or missing, 403 when refused."""

import json

import pytest

from minga.reference.selectors import organisation_loaded
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

DRAFT = f"PQ-COL-{YEAR}-0002"  # focal.col's draft
PUBLISHED = f"PQ-COL-{YEAR}-0001"


def test_a_project_hidden_missing_or_refused(client, token_of):
    headers = token_of("focal_per")
    for code in (DRAFT, f"PQ-XXX-{YEAR}-0001"):
        response = client.get(f"/api/v1/projects/{code}", headers=headers)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
        response = client.patch(f"/api/v1/projects/{code}", data=json.dumps({"version": 1, "reason": "x"}),
                                 content_type="application/json", headers=headers)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    response = client.patch(f"/api/v1/projects/{PUBLISHED}", data=json.dumps({"version": 1, "reason": "x"}),
                            content_type="application/json", headers=token_of("focal_col"))
    assert (response.status_code, response.json()) == (403, {"detail": "You may not change this record (project)."})


def test_an_organisation_missing_or_refused(client, token_of):
    response = client.get("/api/v1/organisations/999999999")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    gov_per = organisation_loaded("gov-per")
    response = client.patch(f"/api/v1/organisations/{gov_per.pk}", data=json.dumps({"version": 1, "acronym": "X"}),
                            content_type="application/json", headers=token_of("focal_col"))
    assert (response.status_code, response.json()) == (
        403, {"detail": "You may not change this record (organisation)."})
    assert client.get(f"/api/v1/organisations/{gov_per.pk}").json()["id"] == gov_per.pk


@pytest.mark.parametrize("version", [-1, 99999999999999999999, 2**31])
def test_a_version_that_cannot_be_one_is_422_naming_the_field(client, token_of, version):
    gov_col = organisation_loaded("gov-col")
    response = client.patch(f"/api/v1/organisations/{gov_col.pk}", data=json.dumps({"version": version,
                                                                                      "acronym": "X"}),
                            content_type="application/json", headers=token_of("focal_col"))
    assert (response.status_code, response.json()) == (
        422, {"detail": {"version": ["The form's version is missing or not a number; reload the page."]}})
    assert organisation_loaded("gov-col").acronym == gov_col.acronym


@pytest.mark.parametrize("version", [-1, 99999999999999999999, 2**31])
def test_a_project_write_with_a_version_that_cannot_be_one_is_422_and_changes_nothing(client, token_of, version):
    from minga.portfolio.models import Project

    before = Project.objects.get(code=DRAFT)
    headers = token_of("focal_col")
    expected = (422, {"detail": {"version": ["The form's version is missing or not a number; reload the page."]}})
    response = client.patch(f"/api/v1/projects/{DRAFT}", data=json.dumps({"version": version, "title_en": "X"}),
                            content_type="application/json", headers=headers)
    assert (response.status_code, response.json()) == expected
    response = client.post(f"/api/v1/projects/{DRAFT}/transitions",
                           data=json.dumps({"version": version, "to_status": "withdrawn"}),
                           content_type="application/json", headers=headers)
    assert (response.status_code, response.json()) == expected
    after = Project.objects.get(code=DRAFT)
    assert (after.version, after.title_en, after.status) == (before.version, before.title_en, before.status)
