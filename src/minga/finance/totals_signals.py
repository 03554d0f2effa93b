"""Writes made around the services keep the dashboard's totals (``minga.finance.totals``) exact too.

The audit's soft delete and restore, the admin and the ORM save flows and pledges without ``totals.kept``:
a save of a flow or a pledge moves the totals as a service would; anything else (a share, an earmark, a
hard delete) marks them stale, and the next read rebuilds them (``totals.ensure_fresh``). Bulk writes send
no signal: see ``totals.refresh_totals_for``. Connected once, in ``FinanceConfig.ready``.
"""

from minga.finance.totals import Change, in_service
from minga.finance.tracking import FlowShare, FundingFlow, FundingTotalsState, PledgeCountry, TrackedPledge


def _before_save(sender, instance, raw=False, **kwargs):
    if in_service() or raw:
        return
    if sender is FundingFlow:
        old = (FundingFlow.all_objects.filter(pk=instance.pk).values_list("commitment_id", flat=True).first()
               if instance.pk else None)
        instance._totals_change = Change(flows=[instance.pk] if instance.pk else [],
                                         commitments=[instance.commitment_id, old])
    else:
        instance._totals_change = Change(pledges=[instance.pk] if instance.pk else [], pledge_flows=True)


def _after_save(sender, instance, created=False, raw=False, **kwargs):
    change = instance.__dict__.pop("_totals_change", None)
    if change is None:
        return
    new = [instance.pk] if created else []
    if sender is FundingFlow:
        change.apply(new_flows=new)
    else:
        change.apply(new_pledges=new)


def _stale(sender, raw=False, **kwargs):
    if not in_service() and not raw:
        FundingTotalsState.objects.create()


def connect() -> None:
    from django.db.models import signals

    for model in (FundingFlow, TrackedPledge):
        signals.pre_save.connect(_before_save, sender=model, dispatch_uid=f"totals-before-{model.__name__}")
        signals.post_save.connect(_after_save, sender=model, dispatch_uid=f"totals-after-{model.__name__}")
        signals.post_delete.connect(_stale, sender=model, dispatch_uid=f"totals-deleted-{model.__name__}")
    for model in (FlowShare, PledgeCountry):
        signals.post_save.connect(_stale, sender=model, dispatch_uid=f"totals-saved-{model.__name__}")
        signals.post_delete.connect(_stale, sender=model, dispatch_uid=f"totals-deleted-{model.__name__}")
    signals.m2m_changed.connect(_stale, sender=TrackedPledge.earmarks.through, dispatch_uid="totals-earmarks")
