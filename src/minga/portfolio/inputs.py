"""Codes in, service input out: how the API and the XLSX upload describe a project to the services.

The services take a dict of scalar fields and lists of parts holding model instances
(``portfolio.demo._data`` shows a whole one). People and programs outside the platform write
codes instead: ISO 3166-1 alpha-3 countries (``COL``), ISO 3166-2 subdivisions (``CO-NSA``),
municipalities by p-code (``CO54001``), term codes per vocabulary (``quito-axes`` /
``reception-centres``), marker codes (``gender``), organisations by number or IATI identifier.
:func:`project_input` turns such a payload into the services' input, and every code it cannot
resolve becomes an error keyed by the field path the caller wrote (``locations[2].subdivision``),
the same paths ``validation.check`` uses, so that both kinds of error read alike.

Only the keys present in the payload are converted, so that a partial update (PATCH) changes
only what it names. The XLSX upload resolves names as well as codes (``lenient``): an official
may write "Norte de Santander" where a program writes ``CO-NSA``.
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _

from minga.portfolio.models import ProjectPeople
from minga.portfolio.validation import ProjectInvalid
from minga.reference.models import Country, Marker, Municipality, Organisation, Subdivision, Term

TEXT_FIELDS = ("title_es", "title_pt", "title_en", "summary_es", "summary_pt", "summary_en",
               "description_es", "description_pt", "description_en", "budget_currency", "sdg_targets")
DATE_FIELDS = ("planned_start", "planned_end", "budget_value_date")
AMOUNT_FIELDS = ("budget_amount", "requested_amount")
COUNT_FIELDS = ("people_total", "people_with_disabilities")
PART_KEYS = ("locations", "themes", "markers", "people", "budget_years", "funding", "participants", "contacts")
ISO_3166_2 = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
DISPLAY_SEPARATOR = " — "  # "CO-NSA — Norte de Santander": the drop-downs' code and name


def normalise(text) -> str:
    """Case-, accent- and space-insensitive form, for matching what people type against names."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def leading_code(reference: str) -> str:
    """"CO-NSA — Norte de Santander" → "CO-NSA": what a drop-down entry stands for."""
    return reference.split(DISPLAY_SEPARATOR)[0].strip()


class Lookups:
    """The reference data a payload names, read once per request or upload (an upload may have 500 rows)."""

    def __init__(self, *, lenient: bool = False):
        self.lenient = lenient
        self._countries = None
        self._subdivisions = None
        self._terms = None
        self._markers = None
        self._municipalities = {}
        self._municipality_names = None
        self._organisations = {}

    # Countries ---------------------------------------------------------------------------------
    def country(self, reference) -> Country | None:
        if self._countries is None:
            self._countries = {c.iso3: c for c in Country.objects.all()}
        code = leading_code(str(reference)).upper()
        found = self._countries.get(code)
        if found is None and self.lenient:
            wanted = normalise(leading_code(str(reference)))
            matches = [c for c in self._countries.values() if wanted in {
                normalise(c.name_es), normalise(c.name_pt), normalise(c.name_en), c.iso2.casefold()}]
            found = matches[0] if len(matches) == 1 else None
        return found

    # Subdivisions ------------------------------------------------------------------------------
    def subdivision(self, reference, *, countries=()) -> Subdivision | list[Subdivision] | None:
        """The unit, or the list of units a name matches when it is ambiguous, or None."""
        if self._subdivisions is None:
            self._subdivisions = {s.code: s for s in Subdivision.objects.select_related("country")}
        code = leading_code(str(reference)).upper()
        found = self._subdivisions.get(code)
        if found is not None or not self.lenient:
            return found
        wanted = normalise(leading_code(str(reference)))
        matches = [s for s in self._subdivisions.values() if normalise(s.name) == wanted]
        if len(matches) > 1 and countries:
            matches = [s for s in matches if s.country_id in countries] or matches
        if not matches:
            return None
        return matches[0] if len(matches) == 1 else sorted(matches, key=lambda s: s.code)

    # Municipalities ----------------------------------------------------------------------------
    def municipality(self, reference, *, subdivisions=()) -> Municipality | list[Municipality] | None:
        """By p-code; leniently also by name, preferring the subdivisions the same row names."""
        text = leading_code(str(reference))
        if text.upper() not in self._municipalities:
            self._municipalities[text.upper()] = (
                Municipality.objects.select_related("subdivision__country").filter(pcode=text.upper()).first())
        found = self._municipalities[text.upper()]
        if found is not None or not self.lenient:
            return found
        if self._municipality_names is None:
            self._municipality_names = {}
            for unit in Municipality.objects.select_related("subdivision__country"):
                self._municipality_names.setdefault(normalise(unit.name), []).append(unit)
        matches = self._municipality_names.get(normalise(text), [])
        if len(matches) > 1 and subdivisions:
            matches = [m for m in matches if m.subdivision_id in subdivisions] or matches
        if not matches:
            return None
        return matches[0] if len(matches) == 1 else sorted(matches, key=lambda m: m.pcode)

    # Themes and markers ------------------------------------------------------------------------
    def term(self, vocabulary: str, reference) -> Term | None:
        if self._terms is None:
            self._terms = {}
            for term in Term.objects.select_related("vocabulary"):
                self._terms[(term.vocabulary_id, term.code)] = term
        code = leading_code(str(reference))
        found = self._terms.get((vocabulary, code)) or self._terms.get((vocabulary, code.casefold()))
        if found is None and self.lenient:
            wanted = normalise(code)
            matches = [t for (v, _c), t in self._terms.items() if v == vocabulary and wanted in {
                normalise(t.label_es), normalise(t.label_pt), normalise(t.label_en)}]
            found = matches[0] if len(matches) == 1 else None
        return found

    def marker(self, reference) -> Marker | None:
        if self._markers is None:
            self._markers = {m.code: m for m in Marker.objects.all()}
        code = leading_code(str(reference))
        found = self._markers.get(code) or self._markers.get(code.casefold())
        if found is None and self.lenient:
            wanted = normalise(code)
            matches = [m for m in self._markers.values()
                       if wanted in {normalise(m.label_es), normalise(m.label_pt), normalise(m.label_en)}]
            found = matches[0] if len(matches) == 1 else None
        return found

    def markers(self) -> list[Marker]:
        self.marker("")
        return sorted(self._markers.values(), key=lambda m: (m.position, m.code))

    # Organisations -----------------------------------------------------------------------------
    def organisation(self, reference) -> Organisation | None:
        """By number (``4``), IATI identifier (``XM-DAC-301-2``), or in a drop-down's "Name [4]" form."""
        key = str(reference).strip()
        if key in self._organisations:
            return self._organisations[key]
        queryset = Organisation.objects.select_related("country")
        found = None
        bracketed = re.search(r"\[(\d+)\]\s*$", key)
        if isinstance(reference, int) or key.isdigit():
            found = queryset.filter(pk=int(key)).first()
        elif bracketed and self.lenient:
            found = queryset.filter(pk=int(bracketed.group(1))).first()
        if found is None and key and not key.isdigit():
            found = queryset.filter(iati_identifier__iexact=key).first()
        if found is None and key and self.lenient:
            matches = list(queryset.filter(Q(name__iexact=key) | Q(acronym__iexact=key))[:2])
            found = matches[0] if len(matches) == 1 else None
        self._organisations[key] = found
        return found


class _Problems:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)


# Values ----------------------------------------------------------------------------------------

def to_decimal(value) -> Decimal | None:
    """A number from the API or a spreadsheet; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def to_count(value) -> int | None:
    number = to_decimal(value)
    if number is None or number != number.to_integral_value() or number < 0:
        return None
    return int(number)


def to_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)  # day first, as in Latin America
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# The payload -----------------------------------------------------------------------------------

def project_input(payload: dict, *, lookups: Lookups | None = None) -> dict:
    """The services' input for ``payload``; raises ProjectInvalid naming every field path it cannot read."""
    data, errors = project_input_and_errors(payload, lookups=lookups)
    if errors:
        raise ProjectInvalid(errors)
    return data


def project_input_and_errors(payload: dict, *, lookups: Lookups | None = None) -> tuple[dict, dict[str, list[str]]]:
    """What could be read of ``payload`` (entries that could not be read are left out), and the errors."""
    lookups = lookups or Lookups()
    problems = _Problems()
    data: dict = {}

    for key in TEXT_FIELDS:
        if key in payload:
            value = payload[key]
            data[key] = "" if value is None else str(value).strip()
    if data.get("budget_currency"):
        data["budget_currency"] = data["budget_currency"].upper()
    if "is_regional" in payload:
        data["is_regional"] = bool(payload["is_regional"])
    for key in DATE_FIELDS:
        if key in payload:
            data[key] = _date(payload[key], key, problems)
    for key in AMOUNT_FIELDS:
        if key in payload:
            data[key] = _amount(payload[key], key, problems)
    for key in COUNT_FIELDS:
        if key in payload:
            data[key] = _count(payload[key], key, problems)
    if "proposing_organisation" in payload:
        reference = payload["proposing_organisation"]
        if _empty(reference):
            problems.add("proposing_organisation", _("Name the proposing organisation."))
        else:
            data["proposing_organisation"] = _organisation(reference, "proposing_organisation", lookups, problems)

    converters = {"locations": _location, "themes": _theme, "markers": _marker, "people": _people,
                  "budget_years": _budget_year, "funding": _funding, "participants": _participant,
                  "contacts": _contact}
    for key, convert in converters.items():
        if key not in payload:
            continue
        rows = []
        for position, row in enumerate(payload[key] or [], start=1):
            path = f"{key}[{position}]"
            if not isinstance(row, dict):
                problems.add(path, _("Each entry is an object with named fields."))
                continue
            converted = convert(row, path, lookups, problems)
            if converted is not None:
                rows.append(converted)
        data[key] = rows

    return data, problems.errors


def _date(value, path, problems):
    if _empty(value):
        return None
    parsed = to_date(value)
    if parsed is None:
        problems.add(path, _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01.") % {"value": value})
    return parsed


def _amount(value, path, problems):
    if _empty(value):
        return None
    parsed = to_decimal(value)
    if parsed is None:
        problems.add(path, _("“%(value)s” is not an amount.") % {"value": value})
    elif parsed < 0:
        problems.add(path, _("An amount cannot be negative."))
    return parsed


def _count(value, path, problems):
    if _empty(value):
        return None
    parsed = to_count(value)
    if parsed is None:
        problems.add(path, _("“%(value)s” is not a whole number of people.") % {"value": value})
    return parsed


def _share(value, path, problems):
    if _empty(value):
        problems.add(path, _("Give the share in percent."))
        return None
    parsed = to_decimal(value)
    if parsed is None or not Decimal(0) <= parsed <= Decimal(100):
        problems.add(path, _("“%(value)s” is not a share between 0 and 100.") % {"value": value})
        return None
    return parsed


def _organisation(reference, path, lookups, problems):
    found = lookups.organisation(reference)
    if found is None:
        problems.add(path, _("Unknown organisation “%(reference)s”: give its number or its IATI identifier.") % {
            "reference": reference})
    return found


def _ambiguous(path, reference, matches, code_of, problems):
    problems.add(path, _("“%(name)s” could be any of %(codes)s: write the code.") % {
        "name": reference, "codes": ", ".join(code_of(m) for m in matches)})


def _location(row, path, lookups, problems):
    country = subdivision = municipality = None
    before = len(problems.errors)
    if not _empty(row.get("country")):
        country = lookups.country(row["country"])
        if country is None:
            problems.add(f"{path}.country", _("Unknown country “%(code)s”: use an ISO 3166-1 alpha-3 code such as COL.")
                         % {"code": row["country"]})
    countries = {country.iso3} if country else set()
    if not _empty(row.get("subdivision")):
        found = lookups.subdivision(row["subdivision"], countries=countries)
        if isinstance(found, list):
            _ambiguous(f"{path}.subdivision", row["subdivision"], found, lambda s: s.code, problems)
        elif found is None:
            problems.add(f"{path}.subdivision", _(
                "Unknown subdivision “%(code)s”: use an ISO 3166-2 code such as CO-NSA.") % {
                "code": row["subdivision"]})
        else:
            subdivision = found
    if not _empty(row.get("municipality")):
        found = lookups.municipality(row["municipality"], subdivisions={subdivision.code} if subdivision else set())
        if isinstance(found, list):
            _ambiguous(f"{path}.municipality", row["municipality"], found, lambda m: m.pcode, problems)
        elif found is None:
            problems.add(f"{path}.municipality", _(
                "Unknown municipality “%(code)s”: use its official code (p-code), e.g. CO54001.") % {
                "code": row["municipality"]})
        else:
            municipality = found
    if all(_empty(row.get(key)) for key in ("country", "subdivision", "municipality")):
        problems.add(path, _("Name a country, a subdivision or a municipality."))
    percentage = _share(row.get("percentage"), f"{path}.percentage", problems)
    if len(problems.errors) != before:
        return None
    # A unit names its parents: "CO54001" alone is in CO-NSA, in Colombia.
    if municipality is not None and subdivision is None:
        subdivision = municipality.subdivision
    if subdivision is not None and country is None:
        country = subdivision.country
    return {"country": country, "subdivision": subdivision, "municipality": municipality, "percentage": percentage}


def _theme(row, path, lookups, problems):
    vocabulary, code = row.get("vocabulary"), row.get("code")
    if _empty(vocabulary) or _empty(code):
        problems.add(path, _("Give the vocabulary (quito-axes or lines-of-work-2023) and the code of the theme."))
        return None
    term = lookups.term(str(vocabulary).strip(), code)
    percentage = _share(row.get("percentage"), f"{path}.percentage", problems)
    if term is None:
        problems.add(f"{path}.code", _("Unknown theme “%(code)s” in “%(vocabulary)s”.") % {
            "code": code, "vocabulary": vocabulary})
        return None
    return None if percentage is None else {"term": term, "percentage": percentage}


def _marker(row, path, lookups, problems):
    marker = lookups.marker(row.get("marker") or "")
    if marker is None:
        problems.add(f"{path}.marker", _("Unknown cross-cutting approach “%(code)s”.") % {"code": row.get("marker")})
        return None
    significance = to_count(row.get("significance")) if not _empty(row.get("significance")) else None
    if significance not in (0, 1, 2):
        problems.add(f"{path}.significance", _("Significance is 0, 1 or 2."))
        return None
    return {"marker": marker, "significance": significance}


def _people(row, path, lookups, problems):
    dimension = str(row.get("dimension") or "").strip()
    if dimension not in ProjectPeople.Dimension.values:
        problems.add(f"{path}.dimension", _("Unknown breakdown “%(dimension)s”: use population_group or sex_age.") % {
            "dimension": dimension})
        return None
    people = _count(row.get("people"), f"{path}.people", problems)
    if people is None:
        if _empty(row.get("people")):
            problems.add(f"{path}.people", _("Give the number of people."))
        return None
    return {"dimension": dimension, "category": str(row.get("category") or "").strip(), "people": people}


def _budget_year(row, path, lookups, problems):
    year = to_count(row.get("year")) if not _empty(row.get("year")) else None
    amount = _amount(row.get("amount"), f"{path}.amount", problems)
    if year is None:
        problems.add(f"{path}.year", _("“%(value)s” is not a year.") % {"value": row.get("year")})
        return None
    if amount is None:
        if _empty(row.get("amount")):
            problems.add(f"{path}.amount", _("Give the amount of the year."))
        return None
    return {"year": year, "amount": amount}


def _funding(row, path, lookups, problems):
    before = len(problems.errors)
    funder = None
    if _empty(row.get("funder")):
        problems.add(f"{path}.funder", _("Name who secured the funding."))
    else:
        funder = _organisation(row["funder"], f"{path}.funder", lookups, problems)
    amount = _amount(row.get("amount"), f"{path}.amount", problems)
    if amount is None and _empty(row.get("amount")):
        problems.add(f"{path}.amount", _("Give the amount."))
    value_date = _date(row.get("value_date"), f"{path}.value_date", problems)
    if value_date is None and _empty(row.get("value_date")):
        problems.add(f"{path}.value_date", _("Give the date whose exchange rate converts the amount."))
    currency = str(row.get("currency") or "").strip().upper()
    if not currency:
        problems.add(f"{path}.currency", _("Give the currency."))
    if len(problems.errors) != before:
        return None
    return {"funder": funder, "amount": amount, "currency": currency, "value_date": value_date}


def _participant(row, path, lookups, problems):
    if _empty(row.get("organisation")):
        problems.add(f"{path}.organisation", _("Name the organisation."))
        return None
    organisation = _organisation(row["organisation"], f"{path}.organisation", lookups, problems)
    if organisation is None:
        return None
    return {"organisation": organisation, "role": str(row.get("role") or "").strip()}


def _contact(row, path, lookups, problems):
    return {key: str(row.get(key) or "").strip() for key in ("name", "position", "email", "phone")}
