"""What came in from other standards and stays tied to its source: IATI activities and their transactions.

An imported IATI activity is not a portfolio ``Project`` (a project is a member state's own submission,
with its workflow and review) nor a finance record: it is the donor's published account of its work.
It is kept here, whole, keyed by its ``iati-identifier``; each of its transactions that is money for the
response becomes a ``finance.FundingFlow`` (``flow``), so that the funding answers count it once and
the activity page can show where every flow came from. Why this shape: docs/exchange.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.exchange.fts_models import FtsFlow  # noqa: F401  (the FTS ledger, kept in its own module)
from minga.reference.models import Organisation


class IatiActivity(EditableRecord):
    identifier = models.CharField(_("IATI identifier"), max_length=200, unique=True)
    reporting_org = models.ForeignKey(Organisation, verbose_name=_("reporting organisation"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="iati_activities")
    titles = models.JSONField(_("titles"), default=dict, blank=True)  # {language: text}
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    status = models.CharField(_("activity status (IATI)"), max_length=2, blank=True)
    is_regional = models.BooleanField(_("regional"), default=False)
    is_humanitarian = models.BooleanField(_("humanitarian"), default=False)
    gender_marker = models.PositiveSmallIntegerField(_("gender marker"), null=True, blank=True)
    # Everything else as read (participating organisations, dates, countries, regions, locations, sectors,
    # humanitarian scopes, budgets): ``reader.ActivityRecord.data()``.
    data = models.JSONField(_("as published"), default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, editable=False)
    source_name = models.CharField(_("imported from"), max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("IATI activity")
        verbose_name_plural = _("IATI activities")
        ordering = ["identifier"]

    def __str__(self):
        return self.identifier


class IatiTransaction(models.Model):
    """One transaction as published (any type, any sign); ``flow`` when it is a flow in Minga's sense,
    ``pledge`` when it is an outgoing pledge."""

    activity = models.ForeignKey(IatiActivity, on_delete=models.CASCADE, related_name="transactions")
    position = models.PositiveIntegerField()
    transaction_type = models.CharField(_("transaction type (IATI)"), max_length=2)
    value = models.DecimalField(_("value"), max_digits=32, decimal_places=12)  # exact: see reader.MAX_DECIMALS
    currency = models.CharField(_("currency"), max_length=3)
    value_date = models.DateField(_("value date"))
    amount_usd = models.DecimalField(_("amount in USD"), max_digits=24, decimal_places=2, null=True, blank=True)
    flow = models.OneToOneField("finance.FundingFlow", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="iati_transaction")
    # An outgoing pledge (type 12) is a promise, not a flow: it becomes a finance.TrackedPledge.
    pledge = models.OneToOneField("finance.TrackedPledge", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="iati_transaction")
    data = models.JSONField(default=dict, blank=True)  # organisations, country, region, sector as published

    class Meta:
        ordering = ["activity", "position"]
        constraints = [models.UniqueConstraint(fields=["activity", "position"], name="iati_transaction_position")]

    def __str__(self):
        return f"{self.activity_id}#{self.position} {self.transaction_type} {self.value} {self.currency}"


class ImportRun(models.Model):
    """One import of one or more files: its counts and problems (the report), and its progress for the web.

    ``kind`` is "iati" (an IATI activity file) or "fts" (an OCHA FTS flow search page or plan overview). An upload
    makes one in state ``queued`` and puts a job on the queue (``exchange.jobs``); the job moves it
    to ``running`` and then ``done`` or ``failed``. Seen by the secretariat only (its policy is private).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        REFUSED = "refused", _("The file was refused and nothing of it was imported.")
        # A syntax error after some activities: those before it were whole and stay (docs/exchange.md, "Writing").
        BROKEN = "broken", _("The file breaks off part-way: the activities before the break were imported or "
                             "reported as counted here; nothing after it was read.")
        MISSING = "missing", _("The uploaded file is no longer kept: upload it again.")
        DENIED = "denied", _("The account that uploaded the file may no longer import such files.")
        STOPPED = "stopped", _("The import stopped on an unexpected error.")
        GIVEN_UP = "given-up", _("The import was given up: its worker stopped under it again and again.")

    kind = models.CharField(max_length=8, default="iati")
    sources = models.JSONField(default=list)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    # iati: read, created, updated, unchanged, skipped, invalid, transactions, flows; fts: pages, read, created,
    # updated, unchanged, refused, outcomes {outcome: flows}, totals [[page, FTS's incoming funding total]], and
    # for a plan overview plans, requirements and figures {created, updated, unchanged}.
    counts = models.JSONField(default=dict)
    problems = models.JSONField(default=list)  # [{"source", "identifier", "line", "message", "template", "params"}]
    bytes_total = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The queue's side: the job's id, the upload's name in MINGA_IMPORT_DIR (removed once the run ends), how
    # many times a worker started it (more than once after a worker stopped mid-run), and why it failed.
    task_id = models.CharField(max_length=64, blank=True)
    stored_name = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True)
    error = models.TextField(blank=True)  # the detail of the failure, as the reader or the error gave it
    # The same detail language-neutral, {"template", "params"} (exchange.problems), when it is one of the importer's
    # own problems: the run's page says it in its reader's language. Empty for any other error (then ``error``).
    error_problem = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self):
        return f"{self.kind} import {self.pk} ({self.state})"

    @property
    def is_ongoing(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        """How much of the file was read, in whole per cent (100 once done)."""
        if self.state == self.State.DONE:
            return 100
        return min(self.bytes_read * 100 // self.bytes_total, 100) if self.bytes_total else 0


class IatiCode(models.Model):
    """One code of an official IATI codelist and its names by language (``minga codelists update``)."""

    codelist = models.CharField(max_length=60)
    code = models.CharField(max_length=120)  # FileFormat's MIME types reach 84 characters
    names = models.JSONField(default=dict)  # {language: name}
    status = models.CharField(max_length=12, default="active")

    class Meta:
        ordering = ["codelist", "code"]
        constraints = [models.UniqueConstraint(fields=["codelist", "code"], name="iati_code_unique")]

    def __str__(self):
        return f"{self.codelist} {self.code}"
