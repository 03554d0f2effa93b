"""``minga import fts``: OCHA FTS flows into the financing module, counted as FTS counts a location's funding.

FTS's rule for the funding of a location (the ``incoming.fundingTotal`` of a location search): the flows
whose destination side holds the location (``boundary`` incoming), counted once (``onBoundary`` single),
with status commitment or paid. Each flow read becomes (docs/exchange.md, "OCHA FTS"):

- status ``pledge``: a ``TrackedPledge`` (pledged, never funding);
- incoming and single: a commitment (``commitment``) or a disbursement (``paid``) to its destination
  country: counted, as FTS counts it;
- incoming and shared (FTS splits it with other locations or years without saying how much falls where):
  the same stage with no country named, so the region's totals count it once and no country's does;
- internal or outgoing (its source side is inside the location: the money was counted where it came in):
  stage "incoming funds", which the answers never sum;
- an amount of 0 (a parked parent whose money all went to its children): not stored, kept in the ledger.

FTS parent and child flows are not pass-through in Minga's sense: a parked parent's ``amountUSD`` is
only what its children did not take, so both count and nothing is counted twice; the link stays in the
ledger (``FtsFlow.parent_flow_id``). A "Pass through" flow does pass on its parent's money: once Minga holds
both, whichever came first, it is linked to its parent (``parent``) and the money counts once, at the parent.
Amounts keep their original currency, with FTS's own USD beside.
Every flow is written in one transaction with its organisations and its ledger row, through
``finance.services.flow_import`` / ``pledge_import`` (the single call site of imported flows).
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require
from minga.exchange import problems
from minga.exchange.fts_models import FtsFlow, FtsOutcome
from minga.exchange.fts_plans import PlanReport, import_plan_overview
from minga.exchange.fts_read import MAX_PAGE_BYTES, FtsFlowData, FtsInvalid, read_document, read_pages
from minga.exchange.problems import Problem
from minga.finance import services as finance
from minga.finance.inputs import FinanceInvalid, FlowInput, PledgeInput
from minga.finance.tracking import FundingFlow, PledgeInstrument, Purpose, SourceKind, Stage
from minga.reference import services as reference
from minga.reference.currencies import is_active_currency
from minga.reference.loaders import create_missing
from minga.reference.models import Country, DatePrecision, Organisation, OrganisationType, Source

HUNDRED = Decimal(100)
REASON = "FTS import"
# FTS names a few territories as the UN does, not as ISO 3166 does.
LOCATION_ALIASES = {"occupied palestinian territory": "PSE", "kosovo": "XKX", "türkiye": "TUR"}
ORGANISATION_TYPES = {"Government": OrganisationType.GOVERNMENT, "UN agency": OrganisationType.MULTILATERAL,
                      "Inter-governmental": OrganisationType.MULTILATERAL,
                      "Pooled fund": OrganisationType.MULTILATERAL,
                      "Financial institution": OrganisationType.MULTILATERAL,
                      "Private organization/foundation": OrganisationType.FOUNDATION}
NATIONAL_NGO = {"National", "Local", "Country-based"}
# FTS's flowType: a "Pass through" flow passes on its parent's money; a "Parked" parent's amount is only what its
# children did not take (its children are sums of their own).
PASS_THROUGH, PARKED = "pass through", "parked"
UNNAMED = ("fts-organisation-unnamed", "Organisation not named by FTS")
SEVERAL = ("fts-organisation-several", "Several organisations (FTS shares the flow among them)")


@dataclass
class FtsReport:
    pages: int = 0
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: dict = field(default_factory=dict)  # outcome -> flows of this run
    problems: list = field(default_factory=list)  # [Problem]
    totals: list = field(default_factory=list)  # [(page label, FTS's incoming funding total)]
    plans: PlanReport | None = None  # when a v2 plan overview was read

    def lines(self) -> list[str]:
        lines = [_("%(pages)s pages, %(read)s flows read: %(created)s created, %(updated)s updated, "
                   "%(unchanged)s unchanged, %(problems)s refused.") % {
            "pages": self.pages, "read": self.read, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "problems": len(self.problems)}] if self.read or not self.plans else []
        labels = dict(FtsOutcome.choices)
        lines += [f"  {labels[key]}: {count}" for key, count in sorted(self.outcomes.items())]
        lines += [f"  {problem}" for problem in self.problems]
        if self.plans is not None:
            lines += self.plans.lines()
        return lines


def fts_source() -> Source:
    source, _created = create_missing(Source, "source:ocha-fts", {
        "publisher": "OCHA Financial Tracking Service (FTS)", "title": "FTS funding flows (API v1, flow search)",
        "url": "https://fts.unocha.org/", "published_on": None, "date_precision": DatePrecision.UNDATED},
        reason=REASON)
    return source


class _Resolver:
    """Countries and organisations named by FTS, found once per run (created with an FTS key when missing)."""

    def __init__(self, user):
        self.user = user
        self.countries: dict = {}
        self.organisations: dict = {}

    def country(self, location: dict) -> Country | None:
        name = str(location.get("name", ""))
        if name not in self.countries:
            code = LOCATION_ALIASES.get(name.casefold()) or self._iso3(name)
            self.countries[name] = Country.objects.filter(pk=code).first() if code else None
        return self.countries[name]

    @staticmethod
    def _iso3(name: str) -> str | None:
        for candidate in (name, name.replace(" (", ", ").rstrip(")")):
            try:
                return pycountry.countries.lookup(candidate).alpha_3
            except LookupError:
                continue
        return None

    def organisation(self, side) -> Organisation:
        found = side.organisations
        if len(found) == 1:
            name = str(found[0].get("name", ""))[:300]
            if found[0].get("id") is None:  # an HXL table names it without FTS's id: the same name is the same
                named = Organisation.objects.filter(name=name).order_by("pk").first()
                if named is not None:
                    return named
                return self._organisation(hxl_organisation_key(name), name, found[0], side,
                                          earlier=_earlier_hxl_key(name))
            return self._organisation(f"fts-organisation-{found[0].get('id')}", name, found[0], side)
        key, name = UNNAMED if not found else SEVERAL
        return self._organisation(key, name, {}, side)

    def _organisation(self, key: str, name: str, facts: dict, side, earlier: str = "") -> Organisation:
        if key in self.organisations:
            return self.organisations[key]
        organisation = Organisation.all_objects.filter(load_key=key).first()
        if organisation is None and earlier:  # stored by an import before the key changed: still the same one
            organisation = Organisation.all_objects.filter(load_key=earlier, name=name).first()
        if organisation is None:
            kind = self._type(facts)
            locations = side.locations
            country = (self.country(locations[0]) if kind == OrganisationType.GOVERNMENT and len(locations) == 1
                       else None)
            organisation = reference.organisation_create(user=self.user, load_key=key, reason=REASON, fields={
                "name": name or key, "name_en": name or key, "organisation_type": kind, "country": country})
        self.organisations[key] = organisation
        return organisation

    @staticmethod
    def _type(facts: dict) -> str:
        types = facts.get("organizationTypes") or []
        subtypes = set(facts.get("organizationSubTypes") or [])
        for kind in types:
            if kind == "NGO":
                return OrganisationType.NATIONAL_NGO if subtypes & NATIONAL_NGO else OrganisationType.INTERNATIONAL_NGO
            if kind in ORGANISATION_TYPES:
                return ORGANISATION_TYPES[kind]
        return OrganisationType.OTHER


def hxl_organisation_key(name: str) -> str:
    """The key of an organisation an HXL table names without an FTS id: never empty, never shared by two names.

    The slug alone was both: "" for a name in Arabic or Chinese script, and one slug for "Spain, Government of"
    and "Spain Government of". So a hash of the name follows it; the name is taken without case and with its
    runs of spaces as one, so that a table's "NRC" and "nrc " are one organisation, as a reader would take them.
    """
    normalised = " ".join(name.split()).casefold()
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]
    return f"hxl-organisation-{slugify(name, allow_unicode=True)[:80]}-{digest}"


def _earlier_hxl_key(name: str) -> str:
    """The key the same name had before ``hxl_organisation_key`` (the bare slug), or "" where it was empty (that
    key was shared by every such name, so it names no one organisation)."""
    slug = slugify(name)
    return f"hxl-organisation-{slug}"[:120] if slug else ""


def resolver_for(user) -> _Resolver:
    return _Resolver(user)


def outcome_of(flow: FtsFlowData) -> str:
    if flow.amount_usd <= 0:
        return FtsOutcome.NOT_STORED
    if flow.status == "pledge":
        return FtsOutcome.PLEDGE
    if flow.boundary != "incoming":
        return FtsOutcome.PASSED_ON
    return FtsOutcome.COUNTED if flow.on_boundary == "single" else FtsOutcome.REGIONAL


def _money(flow: FtsFlowData) -> tuple[Decimal, str]:
    """The amount in its original currency when FTS gives one we know, else FTS's USD."""
    currency = flow.original_currency
    if flow.original_amount and currency and currency != "USD" and is_active_currency(currency):
        return flow.original_amount, currency
    return flow.amount_usd, "USD"


def _destination_country(flow: FtsFlowData, resolver: _Resolver) -> Country | None:
    locations = flow.destination.locations
    return resolver.country(locations[0]) if len(locations) == 1 else None


def _ledger_fields(flow: FtsFlowData, outcome: str) -> dict:
    return {"version": flow.version, "status": flow.status, "boundary": flow.boundary,
            "on_boundary": flow.on_boundary, "flow_type": flow.flow_type, "parent_flow_id": flow.parent_id,
            "child_flow_ids": flow.child_ids, "amount_usd": flow.amount_usd,
            "original_amount": flow.original_amount, "original_currency": flow.original_currency,
            "flow_date": flow.on, "description": flow.description, "source_objects": flow.source.objects,
            "destination_objects": flow.destination.objects, "outcome": outcome}


def _store(flow: FtsFlowData, outcome: str, *, user, resolver: _Resolver, source: Source, ledger: FtsFlow | None):
    """The Minga record the flow becomes (or None), created or updated in place under the flow's FTS key."""
    key = f"fts-flow-{flow.id}"
    reason = _("FTS flow %(id)s, version %(version)s") % {"id": flow.id, "version": flow.version}
    amount, currency = _money(flow)
    previous = (ledger.pledge if ledger and ledger.pledge_id else ledger.funding_flow
                if ledger and ledger.funding_flow_id else None)
    kind_changed = previous is not None and (outcome == FtsOutcome.PLEDGE) != (ledger.pledge_id is not None)
    if kind_changed or (previous is not None and outcome == FtsOutcome.NOT_STORED):
        finance.imported_withdraw(record=previous, user=user, reason=reason)
    if outcome == FtsOutcome.NOT_STORED:
        return None, None
    # A shared flow names no country (FTS does not say how much each gets); a passed-on one keeps its
    # destination, which its stage keeps out of every sum.
    country = _destination_country(flow, resolver) if outcome != FtsOutcome.REGIONAL else None
    donor = resolver.organisation(flow.source)
    if outcome == FtsOutcome.PLEDGE:
        data = PledgeInput(donor=donor, amount=amount, currency=currency, pledged_on=flow.on,
                           instrument=PledgeInstrument.GRANT, purpose=Purpose.HUMANITARIAN, source=source,
                           is_regional=country is None, countries=[(country, HUNDRED)] if country else [],
                           amount_usd=flow.amount_usd)
        pledge, _state = finance.pledge_import(user=user, data=data, load_key=f"{key}-pledge", reason=reason)
        return None, pledge
    stage = (Stage.INCOMING if outcome == FtsOutcome.PASSED_ON
             else Stage.COMMITMENT if flow.status == "commitment" else Stage.DISBURSEMENT)
    data = FlowInput(stage=stage, provider=donor, receiver=resolver.organisation(flow.destination),
                     value_date=flow.on, amount=amount, currency=currency, country=country, is_humanitarian=True,
                     source_kind=SourceKind.FTS, source=source, reference=f"FTS {flow.id} v{flow.version}"[:120],
                     fts_status=flow.status, amount_usd=flow.amount_usd,
                     parent=_passed_on_from(flow.flow_type, flow.parent_id))
    funding_flow, _state = finance.flow_import(user=user, data=data, load_key=key, reason=reason)
    return funding_flow, None


def _kind(flow_type) -> str:
    return " ".join(str(flow_type or "").split()).casefold()


def _passed_on_from(flow_type: str, parent_id: int | None) -> FundingFlow | None:
    """The Minga flow whose money a pass-through flow passes on, when Minga holds it and counts it: then the
    money counts once, at the parent (docs/finance.md, "Counting once"). Not a parked parent (its amount is
    what its children did not take), nor one never summed (passed on, a pledge, withdrawn)."""
    if _kind(flow_type) != PASS_THROUGH or parent_id is None:
        return None
    ledger = FtsFlow.objects.select_related("funding_flow").filter(flow_id=parent_id).first()
    parent = ledger.funding_flow if ledger is not None and _kind(ledger.flow_type) != PARKED else None
    if parent is None or parent.deleted_at is not None or parent.stage not in (Stage.COMMITMENT, Stage.DISBURSEMENT):
        return None
    return parent


def _relink_children(flow: FtsFlowData, *, user) -> None:
    """The pass-through children read before their parent (another search, an earlier file), or linked to a
    parent that no longer counts: each linked to the flow it passes on, or unlinked, whatever the order."""
    if not flow.child_ids:
        return
    children = FtsFlow.objects.select_related("funding_flow").filter(flow_id__in=flow.child_ids,
                                                                     funding_flow__isnull=False)
    for ledger in children:
        child, parent = ledger.funding_flow, _passed_on_from(ledger.flow_type, flow.id)
        if child.deleted_at is not None or child.parent_id == (parent.pk if parent else None):
            continue
        data = FlowInput(stage=child.stage, provider=child.provider, receiver=child.receiver,
                         value_date=child.value_date, amount=child.amount, currency=child.currency,
                         country=child.country, is_humanitarian=child.is_humanitarian, theme=child.theme,
                         source_kind=child.source_kind, source=child.source, reference=child.reference,
                         fts_status=child.fts_status, amount_usd=child.amount_usd, parent=parent)
        finance.flow_import(user=user, data=data, load_key=child.load_key,
                            reason=_("FTS flow %(id)s: which flow it passes on the money of") % {"id": ledger.flow_id})


def import_flow(flow: FtsFlowData, *, user, resolver: _Resolver, source: Source, report: FtsReport) -> None:
    """One flow, all or nothing: its organisations, its Minga record and its ledger row."""
    report.read += 1
    outcome = outcome_of(flow)
    ledger = FtsFlow.objects.select_related("funding_flow", "pledge").filter(flow_id=flow.id).first()
    if ledger is not None and ledger.version >= flow.version:
        report.unchanged += 1
        report.outcomes[ledger.outcome] = report.outcomes.get(ledger.outcome, 0) + 1
        return
    try:
        with transaction.atomic():
            funding_flow, pledge = _store(flow, outcome, user=user, resolver=resolver, source=source, ledger=ledger)
            FtsFlow.objects.update_or_create(flow_id=flow.id, defaults={
                **_ledger_fields(flow, outcome), "funding_flow": funding_flow, "pledge": pledge})
            _relink_children(flow, user=user)
    except (FinanceInvalid, ValidationError) as error:
        resolver.organisations.clear()  # organisations made in the rolled-back transaction are gone
        errors = error.errors if isinstance(error, FinanceInvalid) else error.message_dict
        messages = "; ".join(f"{name}: {' '.join(map(str, texts))}" for name, texts in errors.items())
        report.problems.append(Problem.translated(problems.FTS_FLOW_NOT_STORED, id=flow.id, error=messages))
        return
    report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
    if ledger is None:
        report.created += 1
    else:
        report.updated += 1


def _import_page(page, *, user, resolver: _Resolver, source: Source, report: FtsReport, progress=None) -> None:
    """One page read (a flow search page, or a v2 plan overview as its JSON document) into ``report``;
    ``progress(done, total)`` after each flow."""
    report.pages += 1
    if isinstance(page, dict):  # a v2 plan overview
        report.plans = import_plan_overview(page, user=user, report=report.plans)
        return
    report.problems.extend(page.problems)
    incoming = page.totals.get("incoming")
    if isinstance(incoming, dict) and "fundingTotal" in incoming:
        report.totals.append((page.label, incoming["fundingTotal"]))
    for done, flow in enumerate(page.flows, start=1):
        import_flow(flow, user=user, resolver=resolver, source=source, report=report)
        if progress is not None:
            progress(done, len(page.flows))


def import_fts(names: list[str], *, user) -> FtsReport:
    """Every page of every file or address in ``names``; a page that cannot be read is refused whole."""
    # Only who may publish flows imports them (the secretariat): asked once, before anything is read.
    require(user, Action.PUBLISH, FundingFlow(stage=Stage.COMMITMENT))
    report = FtsReport()
    resolver = _Resolver(user)
    source = fts_source()
    for name in names:
        try:
            for page in read_pages(name):
                _import_page(page, user=user, resolver=resolver, source=source, report=report)
        except FtsInvalid as error:
            report.problems.append(problems.of(error))
    return report


def import_fts_file(handle, *, label: str, user, report: FtsReport | None = None, progress=None) -> FtsReport:
    """One uploaded file (an open binary file named ``label``): a v1 flow search page or a v2 plan overview.

    Raises ``FtsInvalid`` when it is neither (not JSON, another shape, too large): then nothing was written.
    Its ``nextLink`` is not followed (an upload is the file as given)."""
    require(user, Action.PUBLISH, FundingFlow(stage=Stage.COMMITMENT))
    report = report if report is not None else FtsReport()
    page = read_document(handle.read(MAX_PAGE_BYTES + 1), label)
    _import_page(page, user=user, resolver=_Resolver(user), source=fts_source(), report=report, progress=progress)
    return report
