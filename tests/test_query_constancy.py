"""The project page and the API read a project in the same number of queries however many parts it has.

Two copies of a published demo project: one with a single part of each kind, one with twenty
locations, themes, participants, funding rows, budget years, contacts, documents and transitions
(and every marker and population category there is). Each page or answer must cost the same
for both; a part read one row at a time would make the second one dearer.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minga.accounts.models import User
from minga.accounts.services import api_token_create
from minga.portfolio.facet_index import INDEX
from minga.portfolio.models import (
    ParticipantRole,
    PopulationGroup,
    Project,
    ProjectBudgetYear,
    ProjectContact,
    ProjectDocument,
    ProjectFunding,
    ProjectLocation,
    ProjectMarker,
    ProjectParticipant,
    ProjectPeople,
    ProjectTheme,
    ProjectTransition,
    SexAge,
)
from minga.reference.models import Marker, Organisation, Subdivision, Term
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

SOURCE = f"PQ-COL-{YEAR}-0001"  # published: anonymous visitors see it
MANY = 20


def copy_with_parts(code: str, word: str, n: int) -> Project:
    """A copy of the published demo project with ``n`` parts of each kind (as many as exist, for the short lists)."""
    project = Project.objects.get(code=SOURCE)
    project.pk, project.code, project.search_text, project.load_key = None, code, word, None
    Project.objects.bulk_create([project])  # its own parts only: none copied from the source
    project = Project.objects.get(code=code)
    units = list(Subdivision.objects.filter(country_id="COL").order_by("code")[:n])
    organisations = list(Organisation.objects.order_by("pk")[:n])
    users = list(User.objects.order_by("pk"))
    ProjectLocation.objects.bulk_create(
        [ProjectLocation(project=project, country_id="COL", percentage=100)]
        + [ProjectLocation(project=project, country_id="COL", subdivision=unit, percentage=Decimal(100) / n)
           for unit in units[:n - 1]])
    ProjectTheme.objects.bulk_create(ProjectTheme(project=project, term=term, percentage=10)
                                     for term in Term.objects.order_by("pk")[:n])
    ProjectMarker.objects.bulk_create(ProjectMarker(project=project, marker=marker, significance=1)
                                      for marker in Marker.objects.order_by("position")[:n])
    ProjectPeople.objects.bulk_create(
        [ProjectPeople(project=project, dimension="population_group", category=value, people=10)
         for value, _label in PopulationGroup.choices[:n]]
        + [ProjectPeople(project=project, dimension="sex_age", category=value, people=10)
           for value, _label in SexAge.choices[:n]])
    ProjectBudgetYear.objects.bulk_create(ProjectBudgetYear(project=project, year=2026 + i, amount=1000)
                                          for i in range(n))
    ProjectFunding.objects.bulk_create(
        ProjectFunding(project=project, funder=funder, amount=1000, currency="USD", amount_usd=1000,
                       value_date=date(2026, 1, 1) + timedelta(days=i)) for i, funder in enumerate(organisations))
    ProjectParticipant.objects.bulk_create(
        ProjectParticipant(project=project, organisation=organisation, role=ParticipantRole.IMPLEMENTING)
        for organisation in organisations)
    ProjectContact.objects.bulk_create(
        ProjectContact(project=project, name=f"Contact {i}", position="Officer", email=f"c{i}@example.org",
                       phone="+57 300 000 0000") for i in range(n))
    ProjectDocument.objects.bulk_create(
        ProjectDocument(project=project, file=f"projects/{code}/annex-{i}.pdf", original_name=f"annex-{i}.pdf",
                        content_type="application/pdf", size=100, uploaded_by=users[i % len(users)])
        for i in range(n))
    ProjectTransition.objects.bulk_create(
        ProjectTransition(project=project, from_status="draft", to_status="submitted", user=users[i % len(users)],
                          comment=f"Step {i}") for i in range(n))
    return project


@pytest.fixture
def one_and_many():
    return copy_with_parts(f"PQ-COL-{YEAR}-0901", "qcone", 1), copy_with_parts(f"PQ-COL-{YEAR}-0902", "qcmany", MANY)


def queries(client, url: str, token_of=None) -> int:
    """Queries of one request; with ``token_of`` (a user), through a fresh bearer token of that user (its first
    use records the time it was used: one UPDATE, the same for every request measured)."""
    headers = {"authorization": f"Bearer {api_token_create(user=token_of, name='constancy')[1]}"} if token_of else {}
    cache.clear()
    ContentType.objects.clear_cache()
    INDEX.forget()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_the_many_project_has_many_parts(one_and_many):
    _one, many = one_and_many
    assert [getattr(many, kind).count() for kind in (
        "locations", "themes", "participants", "funding", "budget_years", "contacts", "documents", "transitions")
            ] == [MANY] * 8


@pytest.mark.parametrize("role", ["anonymous", "secretariat"])
def test_the_project_page_reads_as_much_for_many_parts_as_for_one(one_and_many, client_as, users, role):
    client = client_as(users[role])
    one, many = one_and_many
    assert queries(client, f"/projects/{many.code}/") == queries(client, f"/projects/{one.code}/")


@pytest.mark.parametrize("role", ["anonymous", "secretariat"])
def test_the_api_detail_reads_as_much_for_many_parts_as_for_one(one_and_many, client, users, role):
    one, many = one_and_many
    assert (queries(client, f"/api/v1/projects/{many.code}", users[role])
            == queries(client, f"/api/v1/projects/{one.code}", users[role]))


@pytest.mark.parametrize("role", ["anonymous", "secretariat"])
def test_the_api_list_reads_as_much_for_many_parts_as_for_one(one_and_many, client, users, role):
    single = queries(client, "/api/v1/projects?q=qcone", users[role])
    assert queries(client, "/api/v1/projects?q=qcmany", users[role]) == single
    # And as much for a page of every project (both copies and the demo's) as for a page of one.
    assert queries(client, "/api/v1/projects?limit=100", users[role]) == single


def test_my_projects_reads_as_much_for_four_drafts_as_for_one(client_as, users):
    """Each draft's next step depends on what it still lacks: its parts are read for all drafts at once."""
    client = client_as(users["focal_col"])
    listed = len(client.get("/projects/mine/").context["rows"])
    with_one_draft = queries(client, "/projects/mine/")
    drafts = [copy_with_parts(f"PQ-COL-{YEAR}-091{i}", f"qcdraft{i}", 3) for i in range(3)]
    Project.objects.filter(pk__in=[draft.pk for draft in drafts]).update(status="draft", is_public=False)
    rows = client.get("/projects/mine/").context["rows"]
    assert len(rows) == listed + 3
    assert sum(row["project"].status == "draft" for row in rows) == 4
    assert queries(client, "/projects/mine/") == with_one_draft
