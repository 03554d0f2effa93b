"""Numbers from outside are bounded before use (finding 1 of issue 8): the helper every adapter uses."""

from decimal import Decimal

import pytest

from minga.common.numbers import MAX_COUNT, NumberInvalid, bounded_amount, parse_amount, parse_count

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(("text", "expected"), [
    ("", None), ("  ", None), (None, None), ("0", Decimal("0")), ("1000000", Decimal("1000000")),
    (" 12.50 ", Decimal("12.50")), ("1e6", Decimal("1e6")), ("9999999999999999.99", Decimal("9999999999999999.99")),
    ("1.000", Decimal("1.000")),
])
def test_an_amount_within_bounds_is_read(text, expected):
    assert parse_amount(text, field="gap_min") == expected


@pytest.mark.parametrize(("text", "message"), [
    ("1e999990", "Too large: at most 9999999999999999.99."),
    ("1e999999", "Too large: at most 9999999999999999.99."),
    ("10000000000000000", "Too large: at most 9999999999999999.99."),
    ("-1e20", "An amount cannot be negative."),
    ("0.001", "At most 2 decimal places."),
    ("1e-999999", "At most 2 decimal places."),
    ("9" * 100_000, "Too many digits: at most 40 characters."),
    ("abc", "Not a number."),
    ("NaN", "Not a number."),
    ("Infinity", "Not a number."),
])
def test_an_amount_out_of_bounds_is_refused_naming_the_parameter(text, message):
    # The size is read from the exponent: "1e999990" is refused without ever becoming a million-digit number.
    with pytest.raises(NumberInvalid) as caught:
        parse_amount(text, field="gap_min")
    assert (caught.value.field, caught.value.message) == ("gap_min", message)


def test_lenient_drops_what_is_no_number_but_still_refuses_a_number_out_of_bounds():
    assert parse_amount("abc", field="gap_min", lenient=True) is None
    assert parse_amount("NaN", field="gap_min", lenient=True) is None
    with pytest.raises(NumberInvalid):
        parse_amount("1e999999", field="gap_min", lenient=True)
    assert parse_amount("-5", field="gap_min", signed=True) == Decimal("-5")


def test_bounded_amount_may_let_more_decimal_places_through_but_never_the_magnitude():
    assert bounded_amount(Decimal("0.30000000000000004"), field="x", places=False) == Decimal("0.30000000000000004")
    with pytest.raises(NumberInvalid):
        bounded_amount(Decimal("1e308"), field="budget_amount", places=False)


@pytest.mark.parametrize(("text", "expected"), [(None, 7), ("", 7), ("3", 3), (" 12 ", 12), (str(MAX_COUNT), MAX_COUNT)])
def test_a_count_within_bounds_is_read(text, expected):
    assert parse_count(text, field="page", default=7) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("12345678901234567890", "Between 0 and 2147483647."),
    ("-1", "Between 0 and 2147483647."),
    ("1.5", "Not a whole number."),
    ("1e3", "Not a whole number."),
    ("9" * 100_000, "Too many digits: at most 40 characters."),
])
def test_a_count_out_of_bounds_is_refused_naming_the_parameter(text, message):
    with pytest.raises(NumberInvalid) as caught:
        parse_count(text, field="offset")
    assert (caught.value.field, caught.value.message) == ("offset", message)
