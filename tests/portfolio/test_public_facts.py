"""Issue 8, finding 8: what the public sees of a project, and what a hidden record's history address tells.

A published project's page shows everyone its public facts: the dates of its changes of state and the
organisation. Who moved it, the secretariat's review comments and the contacts are for those the permission
module lets read the project's history (its proposers, the secretariat, observers), on the page as in the API.
"""

import re

import lxml.html
import pytest
from django.urls import reverse

from minga.accounts.services import api_token_create
from minga.audit.services import record_soft_delete
from minga.portfolio import services
from minga.portfolio.models import Project, Status
from minga.reference.models import Organisation
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

BRAZIL = f"PQ-BRA-{YEAR}-0001"  # under review: the secretariat asks for changes, then publishes it
COMMENT = "Falta el presupuesto detallado; Ana lo revisó con el equipo."
CONTACT = {"name": "Marta Rincón", "position": "Coordinator", "email": "marta@example.org", "phone": "+57 300 000 0000"}


@pytest.fixture
def reviewed(users) -> Project:
    """The Brazilian project, sent back with a review comment, resubmitted and published, with a contact."""
    secretariat = users["secretariat"]
    project = Project.objects.get(code=BRAZIL)
    project = services.project_update(project=project, user=secretariat, expected_version=project.version,
                                      data={"contacts": [CONTACT]})
    for target, comment in ((Status.CHANGES_REQUESTED, COMMENT), (Status.SUBMITTED, ""),
                            (Status.UNDER_REVIEW, ""), (Status.PUBLISHED, "")):
        project = services.project_transition(project=project, user=secretariat, to_status=target,
                                              expected_version=project.version, comment=comment)
    return project


def page(client, code=BRAZIL) -> lxml.html.HtmlElement:
    response = client.get(f"/projects/{code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def timeline(document) -> list[str]:
    return [" ".join(item.text_content().split()) for item in document.xpath('//ol[@data-testid="timeline"]/li')]


@pytest.mark.parametrize("role", ["anonymous", "donor_can", "focal_per", "local_cucuta"])
def test_readers_without_the_history_see_only_the_public_facts(client_as, users, reviewed, role):
    document = page(client_as(users[role]))
    steps = timeline(document)
    assert [step.split(" — ")[0] for step in steps] == [
        "Draft", "Submitted", "Under review", "Changes requested", "Submitted", "Under review", "Published"]
    # The state and its date, nothing else: no one's name, no comment.
    assert all(re.fullmatch(r"[A-Za-z ]+ — [A-Z][a-z]+ \d{1,2}, \d{4}", step) for step in steps), steps
    html = lxml.html.tostring(document, encoding="unicode")
    assert COMMENT not in html and "Falta el presupuesto" not in html
    assert str(users["secretariat"]) not in html
    assert document.xpath('//ul[@data-testid="contacts"]') == []
    assert "Marta Rincón" not in html and "marta@example.org" not in html
    assert document.xpath('string(//p[@data-testid="contacts-withheld"])') == (
        "The contacts are shown to those who work on the project: its proposers, the secretariat and observers.")
    # The organisation is a public fact.
    assert document.xpath('string(//dl[@class="facts"]/dd[1]/a)') == str(reviewed.proposing_organisation)


@pytest.mark.parametrize("role", ["secretariat", "observer"])
def test_readers_of_the_history_see_who_and_why_and_the_contacts(client_as, users, reviewed, role):
    document = page(client_as(users[role]))
    items = document.xpath('//ol[@data-testid="timeline"]/li')
    assert [item.xpath("string(strong)") for item in items] == [
        "Draft", "Submitted", "Under review", "Changes requested", "Submitted", "Under review", "Published"]
    assert [item.xpath("string(q)") for item in items] == ["", "", "", COMMENT, "", "", ""]
    assert all(item.text_content().split(", ")[-1].startswith(str(users["secretariat"])) for item in items[2:])
    contacts = [" ".join(item.text_content().split()) for item in document.xpath('//ul[@data-testid="contacts"]/li')]
    assert contacts == ["Marta Rincón, Coordinator — marta@example.org — +57 300 000 0000"]
    assert document.xpath('//p[@data-testid="contacts-withheld"]') == []


@pytest.mark.parametrize(("role", "sees_contacts"), [
    ("anonymous", False), ("donor_can", False), ("focal_per", False), ("observer", True), ("secretariat", True)])
def test_the_page_and_the_api_agree_on_the_contacts(client_as, users, reviewed, role, sees_contacts):
    client = client_as(None)
    headers = {} if role == "anonymous" else {
        "authorization": f"Bearer {api_token_create(user=users[role], name='tests')[1]}"}
    api = client.get(f"/api/v1/projects/{BRAZIL}", headers=headers).json()["contacts"]
    shown = page(client_as(users[role])).xpath('//ul[@data-testid="contacts"]/li')
    assert (api != [], shown != []) == (sees_contacts, sees_contacts)


# --- /history/: 404 for what the user may not see, existing or not ---------------------------------------

def history(model_label, pk) -> str:
    return reverse("audit:history", args=[model_label, pk])


@pytest.mark.parametrize("role", ["anonymous", "focal_per", "donor_can", "local_cucuta"])
def test_the_history_of_a_draft_the_user_may_not_see_is_not_found_as_one_that_does_not_exist(
        client_as, users, role):
    draft = Project.objects.get(code=f"PQ-COL-{YEAR}-0002")
    client = client_as(users[role])
    missing = Project.all_objects.order_by("-pk").first().pk + 1000
    assert client.get(history("portfolio.project", draft.pk)).status_code == 404
    assert client.get(history("portfolio.project", missing)).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("focal_col", 200), ("observer", 200), ("secretariat", 200)])
def test_the_history_of_a_draft_for_those_who_may_read_it(client_as, users, role, status):
    draft = Project.objects.get(code=f"PQ-COL-{YEAR}-0002")
    assert client_as(users[role]).get(history("portfolio.project", draft.pk)).status_code == status


def test_a_visible_record_without_the_right_to_its_history_is_still_refused(client_as, users):
    published = Project.objects.get(code=f"PQ-COL-{YEAR}-0001")
    assert client_as(None).get(history("portfolio.project", published.pk)).status_code == 403


def test_a_deleted_record_is_not_found_but_for_the_secretariat(client_as, users):
    organisation = Organisation.objects.get(load_key="organisation:demo-red-lima")
    record_soft_delete(instance=organisation, user=users["secretariat"])
    for role in ("focal_per", "observer"):
        client = client_as(users[role])
        assert client.get(history("reference.organisation", organisation.pk)).status_code == 404, role
        assert client.post(reverse("audit:restore", args=["reference.organisation", organisation.pk])
                           ).status_code == 404, role
    assert client_as(users["secretariat"]).get(history("reference.organisation", organisation.pk)).status_code == 200


def test_deleting_a_draft_the_user_may_not_see_is_not_found_and_deletes_nothing(client_as, users):
    draft = Project.objects.get(code=f"PQ-COL-{YEAR}-0002")
    response = client_as(users["focal_per"]).post(reverse("audit:delete", args=["portfolio.project", draft.pk]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.deleted_at is None
