"""Reading one IATI activity into plain Python values: an ``ActivityRecord``, checked (``problems``), with the
fingerprint that tells an unchanged activity (``stream.py`` reads the file as a stream and calls it per activity).

Versions 2.01–2.03 read alike; 1.0x files are read where they share the 2.0x shape (values; their codes written
as words are read as the 2.0x codes: ``V1_TRANSACTION_TYPES`` and the others). The mapping is in docs/exchange.md
("Importing IATI activities").
"""

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from operator import attrgetter

from minga.exchange import problems as said
from minga.exchange.problems import Problem

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TRUE = {"1", "true"}
REGIONAL_CODES = {"489", "498"}  # South America, regional; America, regional
GENDER_MARKER = "1"  # PolicyMarker 1: gender equality
GENERAL_DESCRIPTIONS = {"", "1"}  # DescriptionType 1 General, or none given (2 Objectives, 3 Target groups, 4 Other)
SIGNIFICANCES = {"0", "1", "2", "3", "4"}  # the PolicySignificance codelist; any other is read as not given
MAX_DECIMALS, MAX_INTEGER_DIGITS = 12, 20  # what IatiTransaction.value keeps exactly
# xsd:decimal, as IATI writes a value or a percentage: an optional sign, ASCII digits, one optional point. Python's
# Decimal reads far more (NaN, Infinity, 1e3, 1_000, other scripts' digits): NaN and Infinity stopped a whole run.
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def decimal_or_none(raw: str) -> Decimal | None:
    """``raw`` (stripped) as a Decimal when it is an xsd:decimal, else None."""
    text = raw.strip()
    return Decimal(text) if DECIMAL.fullmatch(text) else None


# IATI 1.0x wrote these codes as words; 2.01 numbered them (the 1.0x codelists, as 2.01 mapped them). A 1.0x file
# is read as the 2.0x codes (a 2.0x code is no key here, so reads as it is): its commitments and disbursements are
# flows, its funding organisation funds, its DAC sectors DAC. Anything else of 1.0x is kept as given.
V1_TRANSACTION_TYPES = {"IF": "1", "C": "2", "D": "3", "E": "4", "IR": "5", "LR": "6", "R": "7", "QP": "8",
                        "QS": "9", "CG": "10"}
TRANSACTION_TYPES = frozenset(str(code) for code in range(1, 14))  # the TransactionType codelist (2.0x)
V1_ROLES = {"Funding": "1", "Accountable": "2", "Extending": "3", "Implementing": "4"}
V1_VOCABULARIES = {"DAC": "1", "DAC-3": "2", "RO": "99", "RO2": "98"}
V1_DATE_TYPES = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}


def _v2(codes: dict, code: str) -> str:
    return codes.get(code, code)


@dataclass
class Transaction:
    type: str
    value: Decimal
    currency: str
    value_date: str
    transaction_date: str = ""
    ref: str = ""
    provider_ref: str = ""
    provider_name: str = ""
    provider_type: str = ""
    receiver_ref: str = ""
    receiver_name: str = ""
    receiver_type: str = ""
    is_humanitarian: bool | None = None
    country: str = ""  # ISO 3166-1 alpha-2 as IATI gives it
    region: str = ""
    sector_vocabulary: str = ""
    sector: str = ""


@dataclass
class ActivityRecord:
    identifier: str
    line: int
    default_currency: str = ""
    default_language: str = ""
    last_updated: str = ""
    reporting_org: dict = field(default_factory=dict)
    participating_orgs: list = field(default_factory=list)
    titles: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    status: str = ""
    dates: dict = field(default_factory=dict)
    countries: list = field(default_factory=list)  # [[alpha-2, percentage or None]]
    regions: list = field(default_factory=list)  # [[code, vocabulary, percentage or None]]
    locations: list = field(default_factory=list)
    sectors: list = field(default_factory=list)  # [[vocabulary, code, percentage or None]]
    gender_marker: int | None = None
    is_humanitarian: bool = False
    humanitarian_scopes: list = field(default_factory=list)  # [[type, vocabulary, code]]
    budgets: list = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # ``Problem``s: English texts with their template
    # What breaks a rule of IATI but is imported as the docs say (reported beside the activity stored, not data).
    notes: list[str] = field(default_factory=list)
    # What the importer makes of the record before writing it (by the reading process): its data as stored, its
    # fingerprint, each transaction's data as stored. Not part of the data, nor are the two below.
    prepared: tuple | None = field(default=None, repr=False, compare=False)
    # Bytes of the file read when the activity was read: how far a progress bar has come once it is written.
    read_to: int = field(default=0, repr=False, compare=False)

    @property
    def is_regional(self) -> bool:
        """Whether it names 489 or 498, for the activity or (as USAID does) for its transactions."""
        return (any(code in REGIONAL_CODES for code, _vocabulary, _share in self.regions)
                or any(item.region in REGIONAL_CODES for item in self.transactions))

    def data(self) -> dict:
        """Everything read, as JSON-ready values (Decimals as text), without line and problems.

        The same values as ``json.loads(json.dumps(asdict(self), default=str))`` (which fingerprints stored by
        earlier versions were taken from), made directly: that round trip was the import's costliest step. What
        ``read_activity`` fills is JSON-ready already (texts, numbers, booleans, None, in lists and dicts keyed by
        text) but the transactions, and is given as it is, not copied; ``test_the_data_and_fingerprint_of_every_
        shared_activity_are_those_of_earlier_versions`` holds it to the round trip.
        """
        data = {name: getattr(self, name) for name in _DATA_FIELDS}
        data["transactions"] = [_plain_transaction(transaction) for transaction in self.transactions]
        return data

    def fingerprint(self) -> str:
        return fingerprint_of(self.data())


_DATA_FIELDS = tuple(item.name for item in fields(ActivityRecord)
                     if item.name not in ("line", "problems", "notes", "prepared", "read_to"))
TRANSACTION_FIELDS = tuple(item.name for item in fields(Transaction))
_transaction_values = attrgetter(*TRANSACTION_FIELDS)


def _plain_transaction(transaction: Transaction) -> dict:
    """A transaction as JSON gives it back (``json.dumps(..., default=str)``): each field is a text, a boolean or
    None (as ``_transaction`` reads it) but its value, a Decimal, given as its text."""
    plain = dict(zip(TRANSACTION_FIELDS, _transaction_values(transaction), strict=True))
    plain["value"] = str(transaction.value)
    return plain


def fingerprint_of(data: dict) -> str:
    """The activity's fingerprint: what a second import of the same activity compares (``data()``)."""
    return fingerprint_of_text(sorted_text(data))


def sorted_text(data: dict) -> str:
    """``data`` as JSON, every object's keys sorted: the text the fingerprint is taken of, and the text stored."""
    return json.dumps(data, sort_keys=True)


def fingerprint_of_text(text: str) -> str:
    """The fingerprint of the data whose ``sorted_text`` is ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()


# xml:lang as read → Minga's code for it (``language_code``): a file names a few languages, thousands of times.
_LANGUAGES: dict[str, str] = {}
_MAX_LANGUAGES = 1000  # past so many distinct tags (a hostile file), each new one is worked out without being kept


def language_code(tag: str | None) -> str:
    """The language of an ``xml:lang`` as Minga keys texts by it ("" when none is given): IATI's Language codelist is
    ISO 639-1 in lower case, and BCP 47 tags are case-insensitive, so "ES", "es" and "es-CO" are Spanish, "es". Only
    the primary subtag is kept (Minga keeps one text per language: the first "pt-BR" or "pt-PT" is "pt"); an ISO
    639-2 code with an ISO 639-1 one ("ENG", "spa") becomes that one; anything else is kept in lower case."""
    if not tag:
        return ""
    found = _LANGUAGES.get(tag)
    if found is None:
        found = tag.strip().replace("_", "-").split("-", 1)[0].lower()
        if len(found) == 3:
            import pycountry  # only for a three-letter code, which few files use

            known = pycountry.languages.get(alpha_3=found) or pycountry.languages.get(bibliographic=found)
            found = getattr(known, "alpha_2", None) or found
        if len(_LANGUAGES) < _MAX_LANGUAGES:
            _LANGUAGES[tag] = found
    return found


def _texts(element, default_language: str) -> dict[str, str]:
    texts = {}
    if element is None:
        return texts
    for narrative in element.iterfind("narrative"):
        text = " ".join((narrative.text or "").split())
        if text:
            language = language_code(narrative.get(XML_LANG)) or default_language
            texts.setdefault(language, text)
    if not texts and (element.text or "").strip():  # 1.0x: the text itself, in the element's own language
        texts[language_code(element.get(XML_LANG)) or default_language] = " ".join(element.text.split())
    return texts


def _descriptions(activity, default_language: str) -> dict[str, str]:
    """Per language, the general description's text (DescriptionType 1, or no type), else the first other one in
    the file's order: objectives (2) given first were shown as the activity's description. Each language keeps the
    place where it was first named, so an activity without such a fallback reads (and fingerprints) as before."""
    texts, general = {}, set()
    for description in activity.iterfind("description"):
        is_general = (description.get("type") or "").strip() in GENERAL_DESCRIPTIONS
        for language, text in _texts(description, default_language).items():
            if language not in texts or (is_general and language not in general):
                texts[language] = text  # a key given again keeps its place
                if is_general:
                    general.add(language)
    return texts


def _first_text(element, default_language: str) -> str:
    texts = _texts(element, default_language)
    return next(iter(texts.values()), "")


def _percentage(raw: str | None, problems: list, where: str) -> str | None:
    if raw is None or not raw.strip():
        return None
    value = decimal_or_none(raw)
    if value is None:
        problems.append(Problem(said.PERCENTAGE_NOT_A_NUMBER, element=where, value=raw))
        return None
    return str(value)


def _iso_date(raw: str | None) -> str:
    raw = (raw or "").strip()[:10]
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        return ""


def _org(element, default_language: str) -> dict:
    if element is None:
        return {}
    return {"ref": (element.get("ref") or "").strip(), "type": (element.get("type") or "").strip(),
            "name": _first_text(element, default_language)}


def _children(element) -> dict:
    """Each tag's first child, as ``element.find(tag)`` gives it, in one pass over the children (a transaction
    is read from a dozen of them: one ``find`` each walked the children again and again)."""
    children = {}
    for child in element:
        tag = child.tag
        if tag not in children and isinstance(tag, str):  # not a comment or processing instruction
            children[tag] = child
    return children


def _transaction(element, record: ActivityRecord) -> Transaction | None:
    children = _children(element)
    kind = children.get("transaction-type")
    code = _v2(V1_TRANSACTION_TYPES, (kind.get("code", "") if kind is not None else "").strip())
    value_element = children.get("value")
    line = element.sourceline
    if value_element is None or not (value_element.text or "").strip():
        record.problems.append(Problem(said.TRANSACTION_NO_VALUE, line=line))
        return None
    value = decimal_or_none(value_element.text)
    if value is None:
        record.problems.append(Problem(said.TRANSACTION_VALUE_NOT_A_NUMBER, line=line,
                                       value=value_element.text.strip()))
        return None
    if value.as_tuple().exponent < -MAX_DECIMALS or value.adjusted() >= MAX_INTEGER_DIGITS:
        record.problems.append(Problem(said.TRANSACTION_VALUE_TOO_LONG, line=line, value=value_element.text.strip()))
        return None
    currency = (value_element.get("currency") or record.default_currency).strip().upper()
    dated = children.get("transaction-date")
    transaction_date = _iso_date(dated.get("iso-date") if dated is not None else "")
    given_value_date = (value_element.get("value-date") or "").strip()
    value_date = _iso_date(given_value_date)
    if given_value_date and not value_date:  # the rate is the value date's: another date would give other dollars
        record.problems.append(Problem(said.TRANSACTION_VALUE_DATE_NOT_A_DATE, line=line, value=given_value_date))
        return None
    value_date = value_date or transaction_date  # none given (the schema requires one): the transaction's date
    if code and code not in TRANSACTION_TYPES:  # kept as text of two characters: a longer one broke PostgreSQL
        record.problems.append(Problem(said.TRANSACTION_TYPE_UNKNOWN, line=line, code=code))
        return None
    if not code or not currency or not value_date:
        record.problems.append(Problem(said.TRANSACTION_MISSING[not code, not currency, not value_date], line=line))
        return None
    provider = _org(children.get("provider-org"), record.default_language)
    receiver = _org(children.get("receiver-org"), record.default_language)
    sector = children.get("sector")
    country = children.get("recipient-country")
    region = children.get("recipient-region")
    humanitarian = element.get("humanitarian")
    return Transaction(
        type=code, value=value, currency=currency, value_date=value_date, transaction_date=transaction_date,
        ref=(element.get("ref") or "").strip(),
        provider_ref=provider.get("ref", ""), provider_name=provider.get("name", ""),
        provider_type=provider.get("type", ""),
        receiver_ref=receiver.get("ref", ""), receiver_name=receiver.get("name", ""),
        receiver_type=receiver.get("type", ""),
        is_humanitarian=None if humanitarian is None else humanitarian.strip() in TRUE,
        country=(country.get("code", "") if country is not None else "").strip().upper(),
        region=(region.get("code", "") if region is not None else "").strip(),
        sector_vocabulary=_v2(V1_VOCABULARIES, (sector.get("vocabulary", "1") if sector is not None else "").strip()),
        sector=(sector.get("code", "") if sector is not None else "").strip(),
    )


def _given_date(part, attribute: str, record: ActivityRecord, template: str, /, **params) -> str | None:
    """The date of ``part``'s ``attribute`` ("" when not given); None, and a note, when it is given and is no
    date."""
    given = ((part.get(attribute) if part is not None else "") or "").strip()
    day = _iso_date(given)
    if given and not day:
        record.notes.append(Problem(template, value=given, **params))
        return None
    return day


def _budget(element, record: ActivityRecord) -> dict | None:
    """A budget as read; None when a date or its value is given and is no date or no number. Each such part is a
    note of the activity, imported without the budget: a budget is no money in the funding answers, not worth
    refusing the activity for. Left out of the data stored, it is left out of the export too, which could not write
    it (the schema asks for dates and an xsd:decimal): what the note says is what the file then holds."""
    line = element.sourceline
    children = _children(element)
    start = _given_date(children.get("period-start"), "iso-date", record, said.BUDGET_PERIOD_NOT_A_DATE, line=line,
                        element="period-start")
    end = _given_date(children.get("period-end"), "iso-date", record, said.BUDGET_PERIOD_NOT_A_DATE, line=line,
                      element="period-end")
    value = children.get("value")
    raw = (value.text or "").strip() if value is not None else ""
    number = not raw or decimal_or_none(raw) is not None  # none given: kept as before, the export leaves it out
    if not number:
        record.notes.append(Problem(said.BUDGET_VALUE_NOT_A_NUMBER, line=line, value=raw))
    value_date = _given_date(value, "value-date", record, said.BUDGET_VALUE_DATE_NOT_A_DATE, line=line)
    if start is None or end is None or not number or value_date is None:
        return None
    return {"type": element.get("type", ""), "status": element.get("status", ""), "start": start, "end": end,
            "value": raw, "currency": ((value.get("currency") if value is not None else "") or
                                       record.default_currency).upper(),
            "value_date": value_date}


def _location(element, default_language: str) -> dict:
    pos = element.findtext("point/pos") or ""
    point = None
    parts = pos.split()
    if len(parts) == 2:
        try:
            point = [float(parts[0]), float(parts[1])]  # latitude, longitude (IATI's order)
        except ValueError:
            point = None
    return {"ref": (element.get("ref") or "").strip(), "name": _first_text(element.find("name"), default_language),
            "point": point,
            "administrative": [[a.get("vocabulary", ""), a.get("level", ""), a.get("code", "")]
                               for a in element.iterfind("administrative")]}


def _check(activity, record: ActivityRecord) -> None:
    """The rules Minga relies on, checked whether or not a schema is at hand."""
    problems = record.problems
    if not record.identifier:
        problems.append(Problem(said.NO_IDENTIFIER))
    if len(activity.findall("reporting-org")) != 1:
        problems.append(Problem(said.NOT_ONE_REPORTING_ORG))
    if len(activity.findall("activity-status")) > 1:
        problems.append(Problem(said.MORE_THAN_ONE_STATUS))
    titles = activity.findall("title")  # 1.0x: one title per language, its text in the element itself
    if len(titles) > 1 and any(title.find("narrative") is not None for title in titles):
        problems.append(Problem(said.MORE_THAN_ONE_TITLE))
    if activity.find("title") is not None and not record.titles:
        problems.append(Problem(said.TITLE_WITHOUT_TEXT))
    for description in activity.iterfind("description"):
        if not _texts(description, record.default_language):
            problems.append(Problem(said.DESCRIPTION_WITHOUT_TEXT, line=description.sourceline))


def read_activity(activity, default_language: str = "en") -> ActivityRecord:
    language = language_code(activity.get(XML_LANG)) or language_code(default_language) or "en"
    record = ActivityRecord(identifier=" ".join((activity.findtext("iati-identifier") or "").split()),
                            line=activity.sourceline or 0, default_language=language,
                            default_currency=(activity.get("default-currency") or "").strip().upper(),
                            last_updated=(activity.get("last-updated-datetime") or "").strip())
    record.is_humanitarian = (activity.get("humanitarian") or "").strip() in TRUE
    record.reporting_org = _org(activity.find("reporting-org"), language)
    record.participating_orgs = [{**_org(org, language), "role": _v2(V1_ROLES, (org.get("role") or "").strip())}
                                 for org in activity.iterfind("participating-org")]
    for title in activity.iterfind("title"):
        for text_language, text in _texts(title, language).items():
            record.titles.setdefault(text_language, text)
    record.descriptions = _descriptions(activity, language)
    status = activity.find("activity-status")
    record.status = (status.get("code", "") if status is not None else "").strip()
    for activity_date in activity.iterfind("activity-date"):
        record.dates[_v2(V1_DATE_TYPES, (activity_date.get("type") or "").strip())] = _iso_date(
            activity_date.get("iso-date"))
    for country in activity.iterfind("recipient-country"):
        record.countries.append([(country.get("code") or "").strip().upper(),
                                 _percentage(country.get("percentage"), record.problems, "recipient-country")])
    for region in activity.iterfind("recipient-region"):
        record.regions.append([(region.get("code") or "").strip(), (region.get("vocabulary") or "1").strip(),
                               _percentage(region.get("percentage"), record.problems, "recipient-region")])
    record.locations = [_location(location, language) for location in activity.iterfind("location")]
    for sector in activity.iterfind("sector"):
        record.sectors.append([_v2(V1_VOCABULARIES, (sector.get("vocabulary") or "1").strip()),
                               (sector.get("code") or "").strip(),
                               _percentage(sector.get("percentage"), record.problems, "sector")])
    for marker in activity.iterfind("policy-marker"):
        vocabulary = _v2(V1_VOCABULARIES, (marker.get("vocabulary") or "1").strip())
        if (marker.get("code") or "").strip() == GENDER_MARKER and vocabulary == "1":
            significance = (marker.get("significance") or "").strip()
            record.gender_marker = int(significance) if significance in SIGNIFICANCES else None
    record.humanitarian_scopes = [[(scope.get("type") or "").strip(), (scope.get("vocabulary") or "").strip(),
                                   (scope.get("code") or "").strip()] for scope in activity.iterfind("humanitarian-scope")]
    for element in activity.iterfind("budget"):
        found = _budget(element, record)
        if found is not None:
            record.budgets.append(found)
    placed = None  # the line of the first transaction that gives its own recipient country or region
    for element in activity.iterfind("transaction"):
        found = _transaction(element, record)
        if found is not None:
            record.transactions.append(found)
            if placed is None and (found.country or found.region):
                placed = element.sourceline
    if placed is not None and (record.countries or record.regions):
        # IATI 2.03: the places are given for the activity or for every transaction, never both. The transaction's
        # own is the more precise (``mapping._shares`` uses it); said, since the publisher's two accounts differ.
        record.notes.append(Problem(said.PLACES_AT_BOTH_LEVELS, line=placed))
    _check(activity, record)
    return record
