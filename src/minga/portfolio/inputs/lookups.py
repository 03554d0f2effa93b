"""The reference data a payload names, found by code (or leniently by name), read once per request or upload."""

import re

from babel.numbers import get_territory_currencies
from django.db.models import Q
from django.utils import timezone

from minga.common.numbers import NumberInvalid, parse_count
from minga.common.text import normalise_name
from minga.portfolio.inputs.values import leading_code
from minga.reference.models import Country, ExchangeRate, Marker, Municipality, Organisation, Subdivision, Term

DONOR_CURRENCIES = ("USD", "EUR", "CAD", "GBP", "CHF", "JPY", "NOK", "SEK", "DKK", "AUD", "KRW")


def currencies() -> list[str]:
    """The currency codes offered while typing (the form's and the template's lists; any ISO 4217 code is taken)."""
    codes = set(DONOR_CURRENCIES) | set(ExchangeRate.objects.values_list("currency", flat=True).distinct())
    for country in Country.objects.filter(is_member_state=True):
        codes.update(get_territory_currencies(country.iso2, start_date=timezone.localdate()))
    return sorted(codes)


class Lookups:
    """The reference data a payload names, read once per request or upload (an upload may have bulk.MAX_ROWS rows)."""

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
            wanted = normalise_name(leading_code(str(reference)))
            matches = [c for c in self._countries.values() if wanted in {
                normalise_name(c.name_es), normalise_name(c.name_pt), normalise_name(c.name_en), c.iso2.casefold()}]
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
        wanted = normalise_name(leading_code(str(reference)))
        matches = [s for s in self._subdivisions.values() if normalise_name(s.name) == wanted]
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
                self._municipality_names.setdefault(normalise_name(unit.name), []).append(unit)
        matches = self._municipality_names.get(normalise_name(text), [])
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
            wanted = normalise_name(code)
            matches = [t for (v, _c), t in self._terms.items() if v == vocabulary and wanted in {
                normalise_name(t.label_es), normalise_name(t.label_pt), normalise_name(t.label_en)}]
            found = matches[0] if len(matches) == 1 else None
        return found

    def marker(self, reference) -> Marker | None:
        if self._markers is None:
            self._markers = {m.code: m for m in Marker.objects.all()}
        code = leading_code(str(reference))
        found = self._markers.get(code) or self._markers.get(code.casefold())
        if found is None and self.lenient:
            wanted = normalise_name(code)
            matches = [m for m in self._markers.values()
                       if wanted in {normalise_name(m.label_es), normalise_name(m.label_pt), normalise_name(m.label_en)}]
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
            found = _by_number(queryset, key)
        elif bracketed and self.lenient:
            found = _by_number(queryset, bracketed.group(1))
        if found is None and key and not key.isdigit():
            found = queryset.filter(iati_identifier__iexact=key).first()
        if found is None and key and self.lenient:
            matches = list(queryset.filter(Q(name__iexact=key) | Q(acronym__iexact=key))[:2])
            found = matches[0] if len(matches) == 1 else None
        self._organisations[key] = found
        return found


def _by_number(queryset, digits: str):
    """The record numbered ``digits``; None beyond the ids a database holds (a 20-digit number would overflow
    the query, a 5,000-digit one int() itself)."""
    try:
        number = parse_count(digits, field="id", minimum=1)
    except NumberInvalid:
        return None
    return queryset.filter(pk=number).first()

