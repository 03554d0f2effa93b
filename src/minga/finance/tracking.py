"""The follow-up of the money, beside the published record of each conference (``models.py``).

``Conference``, ``ConferenceFigure`` and ``Pledge`` stay what the sources reported. What donors
record themselves and the platform follows lives here: a ``TrackedPledge`` (optionally pointing to
the published ``Pledge`` it follows up), the ``FundingFlow``s that commit and disburse it, and the
``Requirement``s that plans and the portfolio ask for. Why two pledge records: docs/finance.md.

Every amount keeps its currency; ``amount_usd`` is ``minga.reference.money.to_usd`` at the value
date, or empty with ``usd_problem`` when no rate exists (reported as unconverted, never as zero).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.reference.models import Country, Organisation, Source, Subdivision, Term

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
POSITIVE = [MinValueValidator(0)]


class FollowUp(models.TextChoices):
    """The states of a pledge and of a flow (their workflows: ``finance.workflow``)."""

    DRAFT = "draft", _("Draft")
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed by the recipient country")
    VALIDATED = "validated", _("Validated")


class PledgeInstrument(models.TextChoices):
    GRANT = "grant", _("Grant")
    LOAN = "loan", _("Loan")


class Purpose(models.TextChoices):
    HUMANITARIAN = "humanitarian", _("Humanitarian")
    DEVELOPMENT = "development", _("Development and integration")
    BOTH = "both", _("Both")


class Stage(models.TextChoices):
    """What a flow is; IATI transaction types and FTS statuses map onto these (docs/finance.md)."""

    COMMITMENT = "commitment", _("Commitment")
    DISBURSEMENT = "disbursement", _("Disbursement")
    EXPENDITURE = "expenditure", _("Expenditure")
    INCOMING = "incoming", _("Incoming funds")


class SourceKind(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IATI = "iati", _("IATI import")
    FTS = "fts", _("FTS import")
    XLSX = "xlsx", _("XLSX upload")


class Money(models.Model):
    """An amount, its currency, its value date and its USD conversion (or why there is none)."""

    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, validators=POSITIVE)
    currency = models.CharField(_("currency"), max_length=3)
    amount_usd = models.DecimalField(_("amount in USD"), max_digits=18, decimal_places=2, null=True, blank=True,
                                     editable=False)
    usd_problem = models.CharField(_("why not converted"), max_length=30, blank=True, editable=False)

    class Meta:
        abstract = True


class TrackedPledge(Money, EditableRecord):
    donor = models.ForeignKey(Organisation, verbose_name=_("donor"), on_delete=models.PROTECT,
                              related_name="tracked_pledges")
    conference = models.ForeignKey("finance.Conference", verbose_name=_("conference"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="tracked_pledges")
    # The pledge as the conference's sources reported it, when this one follows it up.
    reported_pledge = models.ForeignKey("finance.Pledge", verbose_name=_("pledge as reported"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="follow_ups")
    pledged_on = models.DateField(_("date"))
    instrument = models.CharField(_("instrument"), max_length=8, choices=PledgeInstrument.choices)
    is_concessional = models.BooleanField(_("concessional loan"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    humanitarian_percent = models.DecimalField(_("humanitarian share (%)"), max_digits=5, decimal_places=2,
                                               validators=PERCENT)
    is_regional = models.BooleanField(_("regional"), default=False)
    earmarks = models.ManyToManyField(Term, verbose_name=_("thematic earmarks"), blank=True, related_name="+")
    source = models.ForeignKey(Source, verbose_name=_("source document"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=FollowUp.choices, default=FollowUp.DRAFT)
    is_public = models.BooleanField(_("public"), default=False, editable=False)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("tracked pledge")
        verbose_name_plural = _("tracked pledges")
        ordering = ["pledged_on", "pk"]

    def __str__(self):
        return f"{self.donor} {self.amount} {self.currency} ({self.pledged_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("finance:pledge_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.instrument == PledgeInstrument.LOAN and self.is_concessional is None:
            errors["is_concessional"] = [_("Say whether the loan is concessional.")]
        if self.instrument == PledgeInstrument.GRANT and self.is_concessional is not None:
            errors["is_concessional"] = [_("Only a loan is concessional or not.")]
        fixed = {Purpose.HUMANITARIAN: 100, Purpose.DEVELOPMENT: 0}.get(self.purpose)
        if fixed is not None and self.humanitarian_percent is not None and self.humanitarian_percent != fixed:
            errors["humanitarian_percent"] = [_("The humanitarian share of this purpose is %(share)s%%.")
                                              % {"share": fixed}]
        if errors:
            raise ValidationError(errors)


class PledgeCountry(models.Model):
    pledge = models.ForeignKey(TrackedPledge, on_delete=models.CASCADE, related_name="countries")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pledge", "country"], name="pledge_country_unique")]

    def __str__(self):
        return f"{self.country_id} {self.percentage} %"


class FundingFlow(Money, EditableRecord):
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    iati_transaction_type = models.CharField(_("IATI transaction type"), max_length=2, blank=True)
    fts_status = models.CharField(_("FTS status"), max_length=12, blank=True)
    provider = models.ForeignKey(Organisation, verbose_name=_("provider"), on_delete=models.PROTECT,
                                 related_name="flows_out")
    receiver = models.ForeignKey(Organisation, verbose_name=_("receiver"), on_delete=models.PROTECT,
                                 related_name="flows_in")
    pledge = models.ForeignKey(TrackedPledge, verbose_name=_("pledge"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="flows")
    project = models.ForeignKey("portfolio.Project", verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="funding_flows")
    # The commitment a disbursement pays out: the two are one sum of money at two stages.
    commitment = models.ForeignKey("self", verbose_name=_("against commitment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="disbursements")
    # The flow whose money this one passes on (pass-through, FTS parent/child): counted once, at the parent.
    parent = models.ForeignKey("self", verbose_name=_("passes on"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    value_date = models.DateField(_("value date"))
    is_humanitarian = models.BooleanField(_("humanitarian"), default=False)
    # The receiving country, whose focal point confirms the flow; empty for a regional flow.
    country = models.ForeignKey(Country, verbose_name=_("recipient country"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    theme = models.ForeignKey(Term, verbose_name=_("sector or theme"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    source_kind = models.CharField(_("entered by"), max_length=8, choices=SourceKind.choices,
                                   default=SourceKind.MANUAL)
    source = models.ForeignKey(Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    reference = models.CharField(_("reference in the source"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=FollowUp.choices, default=FollowUp.DRAFT)
    is_public = models.BooleanField(_("public"), default=False, editable=False)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("funding flow")
        verbose_name_plural = _("funding flows")
        ordering = ["value_date", "pk"]
        indexes = [models.Index(fields=["is_public", "stage", "value_date"], name="flow_public_stage_date"),
                   # the dashboard counts the illustrative records shown: few, and none outside the demo
                   models.Index(fields=["is_illustrative"], condition=models.Q(is_illustrative=True),
                                name="flow_illustrative")]

    def __str__(self):
        return f"{self.get_stage_display()} {self.provider} → {self.receiver} {self.amount} {self.currency}"

    def get_absolute_url(self):
        return reverse("finance:flow_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.commitment_id and self.stage != Stage.DISBURSEMENT:
            errors["commitment"] = [_("Only a disbursement is made against a commitment.")]
        if self.commitment_id and self.commitment.stage != Stage.COMMITMENT:
            errors["commitment"] = [_("This flow is not a commitment.")]
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = [_("A flow cannot pass on its own money.")]
        if errors:
            raise ValidationError(errors)


class FlowShare(models.Model):
    """Where a flow's money goes: a country (and optionally a subdivision) and its share; the shares sum to 100."""

    flow = models.ForeignKey(FundingFlow, on_delete=models.CASCADE, related_name="shares")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    subdivision = models.ForeignKey(Subdivision, verbose_name=_("subdivision"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, validators=PERCENT)

    def __str__(self):
        return f"{self.subdivision_id or self.country_id} {self.percentage} %"


class Requirement(Money, EditableRecord):
    """One cell of what a plan (or a portfolio project) asks for: a year, a country or the region, a sector or all."""

    plan = models.CharField(_("plan"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(Term, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    project = models.ForeignKey("portfolio.Project", verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)  # e.g. "rounded by the source"
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["year", "plan", "pk"]

    def __str__(self):
        return f"{self.plan} {self.year} {self.country_id or '—'}: {self.amount} {self.currency}"


class FundingTotal(models.Model):
    """One cell of the dashboard's totals, kept by the writes themselves (``minga.finance.totals``).

    A cell sums what the flows and pledges of one combination of the dashboard's filters give to one
    recipient country: amounts in millionths (of USD, or of ``currency`` for what has no USD rate), so that
    shares (two-decimal percentages of two-decimal amounts) sum exactly on SQLite as on PostgreSQL. No
    foreign keys: "none" is 0 (theme, conference) or "" (country: regional), so the key is unique.
    ``mask`` marks what a commitment leaves undisbursed under some filters only: docs/finance.md.
    """

    # "" holds every dimension; "base" only donor and country, "year" (etc.) those and that one: a query
    # filtering on at most one of year, conference, theme and purpose reads the few rows of its level.
    level = models.CharField(max_length=10, default="")
    kind = models.CharField(max_length=8)  # flow, pledge, or earmark (a pledge under a theme filter)
    donor_id = models.IntegerField()
    country = models.CharField(max_length=3, blank=True)
    year = models.SmallIntegerField()
    purpose = models.CharField(max_length=12)  # humanitarian, development (and both, for a pledge)
    theme_id = models.IntegerField(default=0)
    conference_id = models.IntegerField(default=0)
    is_public = models.BooleanField()
    mask = models.SmallIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)  # "" for the USD measures
    records = models.IntegerField(default=0)  # flows and pledges with a share here (a row on the dashboard)
    pledged = models.BigIntegerField(default=0)
    committed = models.BigIntegerField(default=0)
    disbursed = models.BigIntegerField(default=0)
    funding = models.BigIntegerField(default=0)
    unconverted = models.BigIntegerField(default=0)  # funding without a USD rate, in ``currency``
    unconverted_pledged = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["level", "kind", "donor_id", "country", "year", "purpose", "theme_id", "conference_id", "is_public",
                    "mask", "currency"], name="funding_total_cell")]
        indexes = [models.Index(fields=["level", "country"], name="funding_total_country"),
                   models.Index(fields=["level", "donor_id"], name="funding_total_donor"),
                   models.Index(fields=["level", "year"], name="funding_total_year"),
                   models.Index(fields=["level", "theme_id"], name="funding_total_theme"),
                   models.Index(fields=["level", "conference_id"], name="funding_total_conference")]

    def __str__(self):
        return f"{self.kind} {self.donor_id} {self.country or '—'} {self.year} {self.currency or 'USD'}"


class PledgeFirstDisbursement(models.Model):
    """The first disbursement against a pledge, per combination of the flow filters (time to disburse)."""

    pledge_id = models.IntegerField()
    donor_id = models.IntegerField()
    year = models.SmallIntegerField()
    purpose = models.CharField(max_length=12)
    theme_id = models.IntegerField(default=0)
    is_public = models.BooleanField()
    first_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pledge_id", "donor_id", "year", "purpose", "theme_id",
                                                       "is_public"], name="pledge_first_disbursement_cell")]

    def __str__(self):
        return f"{self.pledge_id} {self.first_on}"


class FundingTotalsState(models.Model):
    """A row here says the totals missed a write made around the services (admin, ORM): rebuilt on the next read."""

    stale_since = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"stale since {self.stale_since}"
