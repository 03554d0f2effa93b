"""Codes in, service input out: how the API and the XLSX upload describe a project to the services.

The services take a ``ProjectInput``: scalar fields and lists of parts holding model instances
(``portfolio.demo.demo_input`` builds a whole one). People and programs outside the platform write
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

from decimal import Decimal

from django.utils.translation import gettext as _

from minga.common.numbers import MAX_COUNT, NumberInvalid, bounded_amount
from minga.portfolio.inputs.fields import (
    AMOUNT_FIELDS,
    BOOL_FIELDS,
    COUNT_FIELDS,
    DATE_FIELDS,
    FIELD_OF_NAME,
    ORGANISATION_FIELDS,
    TEXT_FIELDS,
    Kind,
)
from minga.portfolio.inputs.lookups import Lookups
from minga.portfolio.inputs.project_input import ProjectInput
from minga.portfolio.inputs.values import is_blank, to_count, to_date, to_decimal
from minga.portfolio.models import ProjectPeople
from minga.portfolio.validation import ProjectInvalid


class _Problems:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)


# The payload -----------------------------------------------------------------------------------

def project_input(payload: dict, *, lookups: Lookups | None = None) -> ProjectInput:
    """The services' input for ``payload``; raises ProjectInvalid naming every field path it cannot read."""
    data, errors = project_input_and_errors(payload, lookups=lookups)
    if errors:
        raise ProjectInvalid(errors)
    return data


def project_input_and_errors(payload: dict, *, lookups: Lookups | None = None
                             ) -> tuple[ProjectInput, dict[str, list[str]]]:
    """What could be read of ``payload`` (entries that could not be read are left out), and the errors.

    Only the fields ``payload`` names are given in the input (a PATCH changes only those).
    """
    lookups = lookups or Lookups()
    problems = _Problems()
    data: dict = {}

    for key in FIELD_OF_NAME:
        if key not in payload:
            continue
        value = payload[key]
        if key in TEXT_FIELDS:
            data[key] = "" if value is None else str(value).strip()
            if FIELD_OF_NAME[key].kind == Kind.CURRENCY:
                data[key] = data[key].upper()
        elif key in BOOL_FIELDS:
            data[key] = bool(value)
        elif key in DATE_FIELDS:
            data[key] = _date(value, key, problems)
        elif key in AMOUNT_FIELDS:
            data[key] = _amount(value, key, problems)
        elif key in COUNT_FIELDS:
            data[key] = _count(value, key, problems)
        elif key in ORGANISATION_FIELDS:
            if is_blank(value):
                problems.add(key, _("Name the proposing organisation."))
            else:
                data[key] = _organisation(value, key, lookups, problems)

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

    return ProjectInput(**data), problems.errors


def _date(value, path, problems):
    if is_blank(value):
        return None
    parsed = to_date(value)
    if parsed is None:
        problems.add(path, _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01.") % {"value": value})
    return parsed


def _amount(value, path, problems):
    if is_blank(value):
        return None
    parsed = to_decimal(value)
    if parsed is None:
        problems.add(path, _("“%(value)s” is not an amount.") % {"value": value})
    elif parsed < 0:
        problems.add(path, _("An amount cannot be negative."))
    else:
        try:  # what the amount fields can hold (1e308 would overflow them when stored)
            bounded_amount(parsed, field=path, places=False)
        except NumberInvalid as error:
            problems.add(path, error.message)
            return None
    return parsed


def _count(value, path, problems):
    if is_blank(value):
        return None
    parsed = to_count(value)
    if parsed is None:
        problems.add(path, _("“%(value)s” is not a whole number of people.") % {"value": value})
    elif parsed > MAX_COUNT:  # what the count fields can hold
        problems.add(path, _("Too large: at most %(max)s.") % {"max": MAX_COUNT})
        return None
    return parsed


def _share(value, path, problems):
    if is_blank(value):
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
    if not is_blank(row.get("country")):
        country = lookups.country(row["country"])
        if country is None:
            problems.add(f"{path}.country", _("Unknown country “%(code)s”: use an ISO 3166-1 alpha-3 code such as COL.")
                         % {"code": row["country"]})
    countries = {country.iso3} if country else set()
    if not is_blank(row.get("subdivision")):
        found = lookups.subdivision(row["subdivision"], countries=countries)
        if isinstance(found, list):
            _ambiguous(f"{path}.subdivision", row["subdivision"], found, lambda s: s.code, problems)
        elif found is None:
            problems.add(f"{path}.subdivision", _(
                "Unknown subdivision “%(code)s”: use an ISO 3166-2 code such as CO-NSA.") % {
                "code": row["subdivision"]})
        else:
            subdivision = found
    if not is_blank(row.get("municipality")):
        found = lookups.municipality(row["municipality"], subdivisions={subdivision.code} if subdivision else set())
        if isinstance(found, list):
            _ambiguous(f"{path}.municipality", row["municipality"], found, lambda m: m.pcode, problems)
        elif found is None:
            problems.add(f"{path}.municipality", _(
                "Unknown municipality “%(code)s”: use its official code (p-code), e.g. CO54001.") % {
                "code": row["municipality"]})
        else:
            municipality = found
    if all(is_blank(row.get(key)) for key in ("country", "subdivision", "municipality")):
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
    if is_blank(vocabulary) or is_blank(code):
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
    significance = to_count(row.get("significance")) if not is_blank(row.get("significance")) else None
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
        if is_blank(row.get("people")):
            problems.add(f"{path}.people", _("Give the number of people."))
        return None
    return {"dimension": dimension, "category": str(row.get("category") or "").strip(), "people": people}


def _budget_year(row, path, lookups, problems):
    year = to_count(row.get("year")) if not is_blank(row.get("year")) else None
    amount = _amount(row.get("amount"), f"{path}.amount", problems)
    if year is None:
        problems.add(f"{path}.year", _("“%(value)s” is not a year.") % {"value": row.get("year")})
        return None
    if amount is None:
        if is_blank(row.get("amount")):
            problems.add(f"{path}.amount", _("Give the amount of the year."))
        return None
    return {"year": year, "amount": amount}


def _funding(row, path, lookups, problems):
    before = len(problems.errors)
    funder = None
    if is_blank(row.get("funder")):
        problems.add(f"{path}.funder", _("Name who secured the funding."))
    else:
        funder = _organisation(row["funder"], f"{path}.funder", lookups, problems)
    amount = _amount(row.get("amount"), f"{path}.amount", problems)
    if amount is None and is_blank(row.get("amount")):
        problems.add(f"{path}.amount", _("Give the amount."))
    value_date = _date(row.get("value_date"), f"{path}.value_date", problems)
    if value_date is None and is_blank(row.get("value_date")):
        problems.add(f"{path}.value_date", _("Give the date whose exchange rate converts the amount."))
    currency = str(row.get("currency") or "").strip().upper()
    if not currency:
        problems.add(f"{path}.currency", _("Give the currency."))
    if len(problems.errors) != before:
        return None
    return {"funder": funder, "amount": amount, "currency": currency, "value_date": value_date}


def _participant(row, path, lookups, problems):
    if is_blank(row.get("organisation")):
        problems.add(f"{path}.organisation", _("Name the organisation."))
        return None
    organisation = _organisation(row["organisation"], f"{path}.organisation", lookups, problems)
    if organisation is None:
        return None
    return {"organisation": organisation, "role": str(row.get("role") or "").strip()}


def _contact(row, path, lookups, problems):
    return {key: str(row.get(key) or "").strip() for key in ("name", "position", "email", "phone")}
