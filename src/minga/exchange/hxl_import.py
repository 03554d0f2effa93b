"""HXL tables in: any CSV or XLSX with a hashtag row, read by libhxl, previewed, then imported all or nothing.

``preview(path)`` reads the table and decides, from its hashtags, what it holds (docs/exchange.md, "HXL in"):

- requirements (``#value+funding+required+usd``): one ``finance.Requirement`` per row, for the plan
  (``#activity+appeal+id+external``), year (``#date+year``), country (``#country+code``) and, where a
  ``#sector+cluster+name`` names an RMRP sector, that sector; the FTS plan id keys it as the plan overview does;
- funding flows (``#value+funding+total+usd`` with ``#org+name+funder``): each row read as the FTS flow it
  is (``#activity+id+fts_internal``, ``#status``, ``#financial+direction`` …) and imported by ``exchange.fts``,
  so that FTS's counting rule holds and the same flow from the API and from HDX is one record;
- population figures (``#affected+refugees+migrants``, ``#affected+refugees``, ``#affected+migrants``,
  ``#inneed``, ``#targeted``, ``#affected`` with ``#country+code`` and ``#date``; ``#adm1+code`` for a
  subdivision; ``#meta+source`` or ``#meta+source+url`` for each figure's own source).

What each kind needs is said once, in ``NEEDS``: a table with the hashtags of none is refused whole, in one
message naming every kind and its hashtags, rather than row by row for a column it never had.

The preview lists the mapping (header, hashtag, what Minga reads) and every row that will be refused, with
its line and why; nothing is written. ``apply`` then writes the accepted rows in one transaction.
"""

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

import hxl
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.common.hxl import BOM  # a CSV's byte-order mark, which libhxl leaves in the first header
from minga.exchange import fts, fts_plans
from minga.exchange.fts_read import BOUNDARIES, MAX_FLOW_ID, ON_BOUNDARY, FtsFlowData, Side
from minga.finance import services as finance
from minga.finance.tracking import Requirement
from minga.portfolio.bulk.safety import UploadRefused, refuse_unsafe_archive
from minga.reference import services as reference
from minga.reference.loaders import create_missing
from minga.reference.models import (
    Country,
    DatePrecision,
    PopulationFigure,
    PopulationGroup,
    Source,
    Subdivision,
    Term,
)

REQUIREMENTS, FLOWS, POPULATION = "requirements", "flows", "population"
KINDS = {REQUIREMENTS: gettext_lazy("requirements"), FLOWS: gettext_lazy("funding flows"),
         POPULATION: gettext_lazy("population figures")}
_COUNTRY, _DATE, _PEOPLE = gettext_lazy("country"), gettext_lazy("date"), gettext_lazy("refugees and migrants")
# Each kind's hashtags -> what Minga reads in them (shown in the preview; a column of another kind's is not read).
READS = {
    REQUIREMENTS: {
        "#value+funding+required+usd": gettext_lazy("requirement (US$)"), "#country+code": _COUNTRY,
        "#date+year": gettext_lazy("year"), "#activity+appeal+id+external": gettext_lazy("plan"),
        "#activity+appeal+name": gettext_lazy("plan name"),
        "#activity+appeal+id+fts_internal": gettext_lazy("FTS plan id"), "#sector+cluster+name": gettext_lazy("sector"),
        "#sector+cluster+code": gettext_lazy("sector"), "#date+start": gettext_lazy("plan start")},
    FLOWS: {
        "#value+funding+total+usd": gettext_lazy("amount (US$)"), "#org+name+funder": gettext_lazy("provider"),
        "#org+name+impl": gettext_lazy("receiver"), "#country+iso3+impl+list": gettext_lazy("destination country"),
        "#country+iso3+funder+list": gettext_lazy("provider's country"), "#date": _DATE,
        "#status+text": gettext_lazy("status"), "#activity+id+fts_internal": gettext_lazy("FTS flow id"),
        "#financial+direction": gettext_lazy("boundary"), "#financial+direction+type": gettext_lazy("on boundary"),
        "#value+funding+total": gettext_lazy("original amount"),
        "#value+funding+total+currency": gettext_lazy("original currency"),
        "#description+notes": gettext_lazy("description")},
    POPULATION: {
        "#affected+refugees+migrants": _PEOPLE, "#affected+refugees": _PEOPLE, "#affected+migrants": _PEOPLE,
        "#inneed": gettext_lazy("people in need"), "#targeted": gettext_lazy("people targeted"),
        "#affected": gettext_lazy("people affected"), "#country+code": _COUNTRY, "#adm1+code": gettext_lazy(
            "subdivision"), "#date": _DATE, "#date+reported": _DATE, "#date+population": _DATE,
        "#meta+source": gettext_lazy("source"), "#meta+source+url": gettext_lazy("source")},
}
# Minga counts one population of its own, refugees and migrants from Venezuela, whichever of the three the
# table uses; a bare #population (HXL's general population of a place) is not it and is not read.
PEOPLE = {"#affected+refugees+migrants": PopulationGroup.REFUGEES_AND_MIGRANTS,
          "#affected+refugees": PopulationGroup.REFUGEES_AND_MIGRANTS,
          "#affected+migrants": PopulationGroup.REFUGEES_AND_MIGRANTS, "#inneed": PopulationGroup.IN_NEED,
          "#targeted": PopulationGroup.TARGETED, "#affected": PopulationGroup.AFFECTED}
# The day a count is as of: HXL's #date, or as Minga's own tables tag it beside other figures.
PEOPLE_DATES = ("#date", "#date+reported", "#date+population")
# What a table of each kind must have, in the order the kinds are tried: each entry one hashtag of the group.
# A column every row needs is needed here, so that its absence refuses the table once, not each of its rows.
NEEDS = {
    REQUIREMENTS: (("#value+funding+required+usd",), ("#activity+appeal+id+external", "#activity+appeal+name"),
                   ("#date+year",)),
    FLOWS: (("#value+funding+total+usd",), ("#org+name+funder",), ("#activity+id+fts_internal",),
            ("#status+text",), ("#date",)),
    POPULATION: (tuple(PEOPLE), ("#country+code",), PEOPLE_DATES),
}
# FTS cluster names that are an RMRP sector of Minga (rmrp-sectors), after " COVID-19" is set aside.
CLUSTER_SECTORS = {"education": "education", "food security sector": "food-security", "food security": "food-security",
                   "protection": "protection", "shelter/nfis": "shelter", "shelter": "shelter", "wash": "wash",
                   "health": "health", "nutrition": "nutrition"}


@dataclass
class Rejected:
    line: int
    reason: str


@dataclass
class HxlPreview:
    label: str
    kind: str | None
    mapping: list = field(default_factory=list)  # [(header, hashtag, what Minga reads or "")]
    accepted: list = field(default_factory=list)  # [(line, values)]
    rejected: list = field(default_factory=list)  # [Rejected]
    problem: str = ""  # the table as a whole cannot be read


def _norm(tag: str) -> str:
    """A hashtag with its attributes sorted: ``#value+usd+funding`` is ``#value+funding+usd``."""
    base, *attributes = tag.strip().lower().split("+")
    return "+".join([base, *sorted(attributes)])


def _columns(source) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, column in enumerate(source.columns):
        if column.display_tag:
            found.setdefault(_norm(column.display_tag), index)
    return found


def _kind(columns: dict) -> str | None:
    for kind, needs in NEEDS.items():
        if all(any(_norm(tag) in columns for tag in group) for group in needs):
            return kind
    return None


def _none_of_the_kinds(label: str) -> str:
    """The one refusal of a table Minga does not import: the kinds it does, each with the hashtags it needs."""
    def group(tags):
        return tags[0] if len(tags) == 1 else _("%(tag)s (or %(others)s)") % {
            "tag": tags[0], "others": ", ".join(tags[1:])}

    kinds = "; ".join(_("%(kind)s: %(hashtags)s") % {"kind": KINDS[kind], "hashtags": ", ".join(map(group, needs))}
                      for kind, needs in NEEDS.items())
    return _("%(label)s: not a table Minga imports. Minga imports tables with the hashtags of one of these "
             "kinds: %(kinds)s.") % {"label": label, "kinds": kinds}


def _amount(text, what) -> Decimal:
    if not str(text).strip():
        raise ValueError(_("%(what)s is empty or not above zero") % {"what": what})
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(_("%(what)s %(value)r is not a number") % {"what": what, "value": text}) from None
    if not value.is_finite() or value <= 0 or value >= Decimal("1e15"):
        raise ValueError(_("%(what)s is empty or not above zero") % {"what": what})
    return value.quantize(Decimal("0.01"))


def _positive(text) -> Decimal | None:
    """An optional amount (the original one beside FTS's USD): None when empty, zero or not a number."""
    try:
        return _amount(text, "")
    except ValueError:
        return None


def _country(code: str) -> Country:
    country = Country.objects.filter(pk=str(code).strip().upper()).first() if code else None
    if country is None:
        raise ValueError(_("country %(value)r is not an ISO 3166 alpha-3 code") % {"value": code})
    return country


def _year(text) -> int:
    if not re.fullmatch(r"(19|20)\d\d", str(text).strip()):
        raise ValueError(_("year %(value)r is not a year") % {"value": text})
    return int(str(text).strip())


def _sector(name: str) -> Term | None:
    if not name:
        return None
    key = re.sub(r"\s*covid-19$", "", name.strip().casefold())
    code = CLUSTER_SECTORS.get(key)
    term = Term.objects.filter(vocabulary__code="rmrp-sectors", code=code).first() if code else None
    if term is None:
        raise ValueError(_("cluster %(value)r is not an RMRP sector of Minga") % {"value": name})
    return term


def _requirement(get) -> dict:
    plan_id = get("#activity+appeal+id+fts_internal")
    plan = get("#activity+appeal+id+external") or get("#activity+appeal+name")
    if not plan:
        raise ValueError(_("no plan named"))
    year, amount = _year(get("#date+year")), _amount(get("#value+funding+required+usd"), _("requirement"))
    country = _country(get("#country+code")) if get("#country+code") else None
    cluster = get("#sector+cluster+name")
    sector = _sector(cluster)
    key = (f"fts-plan-{plan_id}-{year}" if plan_id else f"hxl-plan-{plan}-{year}-{country.pk if country else 'all'}")
    cluster_part = f"-cluster-{get('#sector+cluster+code') or sector.code}" if sector is not None else ""
    # A plan of several countries is listed once per country: each its own cell (_settle_requirement_keys).
    country_key = f"{key}-{country.pk}{cluster_part}"[:120] if plan_id and country else None
    key += cluster_part
    # The RMRP is named as the plan overview names it (the same cell, keyed alike): "RMRP <year> (FTS <code>)".
    found = {"id": int(plan_id) if str(plan_id).strip().isdigit() else None, "code": plan,
             "name": get("#activity+appeal+name") or "", "usageYears": [{"year": str(year)}]}
    start = _year(str(get("#date+start"))[:4]) if get("#date+start") else None
    name = fts_plans.plan_name({**found, "startDate": f"{start or year}-01-01"}, year, fts_plans.rmrp_plan_ids())
    return {"load_key": key[:120], "country_key": country_key, "plan": name, "year": year, "amount": amount,
            "country": country, "sector": sector}


def _flow(get) -> FtsFlowData:
    flow_id = get("#activity+id+fts_internal")
    if not re.fullmatch(r"[0-9]+", flow_id):
        raise ValueError(_("no FTS flow id (#activity+id+fts_internal)"))
    if int(flow_id) > MAX_FLOW_ID:  # the ledger's column is 64-bit: storing it would stop the whole import
        raise ValueError(_("FTS flow id %(value)s is out of range") % {"value": flow_id})
    status = get("#status+text").strip().lower()
    if status not in ("pledge", "commitment", "paid"):
        raise ValueError(_("status %(value)r is not pledge, commitment or paid") % {"value": status})
    try:
        on = date.fromisoformat(get("#date")[:10])
    except ValueError:
        raise ValueError(_("date %(value)r is not a date") % {"value": get("#date")}) from None
    # FTS's own values, in any case: anything else would be stored as given and classed as passed on, out of
    # the country's funding without a word (fts_read.parse_flow refuses them alike).
    boundary = (get("#financial+direction") or "incoming").lower()
    if boundary not in BOUNDARIES:
        raise ValueError(_("boundary %(value)r is not incoming, outgoing or internal") % {
            "value": get("#financial+direction")})
    on_boundary = (get("#financial+direction+type") or "single").lower()
    if on_boundary not in ON_BOUNDARY:
        raise ValueError(_("onBoundary %(value)r is not single or shared") % {
            "value": get("#financial+direction+type")})
    original = get("#value+funding+total")
    currency = get("#value+funding+total+currency").strip().upper()

    def side(organisation, locations):
        named = [{"type": "Organization", "id": None, "name": organisation}] if organisation else []
        places = [{"type": "Location", "id": None, "name": code.strip()}
                  for code in re.split(r"[|,;]", locations) if code.strip()]
        return Side(objects=named + places, organisations=named, locations=places)

    return FtsFlowData(
        id=int(flow_id), version=0, status=status, amount_usd=_amount(get("#value+funding+total+usd"), _("amount")),
        original_amount=_positive(original),
        original_currency=currency if re.fullmatch(r"[A-Z]{3}", currency) else "",
        boundary=boundary, on_boundary=on_boundary,
        flow_type="", parent_id=None, child_ids=[], on=on, description=get("#description+notes")[:2000],
        source=side(get("#org+name+funder"), get("#country+iso3+funder+list")),
        destination=side(get("#org+name+impl"), get("#country+iso3+impl+list")))


def _source_named(get) -> tuple[str, str]:
    """The figure's own source, (address, publisher), as a row gives it; ("", "") when it names none."""
    url, named = get("#meta+source+url"), get("#meta+source")
    if not url and re.match(r"https?://", named):  # a source column holding its address
        url, named = named, ""
    if url and (not re.fullmatch(r"https?://[^\s/]+\S*", url) or len(url) > 500):
        raise ValueError(_("source address %(value)r is not a web address") % {"value": url})
    return url, named[:200]


def _people(get) -> dict:
    country = _country(get("#country+code"))
    given = next((get(tag) for tag in PEOPLE_DATES if get(tag)), "")
    try:
        as_of = date.fromisoformat(given[:10])
    except ValueError:
        raise ValueError(_("date %(value)r is not a date") % {"value": given}) from None
    subdivision = None
    if get("#adm1+code"):
        subdivision = Subdivision.objects.filter(pk=get("#adm1+code").strip().upper(), country=country).first()
        if subdivision is None:
            raise ValueError(_("subdivision %(value)r is not in %(country)s") % {
                "value": get("#adm1+code"), "country": country.pk})
    figures, tags = [], {}
    for tag, group in PEOPLE.items():
        value = re.sub(r"\.0+$", "", get(tag))  # a spreadsheet's 2860000.0
        if value:
            if not re.fullmatch(r"\d{1,12}", value.replace(",", "").strip()):
                raise ValueError(_("%(tag)s %(value)r is not a count of people") % {"tag": tag, "value": value})
            if group in tags:
                raise ValueError(_("%(first)s and %(second)s both count %(group)s: give one") % {
                    "first": tags[group], "second": tag, "group": PopulationGroup(group).label})
            tags[group] = tag
            figures.append((group, int(value.replace(",", "").strip())))
    if not figures:
        raise ValueError(_("no count of people"))
    return {"country": country, "subdivision": subdivision, "as_of": as_of, "figures": figures,
            "source": _source_named(get)}


READERS = {REQUIREMENTS: _requirement, FLOWS: _flow, POPULATION: _people}


# An XLSX is checked before libhxl reads it whole (xlrd, every cell in memory): what it unpacks to and how many XML
# elements it holds (a zip bomb is a small file whose sheet unpacks to gigabytes), and no entities or DTD in it.
# An HXL table of 10 MB (the upload's limit) and 100,000 cells is far within both.
MAX_XLSX_UNPACKED = 100 * 1024 ** 2
MAX_XLSX_ELEMENTS = 1_000_000


def _unsafe_workbook(path) -> str | None:
    """Why the workbook at ``path`` is not read, or None (also for a file that is no zip: libhxl says what it is)."""
    if not zipfile.is_zipfile(path):
        return None
    too_large = UploadRefused(_("the workbook unpacks to more than %(megabytes)s MB or holds more than %(count)s "
                                "XML elements: too large to read as a table.") % {
        "megabytes": MAX_XLSX_UNPACKED // 1024 ** 2, "count": f"{MAX_XLSX_ELEMENTS:,}"})
    try:
        with open(path, "rb") as handle:
            refuse_unsafe_archive(handle, max_unpacked=MAX_XLSX_UNPACKED, max_elements=MAX_XLSX_ELEMENTS,
                                  too_large=too_large)
    except UploadRefused as refused:
        return str(refused)
    return None


def preview(path: str | Path, *, label: str = "") -> HxlPreview:
    """What importing ``path`` would do, row by row; nothing is written."""
    label = label or Path(path).name
    unsafe = _unsafe_workbook(path)
    if unsafe:
        return HxlPreview(label=label, kind=None, problem=f"{label}: {unsafe}")
    try:
        source = hxl.data(str(path), hxl.InputOptions(allow_local=True))
        columns = _columns(source)
        rows = list(source)
    except Exception as error:  # libhxl raises many kinds; each means "not a readable HXL table"
        return HxlPreview(label=label, kind=None, problem=_("%(label)s: not a readable HXL table (%(error)s).") % {
            "label": label, "error": error})
    kind = _kind(columns)
    reads = {_norm(tag): what for tag, what in READS.get(kind, {}).items()}
    result = HxlPreview(label=label, kind=kind, mapping=[
        ((column.header or "").removeprefix(BOM), column.display_tag or "",
         str(reads.get(_norm(column.display_tag or ""), ""))) for column in source.columns])
    if kind is None:
        result.problem = _none_of_the_kinds(label)
        return result
    for number, row in enumerate(rows):
        line = number + 3  # the headers and the hashtags come first

        def get(tag, row=row):
            index = columns.get(_norm(tag))
            value = row.values[index] if index is not None and index < len(row.values) else ""
            return "" if value is None else str(value).strip()

        try:
            result.accepted.append((line, READERS[kind](get)))
        except ValueError as error:
            result.rejected.append(Rejected(line, str(error)))
    if kind == REQUIREMENTS:
        _settle_requirement_keys(result.accepted)
    _refuse_repeated(result, _requirement_cell if kind == REQUIREMENTS else _people_cells if kind == POPULATION
                     else None)
    return result


def _settle_requirement_keys(accepted: list) -> None:
    """Each row's key: the plan overview's (``fts-plan-<id>-<year>``, one cell for a plan of one country or the
    region) when the table lists the plan and year for this row's country alone and that cell, if stored, is this
    country's; else the country's own (``fts-plan-<id>-<year>-<ISO3>``): a regional plan listed once per country
    is one cell per country, and the overview's regional cell is not overwritten by one country's part."""
    listed: dict = {}
    for _line, values in accepted:
        listed.setdefault(values["load_key"], set()).add(values["country"])
    stored = dict(Requirement.all_objects.filter(load_key__in=list(listed)).values_list("load_key", "country_id"))
    for _line, values in accepted:
        country_key = values.pop("country_key")
        key = values["load_key"]
        if country_key is None:
            continue
        own = stored[key] == values["country"].pk if key in stored else len(listed[key]) == 1
        if not own:
            values["load_key"] = country_key


def _requirement_cell(values) -> list:
    return [values["load_key"]]


def _people_cells(values) -> list:
    return [(values["country"].pk, getattr(values["subdivision"], "pk", None), values["as_of"], group,
             values["source"]) for group, _value in values["figures"]]


def _refuse_repeated(result: HxlPreview, cells) -> None:
    """Rows that would write the same record (the same requirement cell, the same figure) are refused, each
    naming the others: which one should hold is not for the import to guess, and importing both would have the
    last overwrite the first on every import."""
    if cells is None:
        return
    lines: dict = {}
    for line, values in result.accepted:
        for cell in cells(values):
            lines.setdefault(cell, []).append(line)
    repeated: dict = {}
    for same in lines.values():
        for line in same if len(same) > 1 else []:
            repeated.setdefault(line, set()).update(other for other in same if other != line)
    if not repeated:
        return
    result.accepted = [(line, values) for line, values in result.accepted if line not in repeated]
    result.rejected = sorted(result.rejected + [Rejected(line, _(
        "the same record as line %(lines)s: given twice, neither is imported") % {
        "lines": ", ".join(map(str, sorted(others)))}) for line, others in repeated.items()], key=lambda r: r.line)


def _table_source(label: str) -> Source:
    source, _created = create_missing(Source, f"source:hxl-{label}"[:120], {
        # Stored data: the same words whatever the importer's language.
        "publisher": "HXL table (imported)", "title": label[:400], "url": "", "published_on": None,
        "date_precision": DatePrecision.UNDATED}, reason="HXL import")
    return source


def _figure_source(named: tuple[str, str], label: str) -> Source:
    """The source a row names for its figure (found by its address, else recorded), or the table itself: a figure
    read back from a download of Minga's cites what it cited there, and is the figure already stored."""
    url, publisher = named
    if not url and not publisher:
        return _table_source(label)
    found = Source.objects.filter(url=url).order_by("pk").first() if url else None
    if found is not None:
        return found
    source, _created = create_missing(Source, f"source:hxl-{url or publisher}-{label}"[:120], {
        "publisher": publisher or urlsplit(url).netloc[:200], "title": (url or label)[:400], "url": url,
        "published_on": None, "date_precision": DatePrecision.UNDATED}, reason="HXL import")
    return source


@transaction.atomic
def apply(result: HxlPreview, *, user) -> dict:
    """Write the accepted rows of a preview, all or none. Returns counts by outcome."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if result.kind == FLOWS:
        report = fts.FtsReport()
        resolver, source = fts.resolver_for(user), fts.fts_source()
        for _line, flow in result.accepted:
            fts.import_flow(flow, user=user, resolver=resolver, source=source, report=report)
        if report.problems:
            raise ValueError("; ".join(report.problems))
        return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    source = _table_source(result.label) if result.kind == REQUIREMENTS else None
    for _line, values in result.accepted:
        if result.kind == REQUIREMENTS:
            counts[finance.requirement_import(user=user, source=source, currency="USD", **values)] += 1
            continue
        cited = _figure_source(values["source"], result.label)
        for group, value in values["figures"]:
            existing = PopulationFigure.all_objects.filter(
                country=values["country"], subdivision=values["subdivision"], group=group, as_of=values["as_of"],
                source=cited).first()
            if existing is None:
                reference.population_figure_create(user=user, reason="HXL import", fields={
                    "country": values["country"], "subdivision": values["subdivision"], "group": group,
                    "value": value, "as_of": values["as_of"], "source": cited})
                counts["created"] += 1
            elif existing.value != value:
                reference.population_figure_update(figure=existing, user=user, changes={"value": value},
                                                   expected_version=existing.version, reason="HXL import")
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


def preview_lines(result: HxlPreview) -> list[str]:
    lines = [_("%(label)s: %(kind)s; %(accepted)s rows to import, %(rejected)s refused.") % {
        "label": result.label, "kind": KINDS.get(result.kind, "—"), "accepted": len(result.accepted),
        "rejected": len(result.rejected)}]
    lines += [f"  {header} {tag} → {reads}" for header, tag, reads in result.mapping if reads]
    lines += [_("  line %(line)s: %(reason)s") % {"line": r.line, "reason": r.reason} for r in result.rejected]
    return lines


def import_hxl_command(path: str, *, user, dry_run: bool) -> tuple[list[str], bool]:
    """``minga import hxl FILE [--dry-run]``: the preview, then (unless a dry run) the import."""
    result = preview(path)
    if result.problem:
        return [result.problem], True
    lines = preview_lines(result)
    if not dry_run:
        try:
            counts = apply(result, user=user)
        except ValueError as error:
            return [*lines, _("Nothing was imported: %(error)s") % {"error": error}], True
        lines.append(_("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % counts)
    return lines, bool(result.rejected)
