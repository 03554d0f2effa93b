"""Numbers from outside (query strings, API bodies, spreadsheet cells), parsed with bounds before any use.

An unbounded number is work an attacker chooses: ``Decimal("1e999990")`` is cheap to write but
turning it into an integer (the facet index counts in cents) runs for minutes, ``1e999999``
overflows the decimal context, and a 20-digit offset overflows the database's integers. So the
text is bounded first (its length), then the value (its magnitude and decimal places), and only
then is it used. The bounds follow the model fields: amounts are ``DecimalField(max_digits=18,
decimal_places=2)``, so at most 16 digits before the point and 2 after.

A refused value raises :class:`NumberInvalid`, which names the parameter and says why; pages and
exports answer it with 400, the API with 422.
"""

import re
from decimal import Decimal, InvalidOperation

from babel import numbers as babel_numbers
from django.utils.translation import gettext as _

from minga.common.errors import ParameterInvalid
from minga.common.formatting import current_locale, for_machines

AMOUNT_INTEGER_DIGITS = 16  # max_digits=18 − decimal_places=2
AMOUNT_DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal(10) ** AMOUNT_INTEGER_DIGITS - Decimal("0.01")  # 9999999999999999.99
MAX_TEXT = 40  # characters of a number's text: far more than any bounded amount needs in any notation
CENT = Decimal("0.01")
MAX_COUNT = 2**31 - 1  # an IntegerField; an offset or page number beyond it is no use to anyone


class NumberInvalid(ParameterInvalid):
    """A number that may not be used, with the parameter (or field path) it came in and why."""


def _text(value, field: str) -> str:
    text = value.strip() if isinstance(value, str) else str(value)
    if len(text) > MAX_TEXT:
        raise NumberInvalid(field, _("Too many digits: at most %(max)s characters.") % {"max": MAX_TEXT})
    return text


def parse_amount(value, *, field: str, signed: bool = False, lenient: bool = False) -> Decimal | None:
    """An amount of money from text (a query string): None for a blank, else a bounded Decimal.

    ``lenient``: text that is not a number at all (``abc``, ``NaN``) gives None instead of an error
    (a filter drops it, as it always did); a number out of bounds is refused either way.
    ``signed``: negative amounts are allowed.
    """
    if value is None:
        return None
    text = _text(value, field)
    if not text:
        return None
    try:
        number = Decimal(text)  # bounded text: a bounded cost, even for 1e999999
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        if lenient:
            return None
        raise NumberInvalid(field, _("Not a number."))
    return bounded_amount(number, field=field, signed=signed)


def bounded_amount(number: Decimal, *, field: str, signed: bool = False, places: bool = True) -> Decimal:
    """``number`` if an amount field can hold it: below 10^16, and (``places``) at most 2 decimal places.

    ``places=False`` lets more decimal places through (a spreadsheet's 0.30000000000000004: the
    field rounds it to cents when it is stored); the magnitude is checked either way.
    """
    if not number.is_finite():
        raise NumberInvalid(field, _("Not a number."))
    if not signed and number < 0:
        raise NumberInvalid(field, _("An amount cannot be negative."))
    # adjusted() is the exponent of the leading digit, read off the value without arithmetic on it.
    if number and number.adjusted() >= AMOUNT_INTEGER_DIGITS:
        raise NumberInvalid(field, _("Too large: at most %(max)s.") % {"max": f"{MAX_AMOUNT:f}"})
    if places and number.as_tuple().exponent < -AMOUNT_DECIMAL_PLACES and number != number.quantize(CENT):
        raise NumberInvalid(field, _("At most %(places)s decimal places.") % {"places": AMOUNT_DECIMAL_PLACES})
    return number


def parse_count(value, *, field: str, minimum: int = 0, maximum: int = MAX_COUNT, default: int | None = None
                ) -> int | None:
    """A whole number between ``minimum`` and ``maximum``; ``default`` for a blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise NumberInvalid(field, _("Not a whole number."))
    if isinstance(value, int):
        number = value
    else:
        text = _text(value, field)
        if not text.isascii() or not text.lstrip("+-").isdigit():
            raise NumberInvalid(field, _("Not a whole number."))
        number = int(text)  # at most MAX_TEXT digits
    if not minimum <= number <= maximum:
        raise NumberInvalid(field, _("Between %(minimum)s and %(maximum)s.") % {"minimum": minimum,
                                                                              "maximum": maximum})
    return number


# Amounts as people type them in a form, in the reader's language ------------------------------------
# "8.000.000.000,50" in Spanish and Portuguese, "8,000,000,000.50" in English. Babel reads the locale's
# grouping and decimal symbols strictly (a group in the wrong place is refused, not guessed at); before
# it, the text is held to ASCII digits and those two symbols, since Babel would also take "1e5", "NaN",
# "1_000" or digits of other scripts.
EXAMPLE_AMOUNT = Decimal("8000000000.50")


def _locale(locale: str | None) -> str:
    return locale or current_locale()


def amount_example(locale: str | None = None) -> str:
    """8.000.000.000,50 / 8,000,000,000.50: how the reader's language writes an amount."""
    return babel_numbers.format_decimal(EXAMPLE_AMOUNT, format="#,##0.00", locale=_locale(locale))


def format_amount_input(value, locale: str | None = None, *, least_places: int = 2) -> str:
    """An amount as a form shows it back, in the reader's locale, so that sending it unchanged reads the same value.

    Grouped, with cents only when it has some ("8.000.000.000", "8.000.000.000,50"): exactly what
    :func:`parse_localized_amount` reads back.
    """
    if value is None or value == "":
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(value)
    if for_machines():  # the page read back for its tables' CSV (minga.common.html_tables): 8000000000.50
        return format(number, "f")
    # Cents as money shows them ("600.000.000,50"); none for a whole amount, however it was stored (600000000.00).
    # A share of one place (a progress of 12.5 %) is shown as typed, "12,5" (``least_places``=1).
    places = (0 if number == number.to_integral_value()
              else max(least_places, -number.normalize().as_tuple().exponent))
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return babel_numbers.format_decimal(number, format=pattern, locale=_locale(locale), decimal_quantization=False)


def _parsed(text: str, shape: str, locale: str) -> Decimal | None:
    """``text`` read as ``locale`` writes numbers (Babel, strict: grouped as the locale groups), when it has
    ``shape`` and ends with a digit; else None."""
    if not (re.fullmatch(shape, text) and text[-1].isdigit()):
        return None
    try:
        return babel_numbers.parse_decimal(text, locale=locale, strict=True)
    except babel_numbers.NumberFormatError:
        return None


def parse_localized_amount(value, *, field: str, locale: str | None = None, signed: bool = False) -> Decimal | None:
    """An amount typed in a form in the reader's locale: None for a blank, else a bounded Decimal.

    Refuses (with :class:`NumberInvalid` naming the expected form with an example in that locale) text
    that is not written as that locale writes numbers: ``8.000,000.5``, ``8,000.5`` in Spanish,
    ``8.000.000`` in English, ``1e5``.
    """
    if value is None:
        return None
    if isinstance(value, Decimal | int):
        return bounded_amount(Decimal(value), field=field, signed=signed)
    text = _text(value, field)
    if not text:
        return None
    locale = _locale(locale)
    group, decimal = babel_numbers.get_group_symbol(locale), babel_numbers.get_decimal_symbol(locale)
    allowed = "0-9" + re.escape(group) + re.escape(decimal)
    number = _parsed(text, rf"{'-?' if signed else ''}[0-9][{allowed}]*", locale)
    if number is None:
        if text.startswith("-") and not signed and re.fullmatch(rf"-[{allowed}]+", text):
            raise NumberInvalid(field, _("An amount cannot be negative."))
        raise NumberInvalid(field, _("“%(text)s” is not an amount as written in this language: write it like "
                                     "%(example)s (“%(group)s” between thousands, “%(decimal)s” before the "
                                     "cents).") % {"text": text, "example": amount_example(locale),
                                                   "group": group, "decimal": decimal})
    return bounded_amount(number, field=field, signed=signed)


# Whole numbers (people) as people type them in a form: "2.000" in Spanish and Portuguese, "2,000" in English.
# Django's own IntegerField dropped a trailing ".000" (two thousand people read as two) and refused "1.500".
EXAMPLE_COUNT = 1500


def count_example(locale: str | None = None) -> str:
    """1.500 / 1,500: how the reader's language writes a whole number."""
    return babel_numbers.format_decimal(EXAMPLE_COUNT, format="#,##0", locale=_locale(locale))


def parse_localized_count(value, *, field: str, locale: str | None = None) -> int | None:
    """A whole number typed in a form in the reader's locale: None for a blank, else an int of at most
    ``MAX_TEXT`` characters (the form field checks its range).

    Only digits and the locale's grouping symbol, grouped as the locale groups: ``2.000`` in Spanish, ``2,000`` in
    English; ``2.000`` in English, ``2,5`` or ``1e3`` anywhere are refused with an example in that locale.
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value, field)
    if not text:
        return None
    locale = _locale(locale)
    group = babel_numbers.get_group_symbol(locale)
    digits = text.removeprefix("-")
    number = _parsed(digits, rf"[0-9][0-9{re.escape(group)}]*", locale)
    if number is None or number != number.to_integral_value():
        raise NumberInvalid(field, _("“%(text)s” is not a whole number as written in this language: write it like "
                                     "%(example)s (“%(group)s” between thousands).") % {
            "text": text, "example": count_example(locale), "group": group})
    return -int(number) if text.startswith("-") else int(number)
