"""Conferences and what was pledged at them, as the sources report it.

Amounts keep the currency they were announced in; the USD equivalent is the one the source gave
(``amount_usd``), not a conversion of ours, so the page can show both with their source.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.reference.models import (
    Country,
    Organisation,
    PerLanguage,
    Source,
    TranslatedLabel,
    check_note_placeholders,
)

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Use an ISO 4217 currency code, e.g. USD, EUR, CAD."))


class Conference(TranslatedLabel, EditableRecord):  # TranslatedLabel reads per language (PerLanguage)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    city_es = models.CharField(_("city (Spanish)"), max_length=100, blank=True)
    city_pt = models.CharField(_("city (Portuguese)"), max_length=100, blank=True)
    city_en = models.CharField(_("city (English)"), max_length=100, blank=True)
    host_country = models.ForeignKey(Country, verbose_name=_("host country"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    is_virtual = models.BooleanField(_("virtual"), default=False)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    is_pledging = models.BooleanField(_("pledging conference"), default=True)
    organisers = models.ManyToManyField(Organisation, verbose_name=_("organisers"), blank=True,
                                        related_name="conferences_organised")
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["starts_on"]

    def __str__(self):
        return self.label or self.code

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A conference cannot end before it starts.")})

    @property
    def city(self) -> str:
        """The city in the reader's language: Bruselas, Bruxelas, Brussels."""
        return self.text_in("city")[0]


class FigureKind(models.TextChoices):
    TOTAL = "total", _("Total pledged")
    GRANTS = "grants", _("Grants")
    LOANS = "loans", _("Loans")
    ANNOUNCED = "announced", _("Announced (not a pledging conference)")


class Qualifier(models.TextChoices):
    EXACT = "exact", _("as reported")
    APPROXIMATE = "approximate", _("approximately")
    MORE_THAN = "more_than", _("more than")
    ON_THE_DAY = "on_the_day", _("on the day")
    LATER = "later", _("as later reported")
    PRESS = "press", _("as the press reported")


class ConferenceFigure(PerLanguage, EditableRecord):
    """An aggregate the organisers or the UN reported: a total, the grants, the loans."""

    conference = models.ForeignKey(Conference, verbose_name=_("conference"), on_delete=models.PROTECT,
                                   related_name="figures")
    kind = models.CharField(_("figure"), max_length=12, choices=FigureKind.choices)
    qualifier = models.CharField(_("qualifier"), max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code])
    amount_usd = models.DecimalField(_("amount in USD (as reported)"), max_digits=18, decimal_places=2,
                                     null=True, blank=True, validators=[MinValueValidator(0)])
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    # Numbers in a note are placeholders ("almost {EUR 810000000}"), written in each reader's format.
    note_es = models.CharField(_("note (Spanish)"), max_length=300, blank=True)
    note_pt = models.CharField(_("note (Portuguese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("conference figure")
        verbose_name_plural = _("conference figures")
        ordering = ["conference__starts_on", "kind", "qualifier"]
        constraints = [models.UniqueConstraint(fields=["conference", "kind", "qualifier"],
                                               name="conference_figure_unique")]

    def __str__(self):
        return f"{self.conference.code} {self.kind} {self.amount} {self.currency}"

    def clean(self):
        super().clean()
        check_note_placeholders(self)

    @property
    def note(self) -> str:
        return self.text_in("note")[0]

    @property
    def is_rounded(self) -> bool:
        """The source gave a rounded amount ("more than 110 million", "almost 810 million")."""
        return self.qualifier in (Qualifier.APPROXIMATE, Qualifier.MORE_THAN, Qualifier.PRESS)


class Instrument(models.TextChoices):
    GRANT = "grant", _("Grant")
    LOAN = "loan", _("Loan")
    MIXED = "mixed", _("Grants and loans")
    UNSPECIFIED = "unspecified", _("Not specified")


class Pledge(EditableRecord):
    """One donor's announcement at a conference."""

    conference = models.ForeignKey(Conference, verbose_name=_("conference"), on_delete=models.PROTECT,
                                   related_name="pledges")
    donor = models.ForeignKey(Organisation, verbose_name=_("donor"), on_delete=models.PROTECT,
                              related_name="pledges")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code])
    amount_usd = models.DecimalField(_("amount in USD (as reported)"), max_digits=18, decimal_places=2,
                                     null=True, blank=True, validators=[MinValueValidator(0)])
    is_approximate_usd = models.BooleanField(_("USD amount approximate"), default=False)
    instrument = models.CharField(_("instrument"), max_length=12, choices=Instrument.choices,
                                  default=Instrument.UNSPECIFIED)
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["conference__starts_on", "-amount_usd"]
        constraints = [models.UniqueConstraint(fields=["conference", "donor", "source"], name="pledge_unique")]

    def __str__(self):
        return f"{self.donor} @ {self.conference.code}: {self.amount} {self.currency}"


# The follow-up of the money lives beside the published record (its own module, models of this app).
from minga.finance.tracking import (  # noqa: E402, F401
    FlowShare,
    FundingFlow,
    PledgeCountry,
    Requirement,
    TrackedPledge,
)
