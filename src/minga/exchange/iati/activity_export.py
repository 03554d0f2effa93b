"""IATI 2.03 XML of the imported activities and their transactions (the flows they gave), as published.

Each activity is written back from what was read (``IatiActivity.data``) in the 2.03 schema's element
order, with the transactions as stored; an import of this file into an empty database gives the same
activities, transactions and flows, and so the same funding answers (tests/exchange/test_iati_export_activities.py).
An activity that lacks what the schema requires (a description, a reporting organisation's type, a participating
organisation with its role, a status, a typed date, the code of each recipient country, region and sector) is left
out and listed in ``skipped``: the file always validates. A file imported without the schema may have given such an
activity; writing it without the part that has no code would change its flows (a codeless region makes them
regional), so the activity is left out whole rather than written otherwise. What the funding answers do not read and
the schema cannot hold is dropped alone: a last-updated date that is not a date and time, a budget without its
period, value or value date (the reader leaves out one whose date or value is given and is no date or number, and
says so; one stored so by an earlier version is left out here), a participating organisation without a role beside
others with one, a humanitarian scope or an administrative area missing one of its required attributes, a percentage
that is not a decimal.
"""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from lxml import etree

from minga.common.text import xml_safe
from minga.exchange.iati.activities import IatiDocument
from minga.exchange.iati.codelists import XML_LANG
from minga.exchange.models import IatiActivity

VERSION = "2.03"
# xsd:dateTime: a date, "T", a time, an optional zone (no date alone, no space, no week or ordinal date).
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def _sub(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, tag, {key.replace("_", "-"): xml_safe(str(value))
                                             for key, value in attributes.items() if value not in (None, "")})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _narratives(parent, texts: dict, default_language: str) -> None:
    for language, text in texts.items():
        narrative = _sub(parent, "narrative", text)
        if language != default_language:
            narrative.set(XML_LANG, language)


def _share(raw) -> str | None:
    return None if raw is None else _decimal(raw)


def _org(parent, tag: str, org: dict, default_language: str, **extra) -> None:
    element = _sub(parent, tag, ref=org.get("ref", ""), type=org.get("type", ""), **extra)
    if org.get("name"):
        _narratives(element, {default_language: org["name"]}, default_language)


def _date_time(raw: str) -> str | None:
    """``raw`` when it is an xsd:dateTime, else None (the attribute is then left out)."""
    if not DATE_TIME.fullmatch(raw or ""):
        return None
    try:
        datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return raw


def _decimal(raw) -> str | None:
    """``raw`` as an xsd:decimal (digits and a point, no exponent), or None when it is not a finite number."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return f"{value:f}" if value.is_finite() else None


def _roles(data: dict) -> list:
    return [org for org in data.get("participating_orgs") or [] if org.get("role")]


def _missing(data: dict) -> str:
    """What the schema requires and ``data`` lacks, in the schema's order ("" when the activity can be written)."""
    reporting = data.get("reporting_org") or {}
    needs = {"reporting-org": reporting.get("ref"), "reporting-org type": reporting.get("type"),
             "title": data.get("titles"), "description": data.get("descriptions"),
             "participating-org": _roles(data), "activity-status": data.get("status"),
             "activity-date": [day for kind, day in data.get("dates", {}).items() if kind and day],
             "recipient-country code": all(code for code, *_rest in data.get("countries", [])),
             "recipient-region code": all(code for code, *_rest in data.get("regions", [])),
             "sector code": all(code for _vocabulary, code, *_rest in data.get("sectors", []))}
    return ", ".join(name for name, given in needs.items() if not given)


def _transaction(parent, row, language: str) -> None:
    extra = row.data
    element = _sub(parent, "transaction", ref=extra.get("ref", ""),
                   humanitarian={True: "1", False: "0"}.get(extra.get("is_humanitarian")))
    _sub(element, "transaction-type", code=row.transaction_type)
    _sub(element, "transaction-date", iso_date=extra.get("transaction_date") or row.value_date.isoformat())
    _sub(element, "value", _decimal(row.value.normalize()), currency=row.currency,
         value_date=row.value_date.isoformat())
    for side in ("provider", "receiver"):
        if extra.get(f"{side}_ref") or extra.get(f"{side}_name"):
            _org(element, f"{side}-org", {"ref": extra.get(f"{side}_ref", ""), "type": extra.get(f"{side}_type", ""),
                                          "name": extra.get(f"{side}_name", "")}, language)
    if extra.get("sector"):
        _sub(element, "sector", vocabulary=extra.get("sector_vocabulary", ""), code=extra["sector"])
    if extra.get("country"):
        _sub(element, "recipient-country", code=extra["country"])
    elif extra.get("region"):
        _sub(element, "recipient-region", code=extra["region"])


def _activity(root, activity: IatiActivity) -> None:
    data = activity.data
    language = data.get("default_language") or "en"
    element = _sub(root, "iati-activity", default_currency=data.get("default_currency", ""),
                   last_updated_datetime=_date_time(data.get("last_updated", "")),
                   humanitarian="1" if data.get("is_humanitarian") else None)
    element.set(XML_LANG, language)
    _sub(element, "iati-identifier", activity.identifier)
    _org(element, "reporting-org", data["reporting_org"], language)
    _narratives(_sub(element, "title"), data["titles"], language)
    _narratives(_sub(element, "description"), data["descriptions"], language)
    for org in _roles(data):
        _org(element, "participating-org", org, language, role=org.get("role", ""))
    _sub(element, "activity-status", code=data["status"])
    for kind, day in data["dates"].items():
        if kind and day:
            _sub(element, "activity-date", type=kind, iso_date=day)
    for code, share in data.get("countries", []):
        _sub(element, "recipient-country", code=code, percentage=_share(share))
    for code, vocabulary, share in data.get("regions", []):
        _sub(element, "recipient-region", code=code, vocabulary=vocabulary, percentage=_share(share))
    for location in data.get("locations", []):
        place = _sub(element, "location", ref=location.get("ref", ""))
        if location.get("name"):
            _narratives(_sub(place, "name"), {language: location["name"]}, language)
        for vocabulary, level, code in location.get("administrative", []):
            if vocabulary and code:
                _sub(place, "administrative", vocabulary=vocabulary, level=level, code=code)
        if location.get("point"):
            point = _sub(place, "point", srsName="http://www.opengis.net/def/crs/EPSG/0/4326")
            _sub(point, "pos", " ".join(str(value) for value in location["point"]))
    for vocabulary, code, share in data.get("sectors", []):
        _sub(element, "sector", vocabulary=vocabulary, code=code, percentage=_share(share))
    for kind, vocabulary, code in data.get("humanitarian_scopes", []):
        if kind and vocabulary and code:
            _sub(element, "humanitarian-scope", type=kind, vocabulary=vocabulary, code=code)
    if data.get("gender_marker") is not None:
        _sub(element, "policy-marker", vocabulary="1", code="1", significance=data["gender_marker"])
    for budget in data.get("budgets", []):
        value = _decimal(budget.get("value", ""))
        if budget.get("start") and budget.get("end") and value is not None and budget.get("value_date"):
            part = _sub(element, "budget", type=budget.get("type", ""), status=budget.get("status", ""))
            _sub(part, "period-start", iso_date=budget["start"])
            _sub(part, "period-end", iso_date=budget["end"])
            _sub(part, "value", value, currency=budget.get("currency", ""), value_date=budget["value_date"])
    for row in activity.transactions.all():
        _transaction(element, row, language)


def build(activities=None) -> IatiDocument:
    root = etree.Element("iati-activities", {"version": VERSION,
                                             "generated-datetime": timezone.now().replace(microsecond=0).isoformat()})
    document = IatiDocument(root=root)
    queryset = IatiActivity.objects.all() if activities is None else activities
    for activity in queryset.prefetch_related("transactions").order_by("identifier").iterator(chunk_size=500):
        missing = _missing(activity.data)
        if missing:
            document.skipped.append((activity.identifier, f"no {missing}"))
            continue
        _activity(root, activity)
        document.activities += 1
    return document
