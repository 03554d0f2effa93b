"""Writes of the service directory: create, change, mark verified. Permission first, then audit's writes.

The permission module (``services.service``) decides: the secretariat everywhere; the provider's officers
and the officers of the local government of the service's municipality. The record is asked as it will be
saved, so an officer cannot move a service out of their reach either.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require
from minga.audit.services import record_create, record_update
from minga.common.cache import SERVICES, invalidates
from minga.services.inputs import ServiceInput, model_fields
from minga.services.models import Service


def _check_references(values: dict) -> None:
    """Names of the places and the provider that exist, before the permission check reads them."""
    from minga.reference.models import Country, Municipality, Organisation, Subdivision

    errors = {}
    for field, model, key in (("provider_id", Organisation, "pk"), ("country_id", Country, "pk"),
                              ("subdivision_id", Subdivision, "pk"), ("municipality_id", Municipality, "pk")):
        value = values.get(field)
        if value is not None and not model.objects.filter(**{key: value}).exists():
            errors[field.removesuffix("_id")] = [_("No such record: %(value)s.") % {"value": value}]
    if errors:
        raise ValidationError(errors)


@invalidates(SERVICES)
@transaction.atomic
def service_create(*, user, data: ServiceInput, load_key: str | None = None, illustrative: bool = False,
                   reason: str = "") -> Service:
    values = model_fields(data)
    _check_references(values)
    require(user, Action.CREATE, Service(**values))
    if load_key:
        values["load_key"] = load_key
    values["is_illustrative"] = illustrative
    return record_create(model=Service, user=user, fields=values, reason=reason)


@invalidates(SERVICES)
@transaction.atomic
def service_update(*, user, service: Service, data: ServiceInput, expected_version: int, reason: str = "") -> Service:
    require(user, Action.CHANGE, service)
    values = model_fields(data)
    _check_references(values)
    require(user, Action.CHANGE, Service(pk=service.pk, **values))  # where it will be: still in their reach
    return record_update(instance=service, user=user, changes=values, expected_version=expected_version,
                         reason=reason)


@invalidates(SERVICES)
@transaction.atomic
def service_verify(*, user, service: Service, expected_version: int) -> Service:
    """The provider checked the entry today: the six-month clock starts again."""
    require(user, Action.CHANGE, service)
    return record_update(instance=service, user=user, changes={"last_verified_on": timezone.localdate()},
                         expected_version=expected_version, reason=_("Verified"))
