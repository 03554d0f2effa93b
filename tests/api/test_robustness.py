"""Issue 15, item 5: what the fuzzing of the API found, pinned. A body that is not JSON at all (here bytes that
are not even UTF-8) was answered 400, a status no operation declares; it is a 422 in the API's one shape of
refused input, and nothing is written."""

import pytest

from minga.portfolio.models import Project
from minga.services.models import Service

pytestmark = pytest.mark.django_db

NOT_JSON = {"detail": {"__all__": ["The request body is not valid JSON."]}}


@pytest.mark.parametrize("body", [b"\xff", b"{", b"not json"])
def test_a_body_that_is_not_json_is_a_422_and_nothing_is_written(client, token_of, body):
    projects, services = Project.all_objects.count(), Service.all_objects.count()
    headers = token_of("secretariat")
    for method, url in (("post", "/api/v1/projects"), ("post", "/api/v1/services"),
                        ("put", f"/api/v1/services/{Service.objects.order_by('pk').first().pk}"),
                        ("post", "/api/v1/narrative/check")):
        response = getattr(client, method)(url, data=body, content_type="application/json", headers=headers)
        assert (method, url, response.status_code, response.json()) == (method, url, 422, NOT_JSON)
    assert (Project.all_objects.count(), Service.all_objects.count()) == (projects, services)
