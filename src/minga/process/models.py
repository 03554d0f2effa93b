"""The process itself: its meetings, the documents they adopted and who held the Pro Tempore Presidency.

Every record is loaded from the sources listed in the shipped data file (``data/process.json``) and
then kept by the secretariat; each one cites its source. Dates carry their precision because the
sources often give only a month ("Bogotá, November 2019"): a day is never invented.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.common.languages import LANGUAGES
from minga.reference.models import Country, Source, TranslatedLabel
from minga.reference.translated import PerLanguage


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class TranslatedSummary(PerLanguage, models.Model):
    """A short summary in the three languages, read like a label (with its real language)."""

    summary_es = models.TextField(_("summary (Spanish)"), blank=True)
    summary_pt = models.TextField(_("summary (Portuguese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)

    class Meta:
        abstract = True

    def summary_in(self, language: str | None = None) -> tuple[str, str]:
        return self.text_in("summary", language)


class MeetingKind(models.TextChoices):
    ROUND = "round", _("International technical meeting (round)")
    LOCAL_GOVERNMENTS = "local_governments", _("Meeting on local governments and host communities")
    OTHER = "other", _("Other meeting")


class Meeting(TranslatedLabel, TranslatedSummary, EditableRecord):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    # Only where a source numbers the round (the VII in Lima, the VIII in Brasilia): never counted by us.
    ordinal = models.PositiveSmallIntegerField(_("round number"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.ForeignKey(Country, verbose_name=_("host country"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    date_precision = models.CharField(_("date precision"), max_length=5, choices=DatePrecision.choices,
                                      default=DatePrecision.DAY)
    presidency = models.ForeignKey(Country, verbose_name=_("Pro Tempore Presidency"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_on", "code"]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("process:meeting_detail", args=[self.code])

    def clean(self):
        super().clean()
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A meeting cannot end before it starts.")})


class DocumentKind(models.TextChoices):
    DECLARATION = "declaration", _("Declaration")
    ACTION_PLAN = "action_plan", _("Action plan")
    ROAD_MAP = "road_map", _("Road map")
    JOINT_DECLARATION = "joint_declaration", _("Joint declaration")
    OTHER = "other", _("Other document")


class ProcessDocument(TranslatedLabel, TranslatedSummary, EditableRecord):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    meeting = models.ForeignKey(Meeting, verbose_name=_("adopted at"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="documents")
    adopted_on = models.DateField(_("date"))
    date_precision = models.CharField(_("date precision"), max_length=5, choices=DatePrecision.choices,
                                      default=DatePrecision.DAY)
    place = models.CharField(_("place"), max_length=100, blank=True)
    # The languages in which the cited sources publish the text (ISO 639-1 codes, comma separated).
    languages = models.CharField(_("languages published"), max_length=40, blank=True)
    signatories = models.ManyToManyField(Country, verbose_name=_("signatories"), blank=True, related_name="+")
    # Where a source gives only how many signed (the Quito Action Plan: 8), not who.
    signatory_count = models.PositiveSmallIntegerField(_("number of signatories"), null=True, blank=True)
    # The full text, where Minga holds it, so that the archive's search reaches inside it.
    text = models.TextField(_("text"), blank=True)
    text_language = models.CharField(_("language of the text"), max_length=2, blank=True,
                                     choices=[(code, code) for code in LANGUAGES])
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    other_sources = models.ManyToManyField(Source, verbose_name=_("other sources"), blank=True, related_name="+")
    # Where the sources disagree (a date, a place), the disagreement is stated here, not settled by us.
    note_es = models.CharField(_("note (Spanish)"), max_length=400, blank=True)
    note_pt = models.CharField(_("note (Portuguese)"), max_length=400, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=400, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("process document")
        verbose_name_plural = _("process documents")
        ordering = ["-adopted_on", "code"]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("process:document_detail", args=[self.code])

    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    def note_in(self, language: str | None = None) -> tuple[str, str]:
        return self.text_in("note", language)


class PresidencyTerm(EditableRecord):
    """A country's term in the Pro Tempore Presidency, as its source dates it."""

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("starts"))
    starts_precision = models.CharField(_("precision of the start"), max_length=5, choices=DatePrecision.choices)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    ends_precision = models.CharField(_("precision of the end"), max_length=5, choices=DatePrecision.choices,
                                      blank=True)
    chapter = models.CharField(_("chapter"), max_length=100, blank=True,
                               help_text=_("The city whose chapter the presidency hosted, where the source names it."))
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("Pro Tempore Presidency term")
        verbose_name_plural = _("Pro Tempore Presidency terms")
        ordering = ["starts_on"]

    def __str__(self):
        return f"{self.country_id} {self.starts_on:%Y}"
