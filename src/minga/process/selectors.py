"""Reads about the process: its meetings, the archive of its documents, its presidencies.

The archive holds tens of documents, so its search runs over them in Python with the platform's own
normalisation (accents and case folded, as the catalogue does), which reaches inside full texts
without a database-specific full-text index.
"""

import re
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from minga.common.numbers import parse_count
from minga.common.text import normalise_text, sorted_as_shown
from minga.process.models import DocumentKind, Meeting, PresidencyTerm, ProcessDocument
from minga.reference.models import Country, Organisation, Source, Term


def meetings() -> QuerySet:
    return (Meeting.objects.select_related("country", "presidency", "source")
            .prefetch_related(Prefetch("documents", queryset=ProcessDocument.objects.order_by("adopted_on")))
            .order_by("starts_on", "code"))


def meeting(code: str) -> Meeting:
    return meetings().get(code=code)


def presidency_terms() -> list[PresidencyTerm]:
    return list(PresidencyTerm.objects.select_related("country", "source").order_by("starts_on"))


def latest_presidency(terms: list[PresidencyTerm]) -> PresidencyTerm | None:
    """The last term the sources record: shown as such, never called "current" beyond what they say."""
    return terms[-1] if terms else None


@dataclass(frozen=True)
class ArchiveFilters:
    q: str = ""
    kind: str = ""
    year: int | None = None
    language: str = ""
    signatory: str = ""

    @classmethod
    def from_querydict(cls, query) -> "ArchiveFilters":
        kind = query.get("kind", "")
        year = query.get("year", "")
        language = query.get("language", "")
        signatory = query.get("signatory", "")
        return cls(
            q=query.get("q", "")[:200].strip(),
            kind=kind if kind in DocumentKind.values else "",
            year=parse_count(year, field="year", minimum=1900, maximum=2100),
            language=language if language in ("es", "pt", "en") else "",
            signatory=signatory.upper() if re.fullmatch(r"[A-Za-z]{3}", signatory) else "",
        )


def _searchable(document: ProcessDocument) -> str:
    parts = [document.code, document.place, document.text, document.source.title,
             *(getattr(document, f"{field}_{code}") for field in ("label", "summary", "note")
               for code in ("es", "pt", "en"))]
    return normalise_text(" ".join(part for part in parts if part))


def documents(filters: ArchiveFilters = ArchiveFilters()) -> list[ProcessDocument]:
    found = ProcessDocument.objects.select_related("meeting", "source").prefetch_related("signatories")
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.year:
        found = found.filter(adopted_on__year=filters.year)
    if filters.signatory:
        found = found.filter(signatories__iso3=filters.signatory)
    found = found.order_by("-adopted_on", "code")
    rows = list(found)
    if filters.language:
        rows = [document for document in rows if filters.language in document.language_codes()]
    if filters.q:
        words = normalise_text(filters.q).split()
        rows = [document for document in rows if all(word in _searchable(document) for word in words)]
    return rows


def document(code: str) -> ProcessDocument:
    return (ProcessDocument.objects.select_related("meeting", "source")
            .prefetch_related("signatories", "other_sources").get(code=code))


def archive_years() -> list[int]:
    return sorted({day.year for day in ProcessDocument.objects.values_list("adopted_on", flat=True)}, reverse=True)


def signatory_countries() -> list[Country]:
    return sorted_as_shown(Country.objects.filter(is_member_state=True), lambda country: country.name)


def terms_of(vocabulary_code: str) -> QuerySet:
    return Term.objects.filter(vocabulary__code=vocabulary_code).order_by("position", "code")


def organisations_with_role(role: str) -> QuerySet:

    return (Organisation.objects.filter(roles__role=role).prefetch_related("roles__source")
            .order_by("roles__since_year", "name"))


def sources_by_key(*keys: str) -> dict[str, Source]:
    """The loaded sources the page's own sentences cite, by their key in ``data/process.json``."""
    found = Source.objects.filter(load_key__in=[f"source:{key}" for key in keys])
    return {source.load_key.removeprefix("source:"): source for source in found}
