"""Loads the guide shipped in ``data/guide.json`` (``minga setup`` and the demo call it).

Entries are created when missing and never overwritten: the secretariat's edits win, and an entry
it deleted stays deleted (``create_missing``).
"""

import json
from datetime import date
from importlib import resources

from django.db import transaction

from minga.narrative.matching import rule_from_row
from minga.narrative.models import GuideEntry
from minga.reference.loaders import LoadReport, create_missing
from minga.reference.models import Source

LOADED = "Loaded from the inclusive-language guide"


def guide_spec() -> dict:
    return json.loads(resources.files("minga.narrative").joinpath("data", "guide.json").read_text(encoding="utf-8"))


def entry_fields(language: str, row: list, macros: dict) -> dict:
    """The model fields of one row of the guide file."""
    rule, fields = rule_from_row(language, row, macros)
    return {
        "language": language, "slug": rule.key, "term": fields["term"], "category": fields["category"],
        "severity": fields["severity"], "patterns": "\n".join(rule.patterns),
        "alternatives": "\n".join(fields["alternatives"]), "explanation": fields["explanation"],
        "source_key": fields["source"], "require_near": " ".join(rule.require),
        "exclude_near": " ".join(rule.exclude), "window": rule.window,
    }


@transaction.atomic
def load_guide() -> LoadReport:
    spec = guide_spec()
    report = LoadReport()
    sources = {}
    for key, fields in spec["sources"].items():
        sources[key], _ = create_missing(Source, f"source:{key}", {
            "publisher": fields["publisher"], "title": fields["title"], "url": fields.get("url", ""),
            "published_on": date.fromisoformat(fields["published_on"]) if fields.get("published_on") else None,
        }, reason=LOADED)
    for language, rows in spec["entries"].items():
        for row in rows:
            fields = entry_fields(language, row, spec["macros"][language])
            fields["source"] = sources[fields.pop("source_key")]
            _, created = create_missing(GuideEntry, f"guide:{language}:{fields['slug']}", fields, reason=LOADED)
            report.count(created, False)
    return report
