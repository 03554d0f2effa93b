"""The process itself: its meetings, the documents they adopted and who held the Pro Tempore Presidency.

Every record is loaded from the sources listed in the shipped data file (``data/process.json``) and
then kept by the secretariat; each one cites its source. Dates carry their precision because the
sources often give only a month ("Bogotá, November 2019"): a day is never invented.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.common.languages import LANGUAGES
from minga.reference.models import Country, Organisation, Source, Term, TranslatedLabel
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


# --- The roadmap: the lines of work's actions, their milestones and dated progress ------------------

class RoadmapStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    UNDER_WAY = "under_way", _("under way")
    DELAYED = "delayed", _("delayed")
    DONE = "done", pgettext_lazy("roadmap status", "done")
    DROPPED = "dropped", _("dropped")


class RoadmapAction(TranslatedLabel, EditableRecord):
    """An action of a line of work, as a declaration of the process adopted it (its ``source``).

    ``progress`` is None until someone reports it: "not reported" is not 0 %.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    line = models.ForeignKey(Term, verbose_name=_("line of work"), on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"vocabulary_id": "lines-of-work-2023"})
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_pt = models.TextField(_("description (Portuguese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    lead_organisation = models.ForeignKey(Organisation, verbose_name=_("lead organisation"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    partners = models.ManyToManyField(Organisation, verbose_name=_("partner organisations"), blank=True,
                                      related_name="+")
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RoadmapStatus.choices,
                              default=RoadmapStatus.PLANNED)
    progress = models.DecimalField(_("progress (%)"), max_digits=4, decimal_places=1, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    # Portfolio projects that carry the action out (kept by the secretariat; shown as each reader may see them).
    projects = models.ManyToManyField("portfolio.Project", verbose_name=_("linked projects"), blank=True,
                                      related_name="+")
    # Services of the directory that the action set up or relies on (a reception point, a help line);
    # named by the model's label so that the process domain does not import the services domain.
    services = models.ManyToManyField("services.Service", verbose_name=_("linked services"), blank=True,
                                      related_name="+")
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("roadmap action")
        verbose_name_plural = _("roadmap actions")
        ordering = ["line__position", "code"]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("process:roadmap_action", args=[self.code])

    @property
    def progress_number(self):
        """The progress as typed, for tables' data and exports: 30 (not the stored 30.0), 12.5; None if not reported."""
        if self.progress is None:
            return None
        return int(self.progress) if self.progress == self.progress.to_integral_value() else self.progress.normalize()

    def description_in(self, language: str | None = None) -> tuple[str, str]:
        return self.text_in("description", language)

    def clean(self):
        super().clean()
        if self.progress is not None and self.progress > 100:
            raise ValidationError({"progress": _("Progress is a percentage: from 0 to 100.")})
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            raise ValidationError({"due_on": _("An action cannot be due before it starts.")})


class Milestone(PerLanguage, EditableRecord):
    action = models.ForeignKey(RoadmapAction, verbose_name=_("action"), on_delete=models.PROTECT,
                               related_name="milestones")
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    title_pt = models.CharField(_("title (Portuguese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title_in()[0]

    def title_in(self, language: str | None = None) -> tuple[str, str]:
        return self.text_in("title", language)


class ProgressUpdate(EditableRecord):
    """A dated note on an action: the status and percentage it reported, and who reported them."""

    action = models.ForeignKey(RoadmapAction, verbose_name=_("action"), on_delete=models.PROTECT,
                               related_name="updates")
    on_date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=RoadmapStatus.choices)
    progress = models.DecimalField(_("progress (%)"), max_digits=4, decimal_places=1,  # 12.5 %, as typed
                                   validators=[MinValueValidator(0)])
    note = models.TextField(_("note"), max_length=2000)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-on_date", "-pk"]

    def __str__(self):
        return f"{self.action_id} {self.on_date}"


def _evidence_path(instance, filename):
    return f"process/evidence/{instance.action.code}/{filename}"


class ActionEvidence(EditableRecord):
    """A document that shows what an action achieved (a report, minutes, a published kit): an uploaded file
    (checked by ``minga.common.uploads``) or an address, exactly one of the two."""

    action = models.ForeignKey(RoadmapAction, verbose_name=_("action"), on_delete=models.PROTECT,
                               related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    on_date = models.DateField(_("date"))
    url = models.URLField(_("address (link)"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["-on_date", "-pk"]

    def __str__(self):
        return self.title

    @property
    def address(self) -> str:
        return reverse("process:evidence_file", args=[self.action.code, self.pk]) if self.file else self.url

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    def clean(self):
        super().clean()
        if bool(self.file) == bool(self.url):
            raise ValidationError({"url": _("Give either a file or a link, not both and not neither.")})
