"""Where a page finds the boundaries it draws: one static file per country (scripts/split_boundaries.py)."""

from django.templatetags.static import static


def admin1_url(iso3: str) -> str:
    """The static address of ``iso3``'s first-level boundaries (``minga/geo/admin1/<ISO3>.topo.json``): a page
    loads only the countries it shows, never the whole region's file."""
    return static(f"minga/geo/admin1/{iso3.upper()}.topo.json")
