"""Rounded amounts are written rounded, in each reader's own format; numbers inside notes too."""

import pytest

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


def test_while_a_table_is_rendered_for_its_csv_values_are_written_for_machines():
    from datetime import date
    from decimal import Decimal

    from minga.common import formatting

    day = date(2026, 11, 28)
    with formatting.machine_values():
        assert [formatting.format_number(1234567.891, locale="es"), formatting.format_number(Decimal("7.25"), digits=1),
                formatting.format_number(2860000), formatting.format_money(Decimal("1234.50"), "USD", locale="es"),
                formatting.format_money(810000000, "EUR"), formatting.format_compact_money(2790000000, "USD"),
                formatting.format_approximate_money(110000000, "USD"), formatting.format_approximate_number(7890000),
                formatting.format_date(day), formatting.format_date(day, form="medium"), formatting.format_month(day),
                formatting.format_date_as_precise_as(day, "month"), formatting.format_percent(Decimal("0.4567")),
                formatting.format_number(None)] == [
            "1234567.891", "7.2", "2860000", "1234.50", "810000000 EUR", "2790000000", "110000000", "7890000",
            "2026-11-28", "2026-11-28", "2026-11", "2026-11", "45.7", ""]
    # and only while it is rendered: the next page is written in its reader's format again
    assert (formatting.format_number(1234567.891, locale="es"), formatting.format_date(day, locale="es")) == (
        "1.234.567,891", "28 de noviembre de 2026")
