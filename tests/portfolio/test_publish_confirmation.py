"""Publishing is asked a second time, on a page of its own that works without JavaScript, and takes an
optional comment that the history keeps."""

import lxml.html
import pytest

from minga.audit.selectors import history_of
from minga.portfolio.models import Project, ProjectTransition
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

UNDER_REVIEW = f"PQ-BRA-{YEAR}-0001"
PUBLISHED = f"PQ-COL-{YEAR}-0001"


def page(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_the_publish_button_leads_to_a_confirmation_page_not_to_the_move(client_as, users):
    client = client_as(users["secretariat"])
    project = page(client.get(f"/projects/{UNDER_REVIEW}/", HTTP_ACCEPT_LANGUAGE="en"))
    control = project.xpath('//*[@data-testid="transition-published"]')[0]
    assert (control.tag, control.get("href"), control.text_content()) == (
        "a", f"/projects/{UNDER_REVIEW}/transition/published/", "Publish…")
    assert project.xpath('//form//input[@name="to_status"][@value="published"]') == []  # no direct move

    confirm = page(client.get(f"/projects/{UNDER_REVIEW}/transition/published/", HTTP_ACCEPT_LANGUAGE="en"))
    assert confirm.xpath("//h1")[0].text_content() == f"Publish {UNDER_REVIEW}?"
    form = confirm.xpath('//section[@data-testid="transition-confirm"]//form')[0]
    assert (form.get("method"), form.get("action")) == ("post", f"/projects/{UNDER_REVIEW}/transition/")
    assert {field.get("name"): field.get("value") for field in form.xpath(".//input[@type='hidden']")} == {
        "csrfmiddlewaretoken": form.xpath(".//input[@name='csrfmiddlewaretoken']")[0].get("value"),
        "to_status": "published", "version": str(Project.objects.get(code=UNDER_REVIEW).version)}
    comment = form.xpath(".//textarea[@name='comment']")[0]
    assert comment.get("required") is None
    assert form.xpath(".//label[@for='comment']")[0].text_content() == "Comment (optional, kept in the history)"
    assert form.xpath(".//button[@data-testid='confirm-published']")[0].text_content() == "Confirm: Publish"
    assert "Everyone will see it in the public catalogue" in confirm.text_content()
    assert Project.objects.get(code=UNDER_REVIEW).status == "under_review"  # asking changed nothing


def test_confirming_publishes_with_the_comment_kept_in_the_history(client_as, users):
    client = client_as(users["secretariat"])
    version = Project.objects.get(code=UNDER_REVIEW).version
    response = client.post(f"/projects/{UNDER_REVIEW}/transition/", {
        "to_status": "published", "version": version, "comment": "Aprobado por el comité del 28 de noviembre"})
    assert (response.status_code, response["Location"]) == (302, f"/projects/{UNDER_REVIEW}/")
    project = Project.objects.get(code=UNDER_REVIEW)
    assert (project.status, project.is_public) == ("published", True)
    move = ProjectTransition.objects.filter(project=project).latest("pk")
    assert (move.from_status, move.to_status, move.user, move.comment) == (
        "under_review", "published", users["secretariat"], "Aprobado por el comité del 28 de noviembre")
    assert history_of(project)[0].reason == "Aprobado por el comité del 28 de noviembre"


def test_the_confirmation_page_is_refused_to_whoever_may_not_take_the_move(client_as, users):
    assert client_as(users["focal_col"]).get(f"/projects/{UNDER_REVIEW}/transition/published/").status_code == 404
    assert client_as(users["secretariat"]).get(f"/projects/{PUBLISHED}/transition/published/").status_code == 403
    assert client_as(users["observer"]).get(f"/projects/{UNDER_REVIEW}/transition/published/").status_code == 403
    assert client_as(None).get(f"/projects/{UNDER_REVIEW}/transition/published/").status_code == 302  # sign in
