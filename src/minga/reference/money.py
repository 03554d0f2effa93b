"""The one place where money changes currency: amounts to US dollars at their value date.

ECB reference rates come with CurrencyConverter (offline, inside the package). Currencies the ECB
does not publish (COP, PEN, CLP, ARS, UYU, PYG, CRC, DOP, GYD, …) use the platform's own table
(``ExchangeRate``). An amount that cannot be converted comes back with ``usd=None`` and a reason;
callers show it and count it as "not converted", never as zero.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from currency_converter import CurrencyConverter, RateNotFoundError
from django.utils.translation import gettext as _

from minga.reference.models import ExchangeRate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    currency: str
    value_date: date
    usd: Decimal | None
    rate: Decimal | None = None  # units of ``currency`` per US dollar
    rate_date: date | None = None
    source: str = ""  # ECB, or the rate table's source as text
    problem: str = ""  # NO_RATE or NO_RATE_BEFORE_DATE when it could not be converted

    @property
    def converted(self) -> bool:
        return self.usd is not None

    @property
    def rate_source(self) -> str:
        return source_text(self.source)

    @property
    def reason(self) -> str:
        return problem_text(self.problem, currency=self.currency, value_date=self.value_date)


# Kept as codes, not sentences, so that a stored conversion reads in each reader's language.
ECB = "ecb"
NO_RATE, NO_RATE_BEFORE_DATE = "no_rate", "no_rate_before_date"


def source_text(source: str) -> str:
    return _("European Central Bank reference rate") if source == ECB else source


def problem_text(problem: str, *, currency: str, value_date: date | None) -> str:
    if problem == NO_RATE_BEFORE_DATE:
        return _("no %(currency)s rate on or before %(date)s in the rate table") % {
            "currency": currency, "date": value_date.isoformat() if value_date else "?"}
    if problem == NO_RATE:
        return _("no rate for %(currency)s: the secretariat can add one to the rate table") % {"currency": currency}
    return ""


@lru_cache(maxsize=1)
def _ecb() -> CurrencyConverter:
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known",
                             fallback_on_wrong_date=False)


def _ecb_rate(currency: str, on: date) -> tuple[Decimal, date] | None:
    converter = _ecb()
    if currency not in converter.currencies or "USD" not in converter.currencies:
        return None
    first = max(converter.bounds[currency].first_date, converter.bounds["USD"].first_date)
    last = min(converter.bounds[currency].last_date, converter.bounds["USD"].last_date)
    if on < first:
        return None
    rate_date = min(on, last)  # a future value date takes the latest published rate
    try:
        usd_per_unit = converter.convert(1, currency, "USD", date=rate_date)
    except RateNotFoundError:
        return None
    return Decimal(str(1 / usd_per_unit)), rate_date


def to_usd(amount: Decimal | int | str, currency: str, value_date: date) -> Conversion:
    amount = Decimal(amount)
    currency = currency.upper()
    if currency == "USD":
        return Conversion(amount, currency, value_date, amount.quantize(CENT), Decimal(1), value_date, "")
    own = (ExchangeRate.objects.filter(currency=currency, on_date__lte=value_date)
           .select_related("source").order_by("-on_date").first())
    if own is not None:
        usd = (amount / own.units_per_usd).quantize(CENT, ROUND_HALF_UP)
        return Conversion(amount, currency, value_date, usd, own.units_per_usd, own.on_date, str(own.source))
    ecb = _ecb_rate(currency, value_date)
    if ecb is not None:
        rate, rate_date = ecb
        usd = (amount / rate).quantize(CENT, ROUND_HALF_UP)
        return Conversion(amount, currency, value_date, usd, rate, rate_date, ECB)
    problem = NO_RATE_BEFORE_DATE if ExchangeRate.objects.filter(currency=currency).exists() else NO_RATE
    return Conversion(amount, currency, value_date, None, problem=problem)


class RateTable:
    """The rate table read once (one query), then the rate ``to_usd`` takes, without the database: for an import
    that converts many amounts, in a process that never touches the database (the IATI import's reader)."""

    def __init__(self):
        _ecb()  # loaded now, once: a process forked afterwards shares it rather than loading its own copy
        self._own: dict[str, tuple[list[date], list[Decimal]]] = {}
        for currency, on_date, units in (ExchangeRate.objects.order_by("currency", "on_date")
                                         .values_list("currency", "on_date", "units_per_usd")):
            dates, rates = self._own.setdefault(currency, ([], []))
            dates.append(on_date)
            rates.append(units)

    def rate(self, currency: str, value_date: date) -> tuple[Decimal | None, str]:
        """(units of ``currency`` per US dollar, "") as ``to_usd`` converts on ``value_date``; else (None, why)."""
        currency = currency.upper()
        if currency == "USD":
            return Decimal(1), ""
        own = self._own.get(currency)
        if own is not None:
            before = bisect_right(own[0], value_date)  # the latest rate on or before the date, as ``to_usd`` takes it
            if before:
                return own[1][before - 1], ""
        ecb = _ecb_rate(currency, value_date)
        if ecb is not None:
            return ecb[0], ""
        return None, NO_RATE_BEFORE_DATE if own is not None else NO_RATE
