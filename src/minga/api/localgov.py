"""Needs statements of local governments: read by anyone, written by the local government's own officers."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Path, Router, Schema, Status
from pydantic import ConfigDict

from minga.accounts.permissions import Action
from minga.api.auth import TokenAuth, caller
from minga.api.schemas import ErrorOut
from minga.common.numbers import MAX_COUNT
from minga.common.versions import parse_version
from minga.localgov import selectors, services
from minga.localgov.forms import THEMES_VOCABULARY
from minga.localgov.models import NeedsStatement, NeedStatus
from minga.reference.models import Term

router = Router(tags=["local governments"])
Id = Path(..., ge=1, le=MAX_COUNT)


class NeedOut(Schema):
    id: int
    organisation: int
    theme: str
    description: str
    estimated_cost: Decimal | None
    currency: str
    status: str
    is_illustrative: bool
    version: int


class NeedIn(Schema):
    model_config = ConfigDict(extra="forbid")
    theme: str
    description: str
    estimated_cost: Decimal | None = None
    currency: str = ""
    status: NeedStatus = NeedStatus.IDENTIFIED


class NeedPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int
    reason: str = ""
    theme: str | None = None
    description: str | None = None
    estimated_cost: Decimal | None = None
    currency: str | None = None
    status: NeedStatus | None = None


def _out(need: NeedsStatement) -> dict:
    return {"id": need.pk, "organisation": need.organisation_id, "theme": need.theme.code,
            "description": need.description, "estimated_cost": need.estimated_cost, "currency": need.currency,
            "status": need.status, "is_illustrative": need.is_illustrative, "version": need.version}


def _resolve(fields: dict) -> dict:
    """The theme by its code in the Quito Process axes; an unknown one is a 422 naming it."""
    if fields.get("theme") is not None:
        term = Term.objects.filter(vocabulary_id=THEMES_VOCABULARY, code=fields["theme"]).first()
        if term is None:
            raise ValidationError({"theme": [f"Unknown theme: {fields['theme']!r}."]})
        fields["theme"] = term
    if "status" in fields and fields["status"] is not None:
        fields["status"] = str(fields["status"].value)
    return {key: value for key, value in fields.items() if value is not None or key == "estimated_cost"}


@router.get("/local-governments/{int:organisation_id}/needs",
            response={200: list[NeedOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
            summary="A local government's needs statements")
def need_list(request, organisation_id: int = Id):
    user = caller(request)
    return [_out(need) for need in selectors.needs_of(user, selectors.access_local_government(user, organisation_id))]


@router.post("/local-governments/{int:organisation_id}/needs", auth=TokenAuth(),
             response={201: NeedOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def need_create(request, payload: NeedIn, organisation_id: int = Id):
    organisation = selectors.access_local_government(request.auth, organisation_id)
    need = services.needs_statement_create(user=request.auth, organisation=organisation,
                                           fields=_resolve(payload.dict()))
    return Status(201, _out(need))


@router.patch("/needs/{int:need_id}", auth=TokenAuth(),
              response={200: NeedOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def need_update(request, payload: NeedPatch, need_id: int = Id):
    need = selectors.access_needs_statement(request.auth, need_id, Action.CHANGE)
    changes = payload.dict(exclude_unset=True)
    version = parse_version(changes.pop("version"), field="version")
    reason = changes.pop("reason", "")
    need = services.needs_statement_update(statement=need, user=request.auth, changes=_resolve(changes),
                                           expected_version=version, reason=reason)
    return _out(need)
