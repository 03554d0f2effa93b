"""The people concerned get an e-mail when a project is submitted, sent back for changes or published: each in
their own language (Spanish when they chose none), with a link to the project, sent once the move is committed."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from minga.accounts.models import RoleGrant, User
from minga.portfolio import services
from minga.portfolio.models import Project
from minga.portfolio.validation import ProjectInvalid
from minga.reference.models import Country, Marker, Organisation, Subdivision, Term

pytestmark = pytest.mark.django_db


def cucuta_project(user) -> Project:
    """A complete project proposed by the Alcaldía de Cúcuta, created by Colombia's focal point."""
    return services.project_create(user=user, data={
        "title_es": "Rutas de protección en Cúcuta", "title_pt": "Rotas de proteção em Cúcuta",
        "summary_es": "Rutas de protección.", "proposing_organisation": Organisation.objects.get(
            load_key="organisation:demo-cucuta"),
        "planned_start": date(2026, 1, 1), "planned_end": date(2026, 12, 31),
        "budget_amount": Decimal("40000000"), "budget_currency": "COP", "budget_value_date": date(2026, 1, 15),
        "requested_amount": Decimal("40000000"), "people_total": 100,
        "locations": [{"country": Country.objects.get(iso3="COL"), "subdivision": Subdivision.objects.get(
            code="CO-NSA"), "municipality": None, "percentage": Decimal(100)}],
        "themes": [{"term": Term.objects.get(vocabulary_id="quito-axes", code="child-protection"),
                    "percentage": Decimal(100)}],
        "markers": [{"marker": marker, "significance": 1} for marker in Marker.objects.all()],
        "budget_years": [{"year": 2026, "amount": Decimal("40000000")}],
    })


@pytest.fixture
def people(users):
    """Each in their own language: Ana (secretariat) chose none, a second reviewer English, the Cúcuta officer
    Portuguese; a reviewer without an address and one whose grant was revoked get nothing."""
    User.objects.filter(pk=users["local_cucuta"].pk).update(preferred_language="pt-br")
    reviewer = User.objects.create(username="revisor", first_name="Rita", last_name="Revisora",
                                   email="revisor@example.org", preferred_language="en")
    RoleGrant.objects.create(user=reviewer, role="secretariat")
    silent = User.objects.create(username="sin.correo", email=None)
    RoleGrant.objects.create(user=silent, role="secretariat")
    former = User.objects.create(username="antigua", email="antigua@example.org")
    RoleGrant.objects.create(user=former, role="secretariat", revoked_at=timezone.now())
    return {**users, "local_cucuta": User.objects.get(pk=users["local_cucuta"].pk), "reviewer": reviewer}


def move(project, user, to_status, comment=""):
    return services.project_transition(project=project, user=user, to_status=to_status,
                                       expected_version=Project.objects.get(pk=project.pk).version, comment=comment)


def sent():
    """(recipient, subject) of each message, and empty the outbox."""
    found = [(message.to, message.subject) for message in mail.outbox]
    mail.outbox.clear()
    return found


def test_tests_use_the_memory_backend_and_links_start_with_the_site_address():
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    assert settings.MINGA_SITE_URL == "http://localhost:8000"


def test_each_move_tells_the_people_concerned_in_their_language(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project = cucuta_project(people["focal_col"])
    code, link = project.code, f"http://localhost:8000/projects/{project.code}/"
    assert sent() == []  # a draft concerns nobody else yet

    with django_capture_on_commit_callbacks(execute=True):
        project = move(project, people["focal_col"], "submitted")
    assert sent() == [
        (["secretaria@demo.minga.localhost"], f"Minga · Proyecto {code} enviado para revisión"),
        (["revisor@example.org"], f"Minga · Project {code} submitted for review"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        project = move(project, people["secretariat"], "under_review")
    assert sent() == []  # nobody waits on it

    with django_capture_on_commit_callbacks(execute=True):
        project = move(project, people["secretariat"], "changes_requested", "Falta el presupuesto de 2027.")
    messages = list(mail.outbox)
    assert sent() == [
        (["focal.col@demo.minga.localhost"], f"Minga · Cambios solicitados en el proyecto {code}"),  # the submitter
        (["cucuta@demo.minga.localhost"], f"Minga · Alterações solicitadas no projeto {code}"),  # the officer
    ]
    assert messages[0].body == (
        f"La Secretaría Técnica solicita cambios en el proyecto “Rutas de protección en Cúcuta” ({code}) antes de "
        "publicarlo. Hágalos y envíelo de nuevo.\n\nComentario de Ana Secretaría:\nFalta el presupuesto de 2027.\n\n"
        f"Vea el proyecto: {link}\n")
    assert messages[1].body == (
        f"A Secretaria Técnica solicita alterações no projeto “Rotas de proteção em Cúcuta” ({code}) antes de "
        "publicá-lo. Faça-as e envie-o novamente.\n\nComentário de Ana Secretaría:\nFalta el presupuesto de 2027.\n\n"
        f"Veja o projeto: {link}\n")
    assert messages[0].from_email == settings.DEFAULT_FROM_EMAIL

    with django_capture_on_commit_callbacks(execute=True):
        project = move(project, people["focal_col"], "submitted")
        project = move(project, people["secretariat"], "under_review")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move(project, people["secretariat"], "published")
    messages = list(mail.outbox)
    assert sent() == [
        (["focal.col@demo.minga.localhost"], f"Minga · Proyecto {code} publicado"),
        (["cucuta@demo.minga.localhost"], f"Minga · Projeto {code} publicado"),
    ]
    assert [message.body.splitlines()[-1] for message in messages] == [
        f"Vea el proyecto: {link}", f"Veja o projeto: {link}"]


def test_nothing_is_sent_for_a_move_that_is_refused(people, django_capture_on_commit_callbacks):
    project = cucuta_project(people["focal_col"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        project = move(project, people["focal_col"], "submitted")
        project = move(project, people["secretariat"], "under_review")
        with pytest.raises(ProjectInvalid):
            move(project, people["secretariat"], "changes_requested", "")  # a comment is required
    # The submission's e-mail and the review start's; the refused request sent nothing (the callbacks also hold
    # the cache's generation bumps, so their count is no measure).
    assert callbacks
    assert [to for to, _subject in sent()] == [["secretaria@demo.minga.localhost"], ["revisor@example.org"]]


def test_the_editors_told_are_the_proposers_officers_and_the_submitter(people, django_capture_on_commit_callbacks):
    """The Cúcuta officer submits their organisation's project: when it is published, they are told, and
    Colombia's focal point, who neither submitted it nor is an officer of the Alcaldía, is not."""
    project = cucuta_project(people["local_cucuta"])
    with django_capture_on_commit_callbacks(execute=True):
        project = move(project, people["local_cucuta"], "submitted")
        project = move(project, people["secretariat"], "under_review")
        move(project, people["secretariat"], "published")
    assert [to for to, _subject in sent()] == [
        ["secretaria@demo.minga.localhost"], ["revisor@example.org"], ["cucuta@demo.minga.localhost"]]


def test_whoever_makes_the_move_is_not_told_of_it(people, django_capture_on_commit_callbacks):
    project = cucuta_project(people["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        move(project, people["secretariat"], "submitted")  # the secretariat submits for a proposer
    assert [to for to, _subject in sent()] == [["revisor@example.org"]]
