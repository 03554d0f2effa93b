"""IATI 2.03 activity XML for the public portfolio: one ``iati-activity`` per public project, with the flows of
money entered on the platform for it as its transactions.

Only projects in a public state are written, whoever asks, and only the flows the public sees. Illustrative
samples (the demo's projects and flows) are not real: they are left out unless asked for, to try the format, and
then every text of theirs says so in its own language (``ILLUSTRATIVE``). Element order follows
``iati-activities-schema.xsd`` 2.03; ``schema_errors`` validates a document against a local copy.
Each mapping decision, with the codelist it rests on, is in docs/exchange.md ("IATI 2.03 activities").
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from minga.accounts import permissions
from minga.common.languages import LANGUAGES
from minga.common.text import xml_safe
from minga.exchange.iati.codelists import XML_LANG, safe_parser
from minga.finance.tracking import FundingFlow, SourceKind, Stage
from minga.portfolio.models import Project, Status
from minga.portfolio.workflow import PROJECT_WORKFLOW, PUBLIC_STATUSES
from minga.reference.models import LINES_OF_WORK, QUITO_AXES

VERSION = "2.03"
REPORTING_ORG_TYPE = "40"  # Multilateral: the Technical Secretariat is run by IOM and UNHCR
# The secretariat's name is data in three languages, not an interface message.
REPORTING_ORG_NAMES = {
    "es": "Secretaría Técnica del Proceso de Quito",
    "pt": "Secretaria Técnica do Processo de Quito",
    "en": "Technical Secretariat of the Quito Process",
}
# Data, not interface messages: each narrative is marked in the narrative's own language.
ILLUSTRATIVE_PROJECT = {
    "es": "[ILUSTRATIVO — no es un proyecto real] ",
    "pt": "[ILUSTRATIVO — não é um projeto real] ",
    "en": "[ILLUSTRATIVE — not a real project] ",
}
ILLUSTRATIVE_ORGANISATION = {
    "es": "[ILUSTRATIVO — no es una organización real] ",
    "pt": "[ILUSTRATIVO — não é uma organização real] ",
    "en": "[ILLUSTRATIVE — not a real organisation] ",
}
ILLUSTRATIVE_FLOW = {
    "es": "[ILUSTRATIVO — no es un flujo de dinero real]",
    "pt": "[ILUSTRATIVO — não é um fluxo de dinheiro real]",
    "en": "[ILLUSTRATIVE — not a real flow of money]",
}
# A flow's stage as the TransactionType the import reads back as that stage (``mapping.STAGES``).
TRANSACTION_TYPES = {Stage.INCOMING: "1", Stage.COMMITMENT: "2", Stage.DISBURSEMENT: "3", Stage.EXPENDITURE: "4"}
# The flows entered on the platform. An imported flow is its source's to publish: the IATI publisher's own activity
# (``minga export iati-activities`` writes it back), OCHA's FTS.
PLATFORM_ENTERED = (SourceKind.MANUAL, SourceKind.XLSX)
DAC_MIGRATION = "15190"
REGION_AMERICA = "498"
SECTOR_VOCABULARIES = {QUITO_AXES: "99", LINES_OF_WORK: "98"}
SDG_TARGET_TAGS = "3"
GENDER_POLICY_MARKER = "1"


def publisher_ref() -> str:
    return settings.MINGA_IATI_PUBLISHER_REF


def iati_identifier(project: Project, prefix: str | None = None) -> str:
    return f"{prefix or publisher_ref()}-{project.code}"


@dataclass
class IatiDocument:
    root: etree._Element
    activities: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (project code, why)

    def to_bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    # Every text and attribute of the document is written here. lxml refuses control characters and
    # lone surrogates: whatever was stored, one project never makes the file fail for everyone.
    element = etree.SubElement(parent, tag, {key.replace("_", "-"): xml_safe(str(value))
                                             for key, value in attributes.items() if value not in (None, "")})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _narratives(parent, texts: dict[str, str]) -> None:
    for language, text in texts.items():
        if text:
            narrative = _sub(parent, "narrative", text)
            if language:
                narrative.set(XML_LANG, language)


def _texts(project: Project, field_name: str) -> dict[str, str]:
    return {code: getattr(project, f"{field_name}_{code}", "").strip() for code in LANGUAGES
            if getattr(project, f"{field_name}_{code}", "").strip()}


def _labels(item) -> dict[str, str]:
    return {code: getattr(item, f"label_{code}", "") for code in LANGUAGES if getattr(item, f"label_{code}", "")}


def _decimal(value: Decimal) -> str:
    return f"{value:f}"


def _share(value: Decimal) -> str:
    return f"{value.normalize():f}"  # 70.00 → 70


def _descriptions(project: Project) -> dict[str, str]:
    """Summary and long description together, per language (one general description)."""
    summaries, descriptions = _texts(project, "summary"), _texts(project, "description")
    texts = {}
    for code in LANGUAGES:
        parts = [part for part in (summaries.get(code), descriptions.get(code)) if part]
        if parts:
            texts[code] = "\n\n".join(parts)
    return texts


def _marked(texts: dict[str, str], markers: dict[str, str]) -> dict[str, str]:
    return {code: markers[code] + text for code, text in texts.items()}


def _participants(activity, project: Project, language: str) -> None:
    """``language``: the activity's, the one of narratives without their own ``xml:lang``."""
    seen = set()

    def add(organisation, role: str):
        if (organisation.pk, role) in seen:
            return
        seen.add((organisation.pk, role))
        element = _sub(activity, "participating-org", ref=organisation.iati_identifier,
                       type=organisation.organisation_type, role=role)
        # An invented organisation, or a real one whose part (a grant, a role) belongs to a sample project.
        markers = (ILLUSTRATIVE_ORGANISATION if organisation.is_illustrative
                   else ILLUSTRATIVE_PROJECT if project.is_illustrative else None)
        _narratives(element, {"": (markers[language] if markers else "") + organisation.name})

    add(project.proposing_organisation, "2")
    for participant in sorted(project.participants.all(), key=lambda row: (row.role, row.organisation.name)):
        add(participant.organisation, participant.role)
    for funding in project.funding.all():
        add(funding.funder, "1")


def _dates(activity, project: Project) -> None:
    _sub(activity, "activity-date", type="1", iso_date=project.planned_start.isoformat())
    entered = {}
    for transition in project.transitions.all():
        entered.setdefault(transition.to_status, timezone.localtime(transition.at).date())
    if project.status in (Status.IN_IMPLEMENTATION, Status.COMPLETED) and Status.IN_IMPLEMENTATION in entered:
        _sub(activity, "activity-date", type="2", iso_date=entered[Status.IN_IMPLEMENTATION].isoformat())
    _sub(activity, "activity-date", type="3", iso_date=project.planned_end.isoformat())
    if project.status == Status.COMPLETED and Status.COMPLETED in entered:
        _sub(activity, "activity-date", type="4", iso_date=entered[Status.COMPLETED].isoformat())


def _scope(project: Project, locations) -> str | None:
    """ActivityScope: 2 regional, 3 multi-national, 4 national, 5/6 sub-national, 7 one municipality."""
    if project.is_regional:
        return "2"
    countries = {location.country_id for location in locations}
    if not countries:
        return None
    if len(countries) > 1:
        return "3"
    subdivisions = {location.subdivision_id for location in locations if location.subdivision_id}
    municipalities = {location.municipality_id for location in locations if location.municipality_id}
    if not subdivisions:
        return "4"
    if len(subdivisions) > 1:
        return "5"
    return "7" if len(municipalities) == 1 else "6"


def _places(activity, project: Project, locations) -> None:
    shares = {location.country.iso2: _share(location.percentage) for location in locations
              if location.level == "country"}
    if not shares:
        # Only subdivisions named: one country is the whole of it; several without shares stay unsplit.
        countries = list(dict.fromkeys(location.country.iso2 for location in locations))
        shares = {code: "100" if len(countries) == 1 else None for code in countries}
    for code, percentage in shares.items():
        _sub(activity, "recipient-country", code=code, percentage=percentage)
    if project.is_regional or not locations:
        _sub(activity, "recipient-region", code=REGION_AMERICA, vocabulary="1", percentage="100")
    for location in locations:
        if location.level == "country":
            continue
        unit = location.municipality or location.subdivision
        element = _sub(activity, "location", ref=getattr(unit, "pcode", None) or unit.code)
        _sub(element, "location-reach", code="1")
        name = _sub(element, "name")
        _narratives(name, {"": unit.name})
        _sub(element, "administrative", vocabulary="A4", code=location.country.iso2)
        _sub(element, "location-class", code="1")
        level = location.municipality.admin_level if location.municipality else 1
        _sub(element, "feature-designation", code=f"ADM{level}")


def _sectors(activity, project: Project, vocabulary_uri) -> None:
    _sub(activity, "sector", vocabulary="1", code=DAC_MIGRATION, percentage="100")
    for vocabulary, iati_code in SECTOR_VOCABULARIES.items():
        themes = [theme for theme in project.themes.all() if theme.term.vocabulary_id == vocabulary]
        for theme in sorted(themes, key=lambda row: (-row.percentage, row.term.position, row.term.code)):
            element = _sub(activity, "sector", vocabulary=iati_code, vocabulary_uri=vocabulary_uri(vocabulary),
                           code=theme.term.code, percentage=_share(theme.percentage))
            _narratives(element, _labels(theme.term))


def _tags(activity, project: Project) -> None:
    for target in (part.strip() for part in project.sdg_targets.split(",")):
        if target:
            _sub(activity, "tag", vocabulary=SDG_TARGET_TAGS, code=target)


def _policy_markers(activity, project: Project, vocabulary_uri) -> None:
    for row in sorted(project.markers.all(), key=lambda row: (row.marker.position, row.marker.code)):
        marker = row.marker
        if marker.iati_policy_marker:
            _sub(activity, "policy-marker", vocabulary="1", code=marker.iati_policy_marker,
                 significance=str(row.significance))
        else:
            element = _sub(activity, "policy-marker", vocabulary="99", vocabulary_uri=vocabulary_uri("markers"),
                           code=marker.code, significance=str(row.significance))
            _narratives(element, _labels(marker))


def _budgets(activity, project: Project) -> None:
    if not project.budget_currency or not project.budget_value_date:
        return
    for row in project.budget_years.all():
        start = max(date(row.year, 1, 1), project.planned_start)
        end = min(date(row.year, 12, 31), project.planned_end)
        budget = _sub(activity, "budget", type="1", status="1")
        _sub(budget, "period-start", iso_date=start.isoformat())
        _sub(budget, "period-end", iso_date=end.isoformat())
        _sub(budget, "value", _decimal(row.amount), currency=project.budget_currency,
             value_date=project.budget_value_date.isoformat())


def _transactions(activity, project: Project, language: str, include_illustrative: bool) -> None:
    """The flows that fund the project, as its transactions, in the order of their value dates.

    No sector or place of their own: the activity gives both, and IATI asks for each at one level only. Imported
    into an empty database, each comes back as the same flow (stage, parties, amount, currency, dates, humanitarian
    flag), placed and themed as the activity is (docs/exchange.md)."""
    for flow in project.exported_flows:
        if flow.is_illustrative and not include_illustrative:
            continue
        invented = flow.is_illustrative or project.is_illustrative
        element = _sub(activity, "transaction", ref=f"flow-{flow.pk}", humanitarian="1" if flow.is_humanitarian else "0")
        _sub(element, "transaction-type", code=TRANSACTION_TYPES[flow.stage])
        _sub(element, "transaction-date", iso_date=flow.value_date.isoformat())
        _sub(element, "value", _decimal(flow.amount), currency=flow.currency, value_date=flow.value_date.isoformat())
        if invented:
            _narratives(_sub(element, "description"), {"": ILLUSTRATIVE_FLOW[language]})
        for tag, organisation in (("provider-org", flow.provider), ("receiver-org", flow.receiver)):
            party = _sub(element, tag, ref=organisation.iati_identifier, type=organisation.organisation_type)
            # An invented organisation, or a real one's part in a sample flow.
            mark = (ILLUSTRATIVE_ORGANISATION[language] if organisation.is_illustrative
                    else f"{ILLUSTRATIVE_FLOW[language]} " if invented else "")
            _narratives(party, {"": mark + organisation.name})


def _why_not(project: Project, include_illustrative: bool) -> str:
    if project.status not in PUBLIC_STATUSES or not project.is_public:
        return _("not public")
    if project.is_illustrative and not include_illustrative:
        return _("an illustrative sample, not a real project")
    if not _texts(project, "title"):
        return _("no title")
    if not project.planned_start or not project.planned_end:
        return _("no planned start or end (IATI requires activity dates)")
    if not _descriptions(project):
        return _("no summary or description")
    return ""


def _activity(parent, project: Project, *, prefix: str, site_url: str, include_illustrative: bool) -> None:
    def vocabulary_uri(code: str) -> str | None:
        if not site_url:
            return None
        anchor = "markers-heading" if code == "markers" else f"vocabulary-{code}"
        return f"{site_url}/taxonomies/#{anchor}"

    titles, descriptions = _texts(project, "title"), _descriptions(project)
    if project.is_illustrative:
        titles, descriptions = _marked(titles, ILLUSTRATIVE_PROJECT), _marked(descriptions, ILLUSTRATIVE_PROJECT)
    activity = _sub(parent, "iati-activity", last_updated_datetime=project.updated_at.isoformat(timespec="seconds"),
                    default_currency=project.budget_currency or None, hierarchy="1")
    language = next(iter(titles))
    activity.set(XML_LANG, language)
    _sub(activity, "iati-identifier", iati_identifier(project, prefix))
    reporting = _sub(activity, "reporting-org", ref=prefix, type=REPORTING_ORG_TYPE, secondary_reporter="1")
    _narratives(reporting, REPORTING_ORG_NAMES)
    _narratives(_sub(activity, "title"), titles)
    _narratives(_sub(activity, "description", type="1"), descriptions)
    _participants(activity, project, language)
    _sub(activity, "activity-status", code=PROJECT_WORKFLOW.state(project.status).iati_status)
    _dates(activity, project)
    # Each subdivision, then the municipalities named in it.
    locations = sorted(project.locations.all(), key=lambda row: (
        row.country_id, row.subdivision_id or "", row.municipality.pcode if row.municipality else ""))
    scope = _scope(project, locations)
    if scope:
        _sub(activity, "activity-scope", code=scope)
    _places(activity, project, locations)
    _sectors(activity, project, vocabulary_uri)
    _tags(activity, project)
    _policy_markers(activity, project, vocabulary_uri)
    _budgets(activity, project)
    _transactions(activity, project, language, include_illustrative)
    if site_url:
        link = _sub(activity, "document-link", format="text/html", url=f"{site_url}{project.get_absolute_url()}")
        _narratives(_sub(link, "title"), titles)
        _sub(link, "category", code="A12")  # activity web page


def with_parts(queryset):
    flows = (permissions.visible(None, FundingFlow.objects.filter(source_kind__in=PLATFORM_ENTERED))
             .select_related("provider", "receiver").order_by("value_date", "pk"))
    return queryset.select_related("proposing_organisation").prefetch_related(
        "locations__country", "locations__subdivision", "locations__municipality", "themes__term",
        "markers__marker", "budget_years", "funding__funder", "participants__organisation", "transitions",
        Prefetch("funding_flows", queryset=flows, to_attr="exported_flows"))


def activities_document(projects, *, site_url: str = "", prefix: str | None = None,
                        generated_at: datetime | None = None, include_illustrative: bool = False) -> IatiDocument:
    """``<iati-activities>`` for ``projects`` (a queryset); projects that are not public are skipped.

    ``site_url`` (e.g. ``https://minga.example.org``) makes vocabulary URIs and links to each
    project's page; without it they are left out. Illustrative projects are skipped unless
    ``include_illustrative``; then their titles, descriptions and participants are marked.
    """
    prefix = prefix or publisher_ref()
    site_url = site_url.rstrip("/")
    generated_at = generated_at or timezone.now()
    root = etree.Element("iati-activities", {"version": VERSION,
                                             "generated-datetime": generated_at.isoformat(timespec="seconds")})
    document = IatiDocument(root=root)
    for project in with_parts(projects):
        reason = _why_not(project, include_illustrative)
        if reason:
            document.skipped.append((project.code, reason))
            continue
        _activity(root, project, prefix=prefix, site_url=site_url, include_illustrative=include_illustrative)
        document.activities += 1
    return document


def load_schema(schema_dir: Path) -> etree.XMLSchema:
    """The activity schema from a local folder (it includes iati-common.xsd and imports xml.xsd), offline."""
    parser = safe_parser()
    return etree.XMLSchema(etree.parse(str(Path(schema_dir) / "iati-activities-schema.xsd"), parser))


def schema_errors(document: IatiDocument | etree._Element, schema: etree.XMLSchema) -> list[str]:
    root = document.root if isinstance(document, IatiDocument) else document
    # Validate what a reader receives: the serialised bytes, parsed again.
    parsed = etree.fromstring(etree.tostring(root), safe_parser())
    if schema.validate(parsed):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
