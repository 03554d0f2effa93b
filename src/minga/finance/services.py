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


def _converted(amount, currency, value_date) -> dict:
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
            "source": data.source, **_converted(data.amount, data.currency, data.pledged_on)}


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
            **_converted(data.amount, data.currency, data.value_date)}


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


__all__ = ["FinanceInvalid", "FollowUp", "flow_create", "flow_transition", "flow_update", "pledge_create",
           "pledge_transition", "pledge_update", "requirement_create"]
