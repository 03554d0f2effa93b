"""One way to fetch a project with its permission: ``selectors.access_project``, for pages and the API alike.

Hidden and missing look the same (NotFound: 404 page, 404 JSON); seen but refused is PermissionDenied (403).
"""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

from minga.accounts.permissions import Action, NotFound
from minga.audit import services as audit
from minga.portfolio.models import Project
from minga.portfolio.selectors import access_project
from tests.codes import YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DRAFT = f"PQ-COL-{YEAR}-0002"  # focal.col's draft
PUBLISHED = f"PQ-COL-{YEAR}-0001"


def test_not_found_is_a_404_for_pages_and_a_missing_object_for_the_api_and_cli():
    assert issubclass(NotFound, Http404) and issubclass(NotFound, ObjectDoesNotExist)


@pytest.mark.parametrize(("who", "code"), [
    ("anonymous", f"PQ-XXX-{YEAR}-0001"),  # none
    ("secretariat", f"PQ-XXX-{YEAR}-0001"),
    ("anonymous", DRAFT),  # hidden: the same answer as none
    ("focal_per", DRAFT),
    ("donor_can", DRAFT),
])
def test_a_missing_or_hidden_project_is_not_found(users, who, code):
    with pytest.raises(NotFound):
        access_project(users[who], code)
    with pytest.raises(NotFound):  # asking to change it does not turn "not found" into "refused"
        access_project(users[who], code, Action.CHANGE)


@pytest.mark.parametrize(("who", "code", "action"), [
    ("focal_col", DRAFT, Action.VIEW),
    ("focal_col", DRAFT, Action.CHANGE),
    ("secretariat", DRAFT, Action.CHANGE),
    ("observer", DRAFT, Action.VIEW),
    ("anonymous", PUBLISHED, Action.VIEW),
    ("secretariat", PUBLISHED, Action.PUBLISH),
])
def test_a_project_seen_and_allowed_is_returned(users, who, code, action):
    project = access_project(users[who], code, action)
    assert (type(project), project.code) == (Project, code)


@pytest.mark.parametrize(("who", "code", "action", "message"), [
    ("focal_col", PUBLISHED, Action.CHANGE, "You may not change this record (project)."),  # no longer a draft
    ("observer", DRAFT, Action.CHANGE, "You may not change this record (project)."),
    ("focal_per", PUBLISHED, Action.CHANGE, "You may not change this record (project)."),
    ("focal_col", DRAFT, Action.PUBLISH, "You may not publish this record (project)."),
    ("anonymous", PUBLISHED, Action.VIEW_HISTORY, "You may not view the history of this record (project)."),
])
def test_a_project_seen_but_refused_is_permission_denied(users, who, code, action, message):
    with pytest.raises(PermissionDenied) as refused:
        access_project(users[who], code, action)
    assert str(refused.value) == message


def test_a_deleted_project_is_found_only_by_the_secretariat_and_only_where_asked(users):
    project = audit.record_soft_delete(instance=Project.objects.get(code=PUBLISHED), user=users["secretariat"],
                                       reason="test")
    assert access_project(users["secretariat"], PUBLISHED, include_deleted=True).pk == project.pk
    for who, include_deleted in (("secretariat", False), ("anonymous", True), ("focal_col", True),
                                 ("observer", True)):
        with pytest.raises(NotFound):
            access_project(users[who], PUBLISHED, include_deleted=include_deleted)


def test_pages_answer_404_for_hidden_and_403_for_refused(client_as, users):
    assert client_as(users["focal_per"]).get(f"/projects/{DRAFT}/").status_code == 404
    assert client_as(users["focal_per"]).get(f"/projects/{DRAFT}/edit/").status_code == 404
    assert client_as(users["focal_col"]).get(f"/projects/{DRAFT}/edit/").status_code == 200
    assert client_as(users["focal_col"]).get(f"/projects/{PUBLISHED}/edit/").status_code == 403
    assert client_as(users["focal_per"]).post(f"/projects/{DRAFT}/transition/", {
        "to_status": "submitted", "version": 1}).status_code == 404


def test_the_project_page_of_a_deleted_project_is_for_the_secretariat_only(client_as, users):
    audit.record_soft_delete(instance=Project.objects.get(code=PUBLISHED), user=users["secretariat"], reason="t")
    assert client_as(users["secretariat"]).get(f"/projects/{PUBLISHED}/").status_code == 200
    assert client_as(None).get(f"/projects/{PUBLISHED}/").status_code == 404
    # What is deleted cannot be edited: not found, for the secretariat too.
    assert client_as(users["secretariat"]).get(f"/projects/{PUBLISHED}/edit/").status_code == 404
