"""Issue 15, item 2 through the API: two API clients (two tokens) read the same record at version N; the
first writes; the second's write is HTTP 409 with a clear body (what happened, the version now stored)
and writes nothing: the stored values, the version and the history are exactly the first client's.

Every record the API edits is here: projects, services, organisations and needs statements (the API
has no write of pledges or flows: those are edited through their pages, tests/audit/test_no_lost_update.py).
"""

import json
from dataclasses import dataclass

import pytest

from minga.localgov.models import NeedsStatement
from minga.portfolio.models import Project
from minga.reference.models import Organisation
from minga.services.models import Service
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

DRAFT = f"PQ-COL-{YEAR}-0002"


def _cucuta_pk() -> int:
    return Organisation.objects.get(load_key="organisation:demo-cucuta").pk


def _service_body(**fields) -> dict:
    return {"provider": _cucuta_pk, "subdivision": "CO-NSA", "municipality": "CO54001", "latitude": 7.88,
            "longitude": -72.49, "last_verified_on": "2026-11-01", "types": ["legal"], "populations": ["women"],
            **fields}


@dataclass
class ApiEdit:
    name: str
    record: object  # () -> the stored record
    url: object  # (record) -> the operation's address
    method: str
    first_role: str
    second_role: str
    first: dict
    second: dict


EDITS = [
    ApiEdit("project", lambda: Project.objects.get(code=DRAFT), lambda p: f"/api/v1/projects/{p.code}", "patch",
            "secretariat", "focal_col", {"title_es": "De la secretaría"}, {"title_es": "Del punto focal",
                                                                            "summary_en": "Lost?"}),
    ApiEdit("service", lambda: Service.objects.get(load_key="service:cucuta-espacio-apoyo"),
            lambda s: f"/api/v1/services/{s.pk}", "put", "secretariat", "local_cucuta",
            _service_body(name_es="De la secretaría"), _service_body(name_es="De la alcaldía")),
    ApiEdit("organisation", lambda: Organisation.objects.get(load_key="organisation:gov-col"),
            lambda o: f"/api/v1/organisations/{o.pk}", "patch", "secretariat", "focal_col",
            {"acronym": "GdC"}, {"acronym": "XX", "website": "https://example.org"}),
    ApiEdit("needs statement", lambda: NeedsStatement.objects.get(load_key="need:demo-cucuta:1"),
            lambda n: f"/api/v1/needs/{n.pk}", "patch", "secretariat", "local_cucuta",
            {"description": "De la secretaría."}, {"description": "De la alcaldía.", "status": "funded"}),
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.name)
def test_the_second_of_two_api_clients_gets_409_and_nothing_is_written(edit, client, token_of, users):
    record = edit.record()
    version, history_before = record.version, record.history.count()
    url = edit.url(record)
    first, second = token_of(edit.first_role), token_of(edit.second_role)
    # The fields the two clients disagree on: after both, each holds the first client's value, or the one
    # it had before if only the second client sent it.
    disputed = sorted(key for key in {**edit.first, **edit.second} if edit.first.get(key) != edit.second.get(key))
    expected = {key: edit.first[key] if key in edit.first else getattr(record, key) for key in disputed}

    def send(headers, body):
        body = {key: value() if callable(value) else value for key, value in body.items()}  # read now, not at import
        return getattr(client, edit.method)(url, data=json.dumps({**body, "version": version}),
                                            content_type="application/json", headers=headers)

    saved = send(first, edit.first)
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == version + 1
    refused = send(second, edit.second)
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": f"This record was changed by someone else (you edited version {version}, it is now at version "
                  f"{version + 1}). Nothing was saved: reload it and apply your changes again.",
        "current_version": version + 1}
    stored = edit.record()
    assert {key: getattr(stored, key) for key in disputed} == expected
    assert all(getattr(stored, key) != value for key, value in edit.second.items() if key in disputed)
    assert stored.version == version + 1
    assert stored.history.count() == history_before + 1
    assert stored.history.first().history_user == users[edit.first_role]
