"""Values as people and programs write them: numbers, dates, blanks, names matched loosely, drop-down entries."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

DISPLAY_SEPARATOR = " — "  # "CO-NSA — Norte de Santander": the drop-downs' code and name


def is_blank(value) -> bool:
    """Nothing written: None, or text of spaces only (a cell, a form field, a payload entry)."""
    return value is None or (isinstance(value, str) and not value.strip())


def leading_code(reference: str) -> str:
    """"CO-NSA — Norte de Santander" → "CO-NSA": what a drop-down entry stands for."""
    return reference.split(DISPLAY_SEPARATOR)[0].strip()


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


MAX_COUNT_DIGITS = 18  # far beyond any count a field holds; int() of 1e999999 would take seconds


def to_count(value) -> int | None:
    number = to_decimal(value)
    if number is None or number < 0 or (number and number.adjusted() > MAX_COUNT_DIGITS):
        return None
    if number != number.to_integral_value():
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
