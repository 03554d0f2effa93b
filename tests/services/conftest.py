from datetime import date

import pytest

from minga.reference.models import Municipality, Organisation, Subdivision
from minga.services.inputs import ServiceInput
from minga.services.models import Service


def org(key: str) -> Organisation:
    return Organisation.all_objects.get(load_key=f"organisation:{key}")


def demo(key: str) -> Service:
    return Service.all_objects.get(load_key=f"service:{key}")


@pytest.fixture
def villa_del_rosario(db) -> Municipality:
    """Another municipality of Norte de Santander, next to Cúcuta: not the Cúcuta officer's."""
    return Municipality.objects.create(pcode="CO54874", name="Villa del Rosario",
                                       subdivision=Subdivision.objects.get(pk="CO-NSA"))


def service_input(**fields) -> ServiceInput:
    base = {"provider_id": org("demo-cucuta").pk, "latitude": 7.89, "longitude": -72.5, "country_id": "COL",
            "subdivision_id": "CO-NSA", "municipality_id": Municipality.objects.get(pcode="CO54001").pk,
            "last_verified_on": date(2026, 11, 1), "types": ["food"], "populations": ["everyone"],
            "name_es": "Olla comunitaria"}
    return ServiceInput(**{**base, **fields})


@pytest.fixture
def token_of(users):
    """``token_of("local_cucuta")``: the Authorization headers of a fresh API token, answers in English."""
    from minga.accounts.services import api_token_create

    def make(role: str) -> dict:
        _, key = api_token_create(user=users[role], name="tests")
        return {"authorization": f"Bearer {key}", "accept-language": "en"}

    return make
