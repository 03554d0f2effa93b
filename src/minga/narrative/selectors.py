"""Reads of the guide: the glossary, one entry with its permission, and the checker built from the live entries."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.narrative.matching import Lines, Matcher, Rule, detect_language, prepare
from minga.narrative.models import LANGUAGES, Category, GuideEntry

LANGUAGE_CODES = tuple(code for code, _label in LANGUAGES)

# Why each category matters, in the reader's language (the entry's own explanation is in its language).
CATEGORY_HELP = {
    Category.CRIMINALISING: _("Presents people as offenders for their migration status, which is at most an administrative matter."),
    Category.METAPHOR: _("Likens people to a disaster, an invasion or animals: it hides the persons and inflates the numbers."),
    Category.LEGALLY_WRONG: _("Confuses categories the law keeps apart (refugee, asylum seeker, migrant; trafficking and smuggling)."),
    Category.STIGMATISING: _("Ties a whole group to crime, disease or cost without evidence."),
    Category.ALARMIST: _("Frames arrivals as a threat or a collapse; say what happens, with figures and their source."),
    Category.DEROGATORY: _("An insult: do not use it outside an essential verbatim quotation."),
}


def glossary(user, *, language: str, category: str = "") -> QuerySet:
    entries = permissions.visible(user, GuideEntry.objects.filter(language=language)).select_related("source")
    if category:
        entries = entries.filter(category=category)
    return entries.order_by("category", "term")


def printable_guide(user, language: str) -> dict:
    """The context of the printable guide: every entry of ``language`` grouped by category, with why it matters."""
    entries = list(glossary(user, language=language))
    groups = [(value, label, CATEGORY_HELP[value], [entry for entry in entries if entry.category == value])
              for value, label in Category.choices]
    return {"language": language, "language_label": dict(LANGUAGES)[language], "groups": [g for g in groups if g[3]]}


def access_entry(user, pk, action: Action | str = Action.VIEW) -> GuideEntry:
    """The entry ``pk``: 404 when the user may not see it, 403 when they may see it but not do ``action``."""
    return permissions.access(user, GuideEntry.all_objects.select_related("source"), action, pk=pk)


# --- The checker ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    line: int
    column: int
    text: str
    entry: GuideEntry

    @property
    def suggestions(self) -> list[str]:
        return self.entry.alternative_list

    @property
    def category_help(self) -> str:
        return str(CATEGORY_HELP[self.entry.category])

    @property
    def explanation(self) -> str:
        """The category's reason in the reader's language, then the entry's own note (in the text's language)."""
        return f"{self.category_help} {self.entry.explanation}"


@dataclass
class _Guide:
    signature: tuple
    matcher: Matcher
    entries: dict[str, GuideEntry]


_guides: dict[str, _Guide] = {}
_lock = threading.Lock()


def _guide(language: str) -> _Guide:
    """The compiled checker of ``language``, rebuilt when an entry was added, edited or deleted (one query to know)."""
    live = GuideEntry.objects.filter(language=language)
    signature = tuple(live.aggregate(count=Count("id"), versions=Sum("version"), changed=Max("updated_at")).values())
    guide = _guides.get(language)
    if guide is None or guide.signature != signature:
        entries = {str(entry.pk): entry for entry in live.select_related("source")}
        rules = [Rule(key, tuple(entry.pattern_list), tuple(entry.require_near.split()),
                      tuple(entry.exclude_near.split()), entry.window) for key, entry in entries.items()]
        guide = _Guide(signature, Matcher(rules, language), entries)
        with _lock:
            _guides[language] = guide
    return guide


def forget_compiled() -> None:
    """Drop the compiled checkers (tests measure a first visitor's queries)."""
    with _lock:
        _guides.clear()


def resolve_language(text: str, language: str, default: str) -> str:
    """``auto`` → the language detected in the text; otherwise ``language`` itself."""
    return detect_language(text, default=default) if language == "auto" else language


def check(text: str, language: str) -> tuple[str, list[Finding]]:
    """The findings in ``text`` (es, pt or en), with offsets into the text returned (NFC, plain line ends)."""
    text = prepare(text)
    guide = _guide(language)
    matches = guide.matcher.find(text)
    lines = Lines(text) if matches else None
    findings = []
    for match in matches:
        line, column = lines.position(match.start)
        findings.append(Finding(match.start, match.end, line, column, text[match.start:match.end],
                                guide.entries[match.key]))
    return text, findings


def segments(text: str, findings: list[Finding]) -> list[tuple[str, int | None]]:
    """The text cut at the findings: (piece, number of the finding from 1, or None), for highlighting in place."""
    pieces, position = [], 0
    for number, finding in enumerate(findings, start=1):
        if finding.start > position:
            pieces.append((text[position:finding.start], None))
        pieces.append((text[finding.start:finding.end], number))
        position = finding.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def finding_as_dict(finding: Finding) -> dict:
    """One finding as the API and ``minga check-language --format json`` give it."""
    entry = finding.entry
    return {
        "start": finding.start, "end": finding.end, "line": finding.line, "column": finding.column,
        "text": finding.text, "suggestions": finding.suggestions, "explanation": finding.explanation,
        "entry": {"slug": entry.slug, "term": entry.term, "category": entry.category,
                  "category_label": str(entry.get_category_display()), "severity": entry.severity,
                  "source": str(entry.source), "source_url": entry.source.url},
    }
