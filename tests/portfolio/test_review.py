"""The secretariat's review queue, the transition endpoint and the actions box of the project page."""

from datetime import date, timedelta
from decimal import Decimal

import lxml.html
import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from minga.portfolio import services
from minga.portfolio.models import Project
from minga.reference.models import Country, Marker, Organisation, Subdivision, Term
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

UNDER_REVIEW = f"PQ-BRA-{YEAR}-0001"
DRAFT = f"PQ-COL-{YEAR}-0002"
PUBLISHED = f"PQ-COL-{YEAR}-0001"


def complete_colombian_project(user) -> Project:
    colombia = Country.objects.get(iso3="COL")
    return services.project_create(user=user, data={
        "title_es": "Rutas de protección en Arauca", "summary_es": "Rutas de protección.",
        "proposing_organisation": Organisation.objects.get(load_key="organisation:gov-col"),
        "planned_start": date(2026, 1, 1), "planned_end": date(2026, 12, 31),
        "budget_amount": Decimal("40000000"), "budget_currency": "COP", "budget_value_date": date(2026, 1, 15),
        "requested_amount": Decimal("40000000"), "people_total": 100,
        "locations": [{"country": colombia, "subdivision": Subdivision.objects.get(code="CO-ARA"),
                       "municipality": None, "percentage": Decimal(100)}],
        "themes": [{"term": Term.objects.get(vocabulary_id="quito-axes", code="child-protection"),
                    "percentage": Decimal(100)}],
        "markers": [{"marker": marker, "significance": 1} for marker in Marker.objects.all()],
        "budget_years": [{"year": 2026, "amount": Decimal("40000000")}],
    })


def transition(client, code, to_status, version, comment=None):
    data = {"to_status": to_status, "version": version}
    if comment is not None:
        data["comment"] = comment
    response = client.post(f"/projects/{code}/transition/", data)
    client.cookies.pop("messages", None)  # read by said(); not carried to the next request
    return response


def said(client, response) -> list[str]:
    """The messages the response left for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_queue_lists_exactly_the_projects_waiting_oldest_first(browser, users):
    newer = complete_colombian_project(users["focal_col"])
    newer = services.project_transition(project=newer, user=users["focal_col"], to_status="submitted",
                                        expected_version=newer.version)
    Project.objects.filter(code=UNDER_REVIEW).update(submitted_at=timezone.now() - timedelta(days=12))

    response = browser(users["secretariat"]).get("/projects/review/")
    assert response.status_code == 200
    rows = [(row["project"].code, row["project"].status, row["project"].proposing_organisation.name,
             row["project"].country_id, row["age_days"], row["submitted_by"].username)
            for row in response.context["rows"]]
    assert rows == [
        (UNDER_REVIEW, "under_review", "Governo da República Federativa do Brasil", "BRA", 12, "secretaria"),
        (newer.code, "submitted", "Gobierno de la República de Colombia", "COL", 0, "focal.col"),
    ]
    table = lxml.html.fromstring(response.content.decode()).xpath('//*[@data-testid="review-queue"]/tbody/tr')
    assert [row.get("data-code") for row in table] == [UNDER_REVIEW, newer.code]


def test_the_demo_queue_holds_only_the_brazilian_project_under_review(browser, users):
    response = browser(users["secretariat"]).get("/projects/review/")
    assert [row["project"].code for row in response.context["rows"]] == [UNDER_REVIEW]


def test_only_the_secretariat_opens_the_queue(browser, users):
    for key in ("focal_col", "observer", "donor_can", "local_cucuta"):
        assert browser(users[key]).get("/projects/review/").status_code == 403, key
    response = browser(None).get("/projects/review/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_requesting_changes_without_a_comment_is_refused(browser, users):
    client = browser(users["secretariat"])
    project = Project.objects.get(code=UNDER_REVIEW)
    for comment in (None, "", "   "):
        response = transition(client, UNDER_REVIEW, "changes_requested", project.version, comment)
        assert response.status_code == 302 and response["Location"] == f"/projects/{UNDER_REVIEW}/"
        assert said(client, response) == ["Say what needs to change."]
    after = Project.objects.get(code=UNDER_REVIEW)
    assert (after.status, after.version, after.transitions.count()) == ("under_review", project.version, 3)

    response = transition(client, UNDER_REVIEW, "changes_requested", project.version, "Añadan el desglose por año.")
    assert said(client, response) == ["Changes requested; the proposer sees your comment."]
    after = Project.objects.get(code=UNDER_REVIEW)
    assert after.status == "changes_requested"
    last = after.transitions.last()
    assert (last.from_status, last.to_status, last.user, last.comment) == (
        "under_review", "changes_requested", users["secretariat"], "Añadan el desglose por año.")


def test_the_whole_review_round_trip(browser, users):
    project = complete_colombian_project(users["focal_col"])
    focal = browser(users["focal_col"])  # one test client: signing in as someone else signs the other out
    assert said(focal, transition(focal, project.code, "submitted", 1)) == ["Submitted to the secretariat."]
    secretariat = browser(users["secretariat"])
    assert said(secretariat, transition(secretariat, project.code, "under_review", 2)) == ["Review started."]
    transition(secretariat, project.code, "changes_requested", 3, "Pidan menos: 30 millones.")

    focal = browser(users["focal_col"])
    mine = {row["project"].code: row["next"] for row in focal.get("/projects/mine/").context["rows"]}
    assert mine[project.code]["text"] == "Make the requested changes, then submit again"
    assert mine[project.code]["comment"] == "Pidan menos: 30 millones."
    page = focal.get(f"/projects/{project.code}/edit/?step=5")
    data = dict(lxml.html.fromstring(page.content.decode()).xpath(
        '//form[@data-testid="step-form"]')[0].form_values())
    data.update({"requested_amount": "30000000", "after": "stay"})
    assert focal.post(f"/projects/{project.code}/edit/?step=5", data).status_code == 302
    assert transition(focal, project.code, "submitted", 5).status_code == 302

    secretariat = browser(users["secretariat"])
    transition(secretariat, project.code, "under_review", 6)
    assert said(secretariat, transition(secretariat, project.code, "published", 7)) == [
        "Published: the project is now in the public catalogue."]
    project.refresh_from_db()
    assert (project.status, project.is_public, project.requested_amount, project.requested_usd) == (
        "published", True, Decimal("30000000.00"), Decimal("7500.00"))
    assert [(t.from_status, t.to_status, t.user.username, t.comment) for t in project.transitions.all()] == [
        ("", "draft", "focal.col", ""),
        ("draft", "submitted", "focal.col", ""),
        ("submitted", "under_review", "secretaria", ""),
        ("under_review", "changes_requested", "secretaria", "Pidan menos: 30 millones."),
        ("changes_requested", "submitted", "focal.col", ""),
        ("submitted", "under_review", "secretaria", ""),
        ("under_review", "published", "secretaria", ""),
    ]


def test_moves_the_user_may_not_make_are_refused_with_403(browser, users):
    project = Project.objects.get(code=PUBLISHED)
    # Visible (published) but not theirs: Peru's focal point may not withdraw Colombia's project.
    assert transition(browser(users["focal_per"]), PUBLISHED, "withdrawn", project.version).status_code == 403
    # A proposer does not publish or review.
    submitted = complete_colombian_project(users["focal_col"])
    focal = browser(users["focal_col"])
    transition(focal, submitted.code, "submitted", 1)
    assert transition(focal, submitted.code, "under_review", 2).status_code == 403
    assert transition(focal, submitted.code, "published", 2).status_code == 403
    assert Project.objects.get(code=submitted.code).status == "submitted"
    assert Project.objects.get(code=PUBLISHED).status == "published"


def test_a_draft_of_another_country_cannot_be_moved(browser, users):
    client = browser(users["focal_per"])
    for target in ("submitted", "withdrawn"):
        assert transition(client, DRAFT, target, 1).status_code == 404
    assert Project.objects.get(code=DRAFT).status == "draft"


def test_a_stale_version_moves_nothing(browser, users):
    client = browser(users["secretariat"])
    project = Project.objects.get(code=UNDER_REVIEW)
    response = transition(client, UNDER_REVIEW, "published", project.version - 1)
    assert response.status_code == 302
    assert said(client, response) == [
        f"This record was changed by someone else (you edited version {project.version - 1}, it is now at version "
        f"{project.version}). Nothing was saved: reload it and apply your changes again."]
    assert Project.objects.get(code=UNDER_REVIEW).status == "under_review"


def test_the_transition_endpoint_takes_only_a_well_formed_post(browser, users):
    client = browser(users["secretariat"])
    assert client.get(f"/projects/{UNDER_REVIEW}/transition/").status_code == 405
    response = client.post(f"/projects/{UNDER_REVIEW}/transition/", {"to_status": "sideways", "version": 1})
    assert response.status_code == 400


def actions(user, code) -> dict:
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en")
    request.user = user if user is not None else AnonymousUser()
    html = render_to_string("portfolio/_project_actions.html", {"project": Project.objects.get(code=code)},
                            request=request)
    if not html.strip():
        return {}
    document = lxml.html.fromstring(html)
    return {
        "edit": [a.get("href") for a in document.xpath('//a[@data-testid="edit-project"]')],
        # A button, or for a move asked a second time the link to its confirmation page.
        "moves": [control.get("data-testid") for control in document.xpath(
            "//button[starts-with(@data-testid, 'transition-')] | //a[starts-with(@data-testid, 'transition-')]")],
        "required_comment": [t.get("name") for t in document.xpath("//textarea[@required]")],
        "upload": len(document.xpath('//form[@data-testid="document-upload"]')),
    }


def test_the_actions_box_offers_only_the_allowed_moves(users):
    with translation.override("en"):
        assert actions(users["focal_col"], DRAFT) == {
            "edit": [f"/projects/{DRAFT}/edit/"], "moves": ["transition-submitted", "transition-withdrawn"],
            "required_comment": [], "upload": 1}
        # The secretariat may change any project, so it also gets the edit link and the upload form.
        assert actions(users["secretariat"], UNDER_REVIEW) == {
            "edit": [f"/projects/{UNDER_REVIEW}/edit/"],
            "moves": ["transition-changes_requested", "transition-published", "transition-withdrawn"],
            "required_comment": ["comment"], "upload": 1}
        assert actions(users["focal_col"], PUBLISHED) == {
            "edit": [], "moves": ["transition-in_implementation", "transition-withdrawn"], "required_comment": [],
            "upload": 0}
        assert actions(users["focal_per"], PUBLISHED) == {}
        assert actions(users["observer"], UNDER_REVIEW) == {}
        assert actions(None, PUBLISHED) == {}
