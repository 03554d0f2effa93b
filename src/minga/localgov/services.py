"""Writes of needs statements: the permission module decides (``localgov.needsstatement``: the secretariat and
the officers of the statement's own local government), the audit module validates, versions and keeps history."""

from django.db import transaction

from minga.accounts.permissions import Action, require
from minga.audit.services import record_create, record_update
from minga.common.cache import REFERENCE, invalidates
from minga.localgov.models import NeedsStatement

FIELDS = ("theme", "description", "estimated_cost", "currency", "status")


@invalidates(REFERENCE)
@transaction.atomic
def needs_statement_create(*, user, organisation, fields: dict, reason: str = "") -> NeedsStatement:
    """A new statement of ``organisation``; ``PermissionDenied`` outside the user's own local government."""
    fields = {name: fields[name] for name in FIELDS if name in fields}
    require(user, Action.CREATE, NeedsStatement(organisation=organisation, **fields))
    statement = record_create(model=NeedsStatement, user=user, fields={"organisation": organisation, **fields},
                              reason=reason)
    statement.refresh_from_db()  # the amount as stored (two decimals), for the answer
    return statement


@invalidates(REFERENCE)
@transaction.atomic
def needs_statement_update(*, statement: NeedsStatement, user, changes: dict, expected_version: int,
                           reason: str = "") -> NeedsStatement:
    require(user, Action.CHANGE, statement)
    changes = {name: changes[name] for name in FIELDS if name in changes}
    return record_update(instance=statement, user=user, changes=changes, expected_version=expected_version,
                         reason=reason)
