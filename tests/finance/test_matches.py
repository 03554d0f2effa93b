"""Question 6, one list (finance.selectors.matches.donor_matches), on a hand-built portfolio and ledger.

Canada (gov-can) gave, and the public sees: pledge CP1 to Ecuador earmarked theme B; disbursement CF1 to Peru,
theme C, funding project F1 (Colombia, theme A, territorial approach 2); disbursement CF2 imported from an IATI
activity with gender marker 2 (regional, no theme); secured funding of project F2 (Colombia, human-rights
approach 2). Its draft pledge CP2 (Brazil, theme D) only its own officer sees. USAID pledged to Argentina.

====  =========  ============  =====  ================  ======  ============================================
code  state      countries     theme  markers           gap     reasons for the public (countries, themes, markers)
====  =========  ============  =====  ================  ======  ============================================
M1    published  ECU           B      gender 1          500     Ecuador (CP1), B (CP1), gender (CF2's activity)
M2    published  PER, COL      C                        1000    Colombia (F1, F2), Peru (CF1), C (CF1)
M3    published  COL                  territorial 1     300     Colombia, territorial (F1)
M4    published  BRA           D                        9000    none; the officer: Brazil, D (the draft CP2)
M5    published  ARG                                    50      none (USAID's country)
M6    published  ECU                                    0       no open gap
M7    published  ECU                                    unknown no open gap known (not converted)
M8    draft      ECU                                    400     not published
M9    published  COL                  territorial 0     300     Colombia (a marker not pursued is none)
M10   published  PER                                    300     Peru (ties with M9: by code, COL first)
M12   published  URY                  human-rights 2    20      human-rights (F2)
====  =========  ============  =====  ================  ======  ============================================
F1 and F2 are funded by Canada already: not candidates.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance import services
from minga.finance.inputs import FlowInput, PledgeInput
from minga.finance.selectors.matches import donor_matches
from minga.finance.tracking import FundingFlow
from minga.portfolio.models import Project, ProjectFunding, ProjectLocation, ProjectMarker, ProjectTheme, Status
from minga.reference.models import Country, Term
from minga.reference.selectors import organisation_loaded
from tests.codes import YEAR
from tests.finance.conftest import forget_the_demos_funding, org, publish_flow, publish_pledge

pytestmark = pytest.mark.django_db


def code(n: int, country: str) -> str:
    return f"PQ-{country}-{YEAR}-{8000 + n:04d}"


def make(n, countries, *, theme=None, markers=(), gap="100", status=Status.PUBLISHED) -> Project:
    public = status == Status.PUBLISHED
    gap = None if gap is None else Decimal(gap)
    project = Project.objects.create(
        code=code(n, countries[0]), title_en=f"Project {n}", summary_en=f"What project {n} does.",
        planned_start=date(2026, 1, 1), planned_end=date(2027, 12, 31),
        proposing_organisation=organisation_loaded("gov-col"), country_id=countries[0], status=status,
        is_public=public, budget_currency="USD", requested_amount=Decimal(10_000),
        requested_usd=None if gap is None else Decimal(10_000), secured_usd=None if gap is None else 10_000 - gap,
        gap_usd=gap, published_at=datetime(2026, 1, n % 28 + 1, tzinfo=UTC) if public else None)
    for country in countries:
        ProjectLocation.objects.create(project=project, country_id=country, percentage=100)
    if theme is not None:
        ProjectTheme.objects.create(project=project, term=theme, percentage=100)
    for marker, significance in markers:
        ProjectMarker.objects.create(project=project, marker_id=marker, significance=significance)
    return project


@pytest.fixture
def board(users, source):
    forget_the_demos_funding()
    Project.all_objects.all().delete()
    secretariat, officer = users["secretariat"], users["donor_can"]
    a, b, c, d = Term.objects.filter(vocabulary_id="quito-axes").order_by("position", "pk")[:4]
    can, usaid, unhcr = organisation_loaded("gov-can"), org("usaid"), org("unhcr")
    country = {iso3: Country.objects.get(pk=iso3) for iso3 in ("ECU", "BRA", "ARG", "PER")}
    f1 = make(1, ["COL"], theme=a, markers=[("territorial", 2)])
    f2 = make(2, ["COL"], markers=[("human-rights", 2)], gap="700")
    ProjectFunding.objects.create(project=f2, funder=can, amount=250, currency="USD", value_date=date(2026, 1, 1),
                                  amount_usd=250)
    found = {
        "M1": make(11, ["ECU"], theme=b, markers=[("gender", 1)], gap="500"),
        "M2": make(12, ["PER", "COL"], theme=c, gap="1000"),
        "M3": make(13, ["COL"], markers=[("territorial", 1)], gap="300"),
        "M4": make(14, ["BRA"], theme=d, gap="9000"),
        "M5": make(15, ["ARG"], gap="50"),
        "M6": make(16, ["ECU"], gap="0"),
        "M7": make(17, ["ECU"], gap=None),
        "M8": make(18, ["ECU"], gap="400", status=Status.DRAFT),
        "M9": make(19, ["COL"], markers=[("territorial", 0)], gap="300"),
        "M10": make(20, ["PER"], gap="300"),
        "M12": make(22, ["URY"], markers=[("human-rights", 2)], gap="20"),
    }

    def pledge(user, publish=True, **fields):
        base = {"source": source, "pledged_on": date(2023, 3, 16), "instrument": "grant", "currency": "USD",
                "amount": Decimal(1000), "purpose": "humanitarian"}
        made = services.pledge_create(user=user, data=PledgeInput(**{**base, **fields}))
        return publish_pledge(made, secretariat) if publish else made

    pledge(secretariat, donor=can, countries=[(country["ECU"], Decimal(100))], earmarks=[b])
    pledge(officer, publish=False, donor=can, countries=[(country["BRA"], Decimal(100))], earmarks=[d])
    pledge(secretariat, donor=usaid, countries=[(country["ARG"], Decimal(100))])

    def flow(**fields):
        base = {"currency": "USD", "receiver": unhcr, "provider": can, "source": source, "stage": "disbursement",
                "amount": Decimal(500), "value_date": date(2023, 5, 1)}
        return publish_flow(services.flow_create(user=secretariat, data=FlowInput(**{**base, **fields})), secretariat)

    flow(country=country["PER"], theme=c, project=f1)
    imported = flow()  # regional: no country, no theme; its IATI activity pursues gender equality
    activity = IatiActivity.objects.create(identifier="CA-3-TEST-MATCHES", gender_marker=2, fingerprint="test")
    IatiTransaction.objects.create(activity=activity, position=0, transaction_type="3", value=Decimal(500),
                                   currency="USD", value_date=date(2023, 5, 1), flow=imported)
    return {"can": can, "themes": (a, b, c, d), "projects": found, "f1": f1, "f2": f2}


def rows(found):
    return [(match.project.code, match.reasons, match.gap_usd) for match in found.matches]


def country_reason(name):
    return f"works in {name}, where the donor has pledged or funded"


def theme_reason(term):
    return f"its theme {term.label_in('en')[0]} was earmarked or funded by the donor"


def marker_reason(label):
    return f"its cross-cutting approach {label} is one the donor's funded work pursues"


def expected_for_the_public(board):
    _a, b, c, _d = board["themes"]
    return [
        (code(12, "PER"), [country_reason("Colombia"), country_reason("Peru"), theme_reason(c)], Decimal(1000)),
        (code(11, "ECU"), [country_reason("Ecuador"), theme_reason(b), marker_reason("Gender approach")],
         Decimal(500)),
        (code(13, "COL"), [country_reason("Colombia"), marker_reason("Territorial approach")], Decimal(300)),
        (code(19, "COL"), [country_reason("Colombia")], Decimal(300)),
        (code(20, "PER"), [country_reason("Peru")], Decimal(300)),
        (code(22, "URY"), [marker_reason("Human rights-based approach")], Decimal(20)),
    ]


def test_the_public_list_ranks_by_fit_then_gap_then_code_with_every_reason(board, english):
    found = donor_matches(None, [board["can"].pk])
    assert rows(found) == expected_for_the_public(board)
    assert found.total == 6
    assert [project.code for project in found.funded] == [code(2, "COL"), code(1, "COL")]  # newest first
    assert found.countries == ["Colombia", "Ecuador", "Peru"]
    assert found.markers == ["Gender approach", "Human rights-based approach", "Territorial approach"]
    assert [match.fit for match in found.matches] == [3, 3, 2, 1, 1, 1]


def test_the_officer_also_counts_their_own_draft_pledge(board, users, english):
    _a, _b, _c, d = board["themes"]
    found = donor_matches(users["donor_can"], [board["can"].pk])
    expected = expected_for_the_public(board)
    assert rows(found) == [*expected[:2], (code(14, "BRA"), [country_reason("Brazil"), theme_reason(d)],
                                           Decimal(9000)), *expected[2:]]
    assert found.total == 7


def test_the_list_is_cut_at_the_limit_and_counted_in_full(board, english):
    found = donor_matches(None, [board["can"].pk], limit=2)
    assert (rows(found), found.total) == (expected_for_the_public(board)[:2], 6)


def test_another_donor_gets_its_own_list(board, english):
    usaid = org("usaid")
    assert rows(donor_matches(None, [usaid.pk])) == [(code(15, "ARG"), [country_reason("Argentina")], Decimal(50))]


def test_a_fixed_number_of_queries_whatever_the_numbers(board, english):
    def count():
        with CaptureQueriesContext(connection) as context:
            donor_matches(None, [board["can"].pk])
        return len(context)

    before = count()
    a = board["themes"][0]
    for n in range(30, 36):
        make(n, ["COL", "PER"], theme=a, markers=[("territorial", 2), ("gender", 1)], gap=str(n))
    ProjectFunding.objects.create(project=make(40, ["ECU"], theme=a), funder=board["can"], amount=1, currency="USD",
                                  value_date=date(2026, 1, 1), amount_usd=1)
    assert (count(), before) == (before, 11)


def _listed(html: str) -> list[tuple[str, str]]:
    table = html[html.index('data-testid="funding-matches"'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<tr data-code="([^"]+)">.*?<td data-testid="reasons">([^<]*)</td>', table)


def test_the_donor_page_and_my_projects_show_the_same_list(board, client_as, users, english):
    officer = client_as(users["donor_can"])
    mine = officer.get("/projects/mine/", HTTP_ACCEPT_LANGUAGE="en")
    page = officer.get(f"/funding/donors/{board['can'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert (mine.status_code, page.status_code) == (200, 200)
    listed = _listed(mine.content.decode())
    assert listed == _listed(page.content.decode())
    assert [row[0] for row in listed] == [code(12, "PER"), code(11, "ECU"), code(14, "BRA"), code(13, "COL"),
                                          code(19, "COL"), code(20, "PER"), code(22, "URY")]
    assert listed[0][1] == "; ".join([country_reason("Colombia"), country_reason("Peru"),
                                      theme_reason(board["themes"][2])])
    # The public's donor page: the same list without what only the officer sees (the draft pledge's Brazil).
    public = client_as(None).get(f"/funding/donors/{board['can'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert [row[0] for row in _listed(public.content.decode())] == [
        row[0] for row in expected_for_the_public(board)]


def test_a_flow_with_no_counted_stage_gives_no_reason(board, english, users):
    """Incoming funds are the receiver's report of money counted at its donor: they say nothing of the donor."""
    flow = FundingFlow.objects.filter(provider=board["can"], country_id="PER").get()
    FundingFlow.objects.filter(pk=flow.pk).update(stage="incoming")
    found = donor_matches(None, [board["can"].pk])
    # Peru and theme C came from that flow only; F1 is no longer funded by Canada: its territorial approach is no
    # reason any more, and F1 itself (Colombia, gap 100) becomes a candidate.
    assert [(row[0], len(row[1]), row[2]) for row in rows(found)] == [
        (code(11, "ECU"), 3, Decimal(500)), (code(12, "PER"), 1, Decimal(1000)), (code(13, "COL"), 1, Decimal(300)),
        (code(19, "COL"), 1, Decimal(300)), (code(1, "COL"), 1, Decimal(100)), (code(22, "URY"), 1, Decimal(20))]
