"""Writes about the process: a progress update on a roadmap action, its evidence and its linked services.

The permission module decides who reports (``process.progressupdate``: the secretariat, and the
officers of the action's lead organisation) and which status moves they may make
(``process.workflow``). The update and the action's new status and percentage are written together,
against the version the reporter read, or not at all.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, can_transition, require
from minga.audit.services import record_create, record_update
from minga.common.cache import PROCESS, SERVICES, invalidates
from minga.common.errors import ParameterInvalid
from minga.common.text import has_visible_text
from minga.common.uploads import check_upload
from minga.process.models import ActionEvidence, ProgressUpdate, RoadmapAction, RoadmapStatus
from minga.process.workflow import ROADMAP_WORKFLOW


@dataclass(frozen=True)
class ProgressInput:
    on_date: date
    status: str
    progress: Decimal
    note: str


def _errors(user, action: RoadmapAction, data: ProgressInput, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.on_date > today:
        errors["on_date"] = [_("A progress update cannot be dated in the future.")]
    if data.status not in RoadmapStatus.values:
        errors["status"] = [_("Choose a status from the list.")]
    elif data.status != action.status and not can_transition(user, action, data.status):
        errors["status"] = [_("You cannot move this action from “%(current)s” to “%(target)s”.") % {
            "current": ROADMAP_WORKFLOW.label(action.status), "target": ROADMAP_WORKFLOW.label(data.status)}]
    if not 0 <= data.progress <= 100:
        errors["progress"] = [_("Progress is a percentage: from 0 to 100.")]
    if not has_visible_text(data.note):
        errors["note"] = [_("Say what was done since the last update.")]
    return errors


@invalidates(PROCESS)
@transaction.atomic
def record_progress(*, user, action: RoadmapAction, expected_version: int, data: ProgressInput,
                    today: date | None = None) -> ProgressUpdate:
    """Store a dated update and carry its status and percentage to the action; ``EditConflict`` if stale."""
    require(user, Action.CREATE, ProgressUpdate(action=action))
    errors = _errors(user, action, data, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    record_update(instance=action, user=user, expected_version=expected_version,
                  changes={"status": data.status, "progress": data.progress},
                  reason=_("Progress update of %(date)s") % {"date": data.on_date.isoformat()})
    return record_create(model=ProgressUpdate, user=user, fields={
        "action": action, "on_date": data.on_date, "status": data.status, "progress": data.progress,
        "note": data.note.strip(), "reported_by": user})


@dataclass(frozen=True)
class EvidenceInput:
    """A document by its address (``url``) or as an uploaded file (``upload``): exactly one of the two."""

    title: str
    on_date: date
    url: str = ""
    upload: object | None = None


def _evidence_errors(data: EvidenceInput, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.on_date > today:
        errors["on_date"] = [_("A document cannot be dated in the future.")]
    if not has_visible_text(data.title):
        errors["title"] = [_("Give the document a title.")]
    if bool(data.url) == bool(data.upload):
        errors["url"] = [_("Give either a file or a link, not both and not neither.")]
    elif data.upload is not None:
        try:
            checked = check_upload(data.upload)
        except ParameterInvalid as error:
            errors["file"] = [error.message]
        else:
            data.upload.name = checked.name
    return errors


@invalidates(PROCESS)
@transaction.atomic
def evidence_add(*, user, action: RoadmapAction, data: EvidenceInput, today: date | None = None) -> ActionEvidence:
    """Attach a document (an uploaded file or its address) to an action: those who report its progress may.

    A file is checked (size, type read from its bytes) before anything is stored; refused, nothing is kept.
    """
    require(user, Action.CREATE, ActionEvidence(action=action))
    errors = _evidence_errors(data, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    fields = {"action": action, "title": data.title.strip(), "on_date": data.on_date, "url": data.url,
              "added_by": user}
    if data.upload is not None:
        fields["file"] = data.upload
    return record_create(model=ActionEvidence, user=user, fields=fields)


@invalidates(PROCESS, SERVICES)
@transaction.atomic
def services_link(*, user, action: RoadmapAction, expected_version: int, services: tuple) -> RoadmapAction:
    """Set the directory services linked to an action, against the version the editor read.

    Who may is the action's change policy (``process.roadmapaction``): the secretariat, as no state of the
    roadmap's workflow leaves the action to its lead officers, who report progress and evidence instead. A
    service that is no longer live cannot be linked. The services' pages show the action, so their domain is dropped too.
    """
    require(user, Action.CHANGE, action)
    gone = [service for service in services if service.deleted_at is not None]
    if gone:
        raise ValidationError({"services": [_("A removed service cannot be linked.")]})
    action = record_update(instance=action, user=user, expected_version=expected_version, changes={},
                           reason=_("Linked services changed"))
    action.services.set(services)
    return action
