"""Pages that lead somewhere: the portfolio on the home, country and organisation pages, a donor's matches, a
project's own downloads. Every total is an exact sum over a hand-built portfolio (the demo's projects removed):

====  =========  ===============  =====  ========  =======  =======  ===========================================
code  state      territories      theme  requested secured  gap      other
====  =========  ===============  =====  ========  =======  =======  ===========================================
P1    published  COL, CO-NSA      A      1000.00   250.00   750.00   by Cúcuta; the donor funds it (funding row);
                                                                     Cúcuta takes part as accountable + implementing
P2    published  COL, ECU         B      2000.10   0.00     2000.10  two countries
P3    published  COL              B      (500 COP, not converted)    by Cúcuta: counted, in no sum
P4    draft      COL, CO-NSA      D      5000.00   0.00     5000.00  by Cúcuta; the donor funds it; Cúcuta implements
P5    published  PER              C      300.00    100.00   200.00   the donor takes part in the Funding role
P6    deleted    COL, CO-NSA      A      999.00    0.00     999.00   published, then deleted
P7    published  ECU              A      5000.00   0.00     5000.00
P8    published  PER              A      10.00     0.00     10.00
P9    published  COL              B      100.00    100.00   0.00     fully funded
P10   published  BRA              D      70.00     0.00     70.00    matches only the draft P4's theme
====  =========  ===============  =====  ========  =======  =======  ===========================================
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minga.finance.models import FundingFlow
from minga.portfolio import selectors
from minga.portfolio.models import (
    ParticipantRole,
    Project,
    ProjectFunding,
    ProjectLocation,
    ProjectParticipant,
    ProjectTheme,
    Status,
)
from minga.reference import services as reference_services
from minga.reference.boundaries import admin1_url
from minga.reference.models import PopulationFigure, Subdivision, Term
from minga.reference.selectors import organisation_loaded
from tests.charts import map_rows
from tests.codes import YEAR
from tests.finance.conftest import forget_the_demos_funding

pytestmark = pytest.mark.django_db


def code(n: int, country: str = "COL") -> str:
    return f"PQ-{country}-{YEAR}-{9000 + n:04d}"


def usd(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def make(n, *, country="COL", places=("COL",), theme=None, money=(None, None, None), status=Status.PUBLISHED,
         proposer="gov-col", requested_amount=None, day=1, deleted=False, illustrative=False) -> Project:
    public = status == Status.PUBLISHED
    requested, secured, gap = (usd(v) for v in money)
    project = Project.objects.create(
        code=code(n, country), title_en=f"Project {n}", summary_en=f"What project {n} does.",
        planned_start=date(2026, 1, 1), planned_end=date(2027, 12, 31), proposing_organisation=organisation_loaded(proposer),
        country_id=country, status=status, is_public=public, budget_currency="USD",
        requested_amount=requested if requested_amount is None else Decimal(requested_amount),
        requested_usd=requested, secured_usd=secured, gap_usd=gap, is_illustrative=illustrative,
        published_at=datetime(2026, 1, day, tzinfo=UTC) if public else None,
        deleted_at=timezone.now() if deleted else None)
    for place in places:
        if "-" in place:  # the subdivisions named here are all Colombian
            ProjectLocation.objects.create(project=project, country_id="COL", subdivision_id=place, percentage=100)
        else:
            ProjectLocation.objects.create(project=project, country_id=place, percentage=100)
    if theme is not None:
        ProjectTheme.objects.create(project=project, term=theme, percentage=100)
    return project


@pytest.fixture
def portfolio(db):
    FundingFlow.all_objects.update(project=None)  # the demo's illustrative flows hold on to the demo projects
    Project.all_objects.all().delete()
    a, b, c, d = Term.objects.filter(vocabulary_id="quito-axes").order_by("position", "pk")[:4]
    donor = organisation_loaded("gov-can")
    cucuta = organisation_loaded("demo-cucuta")
    p = {
        1: make(1, places=("COL", "CO-NSA"), theme=a, money=(1000, 250, 750), proposer="demo-cucuta", day=1),
        2: make(2, places=("COL", "ECU"), theme=b, money=("2000.10", 0, "2000.10"), day=2),
        3: make(3, theme=b, money=(None, None, None), requested_amount=500, proposer="demo-cucuta", day=3),
        4: make(4, places=("COL", "CO-NSA"), theme=d, money=(5000, 0, 5000), status=Status.DRAFT,
                proposer="demo-cucuta"),
        5: make(5, country="PER", places=("PER",), theme=c, money=(300, 100, 200), proposer="gov-per", day=4),
        6: make(6, places=("COL", "CO-NSA"), theme=a, money=(999, 0, 999), day=5, deleted=True),
        7: make(7, country="ECU", places=("ECU",), theme=a, money=(5000, 0, 5000), proposer="gov-ecu", day=6),
        8: make(8, country="PER", places=("PER",), theme=a, money=(10, 0, 10), proposer="gov-per", day=7),
        9: make(9, theme=b, money=(100, 100, 0), day=8),
        10: make(10, country="BRA", places=("BRA",), theme=d, money=(70, 0, 70), proposer="gov-bra", day=9),
    }
    p[3].budget_currency = "COP"
    p[3].save(update_fields=["budget_currency"])
    for project in (p[1], p[4]):
        ProjectFunding.objects.create(project=project, funder=donor, amount=250, currency="USD",
                                      value_date=date(2026, 1, 1), amount_usd=250)
    ProjectParticipant.objects.create(project=p[5], organisation=donor, role=ParticipantRole.FUNDING)
    ProjectParticipant.objects.create(project=p[1], organisation=cucuta, role=ParticipantRole.IMPLEMENTING)
    ProjectParticipant.objects.create(project=p[1], organisation=cucuta, role=ParticipantRole.ACCOUNTABLE)
    ProjectParticipant.objects.create(project=p[4], organisation=cucuta, role=ParticipantRole.IMPLEMENTING)
    return {"projects": p, "themes": (a, b, c, d), "donor": donor, "cucuta": cucuta}


def totals(t) -> tuple:
    return (t.projects, t.converted, t.not_converted, t.requested_usd, t.secured_usd, t.gap_usd)


def figures(html: str, testid: str = "portfolio-totals") -> dict[str, str]:
    block = html[html.index(f'data-testid="{testid}"'):]
    block = block[:block.index("</dl>")]
    return {name: re.sub(r"<[^>]+>", "", value).strip()
            for name, value in re.findall(r'data-figure="(\w+)">(.*?)</dd>', block)}


def codes(html: str, testid: str) -> list[str]:
    block = html[html.index(f'data-testid="{testid}"'):]
    block = block[:block.index("</ul>")]
    return re.findall(r"<code>(PQ-[A-Z]{3}-\d{4}-\d+)</code>", block)


# --- Totals ------------------------------------------------------------------------------------------------

def test_published_totals_are_exact_sums_of_the_published_portfolio(portfolio):
    assert totals(selectors.published_totals()) == (
        8, 7, 1, Decimal("8480.10"), Decimal("450.00"), Decimal("8030.10"))


def test_country_totals_count_a_project_in_two_countries_in_each_and_once(portfolio):
    assert totals(selectors.published_totals(country="COL")) == (
        4, 3, 1, Decimal("3100.10"), Decimal("350.00"), Decimal("2750.10"))
    assert totals(selectors.published_totals(country="ECU")) == (
        2, 2, 0, Decimal("7000.10"), Decimal("0.00"), Decimal("7000.10"))
    assert totals(selectors.published_totals(country="URY")) == (0, 0, 0, Decimal(0), Decimal(0), Decimal(0))


def test_published_per_subdivision_leaves_out_drafts_and_deleted_projects(portfolio):
    assert selectors.published_per_subdivision("COL") == {"CO-NSA": 1}


# --- Home page ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["anonymous", "focal_col"])
def test_home_shows_the_published_portfolio_to_everyone_alike(portfolio, client, client_as, users, role):
    if role != "anonymous":
        client = client_as(users[role])
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert figures(html) == {"projects": "8", "requested": "$8,480.10", "secured": "$450.00", "gap": "$8,030.10"}
    assert codes(html, "latest-projects") == [code(10, "BRA"), code(9), code(8, "PER"), code(7, "ECU"),
                                              code(5, "PER")]
    assert "1 project has an amount not converted to US dollars" in html
    assert 'href="/projects/" data-testid="home-catalogue"' in html


# --- Country page ------------------------------------------------------------------------------------------

def coloured(chart) -> dict:
    """The map's units that have a value (subdivision code → value), as the chart's spec joins them."""
    return {row["code"]: row["value"] for row in map_rows(chart.spec)
            if row["value"] is not None}


def test_country_page_shows_its_projects_totals_latest_and_catalogue_link(portfolio, client):
    response = client.get("/countries/COL/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert figures(html) == {"projects": "4", "requested": "$3,100.10", "secured": "$350.00", "gap": "$2,750.10"}
    assert codes(html, "latest-projects") == [code(9), code(3), code(2), code(1)]
    assert 'href="/projects/?country=COL" data-testid="country-catalogue"' in html
    # The map is coloured by published projects per subdivision (the draft's and the deleted one's left out).
    chart = response.context["map_chart"]
    assert chart.columns == ["Subdivision", "Published projects"]
    assert chart.rows == [["Norte de Santander", "1"]]
    spec = chart.spec
    assert spec["data"]["url"] == admin1_url("COL") == static("minga/geo/admin1/COL.topo.json")
    assert coloured(chart) == {"CO-NSA": 1}
    assert response.context["organisations"]  # the country's organisations are still listed


def test_country_map_falls_back_to_population_figures_where_no_project_names_a_subdivision(portfolio, client, users):
    """No Ecuadorian project names a subdivision: the map shows each unit's newest published figure. The demo data
    has no Ecuadorian subdivision figure (the map is then bare); two are made for Carchi, and a draft newer than both
    that stays off the map."""
    bare = client.get("/countries/ECU/", HTTP_ACCEPT_LANGUAGE="en").context["map_chart"]
    assert bare.columns == ["Subdivision", "People (newest figure)"]  # a date column only once a unit has a figure
    assert coloured(bare) == {}
    source = PopulationFigure.objects.filter(country_id="ECU", is_published=True).first().source
    carchi = Subdivision.objects.get(code="EC-C")
    for as_of, value, published in ((date(2023, 6, 30), 1000, True), (date(2024, 6, 30), 12345, True),
                                    (date(2025, 6, 30), 99999, False)):
        figure = reference_services.population_figure_create(user=users["secretariat"], fields={
            "country": carchi.country, "subdivision": carchi, "value": value, "as_of": as_of, "source": source})
        if published:  # through the services, as the secretariat does: the cached page follows
            reference_services.population_figure_set_published(figure=figure, user=users["secretariat"], published=True,
                                                               expected_version=figure.version)
    response = client.get("/countries/ECU/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    chart = response.context["map_chart"]
    assert chart.columns == ["Subdivision", "People (newest figure)", "As of"]
    assert coloured(chart) == {"EC-C": 12345}
    assert len(chart.rows) == 1


def test_unknown_country_is_not_found(client):
    assert client.get("/countries/XXX/").status_code == 404


# --- Organisation page -------------------------------------------------------------------------------------

def test_organisation_page_shows_the_public_only_published_projects(portfolio, client):
    cucuta = portfolio["cucuta"]
    html = client.get(f"/organisations/{cucuta.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert codes(html, "proposed-projects") == [code(3), code(1)]
    block = html[html.index('data-testid="participating-projects"'):]
    assert re.findall(r"<code>(PQ-[^<]+)</code>.*?— ([^<]+)</span>", block[:block.index("</ul>")]) == [
        (code(1), "Accountable, Implementing")]


def test_organisation_page_shows_a_scoped_user_what_their_role_may_see(portfolio, client_as, users):
    client = client_as(users["focal_col"])
    cucuta = portfolio["cucuta"]
    response = client.get(f"/organisations/{cucuta.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    projects = response.context["projects"]
    assert [p.code for p in projects.proposed.rows] == [code(3), code(1), code(4)]  # published first, the draft last
    assert [(p.code, roles) for p, roles in projects.participating.rows] == [
        (code(1), ["Accountable", "Implementing"]), (code(4), ["Implementing"])]


def test_organisation_lists_are_cut_and_counted_in_full(portfolio, users, monkeypatch):
    from minga.portfolio.selectors import overview
    cucuta = portfolio["cucuta"]
    for n in (11, 12, 13):
        extra = make(n, money=(1, 0, 1), proposer="demo-cucuta", day=10 + n)
        ProjectParticipant.objects.create(project=extra, organisation=cucuta, role=ParticipantRole.IMPLEMENTING)
    monkeypatch.setattr(overview, "LISTED", 2)
    projects = selectors.organisation_projects(users["focal_col"], cucuta)
    assert ([p.code for p in projects.proposed.rows], projects.proposed.total, projects.proposed.more) == (
        [code(13), code(12)], 6, 4)
    assert ([(p.code, roles) for p, roles in projects.participating.rows], projects.participating.total) == (
        [(code(13), ["Implementing"]), (code(12), ["Implementing"])], 5)


def test_organisation_page_shows_what_it_funds_and_its_pledges_with_sources(portfolio, client, client_as, users):
    donor = portfolio["donor"]
    response = client.get(f"/organisations/{donor.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert [row.project.code for row in response.context["projects"].funding.rows] == [code(1)]  # not the draft
    pledges = [(p.conference.code, p.amount, p.currency, p.amount_usd) for p in response.context["pledges"]]
    assert pledges == [("virtual-2021", Decimal("115400000.00"), "CAD", Decimal("93000000.00")),
                       ("brussels-2023", Decimal("58550000.00"), "CAD", Decimal("42000000.00"))]
    html = response.content.decode()
    table = html[html.index('data-testid="pledge-table"'):html.index("</table>", html.index('data-testid="pledge-table"'))]
    assert "CA$115,400,000.00" in table and "≈ $93,000,000.00" in table
    assert table.count('class="source"') == 2
    secretariat = client_as(users["secretariat"]).get(f"/organisations/{donor.pk}/")
    assert [row.project.code for row in secretariat.context["projects"].funding.rows] == [code(4), code(1)]


# --- A donor officer's "my projects" -----------------------------------------------------------------------

def test_donor_officer_sees_what_their_organisation_funds_and_matching_projects_ranked(portfolio, client_as, users):
    # Only the portfolio speaks here: the demo's pledges and flows of Canada are set aside (their reasons are
    # tests/finance/test_matches.py's).
    forget_the_demos_funding()
    a, _b, c, _d = (term.label_in("en")[0] for term in portfolio["themes"])
    response = client_as(users["donor_can"]).get("/projects/mine/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    matching = response.context["matching"]
    assert [p.code for p in matching.funded] == [code(5, "PER"), code(1)]  # not the draft P4 it cannot see
    assert matching.countries == ["Colombia", "Peru"]
    assert matching.themes == sorted([a, c])
    # Most matches first, then the largest gap; P3 (no gap known), P9 (no gap), P10 (the draft's theme) are out.
    assert [(m.project.code, m.reasons, m.gap_usd) for m in matching.matches] == [
        (code(8, "PER"), ["works in Peru, where the donor has pledged or funded",
                          f"its theme {a} was earmarked or funded by the donor"], Decimal(10)),
        (code(7, "ECU"), [f"its theme {a} was earmarked or funded by the donor"], Decimal(5000)),
        (code(2), ["works in Colombia, where the donor has pledged or funded"], Decimal("2000.10")),
    ]
    assert matching.total == 3
    html = response.content.decode()
    assert 'data-code="{}"'.format(code(8, "PER")) in html
    assert f"works in Peru, where the donor has pledged or funded; its theme {a} was earmarked or funded by the donor" \
        in html
    assert "No projects in your remit yet." not in html


def test_other_roles_get_no_matches(portfolio, client_as, users):
    for role in ("focal_col", "local_cucuta", "secretariat"):
        response = client_as(users[role]).get("/projects/mine/")
        assert response.context["matching"] is None, role
        assert 'data-testid="donor-matches"' not in response.content.decode()


# --- A project's own downloads -----------------------------------------------------------------------------

def test_project_page_links_its_own_downloads(portfolio, client):
    html = client.get(f"/projects/{code(1)}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/projects/{code(1)}/export.xlsx" download data-testid="download-xlsx"' in html
    assert f'href="/projects/{code(1)}/export.iati" download data-testid="download-iati"' in html
    assert f'href="/api/v1/projects/{code(1)}" data-testid="download-api"' in html


def test_project_xlsx_holds_that_project_only(portfolio, client):
    import io

    from openpyxl import load_workbook
    response = client.get(f"/projects/{code(1)}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{code(1)}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values == [code(1)]


def test_project_iati_holds_its_activity(portfolio, client):
    response = client.get(f"/projects/{code(1)}/export.iati")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{code(1)}-iati.xml"'
    body = response.content.decode()
    assert body.count("<iati-activity ") == 1 and code(1) in body


def test_illustrative_project_explains_why_there_is_no_iati_file(portfolio, client):
    Project.objects.filter(code=code(1)).update(is_illustrative=True)
    html = client.get(f"/projects/{code(1)}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="download-iati"' not in html
    assert ("IATI XML: none, this project is an illustrative sample made up for the demonstration and is not "
            "published to IATI as a real activity.") in html
    response = client.get(f"/projects/{code(1)}/export.iati", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.content.decode() == ("This project is an illustrative sample made up for the demonstration: "
                                         "it is not published to IATI as a real activity.")


def test_iati_refusal_names_what_the_activity_lacks(portfolio, client):
    Project.objects.filter(code=code(1)).update(planned_end=None)
    response = client.get(f"/projects/{code(1)}/export.iati", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.content.decode()) == (
        404, "This project cannot be written as an IATI activity: no planned start or end (IATI requires activity "
             "dates).")


def test_draft_downloads_follow_the_project_visibility(portfolio, client, client_as, users):
    assert client.get(f"/projects/{code(4)}/export.xlsx").status_code == 404  # hidden from the public
    focal = client_as(users["focal_col"])
    html = focal.get(f"/projects/{code(4)}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "IATI XML: none until the project is published." in html
    assert focal.get(f"/projects/{code(4)}/export.xlsx").status_code == 200
    response = focal.get(f"/projects/{code(4)}/export.iati", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.content.decode()) == (404, "Only published projects are published to IATI.")


# --- No N+1 ------------------------------------------------------------------------------------------------

def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200, url
    return len(context)


def test_pages_cost_the_same_queries_however_many_projects(portfolio, client, client_as, users):
    a = portfolio["themes"][0]
    cucuta, donor = portfolio["cucuta"], portfolio["donor"]
    urls = ["/", "/countries/COL/", f"/organisations/{cucuta.pk}/", f"/organisations/{donor.pk}/"]
    donor_client = client_as(users["donor_can"])
    client.get("/")  # warm the session, caches and content types alike for both measures
    before = [_queries(client, url) for url in urls] + [_queries(donor_client, "/projects/mine/")]
    for n in range(20, 32):
        project = make(n, places=("COL", "CO-NSA", "CO-ARA"), theme=a, money=(10, 5, 5), proposer="demo-cucuta",
                       day=10)
        ProjectParticipant.objects.create(project=project, organisation=cucuta, role=ParticipantRole.IMPLEMENTING)
        ProjectFunding.objects.create(project=project, funder=donor, amount=5, currency="USD",
                                      value_date=date(2026, 1, 1), amount_usd=5)
        make(n + 20, country="PER", places=("PER",), theme=a, money=(10, 0, 10), proposer="gov-per", day=11)
    after = [_queries(client, url) for url in urls] + [_queries(donor_client, "/projects/mine/")]
    assert after == before
