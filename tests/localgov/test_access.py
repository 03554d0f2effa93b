"""Every role's allowed and refused cases for the models of issue 12 (localgov.needsstatement,
programmes.programme), as tests/accounts/test_permissions.py asks of every policy."""

import pytest

from minga.accounts import permissions
from minga.localgov.models import NeedsStatement
from minga.programmes.models import Programme
from minga.reference.models import Organisation, Term

pytestmark = pytest.mark.django_db
ALLOWED, REFUSED = True, False


def _need(key: str):
    if key.startswith("new need of "):
        organisation = Organisation.objects.get(load_key=f"organisation:{key.removeprefix('new need of ')}")
        return NeedsStatement(organisation=organisation, theme=Term.objects.get(load_key="term:quito-axes:education"),
                              description="x")
    return NeedsStatement.all_objects.get(load_key=key)


def _programme(code: str, *, published: bool = True):
    programme = Programme.all_objects.get(code=code)
    programme.is_published = published
    return programme


CUCUTA_NEED, TULCAN_NEED = "need:demo-cucuta:1", "need:demo-tulcan:2"
NEEDS = [
    ("secretariat", "create", "new need of demo-tulcan", ALLOWED),
    ("local_cucuta", "create", "new need of demo-cucuta", ALLOWED),
    ("local_cucuta", "change", CUCUTA_NEED, ALLOWED),
    ("local_cucuta", "create", "new need of demo-tulcan", REFUSED),
    ("local_cucuta", "change", TULCAN_NEED, REFUSED),
    ("local_cucuta", "publish", CUCUTA_NEED, REFUSED),
    ("focal_col", "view", CUCUTA_NEED, ALLOWED),
    ("focal_col", "change", CUCUTA_NEED, REFUSED),
    ("focal_per", "view", TULCAN_NEED, ALLOWED),
    ("focal_per", "create", "new need of demo-tulcan", REFUSED),
    ("donor_can", "view", CUCUTA_NEED, ALLOWED),
    ("donor_can", "delete", CUCUTA_NEED, REFUSED),
    ("observer", "view_history", TULCAN_NEED, ALLOWED),
    ("observer", "change", TULCAN_NEED, REFUSED),
    ("anonymous", "view", TULCAN_NEED, ALLOWED),
    ("anonymous", "view_history", TULCAN_NEED, REFUSED),
]


@pytest.mark.parametrize(("role", "action", "key", "expected"), NEEDS, ids=lambda v: str(v))
def test_needs_statements(users, role, action, key, expected):
    assert permissions.can(users[role], action, _need(key)) is expected


PROGRAMMES = [
    ("secretariat", "publish", "per-cpp-2023", True, ALLOWED),
    ("focal_col", "view", "col-etpv", True, ALLOWED),
    ("focal_col", "change", "col-etpv", True, REFUSED),
    ("focal_per", "view", "per-cpp-2023", True, ALLOWED),
    ("focal_per", "view", "per-cpp-2023", False, REFUSED),
    ("local_cucuta", "view", "demo-col-cuenta", True, ALLOWED),
    ("local_cucuta", "change", "demo-col-cuenta", True, REFUSED),
    ("donor_can", "view", "col-etpv", True, ALLOWED),
    ("donor_can", "create", "col-etpv", True, REFUSED),
    ("observer", "view", "col-etpv", False, ALLOWED),
    ("observer", "change", "col-etpv", True, REFUSED),
    ("anonymous", "view", "col-etpv", True, ALLOWED),
    ("anonymous", "view", "col-etpv", False, REFUSED),
]


@pytest.mark.parametrize(("role", "action", "code", "published", "expected"), PROGRAMMES, ids=lambda v: str(v))
def test_programmes(users, role, action, code, published, expected):
    assert permissions.can(users[role], action, _programme(code, published=published)) is expected


def test_every_role_has_an_allowed_and_a_refused_case():
    roles = {"focal_col", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous"}
    for cases in (NEEDS, [(r, a, c, e) for r, a, c, _, e in PROGRAMMES]):
        covered = {(role, expected) for role, _, _, expected in cases}
        assert {(role, verdict) for role in roles for verdict in (ALLOWED, REFUSED)} - covered == set()


def test_the_editable_statements_of_an_officer_are_those_of_their_local_government(users):
    def keys(user):
        return set(permissions.editable(user, NeedsStatement.objects.all()).values_list("load_key", flat=True))
    assert keys(users["local_cucuta"]) == {CUCUTA_NEED}
    assert keys(users["focal_col"]) == set()
    assert keys(users["secretariat"]) == {CUCUTA_NEED, TULCAN_NEED}
