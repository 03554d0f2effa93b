"""Loading the process's meetings, documents and presidencies from ``data/process.json``.

Like every loader of records people edit: it creates what is missing (found again by ``load_key``)
and never overwrites what the secretariat changed since.
"""

import json
from dataclasses import dataclass
from datetime import date
from importlib import resources

from django.db import transaction

from minga.common.cache import PROCESS, invalidates
from minga.process.models import Meeting, PresidencyTerm, ProcessDocument, RoadmapAction
from minga.reference.loaders import LOADED, LoadReport, create_missing, load_sources
from minga.reference.models import LINES_OF_WORK, Country, Term


@dataclass
class ProcessLoadReport:
    meetings: LoadReport
    documents: LoadReport
    presidency_terms: LoadReport
    roadmap_actions: LoadReport


def _data(name: str):
    return resources.files("minga.process").joinpath("data", name)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _labels(spec: dict, *fields: str) -> dict:
    return {f"{field}_{code}": spec.get(f"{field}_{code}", "") for field in fields for code in ("es", "pt", "en")}


@invalidates(PROCESS)
@transaction.atomic
def load_process() -> ProcessLoadReport:
    spec = json.loads(_data("process.json").read_text(encoding="utf-8"))
    sources = load_sources(spec["sources"])
    countries = {country.iso3: country for country in Country.objects.all()}
    meetings, report = {}, ProcessLoadReport(LoadReport(), LoadReport(), LoadReport(), LoadReport())
    for item in spec["meetings"]:
        meetings[item["code"]], created = create_missing(Meeting, f"meeting:{item['code']}", {
            "code": item["code"], "kind": item["kind"], "ordinal": item["ordinal"], "city": item["city"],
            "country": countries.get(item["country"]), "presidency": countries.get(item["presidency"]),
            "starts_on": _date(item["starts_on"]), "ends_on": _date(item["ends_on"]),
            "date_precision": item["date_precision"], "source": sources[item["source"]],
            **_labels(item, "label", "summary")}, reason=LOADED)
        report.meetings.count(created, False)
    for item in spec["documents"]:
        text = _data(item["text_file"]).read_text(encoding="utf-8") if item["text_file"] else ""
        document, created = create_missing(ProcessDocument, f"process-document:{item['code']}", {
            "code": item["code"], "kind": item["kind"], "meeting": meetings.get(item["meeting"]),
            "adopted_on": _date(item["adopted_on"]), "date_precision": item["date_precision"],
            "place": item["place"], "languages": item["languages"], "signatory_count": item["signatory_count"],
            "text": text, "text_language": item["text_language"], "source": sources[item["source"]],
            **_labels(item, "label", "summary", "note")}, reason=LOADED)
        if created:
            document.signatories.set([countries[code] for code in item["signatories"]])
            document.other_sources.set([sources[key] for key in item["other_sources"]])
        report.documents.count(created, False)
    for item in spec["presidency_terms"]:
        key = f"presidency:{item['country']}:{item['starts_on']}"
        _, created = create_missing(PresidencyTerm, key, {
            "country": countries[item["country"]], "starts_on": _date(item["starts_on"]),
            "starts_precision": item["starts_precision"], "ends_on": _date(item["ends_on"]),
            "ends_precision": item["ends_precision"], "chapter": item["chapter"],
            "source": sources[item["source"]]}, reason=LOADED)
        report.presidency_terms.count(created, False)
    lines = {term.code: term for term in Term.objects.filter(vocabulary_id=LINES_OF_WORK)}
    for item in spec["roadmap_actions"]:
        # Only what the declaration says: no lead, dates or progress; "planned" is what an adopted item is.
        _, created = create_missing(RoadmapAction, f"roadmap-action:{item['code']}", {
            "code": item["code"], "line": lines[item["line"]], "source": sources[item["source"]],
            **_labels(item, "label", "description")}, reason=LOADED)
        report.roadmap_actions.count(created, False)
    return report
