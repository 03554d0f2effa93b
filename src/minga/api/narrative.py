"""The checker over HTTP: POST a text, get its findings (public, nothing stored)."""

from typing import Literal

from django.utils.translation import get_language
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from minga.api.schemas import ErrorOut
from minga.narrative import selectors
from minga.narrative.documents import MAX_TEXT_CHARACTERS

router = Router(tags=["narrative"])


class CheckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=MAX_TEXT_CHARACTERS)
    language: Literal["auto", "es", "pt", "en"] = "auto"


class EntryOut(Schema):
    slug: str
    term: str
    category: str
    category_label: str
    severity: str
    source: str
    source_url: str


class FindingOut(Schema):
    start: int = Field(..., description="Offset of the first character, from 0, in the text as NFC with plain line ends")
    end: int = Field(..., description="Offset after the last character")
    line: int
    column: int
    text: str
    entry: EntryOut
    suggestions: list[str]
    explanation: str


class CheckOut(Schema):
    language: str
    findings: list[FindingOut]


@router.post("/narrative/check", response={200: CheckOut, 422: ErrorOut},
             summary="Check a text against the inclusive-language guide (es, pt, en or auto)")
def check(request, payload: CheckIn):
    reader = (get_language() or "es")[:2]
    language = selectors.resolve_language(payload.text, payload.language,
                                          default=reader if reader in selectors.LANGUAGE_CODES else "es")
    _, findings = selectors.check(payload.text, language)
    return {"language": language, "findings": [selectors.finding_as_dict(finding) for finding in findings]}

