"""The process's record for scripts: its meetings and the archive of its documents, each with its source."""

from datetime import date

from ninja import Query, Router, Schema

from minga.api.schemas import ErrorOut, SourceOut
from minga.process import selectors

router = Router(tags=["process"])


class MeetingOut(Schema):
    code: str
    kind: str
    ordinal: int | None
    label_es: str
    label_pt: str
    label_en: str
    city: str
    country: str | None
    starts_on: date
    ends_on: date | None
    date_precision: str
    presidency: str | None
    documents: list[str]
    source: SourceOut


class DocumentOut(Schema):
    code: str
    kind: str
    label_es: str
    label_pt: str
    label_en: str
    adopted_on: date
    date_precision: str
    place: str
    meeting: str | None
    languages: list[str]
    signatories: list[str]
    signatory_count: int | None
    note_es: str
    note_pt: str
    note_en: str
    source: SourceOut


class ArchiveQuery(Schema):
    q: str = ""
    kind: str = ""
    year: str = ""
    language: str = ""
    signatory: str = ""


@router.get("/process/meetings", response=list[MeetingOut], summary="The process's rounds and meetings, oldest first")
def meeting_list(request):
    return [{
        "code": m.code, "kind": m.kind, "ordinal": m.ordinal, "label_es": m.label_es, "label_pt": m.label_pt,
        "label_en": m.label_en, "city": m.city, "country": m.country_id, "starts_on": m.starts_on,
        "ends_on": m.ends_on, "date_precision": m.date_precision, "presidency": m.presidency_id,
        "documents": [d.code for d in m.documents.all()], "source": m.source,
    } for m in selectors.meetings()]


@router.get("/process/documents", response={200: list[DocumentOut], 422: ErrorOut},
            summary="The archive of declarations and road maps (same filters as the archive page)",
            description="422 names a parameter that cannot be used (a year that is no year between 1900 and 2100).")
def document_list(request, filters: Query[ArchiveQuery]):
    found = selectors.documents(selectors.ArchiveFilters.from_querydict(filters.dict()))
    return [{
        "code": d.code, "kind": d.kind, "label_es": d.label_es, "label_pt": d.label_pt, "label_en": d.label_en,
        "adopted_on": d.adopted_on, "date_precision": d.date_precision, "place": d.place,
        "meeting": d.meeting.code if d.meeting else None, "languages": d.language_codes(),
        "signatories": [c.iso3 for c in d.signatories.all()], "signatory_count": d.signatory_count,
        "note_es": d.note_es, "note_pt": d.note_pt, "note_en": d.note_en, "source": d.source,
    } for d in found]
