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
