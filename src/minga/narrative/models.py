"""The inclusive-language guide: one entry per term and language, edited by the secretariat with history.

The checker reads the entries' patterns and context rules (``minga.narrative.matching``); the glossary
page and the printable guide show the rest. Each entry cites the public guide it follows.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.reference.models import Source

LANGUAGES = [("es", _("Spanish")), ("pt", _("Portuguese")), ("en", _("English"))]


class Category(models.TextChoices):
    CRIMINALISING = "criminalising", _("Criminalising")
    METAPHOR = "metaphor", _("Dehumanising or catastrophic metaphor")
    LEGALLY_WRONG = "legally_wrong", _("Legally wrong")
    STIGMATISING = "stigmatising", _("Stigmatising association")
    ALARMIST = "alarmist", _("Alarmist framing")
    DEROGATORY = "derogatory", _("Derogatory term")


class Severity(models.TextChoices):
    HIGH = "high", pgettext_lazy("severity", "High")
    MEDIUM = "medium", pgettext_lazy("severity", "Medium")
    LOW = "low", pgettext_lazy("severity", "Low")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class GuideEntry(EditableRecord):
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    slug = models.SlugField(_("code"), max_length=80)
    term = models.CharField(_("term or phrase"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    alternatives = models.TextField(_("preferred alternatives"), help_text=_("One per line."))
    explanation = models.TextField(_("explanation"), help_text=_("Short, in the entry's language."))
    patterns = models.TextField(
        _("patterns"),
        help_text=_("One per line: words separated by spaces; a|b for alternatives; word? optional; word~ with its "
                    "gender and number forms."))
    require_near = models.CharField(
        _("required nearby words"), max_length=500, blank=True,
        help_text=_("The match counts only if one of these words is near it (same pattern syntax, one token)."))
    exclude_near = models.CharField(
        _("excluded nearby words"), max_length=500, blank=True,
        help_text=_("The match does not count if one of these words is near it (e.g. pesca, minería)."))
    window = models.PositiveSmallIntegerField(_("words around the match"), default=4)
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("guide entry")
        verbose_name_plural = _("guide entries")
        ordering = ["language", "category", "term"]
        constraints = [models.UniqueConstraint(fields=["language", "slug"], name="guide_entry_unique_slug")]

    def __str__(self):
        return f"{self.term} ({self.language})"

    @property
    def alternative_list(self) -> list[str]:
        return _lines(self.alternatives)

    @property
    def pattern_list(self) -> list[str]:
        return _lines(self.patterns)

    def clean(self):
        super().clean()
        from minga.narrative.matching import PatternInvalid, Rule, compile_rules

        if not self.pattern_list:
            raise ValidationError({"patterns": _("Give at least one pattern.")})
        if self.window and not 1 <= self.window <= 20:
            raise ValidationError({"window": _("Between 1 and 20 words.")})
        try:
            compile_rules([Rule("check", tuple(self.pattern_list), tuple(self.require_near.split()),
                                tuple(self.exclude_near.split()), self.window)], self.language or "es")
        except PatternInvalid as error:
            raise ValidationError({"patterns": str(error)}) from error
