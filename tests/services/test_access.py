"""Who may create, change and see services: every role, in and out of scope (the permission matrix of
``services.service``), and the exact rows ``editable`` gives each role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from minga.accounts import permissions
from minga.audit.services import record_soft_delete
from minga.reference.models import Municipality
from minga.services import services
from minga.services.models import Service
from tests.services.conftest import demo, org, service_input

pytestmark = pytest.mark.django_db

ALLOWED, REFUSED = True, False
ROLES = ("secretariat", "focal_col", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous")


def new(**fields) -> Service:
    from minga.services.inputs import model_fields

    return Service(**model_fields(service_input(**fields)))


CASES = {
    "Cúcuta's own service": lambda _: demo("cucuta-espacio-apoyo"),
    "Tulcán's shelter": lambda _: demo("tulcan-casa-acogida"),
    "a GAC service in Cúcuta": lambda _: new(provider_id=org("gac").pk),
    "a GAC service in Lima": lambda _: new(provider_id=org("gac").pk, country_id="PER", subdivision_id="PE-LMA",
                                           municipality_id=None),
    "an NGO's service in Cúcuta": lambda _: new(provider_id=org("demo-red-lima").pk),
    "Cúcuta's service in Villa del Rosario": lambda town: new(municipality_id=town.pk),
    "Cúcuta's service in Tulcán": lambda _: new(country_id="ECU", subdivision_id="EC-C",
                                                municipality_id=Municipality.objects.get(pcode="EC0401").pk),
    "Cúcuta's service in Norte de Santander, no municipality": lambda _: new(municipality_id=None),
}

MATRIX = [
    ("secretariat", "change", "Tulcán's shelter", ALLOWED),
    ("secretariat", "create", "Cúcuta's service in Villa del Rosario", ALLOWED),
    ("focal_col", "view", "Cúcuta's own service", ALLOWED),
    ("focal_col", "change", "Cúcuta's own service", REFUSED),
    ("focal_per", "view", "Tulcán's shelter", ALLOWED),
    ("focal_per", "create", "a GAC service in Lima", REFUSED),
    ("local_cucuta", "change", "Cúcuta's own service", ALLOWED),
    ("local_cucuta", "create", "an NGO's service in Cúcuta", ALLOWED),  # in their municipality: theirs to keep
    ("local_cucuta", "create", "Cúcuta's service in Norte de Santander, no municipality", ALLOWED),
    ("local_cucuta", "create", "Cúcuta's service in Villa del Rosario", REFUSED),
    ("local_cucuta", "create", "Cúcuta's service in Tulcán", REFUSED),
    ("local_cucuta", "change", "Tulcán's shelter", REFUSED),
    ("local_cucuta", "view_history", "Cúcuta's own service", ALLOWED),
    ("donor_can", "create", "a GAC service in Lima", ALLOWED),  # a provider's officer: their organisation's service
    ("donor_can", "create", "a GAC service in Cúcuta", ALLOWED),
    ("donor_can", "change", "Cúcuta's own service", REFUSED),
    ("observer", "view_history", "Tulcán's shelter", ALLOWED),
    ("observer", "change", "Tulcán's shelter", REFUSED),
    ("anonymous", "view", "Tulcán's shelter", ALLOWED),
    ("anonymous", "view_history", "Tulcán's shelter", REFUSED),
    ("anonymous", "create", "an NGO's service in Cúcuta", REFUSED),
]


@pytest.mark.parametrize(("role", "action", "case", "expected"), MATRIX,
                         ids=[f"{r}-{a}-{c}-{'allowed' if e else 'refused'}" for r, a, c, e in MATRIX])
def test_can(users, villa_del_rosario, role, action, case, expected):
    assert permissions.can(users[role], action, CASES[case](villa_del_rosario)) is expected


def test_matrix_has_an_allowed_and_a_refused_case_per_role():
    verdicts = {(role, expected) for role, _action, _case, expected in MATRIX}
    assert {(role, verdict) for role in ROLES for verdict in (ALLOWED, REFUSED)} - verdicts == {("secretariat", REFUSED)}


EDITABLE = {
    "secretariat": {"tulcan-casa-acogida", "ipiales-albergue-paso", "cucuta-espacio-apoyo", "cucuta-salud-mujeres",
                    "lima-comedor", "boa-vista-orientacao", "panama-asesoria-legal"},
    "local_cucuta": {"cucuta-espacio-apoyo", "cucuta-salud-mujeres"},
}


@pytest.mark.parametrize("role", ROLES)
def test_editable_rows_are_exactly_those_in_the_roles_scope(users, role):
    keys = set(permissions.editable(users[role], Service.objects.all()).values_list("load_key", flat=True))
    assert keys == {f"service:{key}" for key in EDITABLE.get(role, set())}


def test_editable_follows_the_municipality_as_can_does(users, villa_del_rosario):
    secretariat, officer = users["secretariat"], users["local_cucuta"]
    there = services.service_create(user=secretariat, data=service_input(municipality_id=villa_del_rosario.pk))
    own_no_town = services.service_create(user=secretariat, data=service_input(municipality_id=None))
    editable = set(permissions.editable(officer, Service.objects.all()))
    assert there not in editable and own_no_town in editable
    assert permissions.can(officer, "change", there) is False
    assert permissions.can(officer, "change", own_no_town) is True


def test_every_live_service_is_public_and_a_deleted_one_only_for_the_secretariat(users):
    shelter = demo("tulcan-casa-acogida")
    assert set(permissions.visible(None, Service.objects.all())) == set(Service.objects.all())
    record_soft_delete(instance=shelter, user=users["secretariat"])
    assert shelter not in set(permissions.visible(None, Service.objects.all()))
    assert shelter not in set(permissions.visible(users["local_cucuta"], Service.all_objects.all(),
                                                  include_deleted=True))
    assert shelter in set(permissions.visible(users["secretariat"], Service.all_objects.all(), include_deleted=True))


def test_an_officer_cannot_move_their_service_to_another_municipality(users, villa_del_rosario):
    service = demo("cucuta-espacio-apoyo")
    with translation.override("en"), pytest.raises(PermissionDenied) as refused:
        services.service_update(user=users["local_cucuta"], service=service, expected_version=service.version,
                                data=service_input(municipality_id=villa_del_rosario.pk))
    assert str(refused.value) == "You may not change this record (service)."
    service.refresh_from_db()
    assert service.municipality.pcode == "CO54001" and service.version == 1
