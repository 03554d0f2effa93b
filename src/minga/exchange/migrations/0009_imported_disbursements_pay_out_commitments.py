"""The disbursements of each activity imported before now pay out its commitments, as a new import links them
(``exchange.iati.payouts``): until then each imported commitment counted in full beside them. The dashboard's
totals are marked stale, so the next read rebuilds them (``finance.totals.ensure_fresh``)."""

from django.db import migrations

from minga.exchange.iati.payouts import payouts

CHUNK = 2000  # activities at a time


def link(apps, schema_editor):
    IatiActivity = apps.get_model("exchange", "IatiActivity")
    IatiTransaction = apps.get_model("exchange", "IatiTransaction")
    FundingFlow = apps.get_model("finance", "FundingFlow")
    FundingTotalsState = apps.get_model("finance", "FundingTotalsState")
    ids = list(IatiActivity.objects.order_by("pk").values_list("pk", flat=True))
    linked = 0
    for start in range(0, len(ids), CHUNK):
        flows = {}  # activity → [(flow id, stage, receiver, value)] in the file's order
        for activity, pk, stage, receiver, amount, usd in (
                IatiTransaction.objects.filter(activity_id__in=ids[start:start + CHUNK], flow__isnull=False)
                .order_by("activity_id", "position")
                .values_list("activity_id", "flow_id", "flow__stage", "flow__receiver_id", "flow__amount",
                             "flow__amount_usd")):
            flows.setdefault(activity, []).append((pk, stage, receiver, amount if usd is None else usd))
        for each in flows.values():
            for disbursement, commitment in payouts([row[1:] for row in each]).items():
                linked += FundingFlow.objects.filter(pk=each[disbursement][0], commitment__isnull=True).update(
                    commitment_id=each[commitment][0])
    if linked:
        FundingTotalsState.objects.create()


class Migration(migrations.Migration):

    dependencies = [
        ("exchange", "0008_import_run_error_problem"),
        ("finance", "0005_dashboard_totals_kept_by_the_writes"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
