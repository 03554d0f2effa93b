"""Which currency codes the platform takes: the ISO 4217 codes in use, from the list pycountry ships.

ISO 4217 also lists codes that are no currency a budget is kept in: precious metals, bond-market
units, units of account, the testing code and "no currency" (``XXX``). They are left out, as are
codes ISO has withdrawn. Fund codes (``CLF``, ``COU``…) stay: they are in use in the region.
"""

import unicodedata
from functools import lru_cache

import pycountry
from babel.numbers import get_currency_name, get_territory_currencies
from django.utils import timezone

NOT_CURRENCIES = frozenset({
    "XAG", "XAU", "XPD", "XPT",  # silver, gold, palladium, platinum
    "XBA", "XBB", "XBC", "XBD",  # European bond-market units
    "XDR", "XSU", "XUA", "XAD",  # units of account (IMF, Sucre, African Development Bank, Arab Monetary Fund)
    "XTS", "XXX",  # reserved for testing; no currency involved
})


@lru_cache(maxsize=1)
def active_currencies() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies) - NOT_CURRENCIES


def is_active_currency(code) -> bool:
    """Whether ``code`` (upper case, as stored) is an ISO 4217 currency in use: COP yes, XXX, ZZZ, cop no."""
    return isinstance(code, str) and code in active_currencies()


# The region's currencies come first in every list: the dollar and the euro (most funding is in one of
# them), then those of the 13 member states and of Venezuela (docs: ../shared/DOMAIN.md, "Who takes part").
LEADING_CURRENCIES = ("USD", "EUR")
REGION_TERRITORIES = ("AR", "BR", "CL", "CO", "CR", "DO", "EC", "GY", "MX", "PA", "PY", "PE", "UY", "VE")


@lru_cache(maxsize=1)
def region_currencies() -> tuple[str, ...]:
    """The currencies in legal use today in the member states and Venezuela (Babel's CLDR territory data)."""
    codes = []
    for territory in REGION_TERRITORIES:
        for code in get_territory_currencies(territory, start_date=timezone.localdate(), tender=True):
            if code in active_currencies() and code not in codes:
                codes.append(code)
    return tuple(codes)


def currency_label(code: str, locale: str) -> str:
    """"Peso colombiano (COP)": a currency by its name in the reader's language, with its code."""
    name = get_currency_name(code, locale=locale)
    return f"{name[:1].upper()}{name[1:]} ({code})" if name != code else code


@lru_cache(maxsize=8)
def currency_choices(locale: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """((code, label), …) of the region's currencies (USD, EUR, then by name), and of all others by name."""
    by_name = lambda code: sort_key(get_currency_name(code, locale=locale))  # noqa: E731
    region = sorted((code for code in region_currencies() if code not in LEADING_CURRENCIES), key=by_name)
    leading = (*LEADING_CURRENCIES, *region)
    others = sorted(active_currencies() - set(leading), key=by_name)
    return (tuple((code, currency_label(code, locale)) for code in leading),
            tuple((code, currency_label(code, locale)) for code in others))


def sort_key(name: str) -> str:
    """A sort key that puts "Ð", "é" and "e" together: accents and case set aside."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
