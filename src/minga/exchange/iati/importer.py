"""Importing IATI activities: each activity in its own transaction, keyed by its ``iati-identifier``.

A second import of the same file changes nothing (``unchanged``: the activity's fingerprint is the same);
a newer file updates the activity in place through ``minga.audit.services`` (its history names the
parts that changed) and replaces its transactions and their flows. An activity with a problem is
reported with its identifier and line and not written; with ``strict``, one problem refuses the whole
run and nothing is kept. Which transactions become flows (and outgoing pledges ``TrackedPledge``s), and how:
docs/finance.md ("Stages") and docs/exchange.md ("Importing IATI activities").
"""

import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from minga.accounts.permissions import Action, require
from minga.audit import services as audit
from minga.common.cache import FINANCE, PORTFOLIO, bump
from minga.exchange.iati import reader
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance import totals
from minga.finance.tracking import (
    FlowShare,
    FollowUp,
    FundingFlow,
    PledgeCountry,
    PledgeInstrument,
    Purpose,
    SourceKind,
    Stage,
    TrackedPledge,
)
from minga.reference.currencies import is_active_currency
from minga.reference.geometry import place_point
from minga.reference.loaders import create_missing
from minga.reference.models import Country, DatePrecision, Organisation, OrganisationType, Source, Term
from minga.reference.money import to_usd

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# IATI TransactionType → Minga's stage (docs/finance.md): the others are kept on the activity, not as flows.
STAGES = {"1": Stage.INCOMING, "2": Stage.COMMITMENT, "3": Stage.DISBURSEMENT, "4": Stage.EXPENDITURE,
          "7": Stage.DISBURSEMENT, "11": Stage.INCOMING}
INCOMING_TYPES = {"1", "11", "13"}
# 12 Outgoing Pledge: the provider's promise, a ``TrackedPledge`` (pledged, never funding). 13 Incoming Pledge is
# the receiver's account of that same promise: kept on the activity only, or the pledge would count twice.
OUTGOING_PLEDGE = "12"
FUNDING_ROLE, IMPLEMENTING_ROLE = "1", "4"
DAC_VOCABULARY = "dac-5"
VENEZUELA = "VE"
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_.]*$")
COUNTS = ("read", "created", "updated", "unchanged", "skipped", "invalid")


class ImportRefused(Exception):
    """Nothing was written: a file was refused whole (``strict`` and a problem, or hostile input)."""


@dataclass
class Report:
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    problems: list = field(default_factory=list)  # [{"source", "identifier", "line", "message"}]
    flows: int = 0
    pledges: int = 0
    transactions: int = 0

    def problem(self, source: str, message: str, identifier: str = "", line: int = 0) -> None:
        self.problems.append({"source": source, "identifier": identifier, "line": line, "message": message})


class _Lookups:
    """What one run looks up again and again, read once (countries, sectors, organisations, rates)."""

    def __init__(self, user, source_name: str):
        self.user = user
        self.source_name = source_name
        self.countries = {country.iso2: country for country in Country.objects.all()}
        self.members = {code for code, country in self.countries.items() if country.is_member_state}
        self.sectors = {term.code: term for term in Term.objects.filter(vocabulary__code=DAC_VOCABULARY)}
        self.organisations: dict[str, Organisation] = {}
        self.rates: dict = {}
        self._source: Source | None = None

    def source(self) -> Source:
        """What an imported pledge cites (a pledge needs a source document): the IATI activity files."""
        if self._source is None:
            self._source, _created = create_missing(Source, "source:iati-activities", {
                "publisher": "IATI publishers (each activity's reporting organisation)",
                "title": "IATI activity files (IATI Standard 2.0x)", "url": "https://iatistandard.org/",
                "published_on": None, "date_precision": DatePrecision.UNDATED}, reason="IATI import")
        return self._source

    def usd(self, amount: Decimal, currency: str, value_date: date):
        if currency == "USD":
            return amount.quantize(CENT, ROUND_HALF_UP), ""
        key = (currency, value_date)
        if key not in self.rates:
            conversion = to_usd(Decimal(1), currency, value_date)
            self.rates[key] = (conversion.rate, conversion.problem)
        rate, problem = self.rates[key]
        return ((amount / rate).quantize(CENT, ROUND_HALF_UP), "") if rate else (None, problem)

    def organisation(self, ref: str, name: str, kind: str) -> Organisation | None:
        ref, name = ref.strip(), " ".join(name.split())
        if not ref and not name:
            return None
        valid_ref = ref if ref and len(ref) <= 100 and IDENTIFIER.match(ref) else ""
        key = f"ref:{valid_ref}" if valid_ref else f"name:{(name or ref).casefold()}"
        if key in self.organisations:
            return self.organisations[key]
        if valid_ref:
            found = Organisation.all_objects.filter(iati_identifier=valid_ref).first()
        else:
            found = Organisation.all_objects.filter(load_key=f"iati-{key}"[:120]).first()
        if found is None:
            found = Organisation(name=(name or ref)[:300], iati_identifier=valid_ref or None,
                                 load_key=None if valid_ref else f"iati-{key}"[:120],
                                 organisation_type=kind if kind in OrganisationType.values else OrganisationType.OTHER)
            found._history_user = self.user
            found._change_reason = _("from the IATI file %(file)s") % {"file": self.source_name}
            found.save()
        self.organisations[key] = found
        return found


def touches_region(record: reader.ActivityRecord, members: set[str]) -> bool:
    """Whether the activity names a member state, Venezuela or the regional codes (489, 498)."""
    countries = {code for code, _share in record.countries} | {t.country for t in record.transactions}
    regions = {code for code, _vocabulary, _share in record.regions} | {t.region for t in record.transactions}
    return bool(countries & (members | {VENEZUELA}) or regions & reader.REGIONAL_CODES)


def _shares(record: reader.ActivityRecord, item: reader.Transaction, lookups: _Lookups):
    """The flow's receiving country and its shares, from the transaction or else the activity."""
    if item.country:
        country = lookups.countries.get(item.country)
        return (country, []) if country else (None, [])
    if record.regions or not record.countries:
        return None, []
    if len(record.countries) == 1:
        return lookups.countries.get(record.countries[0][0]), []
    shares = [(lookups.countries.get(code), Decimal(share) if share is not None else None)
              for code, share in record.countries]
    if any(country is None or share is None for country, share in shares) or sum(s for _c, s in shares) != HUNDRED:
        return None, []  # shares that do not add up are kept on the activity, the flow stays regional
    return None, [(country, None, share) for country, share in shares]


def _theme(record: reader.ActivityRecord, item: reader.Transaction, lookups: _Lookups):
    if item.sector and item.sector_vocabulary == "1":
        return lookups.sectors.get(item.sector)
    dac = [code for vocabulary, code, _share in record.sectors if vocabulary == "1"]
    return lookups.sectors.get(dac[0]) if len(dac) == 1 else None


def _parties(record: reader.ActivityRecord, item: reader.Transaction, lookups: _Lookups):
    """Provider and receiver: as the transaction names them, else from the activity's organisations."""
    roles = {}
    for org in record.participating_orgs:
        roles.setdefault(org["role"], org)
    reporting = lookups.organisation(record.reporting_org.get("ref", ""), record.reporting_org.get("name", ""),
                                     record.reporting_org.get("type", ""))
    provider = lookups.organisation(item.provider_ref, item.provider_name, item.provider_type)
    receiver = lookups.organisation(item.receiver_ref, item.receiver_name, item.receiver_type)
    if item.type in INCOMING_TYPES:
        funder = roles.get(FUNDING_ROLE, {})
        provider = provider or lookups.organisation(funder.get("ref", ""), funder.get("name", ""), funder.get("type", ""))
        receiver = receiver or reporting
    else:
        implementer = roles.get(IMPLEMENTING_ROLE, {})
        provider = provider or reporting
        receiver = receiver or lookups.organisation(implementer.get("ref", ""), implementer.get("name", ""),
                                                    implementer.get("type", "")) or reporting
    return provider, receiver


def _flow(record, item, position, lookups, activity) -> tuple[FundingFlow | None, list]:
    stage = STAGES.get(item.type)
    if stage is None or item.value <= 0 or not is_active_currency(item.currency):
        return None, []  # kept as published on the activity; not money for the response (docs/finance.md)
    provider, receiver = _parties(record, item, lookups)
    if provider is None or receiver is None:
        return None, []
    amount = item.value.quantize(CENT, ROUND_HALF_UP)
    value_date = date.fromisoformat(item.value_date)
    usd, problem = lookups.usd(amount, item.currency, value_date)
    country, shares = _shares(record, item, lookups)
    flow = FundingFlow(
        stage=stage, iati_transaction_type=item.type, provider=provider, receiver=receiver, value_date=value_date,
        amount=amount, currency=item.currency, amount_usd=usd, usd_problem=problem,
        is_humanitarian=record.is_humanitarian if item.is_humanitarian is None else item.is_humanitarian,
        country=country, theme=_theme(record, item, lookups), source_kind=SourceKind.IATI,
        reference=f"{record.identifier}#{position}"[:120], status=FollowUp.REPORTED)
    if country is not None:
        shares = [(country, None, HUNDRED)]
    return flow, shares


def _pledge(record, item, lookups) -> tuple[TrackedPledge | None, list]:
    """An outgoing pledge (type 12): a ``TrackedPledge`` of its provider, *reported* like the flows, with the
    flow's places as its countries (a regional activity's pledge is regional) and its DAC sector as earmark."""
    if item.type != OUTGOING_PLEDGE or item.value <= 0 or not is_active_currency(item.currency):
        return None, []
    donor, _receiver = _parties(record, item, lookups)
    if donor is None:
        return None, []
    amount = item.value.quantize(CENT, ROUND_HALF_UP)
    pledged_on = date.fromisoformat(item.value_date)
    usd, problem = lookups.usd(amount, item.currency, pledged_on)
    country, shares = _shares(record, item, lookups)
    countries = [(country, HUNDRED)] if country is not None else [(place, share) for place, _sub, share in shares]
    humanitarian = record.is_humanitarian if item.is_humanitarian is None else item.is_humanitarian
    pledge = TrackedPledge(
        donor=donor, amount=amount, currency=item.currency, amount_usd=usd, usd_problem=problem,
        pledged_on=pledged_on, instrument=PledgeInstrument.GRANT,
        purpose=Purpose.HUMANITARIAN if humanitarian else Purpose.DEVELOPMENT,
        humanitarian_percent=HUNDRED if humanitarian else Decimal(0), is_regional=not countries,
        source=lookups.source(), status=FollowUp.REPORTED)
    theme = _theme(record, item, lookups)
    return pledge, [countries, [theme] if theme is not None else []]


def write_pledges(pledges: list[TrackedPledge], parts: list[list], *, user, reason: str) -> list[TrackedPledge]:
    """The outgoing pledges of one activity, in bulk with their history, countries and earmarks."""
    if not pledges:
        return []
    created = bulk_create_with_history(pledges, TrackedPledge, default_user=user, default_change_reason=reason)
    PledgeCountry.objects.bulk_create(PledgeCountry(pledge=pledge, country=country, percentage=share)
                                      for pledge, (countries, _earmarks) in zip(created, parts, strict=True)
                                      for country, share in countries)
    TrackedPledge.earmarks.through.objects.bulk_create(
        TrackedPledge.earmarks.through(trackedpledge=pledge, term=term)
        for pledge, (_countries, earmarks) in zip(created, parts, strict=True) for term in earmarks)
    totals.refresh_totals_for(pledge_ids=[pledge.pk for pledge in created])
    return created


def write_flows(flows: list[FundingFlow], shares: list[list], *, user, reason: str) -> list[FundingFlow]:
    """The one place where the import writes flows: in bulk, with their history and shares.

    The finance module's per-flow services check a person's edit; an import writes hundreds of
    flows per activity file at once, then adds what they give to the dashboard's totals (new flows only:
    the flows they replace were taken out by ``_remove_transactions``).
    """
    created = bulk_create_with_history(flows, FundingFlow, default_user=user, default_change_reason=reason)
    FlowShare.objects.bulk_create(FlowShare(flow=flow, country=country, subdivision=subdivision, percentage=share)
                                  for flow, parts in zip(created, shares, strict=True)
                                  for country, subdivision, share in parts)
    totals.refresh_totals_for(flow_ids=[flow.pk for flow in created])
    return created


def _activity_fields(record: reader.ActivityRecord, lookups: _Lookups) -> dict:
    org = record.reporting_org
    return {"identifier": record.identifier, "titles": record.titles, "descriptions": record.descriptions,
            "status": record.status[:2], "is_regional": record.is_regional, "is_humanitarian": record.is_humanitarian,
            "gender_marker": record.gender_marker, "data": record.data(), "fingerprint": record.fingerprint(),
            "source_name": lookups.source_name[:300],
            "reporting_org": lookups.organisation(org.get("ref", ""), org.get("name", ""), org.get("type", ""))}


def _write_transactions(activity: IatiActivity, record: reader.ActivityRecord, lookups: _Lookups, report: Report):
    flows, shares, rows, pledges, pledge_parts = [], [], [], [], []
    for position, item in enumerate(record.transactions, start=1):
        flow, parts = _flow(record, item, position, lookups, activity)
        pledge, pledge_part = _pledge(record, item, lookups)
        usd, _problem = lookups.usd(item.value, item.currency, date.fromisoformat(item.value_date))
        rows.append((IatiTransaction(
            activity=activity, position=position, transaction_type=item.type, value=item.value,
            currency=item.currency, value_date=item.value_date, amount_usd=usd,
            data={key: value for key, value in vars(item).items()
                  if key not in ("type", "value", "currency", "value_date") and value not in ("", None)}),
                     flow, pledge))
        if flow is not None:
            flows.append(flow)
            shares.append(parts)
        if pledge is not None:
            pledges.append(pledge)
            pledge_parts.append(pledge_part)
    reason = _("from IATI activity %(identifier)s") % {"identifier": record.identifier}
    created = iter(write_flows(flows, shares, user=lookups.user, reason=reason))
    promised = iter(write_pledges(pledges, pledge_parts, user=lookups.user, reason=reason))
    for row, flow, pledge in rows:
        row.flow = next(created) if flow is not None else None
        row.pledge = next(promised) if pledge is not None else None
    IatiTransaction.objects.bulk_create(row for row, _flow, _pledge in rows)
    report.transactions += len(rows)
    report.flows += len(flows)
    report.pledges += len(pledges)


def _remove_transactions(activity: IatiActivity) -> None:
    flow_ids = list(activity.transactions.exclude(flow=None).values_list("flow_id", flat=True))
    pledge_ids = list(activity.transactions.exclude(pledge=None).values_list("pledge_id", flat=True))
    # The totals lose what these flows and pledges gave, in the same transaction.
    with totals.kept(flows=flow_ids, pledges=pledge_ids):
        activity.transactions.all().delete()
        FlowShare.objects.filter(flow_id__in=flow_ids).delete()
        FundingFlow.all_objects.filter(pk__in=flow_ids).delete()
        TrackedPledge.all_objects.filter(pk__in=pledge_ids).delete()


def _changed(old: dict, new: dict) -> list[str]:
    return sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))


def place_locations(record: reader.ActivityRecord) -> None:
    """Give each location with a point the subdivision holding it (``"subdivision"``: ISO 3166-2, or None
    outside the member states and Venezuela), trying the activity's own countries first. Done before the
    fingerprint is taken, so that the same file still compares unchanged."""
    countries = tuple(alpha3 for alpha3 in (_alpha3(code) for code, _share in record.countries) if alpha3)
    for location in record.locations:
        point = location.get("point")
        location["subdivision"] = place_point(point[0], point[1], countries=countries) if point else None


def _alpha3(alpha2: str) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2) if len(alpha2) == 2 else None
    return country.alpha_3 if country else None


def store(record: reader.ActivityRecord, lookups: _Lookups, report: Report) -> str:
    """Write one valid activity in one transaction; answer created, updated or unchanged."""
    place_locations(record)
    with transaction.atomic():
        existing = IatiActivity.all_objects.select_for_update().filter(identifier=record.identifier).first()
        if existing is not None and existing.fingerprint == record.fingerprint():
            return "unchanged"
        fields = _activity_fields(record, lookups)
        if existing is None:
            activity = audit.record_create(model=IatiActivity, user=lookups.user, fields=fields,
                                           reason=_("imported from %(file)s") % {"file": lookups.source_name})
            _write_transactions(activity, record, lookups, report)
            return "created"
        changed = _changed(existing.data, fields["data"])
        activity = audit.record_update(
            instance=existing, user=lookups.user, changes=fields, expected_version=existing.version,
            reason=_("imported from %(file)s; changed: %(parts)s") % {"file": lookups.source_name,
                                                                      "parts": ", ".join(changed)})
        _remove_transactions(activity)
        _write_transactions(activity, record, lookups, report)
        return "updated"


def import_source(source, *, name: str, user=None, strict: bool = False, only_region: bool = False,
                  schema=None, report: Report | None = None, progress=None) -> Report:
    """Import one file (a path or a binary file object) into ``report``; ``progress(bytes_read)`` after each activity.

    Raises ``ImportRefused`` when the file is refused whole: then nothing of it was written.
    """
    report = report or Report()
    if user is not None:
        require(user, Action.CREATE, IatiActivity())
    lookups = _Lookups(user, name)
    before = len(report.problems)
    document_problems = []
    try:
        # Strict: the whole file in one transaction. Otherwise one per activity (``store``), so that a
        # long import never holds the database for its whole length.
        with transaction.atomic() if strict else nullcontext():
            for record in reader.activities(source, schema=schema, document_problems=document_problems):
                report.counts["read"] += 1
                if record.problems:
                    report.counts["invalid"] += 1
                    for message in record.problems:
                        report.problem(name, message, record.identifier, record.line)
                    continue
                if only_region and not touches_region(record, lookups.members):
                    report.counts["skipped"] += 1
                    continue
                if strict and len(report.problems) > before:
                    continue  # refused below: no point writing what is rolled back
                try:
                    report.counts[store(record, lookups, report)] += 1
                except Exception as error:  # one activity's failure is reported, the others go on
                    report.counts["invalid"] += 1
                    report.problem(name, _("not stored: %(error)s") % {"error": error}, record.identifier, record.line)
                if progress is not None:
                    progress()
            for line, message in document_problems:
                report.problem(name, message, line=line)
            if strict and len(report.problems) > before:
                raise ImportRefused(_("%(file)s: %(count)s problems; with --strict nothing of the file was imported")
                                    % {"file": name, "count": len(report.problems) - before})
    except reader.DocumentRefused as error:
        report.problem(name, str(error))
        raise ImportRefused(f"{name}: {error}") from None
    finally:
        bump(FINANCE, PORTFOLIO)
    return report
