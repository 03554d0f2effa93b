"""Finding 11 of issue 8: the API does what its OpenAPI document says, checked by schemathesis.

Cases generated from /api/v1/openapi.json are sent to the WSGI application, anonymous, with a
bearer token of the secretariat (who may write everywhere) and with tokens of scoped roles (a
country's focal point, a local government, a donor's officer: their writes are refused outside their
scope; one of them in the short form), and every answer must be no server error, a status the document declares for that operation,
of the declared content type, and conforming to the declared schema (issue 15, item 5).

Bounded in examples (4 per operation and identity) so that ``make test`` stays short; ``make fuzz-api``
runs the same checks with MINGA_FUZZ_EXAMPLES=100 and every scoped role (MINGA_FUZZ_ALL_ROLES=1): the long form,
documented in the README.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from minga.accounts.services import api_token_create

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def one_connection():
    """The requests run in this test's transaction, as the test client's do: Django must not close the
    connection at the end of each request (it would, through the raw WSGI application)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


EXAMPLES = int(os.environ.get("MINGA_FUZZ_EXAMPLES", "4"))


# Anonymous, the secretariat and one scoped role (a country's focal point) in `make test`; the long form adds
# the other scoped roles (a local government, a donor's officer).
IDENTITIES = ["anonymous", "secretariat", "focal_col"] + (
    ["local_cucuta", "donor_can"] if os.environ.get("MINGA_FUZZ_ALL_ROLES") else [])


@pytest.fixture(params=IDENTITIES)
def headers(request, users, one_connection):
    if request.param == "anonymous":
        return {}
    _, key = api_token_create(user=users[request.param], name="schemathesis")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_the_api_does_what_its_document_says(case, headers):
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_the_markers_answer_is_what_its_schema_declares(client):
    # The project's marker schema had the same class name and took the place of this one in the document.
    document = client.get("/api/v1/openapi.json").json()
    answer = document["paths"]["/api/v1/markers"]["get"]["responses"]["200"]["content"]["application/json"]
    declared = document["components"]["schemas"][answer["schema"]["items"]["$ref"].rsplit("/", 1)[1]]
    item = client.get("/api/v1/markers").json()[0]
    assert sorted(item) == sorted(declared["properties"]) == sorted(declared["required"]) == [
        "code", "iati_policy_marker", "label_en", "label_es", "label_pt", "significance"]
