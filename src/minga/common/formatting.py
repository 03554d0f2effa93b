"""Numbers, money and dates written the way the reader's language writes them (CLDR via Babel).

One module so that every page, export and report formats alike.
"""

from datetime import date
from decimal import Decimal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils.translation import get_language

# The platform's three languages, each with the CLDR locale whose conventions it follows.
BABEL_LOCALES = {"es": "es", "pt": "pt_BR", "en": "en"}


def current_locale() -> str:
    return BABEL_LOCALES.get((get_language() or "es")[:2], "es")


def format_number(value, *, digits: int | None = None, locale: str | None = None) -> str:
    if value is None:
        return ""
    pattern = None
    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=locale or current_locale())


def format_money(amount, currency: str, *, locale: str | None = None) -> str:
    if amount is None:
        return ""
    return babel_numbers.format_currency(Decimal(amount), currency, locale=locale or current_locale())


def format_compact_money(amount, currency: str, *, locale: str | None = None) -> str:
    """US$ 2,79 mil M / US$2.79B: short form for headline figures."""
    if amount is None:
        return ""
    return babel_numbers.format_compact_currency(
        Decimal(amount), currency, locale=locale or current_locale(), fraction_digits=2)


def format_date(value: date | None, *, form: str = "long", locale: str | None = None) -> str:
    if value is None:
        return ""
    return babel_dates.format_date(value, format=form, locale=locale or current_locale())


def format_month(value: date | None, *, locale: str | None = None) -> str:
    if value is None:
        return ""
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


def format_percent(value, *, locale: str | None = None) -> str:
    if value is None:
        return ""
    return babel_numbers.format_percent(value, format="#,##0.0%", locale=locale or current_locale())
