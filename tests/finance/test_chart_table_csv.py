"""The CSV of a funding chart's data table (``?csv=chart-table-…``): numbers as a spreadsheet reads them, on the
hand-built ledger (conftest.py). In 2024 Peru received 211,000 (F3's 70 % of 300,000 and F7's 1,000 committed)."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from minga.finance import services
from minga.reference.models import Country
from tests.tables import table_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(client):
    cache.clear()
    return client


def test_the_gap_maps_csv_gives_coverage_and_a_negative_gap_as_plain_numbers(public, ledger, users, source):
    services.requirement_create(user=users["secretariat"], plan="RMRP 2023-2024", year=2024,
                                country=Country.objects.get(pk="PER"), amount=Decimal(100_000), currency="USD",
                                source=source)
    # the page itself still writes the percentage for people
    page = public.get("/funding/?year=2024", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>211.0 %</td>" in page
    assert table_csv(public, "/funding/?year=2024", "chart-table-gap-map") == [
        ["Country", "Gap", "Coverage"],
        ["#country+name", "#value+funding+gap+usd", "#value+funding+pct"],
        ["Peru", "-111000.00", "211.0"]]


def test_the_per_person_maps_csv_tags_its_column_as_countries_csv_does(public, ledger):
    """One hashtag for "disbursed per person" in every download: the map's table and /funding/countries.csv."""
    from tests.tables import csv_rows

    countries = csv_rows(public.get("/funding/countries.csv", HTTP_ACCEPT_LANGUAGE="en"))
    per_person = countries[1][countries[0].index("disbursed_per_person_usd")]
    assert per_person == "#value+funding+disbursed+per_person+usd"
    # Disbursed (COL 1,490,000, PER 210,000) over the demo's refugee and migrant figures in force today.
    assert table_csv(public, "/funding/", "chart-table-per-capita-map") == [
        ["Country", "Disbursed per person"],
        ["#country+name", per_person],
        ["Colombia", "0.52"], ["Peru", "0.14"]]
