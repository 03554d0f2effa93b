"""Rounded amounts are written rounded, in each reader's own format; numbers inside notes too."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from minga.common import formatting
from minga.common.formatting import (
    format_approximate_money,
    format_approximate_number,
    note_placeholders_valid,
    render_note,
)


@pytest.mark.parametrize(("amount", "currency", "locale", "expected"), [
    (110_000_000, "USD", "es", "110 millones de US$"),
    (110_000_000, "USD", "pt_BR", "US$ 110 milhões"),
    (110_000_000, "USD", "en", "US$110 million"),
    (2_350_000_000, "USD", "es", "2,35 mil millones de US$"),
    (2_350_000_000, "USD", "pt_BR", "US$ 2,35 bilhões"),
    (2_350_000_000, "USD", "en", "US$2.35 billion"),
    (810_000_000, "EUR", "es", "810 millones de €"),
    (810_000_000, "EUR", "pt_BR", "€ 810 milhões"),
    (810_000_000, "EUR", "en", "€810 million"),
    (1_554_000_000, "USD", "en", "US$1.554 billion"),  # the precision the source gave, not less
    (1_400_000_000, "USD", "pt_BR", "US$ 1,4 bilhão"),
    (500, "USD", "es", "500 US$"),  # too small for a word: written plainly
])
def test_approximate_amounts_are_written_rounded_in_the_readers_format(amount, currency, locale, expected):
    assert format_approximate_money(amount, currency, locale=locale) == expected


def test_an_approximate_amount_never_shows_every_digit():
    assert format_approximate_money(110_000_000, "USD", locale="es") != "110.000.000,00 US$"
    assert format_approximate_money(None, "USD", locale="es") == ""


@pytest.mark.parametrize(("value", "locale", "expected"), [
    (2_860_000, "es", "2,86 millones"), (2_860_000, "pt_BR", "2,86 milhões"), (2_860_000, "en", "2.86 million"),
    (7_891_000, "en", "7.891 million"), (58_200, "es", "58,2 mil"), (58_200, "en", "58.2 thousand"),
])
def test_approximate_people_counts_are_written_rounded(value, locale, expected):
    assert format_approximate_number(value, locale=locale) == expected


def test_a_note_writes_its_numbers_in_the_readers_format():
    assert render_note("casi {EUR 810000000}", locale="es") == "casi 810 millones de €"
    assert render_note("quase {EUR 810000000}", locale="pt_BR") == "quase € 810 milhões"
    assert render_note("almost {EUR 810000000}, {2890000} people", locale="en") == "almost €810 million, 2.89 million people"
    assert render_note("", locale="en") == ""


@pytest.mark.parametrize(("text", "valid"), [
    ("", True), ("registered in the ETPV", True), ("almost {EUR 810000000}", True), ("{2890000} people", True),
    ("{EUR 1} plus {EUR 2}", True), ("almost {eur 810}", False), ("a {note}", False), ("unclosed {EUR 1", False),
    ("stray }", False),
])
def test_only_amount_and_number_placeholders_are_allowed_in_notes(text, valid):
    assert note_placeholders_valid(text) is valid


def test_for_a_tables_csv_a_timestamp_is_written_as_the_day_the_page_shows():
    """Issue 11: "my projects" and the review queue show a timestamp's day ("29 nov 2026"); their CSV has that
    day as an ISO date, not the timestamp with its microseconds."""
    moment = datetime(2026, 11, 29, 18, 58, 22, 712563, tzinfo=UTC)
    assert formatting.format_date(moment, form="medium", locale="es") == "29 nov 2026"
    with formatting.machine_values():
        assert formatting.format_date(moment, form="medium") == "2026-11-29"
        assert formatting.format_date(date(2026, 11, 28)) == "2026-11-28"


def test_for_a_tables_csv_a_forms_amount_box_holds_the_plain_amount():
    """Issue 11: the budget-by-year and secured-funding tables of the project form are read from their text boxes;
    for the CSV a box holds 1500000.50, not the reader's "1.500.000,50"."""
    from minga.common.numbers import format_amount_input

    assert format_amount_input(Decimal("1500000.50"), locale="es") == "1.500.000,50"
    with formatting.machine_values():
        assert format_amount_input(Decimal("1500000.50"), locale="es") == "1500000.50"
        assert format_amount_input(Decimal("250000.00")) == "250000.00"
