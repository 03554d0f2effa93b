"""The public funding dashboard on the hand-built ledger (conftest.py; its sums are worked out in test_selectors.py).

Whole ledger: pledged 4,000,000; committed 601,000 (F1 600,000 + F7 1,000); disbursed 1,700,000 (F2, F3, F5);
funding 1,901,000 and 1,000,000 PYG without a rate; the 2023 regional requirement 20,000,000, so a gap of
18,099,000 and 9.5 % covered.
"""

from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.core.cache import cache

from minga.finance import services
from minga.finance.inputs import FlowInput
from minga.finance.tracking import FundingFlow, TrackedPledge
from minga.reference.models import Country
from tests.finance.conftest import publish_flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(client):
    cache.clear()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def page(client, query=""):
    response = client.get(f"/funding/{query}")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def text(node) -> str:
    return " ".join(node.text_content().split())


def headline(tree) -> dict:
    return {dd.get("data-figure"): text(dd) for dd in tree.xpath("//*[@data-testid='funding-headline']//dd")}


def table(tree, testid) -> list[list[str]]:
    return [[text(cell) for cell in row.xpath("th|td")]
            for row in tree.xpath(f"//*[@data-testid='{testid}']/tbody/tr")]


def test_headline_figures_with_the_unconverted_amount_beside_them(public, ledger):
    tree = page(public)
    assert headline(tree) == {
        "pledged": "$4,000,000.00", "committed": "$601,000.00", "disbursed": "$1,700,000.00",
        "funding": "$1,901,000.00 + PYG1,000,000 (not converted)", "requirement": "$20,000,000.00",
        "gap": "$18,099,000.00", "coverage": "9.5 %"}
    assert "Demonstration data" in text(tree.xpath("//*[@data-testid='requirement-sources']")[0])


def test_donor_and_country_tables(public, ledger):
    tree = page(public)
    assert table(tree, "donor-table") == [
        ["Global Affairs Canada", "$3,500,000.00", "$600,000.00", "$1,700,000.00", "48.6 %", ""],
        ["U.S. Agency for International Development", "$500,000.00", "$1,000.00", "$0.00", "0.0 %", "PYG1,000,000"]]
    rows = table(tree, "country-table")
    assert [row[:5] for row in rows] == [
        ["Colombia", "$10,000,000.00", "$1,690,000.00", "$8,310,000.00", "16.9 %"],
        ["Peru", "$5,000,000.00", "$211,000.00", "$4,789,000.00", "4.2 %"],
        ["Regional (no country named)", "—", "$0.00", "—", "—"]]
    assert rows[0][7] == "PYG1,000,000"  # Colombia's funding without a rate, never dropped


def test_filters_narrow_the_figures(public, ledger):
    peru = headline(page(public, "?country=PER"))
    assert peru == {"pledged": "$400,000.00", "committed": "$1,000.00", "disbursed": "$210,000.00",
                    "funding": "$211,000.00", "requirement": "$5,000,000.00", "gap": "$4,789,000.00",
                    "coverage": "4.2 %"}
    humanitarian = page(public, "?purpose=humanitarian")
    assert headline(humanitarian)["funding"] == "$600,000.00 + PYG1,000,000 (not converted)"
    assert headline(humanitarian)["pledged"] == "$1,500,000.00"  # P1 (both) and P3; not the development loan
    usaid = page(public, f"?donor={ledger.usaid.pk}")
    assert [row[0] for row in table(usaid, "donor-table")] == ["U.S. Agency for International Development"]
    assert headline(usaid)["requirement"].startswith("no requirement for these filters")
    assert "gap" not in headline(usaid)
    year = page(public, "?year=2024")
    assert headline(year)["funding"] == "$301,000.00"
    conference = page(public, "?conference=brussels-2023")
    assert (headline(conference)["pledged"], headline(conference)["disbursed"]) == ("$1,500,000.00", "$700,000.00")


def test_the_theme_filter_offers_the_themes_named_and_keeps_only_their_money(public, ledger):
    tree = page(public)
    offered = [(option.get("value"), text(option)) for option in tree.xpath("//select[@name='theme']/option")]
    assert offered == [("", "All"), (str(ledger.theme.pk), str(ledger.theme))]  # only the theme the ledger names
    themed = page(public, f"?theme={ledger.theme.pk}")
    # P1 is earmarked to the theme; F1 (its commitment) names it; F2, paid against F1, names none.
    figures = headline(themed)
    assert (figures["pledged"], figures["committed"], figures["disbursed"]) == (
        "$1,000,000.00", "$600,000.00", "$0.00")
    assert themed.xpath("//select[@name='theme']/option[@selected]")[0].get("value") == str(ledger.theme.pk)
    response = public.get("/funding/?theme=999999")
    assert response.status_code == 400
    assert text(lxml.html.fromstring(response.content).xpath("//main/p")[0]) == "theme: Not one of the choices."


def test_tables_sort_by_a_plain_link(public, ledger):
    tree = page(public)
    assert [row[0] for row in table(tree, "country-table")] == ["Colombia", "Peru", "Regional (no country named)"]
    gap = tree.xpath("//*[@data-testid='country-table']//th[@aria-sort]")[0]
    assert (gap.get("aria-sort"), gap.xpath("a")[0].get("href")) == (
        "descending", "?donor_sort=-pledged&country_sort=gap")
    ascending = page(public, "?country_sort=gap")
    assert [row[0] for row in table(ascending, "country-table")] == ["Peru", "Colombia", "Regional (no country named)"]
    by_name = page(public, "?country=PER&donor_sort=pledged")
    assert [row[0] for row in table(by_name, "donor-table")] == [
        "U.S. Agency for International Development", "Global Affairs Canada"]
    link = by_name.xpath("//*[@data-testid='country-table']//a[@data-sort='label']")[0].get("href")
    assert link == "?country=PER&donor_sort=pledged&country_sort=label"


def test_csv_downloads_give_the_tables_rows(public, ledger):
    response = public.get("/funding/donors.csv?country=PER")
    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200, "text/csv; charset=utf-8", 'attachment; filename="funding-donors.csv"')
    assert response.content.decode("utf-8-sig").splitlines() == [
        "key,label,pledged_usd,funding_usd,disbursed_usd,requirement_usd,gap_usd,unconverted,committed_usd,"
        "unconverted_pledged,fulfilment_percent,illustrative_records",
        "#org+code+funder,#org+name+funder,#value+pledged+usd,#value+funding+total+usd,#value+funding+disbursed+usd,"
        "#value+funding+required+usd,#value+funding+gap+usd,#value+funding+unconverted,#value+funding+committed+usd,"
        "#value+pledged+unconverted,#value+funding+fulfilment+pct,#meta+illustrative+count",
        "XM-DAC-301-2,Global Affairs Canada,400000.00,210000.00,210000.00,,,,0.00,,52.5,0",
        "US-GOV-1,U.S. Agency for International Development,0.00,1000.00,0.00,,,,1000.00,,,0"]
    countries = public.get("/funding/countries.csv?country_sort=label").content.decode("utf-8-sig").splitlines()
    assert countries[0] == ("key,label,pledged_usd,funding_usd,disbursed_usd,requirement_usd,gap_usd,unconverted,"
                            "committed_usd,unconverted_pledged,coverage_percent,population,population_as_of,"
                            "population_source,disbursed_per_person_usd,illustrative_records")
    assert countries[1] == ("#country+code,#country+name,#value+pledged+usd,#value+funding+total+usd,"
                            "#value+funding+disbursed+usd,#value+funding+required+usd,#value+funding+gap+usd,"
                            "#value+funding+unconverted,#value+funding+committed+usd,#value+pledged+unconverted,"
                            "#value+funding+pct,#affected+refugees+migrants,#date+population,#meta+source,"
                            "#value+funding+disbursed+per_person+usd,#meta+illustrative+count")
    assert [line.split(",")[:11] for line in countries[2:]] == [
        ["COL", "Colombia", "1100000.00", "1690000.00", "1490000.00", "10000000.00", "8310000.00", "1000000.00 PYG",
         "600000.00", "", "16.9"],
        ["PER", "Peru", "400000.00", "211000.00", "210000.00", "5000000.00", "4789000.00", "", "1000.00", "", "4.2"],
        ["regional", "Regional (no country named)", "2500000.00", "0.00", "0.00", "", "", "", "0.00", "", ""]]
    assert public.get("/funding/projects.csv").status_code == 404


def test_the_donor_csv_gives_the_disbursed_of_pledged_the_page_shows(public, ledger):
    """The donor table shows "Disbursed of pledged" (52.5 % for Canada in Peru); its CSV gives it too, as a number."""
    assert [row[4] for row in table(page(public, "?country=PER"), "donor-table")] == ["52.5 %", "—"]
    text = public.get("/funding/donors.csv?country=PER").content.decode("utf-8-sig")
    rows = [line.split(",") for line in text.splitlines()]
    assert [(row[1], row[-2]) for row in rows] == [
        ("label", "fulfilment_percent"), ("#org+name+funder", "#value+funding+fulfilment+pct"),
        ("Global Affairs Canada", "52.5"), ("U.S. Agency for International Development", "")]


@pytest.mark.parametrize(("query", "message"), [
    ("year=abc", "year: Not a whole number."),
    ("year=1800", "year: Between 1990 and 2100."),
    ("donor=x", "donor: Not a whole number."),
    ("donor=999999", "donor: Not one of the choices."),
    ("country=XXX", "country: Not one of the choices."),
    ("conference=nowhere-2030", "conference: Not one of the choices."),
    ("purpose=military", "purpose: Not one of the choices."),
    ("country_sort=size", "country_sort: One of: label, requirement, funding, gap, coverage, per_person."),
])
def test_a_parameter_that_may_not_be_used_is_refused_by_name(public, ledger, query, message):
    for address in (f"/funding/?{query}", f"/funding/donors.csv?{query}"):
        response = public.get(address)
        assert response.status_code == 400
        assert text(lxml.html.fromstring(response.content).xpath("//main/p")[0]) == message


def test_a_new_validated_flow_shows_on_the_kept_page(public, ledger, users):
    assert headline(page(public, "?country=PER"))["disbursed"] == "$210,000.00"
    secretariat = users["secretariat"]
    flow = services.flow_create(user=secretariat, data=FlowInput(
        stage="disbursement", amount=Decimal(50_000), currency="USD", provider=ledger.gac, receiver=ledger.gac,
        country=Country.objects.get(pk="PER"), value_date=date(2024, 5, 1), source=ledger.p1.source))
    assert headline(page(public, "?country=PER"))["disbursed"] == "$210,000.00"  # a draft is not public
    publish_flow(flow, secretariat)
    assert headline(page(public, "?country=PER"))["disbursed"] == "$260,000.00"


def test_the_pages_link_to_the_dashboard_filtered(public, ledger):
    home = lxml.html.fromstring(public.get("/").content)
    assert home.xpath("//nav//a[@href='/funding/']")
    conferences = lxml.html.fromstring(public.get("/conferences/").content)
    link = conferences.xpath("//*[@data-testid='conference-funding-brussels-2023']")[0]
    assert link.get("href") == "/funding/?conference=brussels-2023"
    country = lxml.html.fromstring(public.get("/countries/PER/").content)
    assert country.xpath("//*[@data-testid='country-funding']")[0].get("href") == "/funding/?country=PER"


def test_illustrative_records_are_marked(public, ledger):
    assert not page(public).xpath("//*[@data-testid='funding-illustrative']")
    FundingFlow.all_objects.filter(pk=ledger.f3.pk).update(is_illustrative=True)
    cache.clear()
    note = page(public).xpath("//*[@data-testid='funding-illustrative']")[0]
    assert text(note) == "illustrative 1 of the records counted here is made up for the demonstration."


def test_a_downloaded_table_says_how_many_of_each_rows_records_are_made_up(public, ledger):
    """The page says how many records in all are made up; its CSVs say it per row (no made-up figure leaves as real)."""
    def made_up(address: str) -> dict[str, str]:
        rows = [line.split(",") for line in public.get(address).content.decode("utf-8-sig").splitlines()]
        assert (rows[0][-1], rows[1][-1]) == ("illustrative_records", "#meta+illustrative+count")
        return {row[0]: row[-1] for row in rows[2:]}

    assert set(made_up("/funding/donors.csv").values()) == {"0"}
    # F3 (Canada, 2024: 30 % Colombia, 70 % Peru) and P1 (Canada, 2023: 60 % Colombia, 40 % Peru).
    FundingFlow.all_objects.filter(pk=ledger.f3.pk).update(is_illustrative=True)
    TrackedPledge.all_objects.filter(pk=ledger.p1.pk).update(is_illustrative=True)
    cache.clear()
    assert made_up("/funding/donors.csv") == {"XM-DAC-301-2": "2", "US-GOV-1": "0"}
    assert made_up("/funding/countries.csv") == {"COL": "2", "PER": "2", "regional": "0"}
    assert made_up("/funding/donors.csv?year=2023") == {"XM-DAC-301-2": "1", "US-GOV-1": "0"}
    assert made_up("/funding/countries.csv?year=2024") == {"COL": "1", "PER": "1"}
