"""What an imported activity's transactions become, written and taken away in bulk: the transactions themselves,
the flows and pledges they give (with their history, shares, countries and earmarks) and what those add to the
dashboard's totals. ``importer.store_batch`` calls ``write`` for new and replaced activities, ``remove`` first for
replaced ones."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from minga.exchange.iati import payouts, reader, rows
from minga.exchange.iati.mapping import Lookups, flow_of, pledge_of
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance import totals
from minga.finance.tracking import FlowShare, FundingFlow, PledgeCountry, TrackedPledge


def write_pledges(pledges: list[rows.New], parts: list[list], *, user, reason: str) -> list[rows.New]:
    """The outgoing pledges of a batch of activities, in bulk with their history, countries and earmarks."""
    if not pledges:
        return []
    created = rows.create_with_history(pledges, TrackedPledge, user=user, reason=reason)
    rows.table(PledgeCountry, ("pledge_id", "country_id", "percentage")).insert(
        (pledge.pk, country, share) for pledge, (countries, _earmarks) in zip(created, parts, strict=True)
        for country, share in countries)
    rows.table(TrackedPledge.earmarks.through, ("trackedpledge_id", "term_id")).insert(
        (pledge.pk, term) for pledge, (_countries, earmarks) in zip(created, parts, strict=True) for term in earmarks)
    totals.refresh_totals_for(pledge_ids=[pledge.pk for pledge in created])
    return created


def write_flows(flows: list[rows.New], shares: list[list], *, user, reason: str, ids_taken: bool = False
                ) -> list[rows.New]:
    """The one place where the import writes flows: in bulk, with their history and shares (per flow, [(country id,
    subdivision id or None, percentage)]). ``ids_taken``: each flow holds its id already (``rows.allocate_ids``).

    The finance module's per-flow services check a person's edit; an import writes the flows of a whole
    batch of activities at once, then adds what they give to the dashboard's totals (new flows only: the
    flows they replace were taken out by ``remove``).
    """
    if not flows:
        return []
    created = rows.create_with_history(flows, FundingFlow, user=user, reason=reason, ids_taken=ids_taken)
    rows.table(FlowShare, ("flow_id", "country_id", "subdivision_id", "percentage")).insert(
        (flow.pk, country, subdivision, share)
        for flow, parts in zip(created, shares, strict=True) for country, subdivision, share in parts)
    totals.refresh_totals_for_new_flows(created, [[(country, share) for country, _subdivision, share in parts]
                                                  for parts in shares])
    return created


@dataclass
class Written:
    """What one batch wrote: added to the report only once its transaction is committed."""

    counts: dict = field(default_factory=dict)  # identifier → created / updated / unchanged
    transactions: int = 0
    flows: int = 0
    pledges: int = 0


def _reason(record: reader.ActivityRecord) -> str:
    return _("from IATI activity %(identifier)s") % {"identifier": record.identifier}


_TRANSACTION_COLUMNS = ("activity_id", "position", "transaction_type", "value", "currency", "value_date",
                        "amount_usd", "flow_id", "pledge_id", "data")
# What a transaction's ``data`` keeps: all it was read with but its own columns, when given.
_TRANSACTION_DATA = tuple(name for name in reader.TRANSACTION_FIELDS
                          if name not in ("type", "value", "currency", "value_date"))


def write(pairs, lookups: Lookups, written: Written) -> None:
    """The transactions of these (activity, record) pairs, their flows and pledges, in bulk."""
    flows, shares, rows_read, pledges, pledge_parts = [], [], [], [], []
    flow_reasons, pledge_reasons, activity_flows = [], [], []
    for activity, record in pairs:
        reason = _reason(record)  # the history names each flow's own activity
        first = len(flows)
        for position, (item, (data, usd, draft)) in enumerate(zip(record.transactions, record.prepared[2], strict=True),
                                                              start=1):
            flow, parts = flow_of(record, item, draft, lookups)
            pledge, pledge_part = pledge_of(record, item, lookups)
            rows_read.append(([activity.pk, position, item.type, item.value, item.currency, item.value_date, usd,
                               None, None, data], flow, pledge))
            if flow is not None:
                flow._change_reason = reason
                flows.append(flow)
                shares.append(parts)
                flow_reasons.append(reason)
            if pledge is not None:
                pledge._change_reason = reason
                pledges.append(pledge)
                pledge_parts.append(pledge_part)
                pledge_reasons.append(reason)
        activity_flows.append(flows[first:])
    for flow, pk in zip(flows, rows.allocate_ids(FundingFlow, len(flows)), strict=True):
        flow.id = pk
    for each in activity_flows:
        _link_payouts(each)
    lookups.insert_created()  # the parties met for the first time, before their flows and pledges
    created = iter(write_flows(flows, shares, user=lookups.user, reason=flow_reasons[0] if flow_reasons else "",
                               ids_taken=True))
    promised = iter(write_pledges(pledges, pledge_parts, user=lookups.user,
                                  reason=pledge_reasons[0] if pledge_reasons else ""))
    for row, flow, pledge in rows_read:
        row[7] = next(created).pk if flow is not None else None
        row[8] = next(promised).pk if pledge is not None else None
    rows.table(IatiTransaction, _TRANSACTION_COLUMNS).insert(row for row, _flow, _pledge in rows_read)
    written.transactions += len(rows_read)
    written.flows += len(flows)
    written.pledges += len(pledges)


def _link_payouts(flows: list[rows.New]) -> None:
    """Each disbursement of one activity's flows pays out one of its commitments (``payouts``): counted once."""
    paid = payouts.payouts([(flow.stage, flow.receiver_id, flow.amount if flow.amount_usd is None else flow.amount_usd)
                            for flow in flows])
    for disbursement, commitment in paid.items():
        flows[disbursement].commitment_id = flows[commitment].id


def transaction_data(item: reader.Transaction) -> dict:
    return {key: value for key in _TRANSACTION_DATA if (value := getattr(item, key)) != "" and value is not None}


class LinkedElsewhere(Exception):
    """An updated activity's flows or pledges that records entered on the platform are linked to."""


def remove(activities: list[IatiActivity]) -> None:
    """The transactions of these activities, with their flows and pledges (to be written again)."""
    if not activities:
        return
    held = IatiTransaction.objects.filter(activity__in=activities)
    flow_ids = list(held.exclude(flow=None).values_list("flow_id", flat=True))
    pledge_ids = list(held.exclude(pledge=None).values_list("pledge_id", flat=True))
    # A record entered on the platform may pay out one of these commitments or pledges, or pass one of these flows
    # on: written again, they would have new ids, and the database protects the link. The activity is refused,
    # naming them, rather than the link lost.
    linked = list(FundingFlow.all_objects.filter(
        Q(pledge_id__in=pledge_ids) | Q(commitment_id__in=flow_ids) | Q(parent_id__in=flow_ids))
        .exclude(pk__in=flow_ids).order_by("pk").values_list("pk", flat=True)[:6])
    if linked:
        raise LinkedElsewhere(_("its money changed, and flows recorded on the platform are linked to its commitments, "
                                "pledges or flows (%(flows)s): unlink them, then import the file again.")
                              % {"flows": ", ".join(f"/flows/{pk}/" for pk in linked[:5])
                                 + (" …" if len(linked) > 5 else "")})
    # The totals lose what these flows and pledges gave, in the same transaction.
    with totals.kept(flows=flow_ids, pledges=pledge_ids):
        held.delete()
        FlowShare.objects.filter(flow_id__in=flow_ids).delete()
        # The disbursements first: the database protects the commitments they pay out (``payouts``).
        FundingFlow.all_objects.filter(pk__in=flow_ids).exclude(commitment=None).delete()
        FundingFlow.all_objects.filter(pk__in=flow_ids).delete()
        TrackedPledge.all_objects.filter(pk__in=pledge_ids).delete()
