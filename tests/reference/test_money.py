"""Conversion to US dollars: ECB rates from the package, the platform's table for the others, never a silent zero."""

from datetime import date
from decimal import Decimal

import pytest

from minga.reference.models import ExchangeRate, Source
from minga.reference.money import RateTable, to_usd

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_euro_on_the_day_of_the_2021_conference():
    conversion = to_usd(Decimal("1000000"), "EUR", date(2021, 6, 17))
    assert conversion.usd == Decimal("1193700.00")
    assert conversion.rate_date == date(2021, 6, 17)


def test_weekend_takes_the_last_published_ecb_rate():
    saturday, friday = to_usd(100, "CAD", date(2021, 6, 19)), to_usd(100, "CAD", date(2021, 6, 18))
    assert saturday.usd == friday.usd and saturday.converted


def test_peso_uses_the_platforms_rate_table_at_the_value_date():
    # The demo keeps an illustrative COP rate of 4,000 per USD from 2 January 2026.
    conversion = to_usd(Decimal("6000000000"), "COP", date(2026, 3, 1))
    assert (conversion.usd, conversion.rate, conversion.rate_date) == (Decimal("1500000.00"), Decimal("4000"), date(2026, 1, 2))
    assert "illustrative" in conversion.rate_source


def test_newer_rate_wins_only_from_its_date():
    source = Source.objects.get(load_key="source:illustrative")
    ExchangeRate.objects.create(currency="COP", on_date=date(2026, 6, 1), units_per_usd=Decimal("5000"), source=source)
    assert to_usd(5000, "COP", date(2026, 5, 31)).usd == Decimal("1.25")
    assert to_usd(5000, "COP", date(2026, 6, 1)).usd == Decimal("1.00")


def test_amount_before_any_rate_is_not_converted_and_says_why():
    conversion = to_usd(1000, "COP", date(2020, 1, 1))
    assert conversion.usd is None and not conversion.converted
    assert conversion.reason == "no COP rate on or before 2020-01-01 in the rate table"


def test_unknown_currency_is_not_converted_never_zero():
    conversion = to_usd(1000, "VES", date(2026, 1, 10))
    assert conversion.usd is None
    assert conversion.reason == "no rate for VES: the secretariat can add one to the rate table"


def test_the_rate_table_read_once_gives_the_rate_each_conversion_takes():
    # ``RateTable`` (the IATI import's reading process converts with it, away from the database) against ``to_usd``
    # on every kind of case: the dollar, ECB currencies on a weekday, a weekend, before the ECB's first rate and
    # after its last; the platform's own table before its first rate, on and between its dates; no rate at all.
    source = Source.objects.get(load_key="source:illustrative")
    ExchangeRate.objects.create(currency="COP", on_date=date(2026, 6, 1), units_per_usd=Decimal("5000"), source=source)
    ExchangeRate.objects.create(currency="PEN", on_date=date(2025, 1, 15), units_per_usd=Decimal("3.7512"),
                                source=source)
    table = RateTable()
    days = [date(1990, 1, 1), date(2020, 1, 1), date(2021, 6, 19), date(2025, 1, 14), date(2025, 1, 15),
            date(2026, 1, 2), date(2026, 5, 31), date(2026, 6, 1), date(2031, 1, 1)]
    seen = set()
    for currency in ("USD", "EUR", "CAD", "BRL", "COP", "PEN", "ZZZ"):
        for day in days:
            conversion = to_usd(Decimal(1), currency, day)
            rate, problem = table.rate(currency, day)
            assert (rate, problem) == (conversion.rate if conversion.converted else None, conversion.problem), (
                currency, day)
            seen.add(problem or ("own" if conversion.source not in ("", "ecb") else conversion.source or "usd"))
    assert seen == {"usd", "ecb", "own", "no_rate", "no_rate_before_date"}
