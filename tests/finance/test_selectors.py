"""Exact answers on the hand-built ledger (conftest.py), worked out by hand:

flows (USD): F1 commitment 600,000 COL; F2 disbursement 400,000 against F1 (CO-NSA 50 %, COL 50 %);
F3 disbursement 300,000 (COL 30 %, PER 70 %); F4 passes 100,000 of F3 on (not counted again);
F5 4,000,000,000 COP = 1,000,000 COL; F6 1,000,000 PYG COL (no rate); F7 commitment 800 EUR = 1,000 PER.
Funding (each sum once at its latest stage) = F1's undisbursed 200,000 + 400,000 + 300,000 + 1,000,000 + 1,000.
"""

from datetime import date
from decimal import Decimal

import pytest

from minga.finance.selectors.answers import (
    follow_pledge,
    fulfilment,
    per_capita,
    pledges_behind,
    portfolio_coverage,
    shares,
)
from minga.finance.selectors.dashboard import DashboardQuery, dashboard
from minga.finance.selectors.funding import FundingFilters, funding_rows
from minga.finance.selectors.matches import donor_matches
from minga.reference.models import Country, PopulationFigure

pytestmark = pytest.mark.django_db


def table(rows):
    return {row["key"]: {name: row[name] for name in ("pledged_usd", "committed_usd", "disbursed_usd", "funding_usd",
                                                       "requirement_usd", "gap_usd", "unconverted")}
            for row in (r.as_dict() for r in rows)}


def test_by_country_splits_shares_counts_each_sum_once_and_reports_the_unconverted(ledger):
    assert table(funding_rows(None, "country")) == {
        "COL": {"pledged_usd": "1100000.00", "committed_usd": "600000.00", "disbursed_usd": "1490000.00",
                "funding_usd": "1690000.00", "requirement_usd": "10000000.00", "gap_usd": "8310000.00",
                "unconverted": {"PYG": "1000000.00"}},
        "PER": {"pledged_usd": "400000.00", "committed_usd": "1000.00", "disbursed_usd": "210000.00",
                "funding_usd": "211000.00", "requirement_usd": "5000000.00", "gap_usd": "4789000.00",
                "unconverted": {}},
        "regional": {"pledged_usd": "2500000.00", "committed_usd": "0.00", "disbursed_usd": "0.00",
                     "funding_usd": "0.00", "requirement_usd": None, "gap_usd": None, "unconverted": {}},
    }


def test_a_flow_split_across_countries_sums_back_to_its_total_and_pass_through_counts_once(ledger):
    rows = funding_rows(None, "country")
    assert sum(row.funding for row in rows) == Decimal(1_901_000)
    assert sum(row.disbursed for row in rows) == Decimal(1_700_000)  # F4 (pass-through) is not in it


def test_by_subdivision(ledger):
    rows = table(funding_rows(None, "subdivision"))
    assert {key: (row["funding_usd"], row["disbursed_usd"]) for key, row in rows.items()} == {
        "CO-NSA": ("200000.00", "200000.00"), "COL": ("1490000.00", "1290000.00"), "PER": ("211000.00", "210000.00"),
        "regional": ("0.00", "0.00")}


def test_by_donor_keys_are_organisation_identifiers(ledger):
    rows = table(funding_rows(None, "donor"))
    assert set(rows) == {"XM-DAC-301-2", ledger.usaid.iati_identifier}
    assert rows["XM-DAC-301-2"] | {} == {
        "pledged_usd": "3500000.00", "committed_usd": "600000.00", "disbursed_usd": "1700000.00",
        "funding_usd": "1900000.00", "requirement_usd": None, "gap_usd": None, "unconverted": {}}
    assert rows[ledger.usaid.iati_identifier]["funding_usd"] == "1000.00"
    assert rows[ledger.usaid.iati_identifier]["unconverted"] == {"PYG": "1000000.00"}


def test_by_year_and_a_year_filter(ledger):
    rows = table(funding_rows(None, "year"))
    assert {key: (row["pledged_usd"], row["funding_usd"], row["requirement_usd"], row["gap_usd"])
            for key, row in rows.items()} == {"2023": ("4000000.00", "1600000.00", "20000000.00", "18400000.00"),
                                              "2024": ("0.00", "301000.00", None, None)}
    only = table(funding_rows(None, "country", FundingFilters(year=2024)))
    assert {key: row["funding_usd"] for key, row in only.items()} == {"COL": "90000.00", "PER": "211000.00"}


def test_a_country_filter_keeps_that_countrys_share_in_every_dimension(ledger):
    rows = table(funding_rows(None, "donor", FundingFilters(country="PER")))
    assert rows["XM-DAC-301-2"]["funding_usd"] == "210000.00"  # 70 % of F3
    assert rows["XM-DAC-301-2"]["pledged_usd"] == "400000.00"  # 40 % of P1


def test_the_public_does_not_count_drafts_but_their_donor_does(ledger, users):
    assert table(funding_rows(None, "donor"))["XM-DAC-301-2"]["disbursed_usd"] == "1700000.00"
    assert table(funding_rows(users["donor_can"], "donor"))["XM-DAC-301-2"]["disbursed_usd"] == "1700999.00"


def test_fulfilment_per_conference(ledger):
    found = {answer.row.key: answer for answer in fulfilment(None, "conference")}
    assert (found["brussels-2023"].row.pledged, found["brussels-2023"].row.disbursed) == (
        Decimal(1_500_000), Decimal(700_000))
    assert found["brussels-2023"].fulfilment_percent == Decimal("46.7")
    assert found["brussels-2023"].median_days_to_disbursement == 153  # 107 days (P1) and 199 days (P3)
    assert (found["none"].fulfilment_percent, found["none"].median_days_to_disbursement) == (Decimal("40.0"), 92)


def test_humanitarian_development_grant_and_loan_shares_per_year(ledger):
    found = {row.key: row for row in shares(None, "year")}
    assert (found["2023"].humanitarian_usd, found["2023"].development_usd) == (Decimal(600_000), Decimal(1_000_000))
    assert (found["2023"].pledged_humanitarian_usd, found["2023"].pledged_development_usd) == (
        Decimal(900_000), Decimal(3_100_000))
    assert (found["2023"].grant_usd, found["2023"].loan_usd, found["2023"].concessional_loan_usd) == (
        Decimal(1_500_000), Decimal(2_500_000), Decimal(2_500_000))
    assert (found["2024"].humanitarian_usd, found["2024"].development_usd) == (Decimal(0), Decimal(301_000))


def test_per_capita_uses_the_figure_in_force_at_the_date(ledger):
    found = {answer.row.key: answer for answer in per_capita(None, date(2030, 3, 1))}
    colombia = found["COL"]
    assert (colombia.figure.value, colombia.figure.as_of) == (2_000_000, date(2030, 1, 1))
    assert colombia.figure.source.load_key == "source:illustrative"
    assert (colombia.committed_per_person, colombia.disbursed_per_person) == (Decimal("0.30"), Decimal("0.75"))
    later = {answer.row.key: answer for answer in per_capita(None, date(2030, 6, 1))}["COL"]
    assert (later.figure.value, later.disbursed_per_person) == (4_000_000, Decimal("0.37"))


def test_one_years_money_is_divided_by_the_figure_in_force_at_that_years_end(ledger, source):
    col = Country.objects.get(iso3="COL")
    for as_of, value in ((date(2023, 12, 31), 1_000_000), (date(2024, 1, 1), 3_000_000)):
        PopulationFigure.objects.create(country=col, value=value, as_of=as_of, source=source, is_published=True)

    def colombia(on=date(2030, 6, 1), **filters):
        found = dashboard(None, DashboardQuery(filters=FundingFilters(**filters)), on=on).countries
        answer = next(answer for answer in found if answer.row.key == "COL")
        return answer.figure.as_of, answer.figure.value, answer.row.disbursed, answer.disbursed_per_person

    # 2023's last day, not the figure of the day after it.
    assert colombia(year=2023) == (date(2023, 12, 31), 1_000_000, Decimal(1_400_000), Decimal("1.40"))
    # The demo's figure for mid-2024 (2,860,000) is the one in force at 2024's end, not 2030's.
    assert colombia(year=2024) == (date(2024, 6, 30), 2_860_000, Decimal(90_000), Decimal("0.03"))
    # The year in progress: the figure in force on the day asked.
    assert colombia(on=date(2024, 3, 1), year=2024)[:2] == (date(2024, 1, 1), 3_000_000)
    assert colombia()[:2] == (date(2030, 6, 1), 4_000_000)


def test_portfolio_coverage_counts_the_projects_funding(ledger):
    # The demo's three published projects ask 1,200,000 (COL, funded 400,000 by F2), 1,200,000 (ECU) and 600,000.
    coverage = portfolio_coverage(None)
    assert [(item.project.code, item.funding_usd, item.status, item.gap_usd) for item in coverage.projects] == [
        ("PQ-COL-2026-0001", Decimal(400_000), "partly", Decimal(800_000)),
        ("PQ-ECU-2026-0001", Decimal(0), "unfunded", Decimal(1_200_000)),
        ("PQ-PER-2026-0001", Decimal(0), "unfunded", Decimal(600_000))]
    assert coverage.counts == {"unfunded": 2, "partly": 1, "fully": 0, "unknown": 0}
    assert coverage.total_gap_usd == Decimal(2_600_000)


def test_projects_matching_a_donor_ranked_by_fit_then_gap_with_why(ledger, english):
    # GAC pledged and funded in Colombia and Peru and earmarked child protection (the ledger's theme); F2 funds
    # the demo's Colombian project, which is therefore no candidate, and whose places, themes and markers count.
    assert ledger.theme.code == "child-protection"
    found = donor_matches(None, [ledger.gac.pk])
    assert sorted(project.code for project in found.funded) == ["PQ-COL-2026-0001", "PQ-ECU-2026-0001"]
    # The Peruvian project: Peru (P1's share, F3's), the earmark, and the four approaches the Colombian project
    # pursues (significance 1 or 2); its gap is the portfolio's (requested 600,000, nothing secured).
    assert [(match.project.code, match.fit, match.gap_usd, match.reasons) for match in found.matches] == [
        ("PQ-PER-2026-0001", 6, Decimal(600_000), [
            "works in Peru, where the donor has pledged or funded",
            "its theme Protection of children and adolescents was earmarked or funded by the donor",
            "its cross-cutting approach Best interests of the child is one the donor's funded work pursues",
            "its cross-cutting approach Gender approach is one the donor's funded work pursues",
            "its cross-cutting approach Human rights-based approach is one the donor's funded work pursues",
            "its cross-cutting approach Territorial approach is one the donor's funded work pursues"])]


def test_by_theme_splits_pledges_over_their_earmarks(ledger):
    rows = table(funding_rows(None, "theme"))
    assert {key: (row["pledged_usd"], row["committed_usd"], row["funding_usd"]) for key, row in rows.items()} == {
        "child-protection": ("1000000.00", "600000.00", "200000.00"),
        "none": ("3000000.00", "1000.00", "1701000.00")}


def test_follow_a_pledge_down_and_a_project_up(ledger):
    trail = follow_pledge(None, ledger.p1.pk)
    assert [(c.pk, [d.pk for d in paid]) for c, paid in trail.commitments] == [(ledger.f1.pk, [ledger.f2.pk])]
    assert [flow.pk for flow in trail.disbursements] == [ledger.f3.pk]
    assert [project.pk for project in trail.projects] == [ledger.project.pk]
    assert sorted((place.country_id, place.subdivision_id or "") for place in trail.territories) == [
        ("COL", ""), ("COL", "CO-ARA"), ("COL", "CO-NSA"), ("COL", "CO-NSA")]  # two municipalities in CO-NSA
    assert [pledge.pk for pledge in pledges_behind(None, ledger.project)] == [ledger.p1.pk]


def test_the_requirement_per_year_counts_one_plan_the_rmrp_and_its_latest_cell(ledger, users, source):
    """Another regional plan of 2023 (as an FTS import of every plan gives) is not added to the RMRP's ask,
    and a revision of the RMRP's 2023 regional cell replaces it rather than adding to it."""
    from minga.finance import services

    secretariat = users["secretariat"]

    def year_rows():
        return {key: (row["requirement_usd"], row["gap_usd"]) for key, row in table(funding_rows(None, "year")).items()}

    services.requirement_create(user=secretariat, plan="RSYR23", year=2023, amount=Decimal(5_000_000),
                                currency="USD", source=source)
    services.requirement_create(user=secretariat, plan="HCOL23", year=2023, country=ledger.f1.country,
                                amount=Decimal(7_000_000), currency="USD", source=source)
    assert year_rows() == {"2023": ("20000000.00", "18400000.00"), "2024": (None, None)}
    assert table(funding_rows(None, "country"))["COL"]["requirement_usd"] == "10000000.00"
    services.requirement_create(user=secretariat, plan="RMRP 2023-2024 (revised)", year=2023,
                                amount=Decimal(22_000_000), currency="USD", source=source)
    assert year_rows() == {"2023": ("22000000.00", "20400000.00"), "2024": (None, None)}
    assert table(funding_rows(None, "year", FundingFilters(year=2023)))["2023"]["requirement_usd"] == "22000000.00"
    assert table(funding_rows(None, "country"))["COL"]["requirement_usd"] == "10000000.00"  # its own cell stands


def test_per_capita_by_subdivision_uses_the_subdivisions_own_figure_in_force_or_none(ledger, users, source):
    """CO-NSA received 200,000 (half of F2) and no commitment named it. Only a figure of the subdivision itself
    counts: Colombia's own figure (2,000,000 from 2030) is not spread over its subdivisions."""
    from minga.finance.selectors.answers import per_capita_by_subdivision
    from minga.reference.models import PopulationFigure, Subdivision

    def found(user, on):
        return {a.row.key: (a.figure and (a.figure.value, a.figure.as_of, a.figure.source.load_key),
                            a.committed_per_person, a.disbursed_per_person)
                for a in per_capita_by_subdivision(user, on)}

    # The demo's only subdivision figure (CO-NSA, 300,000 at 30 June 2024) awaits review: the public has none.
    assert found(None, date(2030, 3, 1)) == {"CO-NSA": (None, None, None), "COL": (None, None, None),
                                             "PER": (None, None, None), "regional": (None, None, None)}
    assert found(users["secretariat"], date(2030, 3, 1))["CO-NSA"] == (
        (300_000, date(2024, 6, 30), "source:illustrative"), Decimal("0.00"), Decimal("0.67"))
    nsa = Subdivision.objects.get(pk="CO-NSA")
    for as_of, value in ((date(2030, 1, 1), 100_000), (date(2030, 6, 1), 400_000)):
        PopulationFigure.objects.create(country_id="COL", subdivision=nsa, value=value, as_of=as_of, source=source,
                                        is_published=True)
    assert found(None, date(2029, 12, 31))["CO-NSA"] == (None, None, None)  # nothing in force yet
    assert found(None, date(2030, 3, 1))["CO-NSA"] == (
        (100_000, date(2030, 1, 1), "source:illustrative"), Decimal("0.00"), Decimal("2.00"))
    assert found(None, date(2030, 6, 1))["CO-NSA"] == (
        (400_000, date(2030, 6, 1), "source:illustrative"), Decimal("0.00"), Decimal("0.50"))
    assert found(None, date(2030, 6, 1))["COL"] == (None, None, None)  # money with no subdivision named


def test_fulfilment_per_donor_with_the_days_to_the_first_disbursement(ledger):
    found = {answer.row.key: answer for answer in fulfilment(None, "donor")}
    gac = found["XM-DAC-301-2"]
    assert (gac.row.pledged, gac.row.committed, gac.row.disbursed) == (
        Decimal(3_500_000), Decimal(600_000), Decimal(1_700_000))
    assert (gac.fulfilment_percent, gac.median_days_to_disbursement) == (Decimal("48.6"), 99.5)  # P1 107, P2 92 days
    usaid = found[ledger.usaid.iati_identifier]
    # P3's first disbursement is F6 (1 October 2023, 199 days), in PYG without a rate: paid, but not in USD.
    assert (usaid.row.disbursed, usaid.fulfilment_percent, usaid.median_days_to_disbursement) == (
        Decimal(0), Decimal("0.0"), 199)
    assert usaid.row.unconverted == {"PYG": Decimal(1_000_000)}


def test_requirement_gap_and_coverage_per_country_and_per_sector(ledger, users, source):
    from minga.finance import services

    services.requirement_create(user=users["secretariat"], plan="RMRP 2023-2024", year=2023, sector=ledger.theme,
                                amount=Decimal(1_000_000), currency="USD", source=source)
    countries = {row.key: row for row in funding_rows(None, "country")}
    assert [(countries[key].requirement, countries[key].gap, countries[key].coverage) for key in ("COL", "PER")] == [
        (Decimal(10_000_000), Decimal(8_310_000), Decimal("16.9")), (Decimal(5_000_000), Decimal(4_789_000),
                                                                      Decimal("4.2"))]
    assert countries["regional"].coverage is None  # no requirement: no coverage, not 0
    themes = {row.key: row for row in funding_rows(None, "theme")}
    assert (themes["child-protection"].requirement, themes["child-protection"].funding, themes["child-protection"].gap,
            themes["child-protection"].coverage) == (Decimal(1_000_000), Decimal(200_000), Decimal(800_000),
                                                     Decimal("20.0"))
    assert themes["none"].requirement is None


def test_humanitarian_development_grant_and_loan_shares_per_country(ledger):
    found = {row.key: row for row in shares(None, "country")}
    assert {key: (row.humanitarian_usd, row.development_usd, row.pledged_humanitarian_usd, row.pledged_development_usd,
                  row.grant_usd, row.loan_usd, row.concessional_loan_usd) for key, row in found.items()} == {
        # F1's rest 200,000 + F2 400,000 humanitarian; F3's 30 % + F5 (4e9 COP) development; P1's 60 % at 40 %
        # humanitarian and P3 whole
        "COL": (Decimal(600_000), Decimal(1_090_000), Decimal(740_000), Decimal(360_000), Decimal(1_100_000),
                Decimal(0), Decimal(0)),
        "PER": (Decimal(0), Decimal(211_000), Decimal(160_000), Decimal(240_000), Decimal(400_000), Decimal(0),
                Decimal(0)),
        # P2, 2,000,000 EUR at 0.8 a dollar: a concessional loan to the region
        "regional": (Decimal(0), Decimal(0), Decimal(0), Decimal(2_500_000), Decimal(0), Decimal(2_500_000),
                     Decimal(2_500_000))}
