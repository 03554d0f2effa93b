"""Issue 13, "Roadmap" views: the timeline (SVG bars placed by attributes), the board by status, the country
filter, evidence documents on an action and its linked portfolio projects."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from minga.portfolio.models import Project
from minga.process import roadmap, services, timeline
from minga.process.models import ActionEvidence, RoadmapAction
from minga.process.roadmap import RoadmapFilters
from minga.process.services import EvidenceInput
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

CUCUTA, GAC = "demo-cucuta-kit-rollout", "demo-media-training-canada"
PUBLISHED, DRAFT = f"PQ-COL-{YEAR}-0001", f"PQ-COL-{YEAR}-0002"


def test_the_timeline_spans_the_dated_actions_and_places_each_bar():
    rows = roadmap.rows(RoadmapFilters(), date(2026, 6, 1))
    span = timeline.span(rows, date(2026, 6, 1))
    # GAC's workshops start 1 March 2024, Cúcuta's rollout is due 31 December 2026: 1035 days.
    assert (span.starts_on, span.ends_on) == (date(2024, 3, 1), date(2026, 12, 31))
    assert span.years == [(2025, round(306 * 1000 / 1035)), (2026, round(671 * 1000 / 1035))]
    assert span.today_x == round(822 * 1000 / 1035)
    bars = {bar.row.action.code: (bar.x, bar.width, bar.done_width) for bar in timeline.bars(rows, span)}
    # Cúcuta: from 1 January 2025 (day 306) to the end (1035), 30 % done; GAC: day 0 to 30 June 2025 (486), 60 %.
    assert bars[CUCUTA] == (296, 1000 - 296, (1000 - 296) * 30 // 100)
    assert bars[GAC] == (0, 470, 470 * 60 // 100)
    assert bars["capacity-development-kit"] == (None, None, None)  # the declaration gives no dates


def test_the_timeline_page_draws_bars_without_inline_styles(client):
    html = client.get("/process/roadmap/timeline/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="timeline-span is-at-risk" x="296" y="4" width="704"' in html
    assert "style=" not in html
    assert html.count("No dates recorded: not on the time axis.") == 4


def test_the_board_has_a_column_per_status_with_its_actions(client):
    columns = {value: [row.action.code for row in rows]
               for value, _label, rows in timeline.by_status(roadmap.rows(RoadmapFilters(), date(2026, 6, 1)))}
    assert columns == {"planned": ["capacity-development-kit", "reception-services-girls-women",
                                   "socioeconomic-integration-communication", "media-officials-training"],
                       "under_way": [CUCUTA], "delayed": [GAC], "done": [], "dropped": []}
    page = client.get("/process/roadmap/board/?status=delayed", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert f'data-code="{GAC}"' in page.content.decode() and f'data-code="{CUCUTA}"' not in page.content.decode()


@pytest.mark.parametrize(("country", "codes"), [
    ("COL", [CUCUTA]),  # Cúcuta leads it, Colombia's government is its partner
    ("CAN", [GAC]),
    ("PER", []),
])
def test_the_country_filter_reads_lead_and_partners(country, codes):
    rows = roadmap.rows(RoadmapFilters(country=country), date(2026, 6, 1))
    assert [row.action.code for row in rows] == codes


def test_the_country_filter_offers_the_countries_of_leads_and_partners(client):
    with translation.override("en"):
        assert [country.iso3 for country in roadmap.countries()] == ["CAN", "COL"]
    page = client.get("/process/roadmap/?country=CAN", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="CAN" selected>' in page and f'data-code="{GAC}"' in page


def test_the_lead_officer_adds_evidence_and_the_page_lists_it(users, client):
    action = RoadmapAction.objects.get(code=CUCUTA)
    services.evidence_add(user=users["local_cucuta"], action=action, today=date(2026, 6, 1), data=EvidenceInput(
        title="Informe de la formación", on_date=date(2026, 5, 30), url="https://example.org/informe.pdf"))
    html = client.get(f"/process/roadmap/{CUCUTA}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a href="https://example.org/informe.pdf" rel="noopener">Informe de la formación</a> · May 30, 2026' in html


@pytest.mark.parametrize("role", ["focal_col", "donor_can", "observer"])
def test_no_one_else_adds_evidence(users, role):
    with pytest.raises(PermissionDenied):
        services.evidence_add(user=users[role], action=RoadmapAction.objects.get(code=CUCUTA), data=EvidenceInput(
            title="X", on_date=date(2026, 5, 30), url="https://example.org/x.pdf"))
    assert ActionEvidence.objects.count() == 0


def test_evidence_cannot_be_dated_in_the_future(users):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.evidence_add(user=users["secretariat"], action=RoadmapAction.objects.get(code=CUCUTA),
                              today=date(2026, 6, 1), data=EvidenceInput(
                                  title="X", on_date=date(2026, 6, 2), url="https://example.org/x.pdf"))
    assert refused.value.message_dict == {"on_date": ["A document cannot be dated in the future."]}


def test_the_evidence_form_is_for_the_lead_officers(client_as, users):
    assert client_as(users["focal_col"]).get(f"/process/roadmap/{CUCUTA}/evidence/").status_code == 403
    response = client_as(users["local_cucuta"]).post(f"/process/roadmap/{CUCUTA}/evidence/", {
        "title": "Acta", "on_date": "2025-01-10", "url": "https://example.org/acta.pdf"})
    assert (response.status_code, response.url) == (302, f"/process/roadmap/{CUCUTA}/")
    assert list(ActionEvidence.objects.values_list("title", "added_by__username")) == [("Acta", "cucuta")]


def test_linked_projects_are_shown_as_the_reader_may_see_them(client, client_as, users):
    action = RoadmapAction.objects.get(code=CUCUTA)
    action.projects.set([Project.objects.get(code=PUBLISHED), Project.objects.get(code=DRAFT)])
    public = client.get(f"/process/roadmap/{CUCUTA}/").content.decode()
    assert PUBLISHED in public and DRAFT not in public
    focal = client_as(users["focal_col"]).get(f"/process/roadmap/{CUCUTA}/").content.decode()
    assert PUBLISHED in focal and DRAFT in focal
