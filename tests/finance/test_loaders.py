"""The RMRP requirements loaded by ``minga setup`` and the demo's illustrative follow-up."""

from decimal import Decimal

import pytest

from minga.finance.loaders import load_demo_funding, load_requirements
from minga.finance.selectors.funding import funding_rows
from minga.finance.tracking import FundingFlow, Requirement, TrackedPledge

pytestmark = pytest.mark.django_db


def test_the_rmrp_requirements_per_year_and_the_2019_countries_with_their_sources():
    rows = {(r.year, r.country_id): (r.amount_usd, r.source.url) for r in
            Requirement.objects.filter(load_key__startswith="requirement:").select_related("source")}
    assert {key: amount for key, (amount, _url) in rows.items()} == {
        (2019, None): Decimal("738000000.00"), (2019, "COL"): Decimal("315500000.00"),
        (2019, "ECU"): Decimal("117300000.00"), (2019, "PER"): Decimal("106400000.00"),
        (2019, "BRA"): Decimal("56600000.00"), (2020, None): Decimal("1350000000.00"),
        (2021, None): Decimal("1440000000.00"), (2022, None): Decimal("1790000000.00"),
        (2023, None): Decimal("1720000000.00"), (2024, None): Decimal("1590000000.00")}
    assert rows[(2023, None)][1] == "https://rmrp.r4v.info/rmrp2023-24"
    assert all(url for _amount, url in rows.values())


def test_loading_again_creates_nothing_and_keeps_edits():
    Requirement.objects.filter(load_key="requirement:RMRP 2020:2020:regional").update(note="edited")
    before = (Requirement.all_objects.count(), FundingFlow.all_objects.count(), TrackedPledge.all_objects.count())
    assert load_requirements().created == 0
    assert load_demo_funding() == 0
    assert (Requirement.all_objects.count(), FundingFlow.all_objects.count(),
            TrackedPledge.all_objects.count()) == before
    assert Requirement.objects.get(load_key="requirement:RMRP 2020:2020:regional").note == "edited"


def test_the_demo_follows_two_2023_pledges_with_illustrative_public_flows():
    flows = FundingFlow.objects.filter(load_key__startswith="flow:")
    assert flows.count() == 5
    assert set(flows.values_list("is_illustrative", "is_public", "status")) == {(True, True, "validated")}
    assert set(TrackedPledge.objects.values_list("reported_pledge__load_key", "is_illustrative")) == {
        ("pledge:brussels-2023:gov-can", True), ("pledge:brussels-2023:gov-usa", True)}
    assert flows.filter(project__isnull=False).count() == 2
    # The pass-through (IOM passes 500,000 of the US disbursement on) is not counted a second time.
    years = {row.key: row for row in funding_rows(None, "year")}
    usa = FundingFlow.objects.get(load_key="flow:usa-1").amount_usd
    assert usa == Decimal("25000000.00")
    assert years["2023"].requirement == Decimal("1720000000.00")
    assert years["2023"].disbursed == usa + FundingFlow.objects.get(load_key="flow:can-2").amount_usd
