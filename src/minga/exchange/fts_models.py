"""The ledger of OCHA FTS flows read by ``minga import fts``: one row per FTS flow id, at the version last read.

FTS keys a flow by its id and version: reading the same version again changes nothing, a newer one updates
the Minga record in place. The row keeps what a ``FundingFlow`` has no column for (FTS's boundary and
``onBoundary``, flow type, parent and child flow ids, plans, clusters, projects, emergencies, usage years:
the source and destination objects as FTS gave them), and which Minga record the flow became, or why none.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FtsOutcome(models.TextChoices):
    COUNTED = "counted", _("Funding of the destination country")
    REGIONAL = "regional", _("Funding shared with other locations or years: no country named")
    PASSED_ON = "passed_on", _("Money already counted where it entered (internal or outgoing)")
    PLEDGE = "pledge", _("Pledge (kept apart from funding)")
    NOT_STORED = "not_stored", _("Not stored (no amount)")


class FtsFlow(models.Model):
    flow_id = models.PositiveBigIntegerField(_("FTS flow id"), unique=True)
    version = models.PositiveIntegerField(_("FTS version"))
    status = models.CharField(_("FTS status"), max_length=12)
    boundary = models.CharField(_("boundary"), max_length=10)
    on_boundary = models.CharField(_("on boundary"), max_length=10)
    flow_type = models.CharField(_("flow type"), max_length=30, blank=True)
    parent_flow_id = models.PositiveBigIntegerField(_("parent flow"), null=True, blank=True)
    child_flow_ids = models.JSONField(_("child flows"), default=list)
    amount_usd = models.DecimalField(_("amount in USD (FTS)"), max_digits=18, decimal_places=2)
    original_amount = models.DecimalField(_("original amount"), max_digits=18, decimal_places=2, null=True,
                                          blank=True)
    original_currency = models.CharField(_("original currency"), max_length=3, blank=True)
    flow_date = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    source_objects = models.JSONField(_("source objects"), default=list)
    destination_objects = models.JSONField(_("destination objects"), default=list)
    outcome = models.CharField(_("outcome"), max_length=12, choices=FtsOutcome.choices)
    funding_flow = models.ForeignKey("finance.FundingFlow", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    pledge = models.ForeignKey("finance.TrackedPledge", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    read_at = models.DateTimeField(_("read at"), auto_now=True)

    class Meta:
        verbose_name = _("FTS flow read")
        verbose_name_plural = _("FTS flows read")
        ordering = ["flow_id"]

    def __str__(self):
        return f"FTS {self.flow_id} v{self.version}"
