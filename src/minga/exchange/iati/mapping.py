"""From an IATI activity as read (``reader.ActivityRecord``) to Minga's records: which transactions become
flows and outgoing pledges, their parties, places and themes (docs/finance.md, "Stages"; docs/exchange.md,
"Importing IATI activities"); ``Reference``, what mapping needs of the database, read once before the reading
process starts (it maps all but the parties: ``transaction_draft``); and ``Lookups``, what one run looks up again
and again, read in batches. Nothing here writes, except an organisation or the IATI source met for the first time
(``Lookups``)."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pycountry
from django.utils.translation import gettext as _

from minga.exchange.iati import reader, rows
from minga.finance.tracking import (
    FollowUp,
    FundingFlow,
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
from minga.reference.money import RateTable

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


def organisation_key(ref: str, name: str) -> tuple[str, str, str] | None:
    """(cache key, valid IATI ref or "", cleaned name) of an organisation as a file names it; None if unnamed."""
    ref, name = ref.strip(), " ".join(name.split())
    if not ref and not name:
        return None
    valid_ref = ref if ref and len(ref) <= 100 and IDENTIFIER.match(ref) else ""
    key = f"ref:{valid_ref}" if valid_ref else f"name:{(name or ref).casefold()}"
    return key, valid_ref, name or ref


def _load_key(key: str) -> str:
    return f"iati-{key}"[:120]


@dataclass
class Reference:
    """What mapping a transaction needs of the database beside its parties, read once per import before the reading
    process starts (which never touches the database): countries by ISO alpha-2 and DAC sectors by code (their ids),
    and the rate table (a rate added during an import counts from the next one)."""

    countries: dict[str, str]
    members: frozenset[str]
    sectors: dict[str, int]
    rates: RateTable
    # (currency, value date) → (units per US dollar or None, problem), as met
    _rates: dict = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def read(cls) -> "Reference":
        countries = dict(Country.objects.values_list("iso2", "pk"))
        return cls(countries=countries,
                   members=frozenset(Country.objects.filter(is_member_state=True).values_list("iso2", flat=True)),
                   sectors=dict(Term.objects.filter(vocabulary__code=DAC_VOCABULARY).values_list("code", "pk")),
                   rates=RateTable())

    def usd(self, amount: Decimal, currency: str, value_date: date):
        """(``amount`` in US dollars, "") at ``value_date``, as ``money.to_usd`` converts it, or (None, problem)."""
        if currency == "USD":
            return amount.quantize(CENT, ROUND_HALF_UP), ""
        key = (currency, value_date)
        found = self._rates.get(key)
        if found is None:
            found = self._rates[key] = self.rates.rate(currency, value_date)
        rate, problem = found
        return ((amount / rate).quantize(CENT, ROUND_HALF_UP), "") if rate else (None, problem)


class Lookups:
    """What one run looks up again and again: the ``Reference`` read once, organisations in batches.

    Organisations created while storing a batch are forgotten (``forget_created``) when the batch is rolled
    back: the cache must never hand out a row the database no longer holds.
    """

    def __init__(self, user, source_name: str, reference: Reference):
        self.user = user
        self.source_name = source_name
        self.reference = reference
        self.members = self.reference.members
        self.organisations: dict[str, Organisation] = {}
        self._keys: dict[tuple[str, str], tuple] = {}  # (ref, name) as given → ``organisation_key``
        self._source: Source | None = None
        self._created: list[str] = []  # cache keys of the organisations created since the last ``keep_created``
        self._source_created = False
        # The keys the last ``prefetch`` found in no row: met for the first time, created without a look-up.
        self._absent: set[str] = set()
        self._pending: list[Organisation] = []  # created, not yet inserted (``insert_created``)
        self._ids: list[int] = []  # ids taken for them and not yet given
        # Per activity being mapped (by ``id``, the record kept beside it): its roles and reporting organisation.
        self.activity_parties: dict[int, tuple] = {}

    def source(self) -> Source:
        """What an imported pledge cites (a pledge needs a source document): the IATI activity files."""
        if self._source is None:
            self._source, self._source_created = create_missing(Source, "source:iati-activities", {
                "publisher": "IATI publishers (each activity's reporting organisation)",
                "title": "IATI activity files (IATI Standard 2.0x)", "url": "https://iatistandard.org/",
                "published_on": None, "date_precision": DatePrecision.UNDATED}, reason="IATI import")
        return self._source

    def prefetch(self, records) -> None:
        """Read the organisations these activities name that the cache lacks: two queries for the batch."""
        wanted, keys = {}, self._keys
        for record in records:
            for named in _named_organisations(record):
                found = keys.get(named)
                if found is None:  # memoised as ``organisation`` memoises it
                    found = keys[named] = organisation_key(*named) or ()
                if found and found[0] not in self.organisations:
                    wanted[found[0]] = found[1]
        refs = {ref for ref in wanted.values() if ref}
        load_keys = {_load_key(key) for key, ref in wanted.items() if not ref}
        by_ref = {org.iati_identifier: org for org in Organisation.all_objects.filter(iati_identifier__in=refs)}
        by_load_key = {org.load_key: org for org in Organisation.all_objects.filter(load_key__in=load_keys)}
        self._absent = set()
        for key, ref in wanted.items():
            found = by_ref.get(ref) if ref else by_load_key.get(_load_key(key))
            if found is not None:
                self.organisations[key] = found
            else:
                self._absent.add(key)

    def organisation(self, ref: str, name: str, kind: str) -> Organisation | None:
        found_key = self._keys.get((ref, name))
        if found_key is None:  # the same few organisations are named by every transaction
            found_key = self._keys[(ref, name)] = organisation_key(ref, name) or ()
        if not found_key:
            return None
        key, valid_ref, shown = found_key
        if key in self.organisations:
            return self.organisations[key]
        found = None
        if key in self._absent:  # ``prefetch`` looked for it and found no row (or one created since, below)
            self._absent.discard(key)
            if not valid_ref:  # two long names may be cut to the same load key: the first one's row is theirs
                found = next((org for org in self._pending if org.load_key == _load_key(key)), None)
        elif valid_ref:
            found = Organisation.all_objects.filter(iati_identifier=valid_ref).first()
        else:
            found = Organisation.all_objects.filter(load_key=_load_key(key)).first()
        if found is None:
            # The values ``save()`` gave it, its id taken now (its flows name it), inserted with the batch's other
            # new organisations in one INSERT (``insert_created``), before anything that refers to them.
            found = Organisation(id=self._new_id(), name=shown[:300], iati_identifier=valid_ref or None,
                                 load_key=None if valid_ref else _load_key(key),
                                 organisation_type=kind if kind in OrganisationType.values else OrganisationType.OTHER)
            found._history_user = self.user
            found._change_reason = _("from the IATI file %(file)s") % {"file": self.source_name}
            self._pending.append(found)
            self._created.append(key)
        self.organisations[key] = found
        return found

    def _new_id(self) -> int:
        if not self._ids:  # enough for every organisation the batch may still create
            self._ids = rows.allocate_ids(Organisation, len(self._absent) + 1)
        return self._ids.pop(0)

    def insert_created(self) -> None:
        """Insert the organisations created since the last call, in one INSERT with their history (as ``save()``
        would have written them one by one). Inside the batch's transaction."""
        if self._pending:
            rows.create_with_history(self._pending, Organisation, user=self.user, reason="", ids_taken=True)
        # The ids not given are dropped: on SQLite the next ``allocate_ids`` gives them again.
        self._pending, self._ids = [], []

    def keep_created(self) -> None:
        """The batch that created them was committed (or is part of a transaction that decides for them)."""
        if self._pending:
            raise RuntimeError("organisations created and never inserted")
        self._created.clear()
        self.activity_parties.clear()
        self._source_created = False

    def forget_created(self) -> None:
        """The batch that created them was rolled back: they are gone from the database, so from the cache."""
        for key in self._created:
            self.organisations.pop(key, None)
        self._created.clear()
        self._pending, self._ids, self._absent = [], [], set()
        self.activity_parties.clear()  # its organisations may be among those forgotten
        if self._source_created:
            self._source, self._source_created = None, False


def _named_organisations(record: reader.ActivityRecord):
    org = record.reporting_org
    yield org.get("ref", ""), org.get("name", "")
    for org in record.participating_orgs:
        yield org.get("ref", ""), org.get("name", "")
    for item in record.transactions:
        yield item.provider_ref, item.provider_name
        yield item.receiver_ref, item.receiver_name


def touches_region(record: reader.ActivityRecord, members: set[str]) -> bool:
    """Whether the activity names a member state, Venezuela or the regional codes (489, 498)."""
    countries = {code for code, _share in record.countries} | {t.country for t in record.transactions}
    regions = {code for code, _vocabulary, _share in record.regions} | {t.region for t in record.transactions}
    return bool(countries & (members | {VENEZUELA}) or regions & reader.REGIONAL_CODES)


def _shares(record: reader.ActivityRecord, item: reader.Transaction, countries: dict[str, str]):
    """The flow's receiving country (its id) and its shares, from the transaction or else the activity: a
    transaction's own recipient-region makes its flow regional, whatever country the activity names."""
    if item.country:
        return countries.get(item.country), []
    if item.region:
        return None, []
    if record.regions or not record.countries:
        return None, []
    if len(record.countries) == 1:
        return countries.get(record.countries[0][0]), []
    shares = [(countries.get(code), Decimal(share) if share is not None else None) for code, share in record.countries]
    if any(country is None or share is None for country, share in shares) or sum(s for _c, s in shares) != HUNDRED:
        return None, []  # shares that do not add up are kept on the activity, the flow stays regional
    return None, [(country, None, share) for country, share in shares]


def _theme(record: reader.ActivityRecord, item: reader.Transaction, sectors: dict[str, int]) -> int | None:
    if item.sector and item.sector_vocabulary == "1":
        return sectors.get(item.sector)
    dac = [code for vocabulary, code, _share in record.sectors if vocabulary == "1"]
    return sectors.get(dac[0]) if len(dac) == 1 else None


def parties(record: reader.ActivityRecord, item: reader.Transaction, lookups: Lookups):
    """Provider and receiver: as the transaction names them, else from the activity's organisations."""
    shared = lookups.activity_parties.get(id(record))
    if shared is None or shared[0] is not record:  # what the activity's transactions share, once per activity
        roles = {}
        for org in record.participating_orgs:
            roles.setdefault(org["role"], org)
        reporting = lookups.organisation(record.reporting_org.get("ref", ""), record.reporting_org.get("name", ""),
                                         record.reporting_org.get("type", ""))
        shared = lookups.activity_parties[id(record)] = (record, roles, reporting)
    _record, roles, reporting = shared
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


# A flow's values that ``transaction_draft`` gives, in this order (a tuple pickles smaller than a dict).
_DRAFT_FIELDS = ("stage", "iati_transaction_type", "value_date", "amount", "currency", "amount_usd", "usd_problem",
                 "is_humanitarian", "country_id", "theme_id", "reference")


def transaction_draft(record, item, position, reference: Reference) -> tuple:
    """(the transaction's value in US dollars, its flow's values but the parties with its shares, or None when it
    gives no flow): all that mapping a transaction needs of the database but its parties, made in the reading
    process (``importer._prepared``)."""
    value_date = date.fromisoformat(item.value_date)
    usd, _problem = reference.usd(item.value, item.currency, value_date)
    stage = STAGES.get(item.type)
    if stage is None or item.value <= 0 or not is_active_currency(item.currency):
        return usd, None  # kept as published on the activity; not money for the response (docs/finance.md)
    amount = item.value.quantize(CENT, ROUND_HALF_UP)
    amount_usd, problem = reference.usd(amount, item.currency, value_date)
    country, shares = _shares(record, item, reference.countries)
    humanitarian = record.is_humanitarian if item.is_humanitarian is None else item.is_humanitarian
    # The stage as its text: an enum member is rebuilt through its class when unpickled, five times the cost.
    values = (stage.value, item.type, value_date, amount, item.currency, amount_usd, problem, humanitarian, country,
              _theme(record, item, reference.sectors), f"{record.identifier}#{position}"[:120])
    return usd, (values, [(country, None, HUNDRED)] if country is not None else shares)


def flow_of(record, item, draft, lookups) -> tuple[rows.New | None, list]:
    """The flow of a transaction whose ``transaction_draft`` is ``draft`` (a ``FundingFlow``'s values, written by
    ``transactions.write_flows``), with its shares [(country id, subdivision id, percentage)]; (None, []) if none."""
    if draft is None:
        return None, []
    provider, receiver = parties(record, item, lookups)
    if provider is None or receiver is None:
        return None, []
    values, shares = draft
    return rows.new(FundingFlow, provider_id=provider.pk, receiver_id=receiver.pk, source_kind=SourceKind.IATI,
                    status=FollowUp.REPORTED, **dict(zip(_DRAFT_FIELDS, values, strict=True))), shares


def pledge_of(record, item, lookups) -> tuple[rows.New | None, list]:
    """An outgoing pledge (type 12): a ``TrackedPledge`` of its provider, *reported* like the flows, with the
    flow's places as its countries (a regional activity's pledge is regional) and its DAC sector as earmark."""
    if item.type != OUTGOING_PLEDGE or item.value <= 0 or not is_active_currency(item.currency):
        return None, []
    donor, _receiver = parties(record, item, lookups)
    if donor is None:
        return None, []
    reference = lookups.reference
    amount = item.value.quantize(CENT, ROUND_HALF_UP)
    pledged_on = date.fromisoformat(item.value_date)
    usd, problem = reference.usd(amount, item.currency, pledged_on)
    country, shares = _shares(record, item, reference.countries)
    countries = [(country, HUNDRED)] if country is not None else [(place, share) for place, _sub, share in shares]
    humanitarian = record.is_humanitarian if item.is_humanitarian is None else item.is_humanitarian
    pledge = rows.new(  # a ``TrackedPledge``'s values, written by ``transactions.write_pledges``
        TrackedPledge, donor_id=donor.pk, amount=amount, currency=item.currency, amount_usd=usd, usd_problem=problem,
        pledged_on=pledged_on, instrument=PledgeInstrument.GRANT,
        purpose=Purpose.HUMANITARIAN if humanitarian else Purpose.DEVELOPMENT,
        humanitarian_percent=HUNDRED if humanitarian else Decimal(0), is_regional=not countries,
        source_id=lookups.source().pk, status=FollowUp.REPORTED)
    theme = _theme(record, item, reference.sectors)
    return pledge, [countries, [theme] if theme is not None else []]


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
