"""Texts kept once per language, read in the reader's language with a visible fallback."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minga.common.formatting import note_placeholders_valid
from minga.common.languages import LANGUAGES


class PerLanguage:
    """Texts stored once per language (``<field>_es``, ``_pt``, ``_en``), read in the reader's language.

    When the reader's language has none, another language's text is shown with its language (the page
    marks it, as it does a project's title); a field named in ``original_fields`` (an organisation's
    name as registered, a source's title as published) is the last resort, shown as it is.
    """

    original_fields: tuple[str, ...] = ()

    def text_in(self, field: str, language: str | None = None) -> tuple[str, str]:
        """The text and the language it is in ("" for the original text, whatever its language)."""
        wanted = (language or get_language() or "es")[:2]
        for code in (wanted, *[c for c in LANGUAGES if c != wanted]):
            text = getattr(self, f"{field}_{code}", "")
            if text:
                return text, code
        if field in self.original_fields:
            return getattr(self, field, ""), ""
        return "", wanted

    def texts(self, field: str) -> dict[str, str]:
        """Every language's text of ``field``, for exports and the API."""
        return {code: getattr(self, f"{field}_{code}", "") for code in LANGUAGES}


def check_note_placeholders(record, field: str = "note") -> None:
    """A note writes its numbers as placeholders ("casi {EUR 810000000}"), so each reader sees them in their
    own format; any other brace is a typing error, refused before it reaches a page."""
    errors = {f"{field}_{code}": _("Write numbers in a note as {EUR 810000000} or {2890000}; other braces are "
                                   "not allowed.")
              for code in LANGUAGES if not note_placeholders_valid(getattr(record, f"{field}_{code}", ""))}
    if errors:
        raise ValidationError(errors)


class TranslatedLabel(PerLanguage, models.Model):
    """Three label columns and a reader that picks the reader's language, with a visible fallback."""

    label_es = models.CharField(_("label (Spanish)"), max_length=300, blank=True)
    label_pt = models.CharField(_("label (Portuguese)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def label_in(self, language: str | None = None) -> tuple[str, str]:
        """The label in ``language`` (default: the active one) and the language it is really in."""
        return self.text_in("label", language)

    @property
    def label(self) -> str:
        return self.label_in()[0]

    def label_required(self) -> bool:
        return True

    def clean(self):
        super().clean()
        if self.label_required() and not (self.label_es or self.label_pt or self.label_en):
            raise ValidationError(_("Give a label in at least one language."))
