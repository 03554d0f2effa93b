"""Amounts typed in a form as the reader's language writes them (``parse_localized_amount``), and shown back
(``format_amount_input``) so that sending a form unchanged reads the same value."""

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.common.numbers import NumberInvalid, amount_example, format_amount_input, parse_localized_amount

LOCALES = ("es", "pt_BR", "en")
# Every amount a field holds: non-negative, below 10^16, in cents.
AMOUNTS = st.decimals(min_value=0, max_value=Decimal("9999999999999999.99"), places=2, allow_nan=False,
                      allow_infinity=False)


@pytest.mark.parametrize(("locale", "text", "expected"), [
    ("es", "8.000.000.000", Decimal("8000000000")),
    ("es", "8.000.000.000,50", Decimal("8000000000.50")),
    ("es", "8000000000", Decimal("8000000000")),
    ("es", "0,5", Decimal("0.5")),
    ("pt_BR", "8.000.000.000", Decimal("8000000000")),
    ("pt_BR", "8.000.000.000,50", Decimal("8000000000.50")),
    ("en", "8,000,000,000.50", Decimal("8000000000.50")),
    ("en", "8000000000.5", Decimal("8000000000.5")),
    ("en", " 8,000 ", Decimal("8000")),
])
def test_an_amount_is_read_as_the_locale_writes_it(locale, text, expected):
    assert parse_localized_amount(text, field="amount", locale=locale) == expected


@pytest.mark.parametrize("text", ["", "   ", None])
def test_a_blank_is_no_amount(text):
    assert parse_localized_amount(text, field="amount", locale="es") is None


SPANISH_FORM = ("8.000.000.000,50 (“.” between thousands, “,” before the cents).")
ENGLISH_FORM = ("8,000,000,000.50 (“,” between thousands, “.” before the cents).")


@pytest.mark.parametrize(("locale", "text", "form"), [
    ("es", "8.000,000.5", SPANISH_FORM),  # ambiguous: both symbols in both roles
    ("es", "8,000,000,000.50", SPANISH_FORM),  # English in Spanish
    ("es", "1.5", SPANISH_FORM),  # a group of one digit
    ("es", "8000000000.555", SPANISH_FORM),
    ("es", "1e5", SPANISH_FORM),  # Babel alone would read these
    ("es", "NaN", SPANISH_FORM),
    ("es", "1_000", SPANISH_FORM),
    ("es", "５", SPANISH_FORM),
    ("es", "8 000", SPANISH_FORM),
    ("es", "8.000,", SPANISH_FORM),
    ("pt_BR", "8.000,000.5", SPANISH_FORM),
    ("en", "8.000.000.000", ENGLISH_FORM),  # Spanish in English
    ("en", "8.000,000.5", ENGLISH_FORM),
    ("en", "8,00", ENGLISH_FORM),
])
def test_malformed_or_ambiguous_text_is_refused_with_the_expected_form(english, locale, text, form):
    with pytest.raises(NumberInvalid) as refused:
        parse_localized_amount(text, field="amount", locale=locale)
    assert refused.value.field == "amount"
    assert refused.value.message == f"“{text.strip()}” is not an amount as written in this language: write it like {form}"


@pytest.mark.parametrize(("text", "message"), [
    ("-5", "An amount cannot be negative."),
    ("-8.000", "An amount cannot be negative."),
    ("8.000.000.000,555", "At most 2 decimal places."),
    ("10.000.000.000.000.000", "Too large: at most 9999999999999999.99."),
    ("1" * 41, "Too many digits: at most 40 characters."),
])
def test_amounts_out_of_bounds_are_refused(english, text, message):
    with pytest.raises(NumberInvalid) as refused:
        parse_localized_amount(text, field="amount", locale="es")
    assert refused.value.message == message


@pytest.mark.parametrize(("locale", "example"), [("es", "8.000.000.000,50"), ("pt_BR", "8.000.000.000,50"),
                                                 ("en", "8,000,000,000.50")])
def test_the_example_is_written_in_the_locale(locale, example):
    assert amount_example(locale) == example


@pytest.mark.parametrize(("value", "es", "en"), [
    (Decimal("600000000.00"), "600.000.000", "600,000,000"),
    (Decimal("600000000.50"), "600.000.000,50", "600,000,000.50"),
    (Decimal("0.05"), "0,05", "0.05"),
    (Decimal("8000"), "8.000", "8,000"),
    (None, "", ""),
])
def test_a_saved_amount_is_shown_in_the_locale(value, es, en):
    assert (format_amount_input(value, "es"), format_amount_input(value, "en")) == (es, en)


@pytest.mark.parametrize("locale", LOCALES)
@settings(deadline=None)
@given(amount=AMOUNTS)
def test_babels_formatting_reads_back_the_same_value(locale, amount):
    assert parse_localized_amount(format_decimal(amount, locale=locale), field="amount", locale=locale) == amount


@pytest.mark.parametrize("locale", LOCALES)
@settings(deadline=None)
@given(amount=AMOUNTS)
def test_what_a_form_shows_reads_back_the_same_value(locale, amount):
    assert parse_localized_amount(format_amount_input(amount, locale), field="amount", locale=locale) == amount


def test_the_refusal_is_worded_in_the_readers_language():
    with translation.override("es"), pytest.raises(NumberInvalid) as refused:
        parse_localized_amount("8.000,000.5", field="monto", locale="es")
    assert refused.value.message == ("“8.000,000.5” no es un monto escrito como en este idioma: escríbalo como "
                                     "8.000.000.000,50 (“.” entre los miles, “,” antes de los céntimos).")
    with translation.override("pt-br"), pytest.raises(NumberInvalid) as refused:
        parse_localized_amount("8,000.5", field="valor", locale="pt_BR")
    assert refused.value.message == ("“8,000.5” não é um valor escrito como neste idioma: escreva-o como "
                                     "8.000.000.000,50 (“.” entre os milhares, “,” antes dos centavos).")
