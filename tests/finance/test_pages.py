"""The finance pages of a conference, a donor and a country, the records behind their numbers, and one pledge or
flow with its workflow buttons, on the hand-built ledger (conftest.py; sums worked out in test_selectors.py).

The 2023 conference (Brussels): P1 1,000,000 and P3 500,000 pledged; F1 600,000 and F7 800 EUR = 1,000
committed; F2 400,000 and F3 300,000 disbursed (F6's PYG has no rate); funding 200,000 + 400,000 + 300,000 +
1,000 = 901,000. Days from pledge (16 March 2023) to first disbursement: P1 107 (1 July), P3 199 (1 October).
"""

from decimal import Decimal

import lxml.html
import pytest
from django.core.cache import cache

from minga.finance import services
from minga.finance.tracking import FollowUp, FundingFlow, TrackedPledge
from tests.finance.conftest import org
from tests.finance.test_dashboard import headline, table, text
from tests.tables import table_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(client):
    cache.clear()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def tree_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return lxml.html.fromstring(response.content)


def links(tree) -> dict:
    return {dd.get("data-figure"): dd.xpath(".//a/@href")[0]
            for dd in tree.xpath("//*[@data-testid='funding-headline']//dd") if dd.xpath(".//a")}


def test_the_conference_page_has_the_dashboards_figures_and_links_each_to_its_records(public, ledger):
    tree = tree_of(public, "/funding/conferences/brussels-2023/")
    assert headline(tree) == {
        "pledged": "$1,500,000.00", "committed": "$601,000.00", "disbursed": "$700,000.00",
        "funding": "$901,000.00 + PYG1,000,000 (not converted)", "fulfilment": "46.7 %", "days": "153.0",
        "requirement": "no requirement for these filters (a donor or a conference has none of its own)"}
    dashboard = headline(tree_of(public, "/funding/?conference=brussels-2023"))
    assert set(dashboard) == {"pledged", "committed", "disbursed", "funding", "requirement"}
    assert {key: headline(tree)[key] for key in dashboard} == dashboard  # the same figures as the dashboard
    assert links(tree) == {
        "pledged": "/funding/records/?conference=brussels-2023&measure=pledged",
        "committed": "/funding/records/?conference=brussels-2023&measure=committed",
        "disbursed": "/funding/records/?conference=brussels-2023&measure=disbursed"}
    assert [row[:4] for row in table(tree, "donor-table")] == [
        ["Global Affairs Canada", "$1,000,000.00", "$600,000.00", "$700,000.00"],
        ["U.S. Agency for International Development", "$500,000.00", "$1,000.00", "$0.00"]]
    # Stacked shares per year: funding by the flows' humanitarian flag, pledges by instrument.
    assert [[text(cell) for cell in row.xpath("th|td")]
            for row in tree.xpath("//*[@data-testid='chart-data-shares']//tbody/tr")] == [
        ["2023", "$600,000.00", "$0.00", "$1,500,000.00", "$0.00"],
        ["2024", "$0.00", "$301,000.00", "$0.00", "$0.00"]]
    tree_of(public, "/funding/conferences/no-such-conference/", 404)


def test_the_records_behind_each_number_are_the_ones_it_sums(public, ledger):
    def rows(query):
        return [int(pk) for pk in tree_of(public, f"/funding/records/?{query}").xpath(
            "//*[@data-testid='record-table']/tbody/tr/@data-pk")]

    assert rows("conference=brussels-2023&measure=pledged") == [ledger.p1.pk, ledger.p3.pk]
    assert rows("conference=brussels-2023&measure=committed") == [ledger.f1.pk, ledger.f7.pk]
    assert rows("conference=brussels-2023&measure=disbursed") == [ledger.f2.pk, ledger.f3.pk, ledger.f6.pk]
    assert rows("country=PER&measure=disbursed") == [ledger.f3.pk]  # its 70 % share there; F4 passes it on
    assert rows("country=PER&measure=pledged") == [ledger.p1.pk]
    assert rows(f"donor={ledger.usaid.pk}&measure=committed") == [ledger.f7.pk]
    response = public.get("/funding/records/?measure=spent")
    assert response.status_code == 400
    assert "measure: One of: pledged, committed, disbursed." in response.content.decode()


def test_the_donor_page_per_conference(public, ledger):
    tree = tree_of(public, f"/funding/donors/{ledger.usaid.pk}/")
    assert headline(tree) == {
        "pledged": "$500,000.00", "committed": "$1,000.00", "disbursed": "$0.00",
        "funding": "$1,000.00 + PYG1,000,000 (not converted)", "fulfilment": "0.0 %", "days": "199.0",
        "requirement": "no requirement for these filters (a donor or a conference has none of its own)"}
    assert table(tree, "conference-table") == [
        [ledger.conference.label, "$500,000.00", "$1,000.00", "$0.00", "0.0 %"]]
    assert tree.xpath("//*[@data-testid='conference-table']//a/@href") == ["/funding/conferences/brussels-2023/"]
    tree_of(public, f"/funding/donors/{org('iom').pk}/", 404)  # only passes money on: no donor row


def test_the_country_page_with_requirement_gap_and_subdivisions(public, ledger):
    tree = tree_of(public, "/funding/countries/PER/")
    assert headline(tree) == {
        "pledged": "$400,000.00", "committed": "$1,000.00", "disbursed": "$210,000.00", "funding": "$211,000.00",
        "fulfilment": "52.5 %", "days": "107.0", "requirement": "$5,000,000.00", "gap": "$4,789,000.00",
        "coverage": "4.2 %"}
    assert headline(tree_of(public, "/funding/?country=PER")) == {
        key: value for key, value in headline(tree).items() if key not in ("fulfilment", "days")}
    colombia = tree_of(public, "/funding/countries/COL/")
    assert [row for row in table(colombia, "subdivision-table") if row[0] == "Norte de Santander"] == [
        ["Norte de Santander", "$0.00", "$0.00", "$200,000.00", "$200,000.00", "—", "no figure", "", "", "", "CO-NSA"]]
    tree_of(public, "/funding/countries/USA/", 404)


def test_a_pledge_page_follows_the_pledge_down_and_the_public_sees_no_buttons(public, ledger):
    tree = tree_of(public, f"/pledges/{ledger.p1.pk}/")
    trail = text(tree.xpath("//*[@data-testid='pledge-trail']")[0])
    assert ledger.project.code in trail
    assert len(tree.xpath("//*[@data-testid='pledge-trail']//a[contains(@href, '/flows/')]")) == 3  # F1, F2, F3
    assert tree.xpath("//*[@data-testid='workflow-actions']") == []
    tree_of(public, f"/flows/{ledger.draft.pk}/", 404)  # a draft is not public


def test_the_secretariat_validates_a_reported_flow_from_its_page(client_as, users, ledger):
    flow = services.flow_transition(flow=ledger.draft, user=users["secretariat"], to_status=FollowUp.REPORTED,
                                    expected_version=ledger.draft.version)
    client = client_as(users["focal_col"])
    tree = tree_of(client, f"/flows/{flow.pk}/")
    assert tree.xpath("//*[@data-testid='workflow-actions']//button/@data-move") == ["confirmed", "draft"]
    response = client.post(f"/flows/{flow.pk}/transition/", {"to_status": "confirmed", "version": flow.version})
    assert response.status_code == 302
    assert FundingFlow.all_objects.get(pk=flow.pk).status == "confirmed"


def test_a_version_conflict_is_said_and_nothing_changes(client_as, users, ledger):
    pledge = services.pledge_create(user=users["secretariat"], data=_pledge_input(ledger))
    pledge = services.pledge_transition(pledge=pledge, user=users["secretariat"], to_status=FollowUp.REPORTED,
                                        expected_version=pledge.version)
    client = client_as(users["secretariat"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(f"/pledges/{pledge.pk}/transition/", {"to_status": "validated", "version": 1},
                           follow=True)
    assert response.status_code == 200
    assert ("Someone else changed this record: it is now “Reported”, at version 2. Nothing was changed; look at "
            "it again before you act.") in response.content.decode()
    assert TrackedPledge.all_objects.get(pk=pledge.pk).status == "reported"


def test_another_donors_officer_gets_no_buttons_and_may_not_move(client_as, users, ledger):
    pledge = services.pledge_create(user=users["secretariat"], data=_pledge_input(ledger))
    pledge = services.pledge_transition(pledge=pledge, user=users["secretariat"], to_status=FollowUp.REPORTED,
                                        expected_version=pledge.version)
    services.pledge_transition(pledge=pledge, user=users["secretariat"], to_status=FollowUp.VALIDATED,
                               expected_version=pledge.version)
    client = client_as(users["donor_can"])  # GAC's officer; the pledge is USAID's, public now
    tree = tree_of(client, f"/pledges/{pledge.pk}/")
    assert tree.xpath("//*[@data-testid='workflow-actions']") == []
    response = client.post(f"/pledges/{pledge.pk}/transition/", {"to_status": "draft", "version": 3,
                                                                  "comment": "no"})
    assert response.status_code == 403
    assert TrackedPledge.all_objects.get(pk=pledge.pk).status == "validated"


def _pledge_input(ledger):
    from datetime import date

    from minga.finance.inputs import PledgeInput

    return PledgeInput(donor=ledger.usaid, amount=Decimal(5), currency="USD", pledged_on=date(2023, 3, 16),
                       instrument="grant", purpose="humanitarian", is_regional=True,
                       source=ledger.p1.source)


def chart_rows(tree, key) -> list[list[str]]:
    return [[text(cell) for cell in row.xpath("th|td")]
            for row in tree.xpath(f"//*[@data-testid='chart-data-{key}']//tbody/tr")]


def test_the_dashboard_maps_disbursed_per_person_and_the_country_page_its_subdivisions(public, ledger):
    from django.utils import timezone

    from minga.finance.selectors.answers import per_capita

    in_force = {answer.row.key: answer for answer in per_capita(None, timezone.localdate())}
    # Disbursed (COL 1,490,000, PER 210,000) over the demo's refugee and migrant figures in force today.
    assert [in_force[key].disbursed_per_person for key in ("COL", "PER")] == [Decimal("0.52"), Decimal("0.14")]
    assert chart_rows(tree_of(public, "/funding/"), "per-capita-map") == [["Colombia", "$0.52"], ["Peru", "$0.14"]]
    colombia = tree_of(public, "/funding/countries/COL/")
    assert ["Norte de Santander", "$200,000.00"] in chart_rows(colombia, "subdivisions-map")
    assert all(row[1] != "$0.00" for row in chart_rows(colombia, "subdivisions-map"))  # no flow there: grey, not 0


def test_a_move_without_its_version_is_refused_and_nothing_changes(client_as, users, ledger):
    client = client_as(users["secretariat"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(f"/flows/{ledger.draft.pk}/transition/", {"to_status": "reported", "version": "x"})
    assert response.status_code == 400
    assert response.content.decode() == "Say which status to move the record to, and the version you read."
    assert FundingFlow.all_objects.get(pk=ledger.draft.pk).status == "draft"


def test_the_country_page_gives_each_subdivision_per_person_with_its_figure_and_source(public, ledger, source):
    from django.utils import timezone

    from minga.reference.models import PopulationFigure

    today = timezone.localdate()
    PopulationFigure.objects.create(country_id="COL", subdivision_id="CO-NSA", value=80_000, source=source,
                                    as_of=today.replace(year=today.year - 1, month=1, day=31), is_published=True)
    rows = {row[0]: row for row in table(tree_of(public, "/funding/countries/COL/"), "subdivision-table")}
    nsa = rows["Norte de Santander"]
    assert nsa[:6] == ["Norte de Santander", "$0.00", "$0.00", "$200,000.00", "$200,000.00", "$2.50"]
    assert nsa[6].startswith("80,000 (") and f"January 31, {today.year - 1}" in nsa[6]
    # the CSV-only columns: the figure's date, its source and the subdivision's code (none for the country's row)
    assert nsa[7] == f"January 31, {today.year - 1}" and nsa[8] == "illustrative Minga, undated" and nsa[10] == "CO-NSA"
    assert rows["Colombia (no subdivision named)"][5:] == ["—", "no figure", "", "", "", ""]


def test_the_funding_pages_tables_as_csv_with_an_hxl_row_numbers_plain_dates_iso(public, ledger, source):
    """Issue 11: each table of the conference and country pages as CSV, with the page's filters: amounts in US
    dollars as plain numbers, a share as a number, a subdivision's figure apart from its source and its date."""
    from django.utils import timezone

    from minga.reference.models import PopulationFigure

    assert table_csv(public, "/funding/conferences/brussels-2023/", "donor-table") == [
        ["Donor", "Pledged", "Committed", "Disbursed", "Disbursed of pledged"],
        ["#org+name+funder", "#value+pledged+usd", "#value+funding+committed+usd", "#value+funding+disbursed+usd",
         "#value+funding+fulfilment+pct"],
        ["Global Affairs Canada", "1000000", "600000", "700000", "70.0"],
        ["U.S. Agency for International Development", "500000", "1000", "0", "0.0"]]
    as_of = timezone.localdate().replace(year=timezone.localdate().year - 1, month=1, day=31)
    PopulationFigure.objects.create(country_id="COL", subdivision_id="CO-NSA", value=80_000, source=source,
                                    as_of=as_of, is_published=True)
    rows = table_csv(public, "/funding/countries/COL/", "subdivision-table")
    assert rows[:2] == [
        ["Subdivision", "Pledged", "Committed", "Disbursed", "Funding", "Disbursed per person",
         "Refugees and migrants (source, date)", "As of", "Source", "URL", "Code"],
        ["#adm1+name", "#value+pledged+usd", "#value+funding+committed+usd", "#value+funding+disbursed+usd",
         "#value+funding+total+usd", "#value+funding+disbursed+per_person+usd", "#affected+refugees+migrants",
         "#date+population", "#meta+source", "#meta+source+url", "#adm1+code"]]
    by_name = {row[0]: row for row in rows[2:]}
    assert by_name["Norte de Santander"] == ["Norte de Santander", "0", "0", "200000.0000", "200000.0000", "2.50",
                                             "80000", as_of.isoformat(), "illustrative Minga, undated", source.url, "CO-NSA"]
    assert by_name["Colombia (no subdivision named)"][5:] == ["", "", "", "", "", ""]
