"""Every write of the follow-up of the money: permission first, then ``minga.audit.services``.

Each function runs in one transaction; the audit layer validates the record, bumps its version with
a conditional UPDATE (two editors cannot both pass) and keeps the history with who and why.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require, require_transition
from minga.audit import services as audit
from minga.common.cache import FINANCE, PORTFOLIO, invalidates
from minga.common.text import control_characters, control_characters_message
from minga.finance import totals
from minga.finance.inputs import (
    FinanceInvalid,
    FlowInput,
    PledgeInput,
    check_flow,
    check_pledge,
    flow_shares,
    humanitarian_percent,
)
from minga.finance.tracking import FlowShare, FollowUp, FundingFlow, PledgeCountry, Requirement, TrackedPledge
from minga.finance.workflow import FLOW_WORKFLOW, PLEDGE_WORKFLOW
from minga.reference.money import to_usd


def _converted(amount, currency, value_date, given_usd=None) -> dict:
    if given_usd is not None:  # the source's own USD (FTS converts at its rate): kept, so totals match the source
        return {"amount_usd": given_usd, "usd_problem": ""}
    conversion = to_usd(amount, currency, value_date)
    return {"amount_usd": conversion.usd, "usd_problem": conversion.problem}


def _pledge_fields(data: PledgeInput) -> dict:
    errors = check_pledge(data)
    if errors:
        raise FinanceInvalid(errors)
    return {"donor": data.donor, "conference": data.conference, "reported_pledge": data.reported_pledge,
            "amount": data.amount, "currency": data.currency, "pledged_on": data.pledged_on,
            "instrument": data.instrument, "is_concessional": data.is_concessional, "purpose": data.purpose,
            "humanitarian_percent": humanitarian_percent(data), "is_regional": data.is_regional,
            "source": data.source, **_converted(data.amount, data.currency, data.pledged_on, data.amount_usd)}


def _store_pledge_parts(pledge: TrackedPledge, data: PledgeInput) -> TrackedPledge:
    pledge.countries.all().delete()
    PledgeCountry.objects.bulk_create(PledgeCountry(pledge=pledge, country=country, percentage=share)
                                      for country, share in data.countries)
    pledge.earmarks.set(data.earmarks)
    return pledge


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def pledge_create(*, user, data: PledgeInput, illustrative: bool = False) -> TrackedPledge:
    fields = _pledge_fields(data)
    require(user, Action.CREATE, TrackedPledge(**fields))
    with totals.kept() as change:  # the dashboard's totals move in the same transaction
        pledge = audit.record_create(model=TrackedPledge, user=user, reason=_("created"),
                                     fields={**fields, "is_illustrative": illustrative})
        change.created_pledges.append(pledge.pk)
        return _store_pledge_parts(pledge, data)


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def pledge_update(*, pledge: TrackedPledge, user, data: PledgeInput, expected_version: int,
                  reason: str = "") -> TrackedPledge:
    require(user, Action.CHANGE, pledge)
    fields = _pledge_fields(data)
    candidate = TrackedPledge(**{f.attname: getattr(pledge, f.attname) for f in TrackedPledge._meta.concrete_fields})
    for key, value in fields.items():
        setattr(candidate, key, value)
    require(user, Action.CHANGE, candidate)  # the edited pledge stays the editor's organisation's
    with totals.kept(pledges=[pledge.pk], pledge_flows=True):  # its conference is its flows' conference
        updated = audit.record_update(instance=pledge, user=user, changes=fields, expected_version=expected_version,
                                      reason=reason)
        return _store_pledge_parts(updated, data)


def _flow_fields(data: FlowInput) -> dict:
    errors = check_flow(data)
    if errors:
        raise FinanceInvalid(errors)
    return {"stage": data.stage, "provider": data.provider, "receiver": data.receiver, "pledge": data.pledge,
            "project": data.project, "commitment": data.commitment, "parent": data.parent,
            "value_date": data.value_date, "amount": data.amount, "currency": data.currency,
            "is_humanitarian": data.is_humanitarian, "country": data.country, "theme": data.theme,
            "source_kind": data.source_kind, "source": data.source, "reference": data.reference,
            "iati_transaction_type": data.iati_transaction_type, "fts_status": data.fts_status,
            **_converted(data.amount, data.currency, data.value_date, data.amount_usd)}


def _store_flow_shares(flow: FundingFlow, data: FlowInput) -> FundingFlow:
    flow.shares.all().delete()
    FlowShare.objects.bulk_create(FlowShare(flow=flow, country=country, subdivision=subdivision, percentage=share)
                                  for country, subdivision, share in flow_shares(data))
    return flow


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def flow_create(*, user, data: FlowInput, illustrative: bool = False) -> FundingFlow:
    fields = _flow_fields(data)
    require(user, Action.CREATE, FundingFlow(**fields))
    with totals.kept(commitments=[getattr(data.commitment, "pk", None)]) as change:
        flow = audit.record_create(model=FundingFlow, user=user, reason=_("created"),
                                   fields={**fields, "is_illustrative": illustrative})
        change.created_flows.append(flow.pk)
        return _store_flow_shares(flow, data)


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def flow_update(*, flow: FundingFlow, user, data: FlowInput, expected_version: int, reason: str = "") -> FundingFlow:
    require(user, Action.CHANGE, flow)
    fields = _flow_fields(data)
    candidate = FundingFlow(**{f.attname: getattr(flow, f.attname) for f in FundingFlow._meta.concrete_fields})
    for key, value in fields.items():
        setattr(candidate, key, value)
    require(user, Action.CHANGE, candidate)
    with totals.kept(flows=[flow.pk], commitments=[getattr(data.commitment, "pk", None)]):
        updated = audit.record_update(instance=flow, user=user, changes=fields, expected_version=expected_version,
                                      reason=reason)
        return _store_flow_shares(updated, data)


def _move(workflow, record, *, user, to_status: str, expected_version: int, comment: str):
    require_transition(user, record, to_status)
    errors = workflow.refusals(record, to_status, comment=comment)
    found = control_characters(comment)
    if found:
        errors = {**errors, "comment": [control_characters_message(found)]}
    if errors:
        raise FinanceInvalid(errors)
    changes = workflow.changes(record, to_status, at=timezone.now())
    return audit.record_update(instance=record, user=user, changes=changes, expected_version=expected_version,
                               reason=comment.strip() or _("state: %(state)s") % {
                                   "state": workflow.label(to_status)})


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def pledge_transition(*, pledge: TrackedPledge, user, to_status: str, expected_version: int,
                      comment: str = "") -> TrackedPledge:
    with totals.kept(pledges=[pledge.pk]):
        return _move(PLEDGE_WORKFLOW, pledge, user=user, to_status=to_status, expected_version=expected_version,
                     comment=comment)


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def flow_transition(*, flow: FundingFlow, user, to_status: str, expected_version: int,
                    comment: str = "") -> FundingFlow:
    with totals.kept(flows=[flow.pk]):
        return _move(FLOW_WORKFLOW, flow, user=user, to_status=to_status, expected_version=expected_version,
                     comment=comment)


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def requirement_create(*, user, plan: str, year: int, amount, currency: str, source, country=None, sector=None,
                       project=None, load_key: str | None = None, illustrative: bool = False) -> Requirement:
    fields = {"plan": plan, "year": year, "amount": amount, "currency": currency, "source": source,
              "country": country, "sector": sector, "project": project, "load_key": load_key,
              "is_illustrative": illustrative,
              **_converted(amount, currency, date(year, 12, 31))}
    require(user, Action.CREATE, Requirement(**fields))
    return audit.record_create(model=Requirement, user=user, reason=_("created"), fields=fields)


def _published(model, fields: dict, *, user, load_key: str, reason: str, parts) -> tuple[object, str]:
    """Create the record, or update it in place, as a public tracking service published it: validated and
    public at once (the service is the source; nobody confirms FTS's figures). Returns (record, outcome)."""
    existing = model.all_objects.filter(load_key=load_key).first()
    fields = {**fields, "status": FollowUp.VALIDATED, "is_public": True}
    if existing is None:
        require(user, Action.PUBLISH, model(**fields))
        record = audit.record_create(model=model, user=user, reason=reason, fields={**fields, "load_key": load_key})
        return parts(record), "created"
    if existing.deleted_at is not None:  # deleted by people: stays deleted
        return existing, "deleted"
    require(user, Action.PUBLISH, existing)
    record = audit.record_update(instance=existing, user=user, changes=fields, expected_version=existing.version,
                                 reason=reason)
    return parts(record), "updated"


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def flow_import(*, user, data: FlowInput, load_key: str, reason: str) -> tuple[FundingFlow, str]:
    """A flow published by a tracking service (FTS): created, or updated in place under its ``load_key``.

    The one write of imported flows (exchange.fts, exchange.hxl_import); the dashboard's totals move with it.
    """
    fields = _flow_fields(data)
    existing = FundingFlow.all_objects.filter(load_key=load_key).values_list("pk", flat=True).first()
    with totals.kept(flows=[existing] if existing else [],
                     commitments=[getattr(data.commitment, "pk", None)]) as change:
        flow, outcome = _published(FundingFlow, fields, user=user, load_key=load_key, reason=reason,
                                   parts=lambda flow: _store_flow_shares(flow, data))
        if outcome == "created":
            change.created_flows.append(flow.pk)
        return flow, outcome


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def pledge_import(*, user, data: PledgeInput, load_key: str, reason: str) -> tuple[TrackedPledge, str]:
    """A pledge published by a tracking service (FTS status ``pledge``): kept as a pledge, never as funding."""
    fields = _pledge_fields(data)
    existing = TrackedPledge.all_objects.filter(load_key=load_key).values_list("pk", flat=True).first()
    with totals.kept(pledges=[existing] if existing else [], pledge_flows=bool(existing)) as change:
        pledge, outcome = _published(TrackedPledge, fields, user=user, load_key=load_key, reason=reason,
                                     parts=lambda pledge: _store_pledge_parts(pledge, data))
        if outcome == "created":
            change.created_pledges.append(pledge.pk)
        return pledge, outcome


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def imported_withdraw(*, record, user, reason: str) -> None:
    """An imported flow or pledge the source no longer gives as such (an FTS pledge become a commitment)."""
    require(user, Action.PUBLISH, record)
    touched = {"flows": [record.pk]} if isinstance(record, FundingFlow) else {"pledges": [record.pk]}
    with totals.kept(**touched):
        audit.soft_delete(instance=record, user=user, reason=reason)


@invalidates(FINANCE, PORTFOLIO)  # the project pages list the flows that fund them
@transaction.atomic
def requirement_import(*, user, load_key: str, plan: str, year: int, amount, currency: str, source, country=None,
                       sector=None, note: str = "") -> str:
    """A plan's requirement as a tracking service publishes it (FTS plan overview), created or updated in place
    under ``load_key``. Returns "created", "updated" or "unchanged"."""
    fields = {"plan": plan, "year": year, "amount": amount, "currency": currency, "source": source,
              "country": country, "sector": sector, "note": note, **_converted(amount, currency, date(year, 12, 31))}
    existing = Requirement.all_objects.filter(load_key=load_key).first()
    if existing is None:
        require(user, Action.CREATE, Requirement(**fields))
        audit.record_create(model=Requirement, user=user, reason=_("created"), fields={**fields, "load_key": load_key})
        return "created"
    if existing.deleted_at is not None or all(getattr(existing, key) == value for key, value in fields.items()):
        return "unchanged"
    require(user, Action.CHANGE, existing)
    audit.record_update(instance=existing, user=user, changes=fields, expected_version=existing.version,
                        reason=_("updated from the source"))
    return "updated"


__all__ = ["FinanceInvalid", "FollowUp", "flow_create", "flow_import", "flow_transition", "flow_update",
           "imported_withdraw", "pledge_create", "pledge_import",
           "pledge_transition", "pledge_update", "requirement_create", "requirement_import"]
