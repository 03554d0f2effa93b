"""Which currency codes the platform takes: the ISO 4217 codes in use, from the list pycountry ships.

ISO 4217 also lists codes that are no currency a budget is kept in: precious metals, bond-market
units, units of account, the testing code and "no currency" (``XXX``). They are left out, as are
codes ISO has withdrawn. Fund codes (``CLF``, ``COU``…) stay: they are in use in the region.
"""

from functools import lru_cache

import pycountry

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
