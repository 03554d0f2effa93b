"""Writes of the capacity-development kit: training deliveries, the secretariat's priority list and library.

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
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, can, require
from minga.audit.services import EditConflict, record_create, record_restore, record_soft_delete, record_update
from minga.capacity.models import KitResource, PriorityMunicipality, TrainingDelivery
from minga.common.cache import PROCESS, invalidates
from minga.common.errors import ParameterInvalid
from minga.common.text import has_visible_text
from minga.common.uploads import check_upload
from minga.process.models import RoadmapAction
from minga.reference.models import Municipality, Organisation, Term


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
    removed = PriorityMunicipality.all_objects.filter(municipality=municipality).first()
    if removed is not None and removed.deleted_at is None:
        raise ValidationError({"municipality": [_("This municipality is already on the list.")]})
    if removed is not None:
        # One row per municipality: put back on the list, it is the same row again, from its new date.
        restored = record_restore(instance=removed, user=user, reason=_("Put back on the priority list"))
        return record_update(instance=restored, user=user, expected_version=restored.version,
                             changes={"since": since}, reason=_("Put back on the priority list"))
    return record_create(model=PriorityMunicipality, user=user,
                         fields={"municipality": municipality, "since": since})


@invalidates(PROCESS)
@transaction.atomic
def priority_remove(*, user, priority: PriorityMunicipality, expected_version: int) -> PriorityMunicipality:
    """Take a municipality off the list (kept in the history), against the version the editor read."""
    require(user, Action.DELETE, priority)
    current = PriorityMunicipality.all_objects.select_for_update().get(pk=priority.pk)
    if current.deleted_at is not None or current.version != expected_version:
        raise EditConflict(instance=current, expected_version=expected_version)
    return record_soft_delete(instance=current, user=user, reason=_("Removed from the priority list"))


@dataclass(frozen=True)
class ResourceInput:
    """A resource of the kit in one language and version; ``series`` empty for a new resource."""

    title: str
    kind: str
    language: str
    audience: str
    edition: int
    published_on: date
    series: str = ""
    line: Term | None = None
    link: str = ""
    upload: object | None = None


def _new_series(title: str) -> str:
    base = slugify(title)[:50].strip("-") or "resource"
    taken = set(KitResource.all_objects.filter(series__startswith=base).values_list("series", flat=True))
    series, number = base, 1
    while series in taken:
        number += 1
        series = f"{base}-{number}"
    return series


def _resource_errors(data: ResourceInput, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not has_visible_text(data.title):
        errors["title"] = [_("Give the resource a title.")]
    if data.published_on > today:
        errors["published_on"] = [_("A version cannot be published in the future.")]
    if data.series and not KitResource.objects.filter(series=data.series).exists():
        errors["series"] = [_("Choose a resource of the library.")]
    elif data.series:
        latest = (KitResource.all_objects.filter(series=data.series, language=data.language)
                  .order_by("-edition").values_list("edition", flat=True).first())
        if latest is not None and data.edition <= latest:
            errors["edition"] = [_("This resource has version %(latest)s in this language already: a new version "
                                   "is numbered above it.") % {"latest": latest}]
    if bool(data.link) == bool(data.upload):
        errors["link"] = [_("Give either a file or a link, not both and not neither.")]
    elif data.upload is not None:
        try:
            data.upload.name = check_upload(data.upload).name
        except ParameterInvalid as error:
            errors["file"] = [error.message]
    return errors


@invalidates(PROCESS)
@transaction.atomic
def resource_add(*, user, data: ResourceInput, today: date | None = None) -> KitResource:
    """Add a resource, or a new version or language of one: the library then shows it as the current one."""
    require(user, Action.CREATE, KitResource())
    errors = _resource_errors(data, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    fields = {"series": data.series or _new_series(data.title), "kind": data.kind, "language": data.language,
              "title": data.title.strip(), "audience": data.audience, "line": data.line, "edition": data.edition,
              "published_on": data.published_on, "link": data.link}
    if data.upload is not None:
        fields["file"] = data.upload
    return record_create(model=KitResource, user=user, fields=fields)
