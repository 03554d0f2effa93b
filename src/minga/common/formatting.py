"""Numbers, money and dates written the way the reader's language writes them (CLDR via Babel).

One module so that every page, export and report formats alike.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.core import get_global
from django.utils.translation import get_language

# The platform's three languages, each with the CLDR locale whose conventions it follows.
BABEL_LOCALES = {"es": "es", "pt": "pt_BR", "en": "en"}


# On while a page is rendered for its tables' CSV (``machine_values``): every number, amount and date is then
# written as a spreadsheet or HXL tool reads it (1234.50, 2026-11-28), whatever the reader's language.
_MACHINE_VALUES = ContextVar("minga_machine_values", default=False)


@contextmanager
def machine_values():
    token = _MACHINE_VALUES.set(True)
    try:
        yield
    finally:
        _MACHINE_VALUES.reset(token)


def for_machines() -> bool:
    """True while a page renders for its tables' CSV (``machine_values``): a form's fields show plain values too."""
    return _MACHINE_VALUES.get()


def _plain(value, digits: int | None = None) -> str:
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)  # 0.1, not 0.1000000000000000055…
    if digits is not None:
        number = round(number, digits)
    return format(number, "f")  # as stored (1234.50), as a template's |unlocalize writes a cell's data-value


def _plain_money(amount, currency: str) -> str:
    text = _plain(amount)
    return text if currency == "USD" else f"{text} {currency}"  # a column of US dollars stays a column of numbers


def current_locale() -> str:
    return BABEL_LOCALES.get((get_language() or "es")[:2], "es")


def format_number(value, *, digits: int | None = None, locale: str | None = None) -> str:
    if value is None:
        return ""
    if _MACHINE_VALUES.get():
        return _plain(value, digits)
    pattern = None
    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=locale or current_locale())


def format_money(amount, currency: str, *, locale: str | None = None) -> str:
    if amount is None:
        return ""
    if _MACHINE_VALUES.get():
        return _plain_money(amount, currency)
    return babel_numbers.format_currency(Decimal(amount), currency, locale=locale or current_locale())


def format_compact_money(amount, currency: str, *, locale: str | None = None) -> str:
    """US$ 2,79 mil M / US$2.79B: short form for headline figures."""
    if amount is None:
        return ""
    if _MACHINE_VALUES.get():
        return _plain_money(amount, currency)
    return babel_numbers.format_compact_currency(
        Decimal(amount), currency, locale=locale or current_locale(), fraction_digits=2)


def format_date(value: date | None, *, form: str = "long", locale: str | None = None) -> str:
    if value is None:
        return ""
    if _MACHINE_VALUES.get():
        # A date, as the page shows it: a timestamp's day (Babel writes that day too), not its time.
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return babel_dates.format_date(value, format=form, locale=locale or current_locale())


def format_month(value: date | None, *, locale: str | None = None) -> str:
    if value is None:
        return ""
    if _MACHINE_VALUES.get():
        return f"{value.year:04d}-{value.month:02d}"
    return babel_dates.format_skeleton("yMMMM", value, locale=locale or current_locale())


def format_date_as_precise_as(value: date | None, precision: str, *, locale: str | None = None) -> str:
    """A date only as precise as its source gave it: "4 de septiembre de 2018", "noviembre de 2019" or "2018"."""
    if value is None:
        return ""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return format_month(value, locale=locale)
    return format_date(value, locale=locale)


def language_name(code: str, *, locale: str | None = None) -> str:
    """The name of a language (ISO 639-1) as the reader's language writes it: "portugués", "Portuguese"."""
    return Locale.parse(locale or current_locale()).languages.get(code, code)


def time_zones_of(territory: str) -> list[str]:
    """The time zones CLDR gives a country (ISO 3166-1 alpha-2), keeping those the zone database here knows
    (a zone CLDR has and the system's tzdata lacks could be chosen, then not read)."""
    from zoneinfo import available_timezones

    known = available_timezones()
    return [zone for zone in get_global("territory_zones").get(territory.upper(), []) if zone in known]


def time_zone_name(zone: str, *, locale: str | None = None) -> str:
    """A time zone as people name it, not its database code: "Boa Vista (hora del Amazonas)"."""
    locale = locale or current_locale()
    return (f"{babel_dates.get_timezone_location(zone, locale=locale, return_city=True)} "
            f"({babel_dates.get_timezone_name(zone, locale=locale)})")


def format_percent(value, *, locale: str | None = None) -> str:
    if value is None:
        return ""
    if _MACHINE_VALUES.get():
        return _plain(Decimal(value) * 100, 1)
    return babel_numbers.format_percent(value, format="#,##0.0%", locale=locale or current_locale())


# Symbols for approximate amounts: the US dollar is written US$ in every language, since the region has
# many dollars and pesos written "$" (CLDR's English "$" would be ambiguous beside them).
_SYMBOLS = {"USD": "US$"}


def _symbol(currency: str, locale: str) -> str:
    return _SYMBOLS.get(currency) or babel_numbers.get_currency_symbol(currency, locale=locale)


def format_approximate_number(value, *, locale: str | None = None) -> str:
    """A rounded figure written in words: 7,89 millones / 7,89 milhões / 7.89 million; small ones plainly.

    For figures the source gives rounded ("about", "more than", "almost"): writing every digit of
    110000000 would claim a precision the source never had.
    """
    if value is None:
        return ""
    if _MACHINE_VALUES.get():
        return _plain(value)
    locale = locale or current_locale()
    return babel_numbers.format_compact_decimal(Decimal(value), format_type="long", locale=locale,
                                                fraction_digits=3)


def format_approximate_money(amount, currency: str, *, locale: str | None = None) -> str:
    """A rounded amount as the reader's language writes it: "110 millones de US$", "US$ 110 milhões",
    "US$110 million" (never "110.000.000,00 US$" for a total announced as "more than 110 million")."""
    if amount is None:
        return ""
    if _MACHINE_VALUES.get():
        return _plain_money(amount, currency)
    locale = locale or current_locale()
    number = format_approximate_number(amount, locale=locale)
    symbol = _symbol(currency, locale)
    in_words = not number[-1].isdigit()  # "110 millones", not "500"
    language = locale[:2]
    if language == "es":
        return f"{number} de {symbol}" if in_words else f"{number} {symbol}"
    if language == "pt":
        return f"{symbol} {number}"
    return f"{symbol} {number}" if symbol.isalpha() else f"{symbol}{number}"  # "CAD 5 million", "US$5 million"


# "{EUR 810000000}" or "{2890000}" in a note: the number is data, written in the reader's locale.
_PLACEHOLDER = re.compile(r"\{(?:([A-Z]{3}) )?(\d+(?:\.\d+)?)\}")


def note_placeholders_valid(text: str) -> bool:
    """Braces in a note are only amounts ("{EUR 810000000}") or numbers ("{2890000}")."""
    return text.count("{") == text.count("}") == len(_PLACEHOLDER.findall(text))


def render_note(text: str, *, locale: str | None = None) -> str:
    """A note with its amounts and numbers written in the reader's locale, rounded as stated."""
    locale = locale or current_locale()

    def replace(match):
        currency, value = match.group(1), Decimal(match.group(2))
        if currency:
            return format_approximate_money(value, currency, locale=locale)
        return format_approximate_number(value, locale=locale)

    return _PLACEHOLDER.sub(replace, text or "")
