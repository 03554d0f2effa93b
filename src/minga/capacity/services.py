"""Writes of the capacity-development kit: training deliveries, and the secretariat's priority list.

The permission module decides who enters a delivery (``capacity.trainingdelivery``: the secretariat, and
the local-government officers of the municipality where it was given). A change is made against the
version the editor read, or not at all; every write leaves a history entry. A delivery can count for a
roadmap action, whose page shows it: the roadmap's pages are kept in the process domain's cache, so these
writes drop that domain too.
"""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, can, require
from minga.audit.services import record_create, record_update
from minga.capacity.models import KitResource, PriorityMunicipality, TrainingDelivery
from minga.common.cache import PROCESS, invalidates
from minga.process.models import RoadmapAction
from minga.reference.models import Municipality, Organisation


@dataclass(frozen=True)
class DeliveryInput:
    delivered_on: date
    municipality: Municipality
    organiser: Organisation
    modules: tuple[KitResource, ...] = ()
    action: RoadmapAction | None = None
    women: int = 0
    men: int = 0
    sex_other: int = 0
    social_services: int = 0
    child_protection: int = 0
    police: int = 0
    health: int = 0
    education: int = 0
    migration_authority: int = 0
    other_role: int = 0
    pre_score: Decimal | None = None
    post_score: Decimal | None = None
    note: str = ""

    def fields(self) -> dict:
        """The model's fields (the modules, many-to-many, are set apart)."""
        values = {item.name: getattr(self, item.name) for item in fields(self) if item.name != "modules"}
        values["note"] = self.note.strip()
        return values


def _errors(data: DeliveryInput, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.delivered_on > today:
        errors["delivered_on"] = [_("A training cannot be recorded before it took place.")]
    if any(module.kind != "module" for module in data.modules):
        errors["modules"] = [_("Choose training modules of the kit.")]
    return errors


def _check(user, delivery: TrainingDelivery, action: Action, data: DeliveryInput, today: date | None) -> None:
    if not can(user, action, delivery):
        raise PermissionDenied(_("Only the secretariat and the officers of the municipality where it was given "
                                 "record a training."))
    errors = _errors(data, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)


@invalidates(PROCESS)
@transaction.atomic
def delivery_create(*, user, data: DeliveryInput, today: date | None = None) -> TrainingDelivery:
    _check(user, TrainingDelivery(**data.fields()), Action.CREATE, data, today)
    delivery = record_create(model=TrainingDelivery, user=user, fields=data.fields())
    delivery.modules.set(data.modules)
    return delivery


@invalidates(PROCESS)
@transaction.atomic
def delivery_update(*, user, delivery: TrainingDelivery, expected_version: int, data: DeliveryInput,
                    today: date | None = None) -> TrainingDelivery:
    """Change a delivery; the editor must cover it both as it was and as it will be (no moving it away)."""
    require(user, Action.CHANGE, delivery)
    _check(user, TrainingDelivery(**data.fields()), Action.CHANGE, data, today)
    delivery = record_update(instance=delivery, user=user, expected_version=expected_version,
                             changes=data.fields(), reason=_("Training delivery changed"))
    delivery.modules.set(data.modules)
    return delivery


@invalidates(PROCESS)
@transaction.atomic
def priority_add(*, user, municipality: Municipality, since: date) -> PriorityMunicipality:
    require(user, Action.CREATE, PriorityMunicipality(municipality=municipality, since=since))
    if PriorityMunicipality.all_objects.filter(municipality=municipality, deleted_at__isnull=True).exists():
        raise ValidationError({"municipality": [_("This municipality is already on the list.")]})
    return record_create(model=PriorityMunicipality, user=user,
                         fields={"municipality": municipality, "since": since})
