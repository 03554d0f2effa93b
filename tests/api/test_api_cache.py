"""The public's answer of the project list is kept (minga.common.page_cache) like a public page: until a write
the public can see, and never given to a caller with a token, who may see more."""

import pytest
from django.test import Client

from minga.portfolio import services
from minga.portfolio.models import Project
from minga.reference.selectors import organisation_loaded

pytestmark = pytest.mark.django_db

LIST = "/api/v1/projects?limit=100"


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["code"] for item in response.json()["items"]}


def titles(response) -> dict[str, str]:
    return {item["code"]: item["title_es"] for item in response.json()["items"]}


def test_the_public_list_is_kept_until_a_write_the_public_sees(users):
    public = Client(HTTP_HOST="localhost")
    project = Project.objects.filter(is_public=True).order_by("code").first()
    assert titles(public.get(LIST))[project.code] == project.title_es
    # Changed behind the services' back (as a shell would): the kept answer does not know.
    Project.objects.filter(pk=project.pk).update(title_es="Cambiado sin servicio")
    assert titles(public.get(LIST))[project.code] == project.title_es
    project.refresh_from_db()
    services.project_update(project=project, user=users["secretariat"], data={"title_es": "Título revisado"},
                            expected_version=project.version)
    assert titles(public.get(LIST))[project.code] == "Título revisado"


def test_a_token_caller_never_gets_the_public_copy_nor_leaves_theirs(client, token_of):
    public = Client(HTTP_HOST="localhost")
    published = codes(public.get(LIST))  # the public's answer, now kept
    focal = token_of("focal_col")
    own = codes(client.get(LIST, headers=focal))
    drafts = set(Project.objects.filter(country_id="COL", is_public=False, deleted_at=None)
                 .values_list("code", flat=True))
    assert drafts and drafts <= own and not drafts & published
    assert codes(public.get(LIST)) == published

    created = client.post("/api/v1/projects", headers=focal, content_type="application/json",
                          data={"title_es": "Borrador nuevo", "proposing_organisation": organisation_loaded("gov-col").pk})
    assert created.status_code == 201, created.content
    draft = created.json()["code"]
    assert draft in codes(client.get(LIST, headers=focal))
    assert codes(public.get(LIST)) == published  # a draft changes nothing the public sees
