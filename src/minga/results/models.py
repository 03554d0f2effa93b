"""Results by territory: a project's indicators, its reporting periods and the reports per period and territory.

Who writes is the permission module's answer (``results.*`` in ``accounts.policies.POLICIES``: the
project's focal point or local-government officer, as for the project itself, and the secretariat); a
published project's results are public. Only the secretariat locks a period.
"""

import calendar
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.reference.translated import PerLanguage


class IndicatorKind(models.TextChoices):
    PEOPLE = "people", pgettext_lazy("indicator kind", "People")
    OTHER = "other", pgettext_lazy("indicator kind", "Other")


class Aggregation(models.TextChoices):
    # How reports combine across periods and places. Only a sum adds them up; a maximum or a latest value
    # counts the same people again in every period (people still enrolled, a cumulative count).
    SUM = "sum", pgettext_lazy("aggregation", "Sum")
    MAX = "max", pgettext_lazy("aggregation", "Largest value")
    LATEST = "latest", pgettext_lazy("aggregation", "Latest value")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Indicator(PerLanguage, EditableRecord):
    # Users never hard-delete a project; a maintenance delete of one (a test's clean slate) takes its results.
    project = models.ForeignKey("portfolio.Project", verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="indicators")
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit_es = models.CharField(_("unit (Spanish)"), max_length=60, blank=True)
    unit_pt = models.CharField(_("unit (Portuguese)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=6, choices=IndicatorKind.choices, default=IndicatorKind.PEOPLE)
    aggregation = models.CharField(_("aggregation"), max_length=6, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    line = models.ForeignKey("reference.Term", verbose_name=_("line of work"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"vocabulary_id": "lines-of-work-2023"})
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project_id", "position", "pk"]

    def __str__(self):
        return self.name_in()[0]

    def name_in(self, language: str | None = None) -> tuple[str, str]:
        return self.text_in("name", language)

    def unit_in(self, language: str | None = None) -> tuple[str, str]:
        return self.text_in("unit", language)

    def clean(self):
        super().clean()
        if not (self.name_es or self.name_pt or self.name_en):
            raise ValidationError({"name_es": _("Name the indicator in at least one language.")})
        if self.line_id is not None and self.line.vocabulary_id != "lines-of-work-2023":
            raise ValidationError({"line": _("Choose a line of work from the list.")})


class ReportingPeriod(EditableRecord):
    """A month or a quarter of one project; the secretariat locks it once its reports are final."""

    project = models.ForeignKey("portfolio.Project", verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="reporting_periods")
    frequency = models.CharField(_("frequency"), max_length=9, choices=Frequency.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2018), MaxValueValidator(2100)])
    number = models.PositiveSmallIntegerField(_("quarter or month"), validators=[MinValueValidator(1),
                                                                                 MaxValueValidator(12)])
    is_locked = models.BooleanField(_("locked"), default=False, editable=False)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True, editable=False)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("locked by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", editable=False)
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["project_id", "year", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "frequency", "year", "number"],
                                               condition=Q(deleted_at__isnull=True), name="results_period_unique")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}" if self.frequency == Frequency.QUARTERLY else f"{self.year}-{self.number:02d}"

    @property
    def first_month(self) -> int:
        return (self.number - 1) * 3 + 1 if self.frequency == Frequency.QUARTERLY else self.number

    @property
    def starts_on(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def ends_on(self) -> date:
        last = self.first_month + (2 if self.frequency == Frequency.QUARTERLY else 0)
        return date(self.year, last, calendar.monthrange(self.year, last)[1])

    def clean(self):
        super().clean()
        if self.frequency == Frequency.QUARTERLY and self.number and self.number > 4:
            raise ValidationError({"number": _("A year has four quarters.")})


class ResultReport(EditableRecord):
    """What an indicator reached in one period and one territory (a subdivision, or a municipality in it)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="reports")
    period = models.ForeignKey(ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="reports")
    subdivision = models.ForeignKey("reference.Subdivision", verbose_name=_("subdivision"),
                                    on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey("reference.Municipality", verbose_name=_("municipality"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    # {dimension: {category: count}} (results.dimensions); ``partial`` lists the dimensions whose parts are
    # known to cover only part of the total.
    breakdown = models.JSONField(_("disaggregation"), default=dict, blank=True)
    partial = models.JSONField(_("partial disaggregation"), default=list, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("result report")
        verbose_name_plural = _("result reports")
        ordering = ["period__year", "period__number", "subdivision_id", "municipality_id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "subdivision"], name="results_report_subdivision",
                                    condition=Q(deleted_at__isnull=True, municipality__isnull=True)),
            models.UniqueConstraint(fields=["indicator", "period", "municipality"], name="results_report_municipality",
                                    condition=Q(deleted_at__isnull=True, municipality__isnull=False)),
        ]

    def __str__(self):  # ids, not names: printing a report must not query
        return f"{self.indicator_id} {self.period_id} {self.municipality_id or self.subdivision_id}"

    @property
    def territory_key(self) -> str:
        return territory_key(self.subdivision_id, self.municipality_id)

    def get_absolute_url(self):
        return reverse("results:project", args=[self.indicator.project.code])


def territory_key(subdivision: str, municipality: int | None) -> str:
    """One territory as a form, a cell of a table and a template row name it: ``CO-NSA`` or ``CO-NSA/12``."""
    return f"{subdivision}/{municipality}" if municipality else subdivision


ZERO = Decimal(0)
