"""A request for changes names what it concerns (codes of the project input), and its comment shows at the top of
the project page and of every step of the form for those who may change the project, never for anyone else."""

import lxml.html
import pytest

from minga.portfolio import services
from minga.portfolio.models import Project, ProjectTransition
from minga.portfolio.validation import ProjectInvalid
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

UNDER_REVIEW = f"PQ-BRA-{YEAR}-0001"  # Brazil's, proposed by the government of Brazil
PUBLISHED = f"PQ-COL-{YEAR}-0001"
COMMENT = "El monto solicitado supera el presupuesto.\nNombre los municipios."


def request_changes(client_as, users, fields):
    project = Project.objects.get(code=UNDER_REVIEW)
    return client_as(users["secretariat"]).post(f"/projects/{UNDER_REVIEW}/transition/", {
        "to_status": "changes_requested", "version": project.version, "comment": COMMENT, "fields": fields})


def note(html):
    found = lxml.html.fromstring(html).xpath('//section[@data-testid="changes-requested"]')
    if not found:
        return None
    section = found[0]
    return {
        "heading": section.xpath(".//h2")[0].text_content(),
        # Its lines as written (each ends in a <br>).
        "comment": "\n".join(section.xpath('.//blockquote[@data-testid="changes-requested-comment"]')[0].itertext()),
        "fields": [(a.get("data-field"), a.text_content(), a.get("href")) for a in section.xpath(".//a")],
    }


def edit(step):
    return f"/projects/{UNDER_REVIEW}/edit/?step={step}"


def test_the_secretariat_names_the_fields_and_the_editors_see_them_above_the_project(client_as, users):
    response = request_changes(client_as, users, ["requested_amount", "locations", "title"])
    assert response.status_code == 302
    move = ProjectTransition.objects.filter(project__code=UNDER_REVIEW).latest("pk")
    assert (move.to_status, move.comment, move.fields) == (
        "changes_requested", COMMENT, ["requested_amount", "locations", "title"])

    secretariat = client_as(users["secretariat"])
    page = secretariat.get(f"/projects/{UNDER_REVIEW}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    # In form order, by their labels in the reader's language, each a link to the step where it is changed.
    assert note(page) == {
        "heading": "Cambios solicitados por la Secretaría Técnica", "comment": COMMENT,
        "fields": [("title", "Título", edit(1)), ("locations", "Territorios", edit(2)),
                   ("requested_amount", "Solicitado al Grupo de Amigos", edit(5))]}
    # At the top: before the actions box and the project's facts.
    assert page.index('data-testid="changes-requested"') < page.index('data-testid="project-actions"')
    page = secretariat.get(f"/projects/{UNDER_REVIEW}/", HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert note(page)["fields"] == [("title", "Título", edit(1)), ("locations", "Territórios", edit(2)),
                                    ("requested_amount", "Solicitado ao Grupo de Amigos", edit(5))]
    # And at the top of every step of the form.
    for step in (2, 7):
        found = note(secretariat.get(edit(step), HTTP_ACCEPT_LANGUAGE="en").content.decode())
        assert found == {"heading": "Changes requested by the Technical Secretariat", "comment": COMMENT,
                         "fields": [("title", "Title", edit(1)), ("locations", "Territories", edit(2)),
                                    ("requested_amount", "Requested from the Group of Friends", edit(5))]}


def test_readers_who_may_not_change_the_project_do_not_see_the_request(client_as, users):
    assert request_changes(client_as, users, ["budget_years"]).status_code == 302
    assert note(client_as(users["secretariat"]).get(f"/projects/{UNDER_REVIEW}/").content.decode()) is not None
    response = client_as(users["observer"]).get(f"/projects/{UNDER_REVIEW}/")
    assert response.status_code == 200 and note(response.content.decode()) is None
    assert client_as(None).get(f"/projects/{UNDER_REVIEW}/").status_code == 404  # not public


def test_the_request_shows_only_while_the_project_waits_on_it(client_as, users):
    request_changes(client_as, users, ["budget_years"])
    project = services.project_transition(project=Project.objects.get(code=UNDER_REVIEW), user=users["secretariat"],
                                          to_status="submitted",
                                          expected_version=Project.objects.get(code=UNDER_REVIEW).version)
    assert project.status == "submitted"
    assert note(client_as(users["secretariat"]).get(f"/projects/{UNDER_REVIEW}/").content.decode()) is None


def test_the_request_for_changes_form_offers_every_field_and_part_by_label(client_as, users):
    page = lxml.html.fromstring(client_as(users["secretariat"]).get(
        f"/projects/{UNDER_REVIEW}/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    boxes = page.xpath('//details[@data-status="changes_requested"]//fieldset[@data-testid="concerns"]//input')
    assert [box.get("value") for box in boxes] == [
        "proposing_organisation", "title", "summary", "description", "planned_start", "planned_end", "sdg_targets",
        "is_regional", "locations", "themes", "markers", "people_total", "people_with_disabilities", "people",
        "budget_amount", "budget_currency", "budget_value_date", "requested_amount", "budget_years", "funding",
        "participants", "contacts"]
    assert {box.get("name") for box in boxes} == {"fields"}


def test_unknown_codes_and_fields_on_other_moves_are_refused_and_nothing_is_stored(client_as, users):
    project = Project.objects.get(code=UNDER_REVIEW)
    before = ProjectTransition.objects.count()
    with pytest.raises(ProjectInvalid) as refused:
        services.project_transition(project=project, user=users["secretariat"], to_status="changes_requested",
                                    expected_version=project.version, comment="x", fields=["title", "colour"])
    assert refused.value.errors == {"fields": ["Unknown field: colour."]}
    with pytest.raises(ProjectInvalid) as refused:
        services.project_transition(project=project, user=users["secretariat"], to_status="published",
                                    expected_version=project.version, fields=["title"])
    assert refused.value.errors == {"fields": ["Only a request for changes names the fields it concerns."]}
    assert ProjectTransition.objects.count() == before
    assert Project.objects.get(code=UNDER_REVIEW).status == "under_review"
    # Through the page, a code no checkbox offers is a bad request.
    assert client_as(users["secretariat"]).post(f"/projects/{UNDER_REVIEW}/transition/", {
        "to_status": "changes_requested", "version": project.version, "comment": "x",
        "fields": ["colour"]}).status_code == 400
