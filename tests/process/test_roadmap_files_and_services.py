"""Issue 13, roadmap actions: evidence as an uploaded file (checked, stored under MEDIA_ROOT, served as an
attachment) as well as a link; who may add it (the lead organisation's officers and the secretariat); the
directory's services linked from the action's links page and shown both ways; and the Django admin, which
no longer changes an action's status or progress outside the workflow."""

from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import translation

from minga.accounts.models import User
from minga.audit.services import EditConflict
from minga.process import services
from minga.process.models import ActionEvidence, ProgressUpdate, RoadmapAction
from minga.process.services import EvidenceInput
from minga.services.models import Service
from tests import office_files as files

pytestmark = pytest.mark.django_db

CUCUTA = "demo-cucuta-kit-rollout"
TODAY = date(2026, 6, 1)
REFUSED = ["focal_col", "focal_per", "donor_can", "observer"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def action() -> RoadmapAction:
    return RoadmapAction.objects.get(code=CUCUTA)


def service(key) -> Service:
    return Service.objects.get(load_key=f"service:{key}")


def report(**changes) -> EvidenceInput:
    values = {"title": "Informe de la formación", "on_date": date(2026, 5, 30),
              "upload": files.upload("informe final.pdf", files.PDF_BYTES)}
    return EvidenceInput(**{**values, **changes})


# --- Evidence files ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["local_cucuta", "secretariat"])
def test_the_lead_officer_and_the_secretariat_upload_evidence(users, media, role):
    evidence = services.evidence_add(user=users[role], action=action(), data=report(), today=TODAY)
    assert (evidence.title, evidence.url, evidence.added_by) == ("Informe de la formación", "", users[role])
    assert evidence.file.name == f"process/evidence/{CUCUTA}/informe_final.pdf"
    assert (media / "process" / "evidence" / CUCUTA / "informe_final.pdf").read_bytes() == files.PDF_BYTES
    assert evidence.address == f"/process/roadmap/{CUCUTA}/evidence/{evidence.pk}/file/"


@pytest.mark.parametrize("role", REFUSED)
def test_no_one_else_uploads_evidence_and_nothing_is_stored(users, media, role):
    with pytest.raises(PermissionDenied):
        services.evidence_add(user=users[role], action=action(), data=report(), today=TODAY)
    assert ActionEvidence.all_objects.count() == 0
    assert not media.exists()


@pytest.mark.parametrize(("changes", "errors"), [
    ({"upload": files.upload("informe.pdf", b"<script>alert(1)</script>")}, {"file": [
        "Only PDF, Word (DOCX), PowerPoint (PPTX), Excel (XLSX) and OpenDocument (ODT, ODS, ODP) files are "
        "accepted; this file is none of them, whatever its name says."]}),
    ({"url": "https://example.org/x.pdf"}, {"url": ["Give either a file or a link, not both and not neither."]}),
    ({"upload": None}, {"url": ["Give either a file or a link, not both and not neither."]}),
    ({"on_date": date(2026, 6, 2)}, {"on_date": ["A document cannot be dated in the future."]}),
])
def test_wrong_evidence_is_refused_and_nothing_is_stored(users, media, changes, errors):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.evidence_add(user=users["local_cucuta"], action=action(), data=report(**changes), today=TODAY)
    assert refused.value.message_dict == errors
    assert ActionEvidence.all_objects.count() == 0
    assert not media.exists()


def test_the_evidence_page_uploads_a_file_and_the_action_lists_it(client_as, users):
    client = client_as(users["local_cucuta"])
    response = client.post(f"/process/roadmap/{CUCUTA}/evidence/", {
        "title": "Acta de la formación", "on_date": "2025-01-10", "url": "",
        "file": files.upload("acta.docx", files.docx_bytes())})
    assert (response.status_code, response.url) == (302, f"/process/roadmap/{CUCUTA}/")
    evidence = ActionEvidence.objects.get()
    assert (evidence.title, evidence.file.name, evidence.added_by.username) == (
        "Acta de la formación", f"process/evidence/{CUCUTA}/acta.docx", "cucuta")
    html = client.get(f"/process/roadmap/{CUCUTA}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (f'<a href="/process/roadmap/{CUCUTA}/evidence/{evidence.pk}/file/" download>Acta de la formación</a> '
            '<span class="badge">file</span> · January 10, 2025') in html


def test_a_refused_file_on_the_page_says_why_and_stores_nothing(client_as, users, media):
    response = client_as(users["local_cucuta"]).post(f"/process/roadmap/{CUCUTA}/evidence/", {
        "title": "Acta", "on_date": "2025-01-10", "file": files.upload("acta.pdf", b"MZ\x90 a program")},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "this file is none of them, whatever its name says." in response.content.decode()
    assert ActionEvidence.all_objects.count() == 0 and not media.exists()


@pytest.mark.parametrize("role", REFUSED)
def test_the_evidence_page_refuses_every_other_role(client_as, users, role):
    response = client_as(users[role]).post(f"/process/roadmap/{CUCUTA}/evidence/", {
        "title": "Acta", "on_date": "2025-01-10", "file": files.upload("acta.pdf", files.PDF_BYTES)})
    assert response.status_code == 403
    assert ActionEvidence.all_objects.count() == 0


def test_the_evidence_file_is_downloaded_with_safe_headers(client, users):
    evidence = services.evidence_add(user=users["local_cucuta"], action=action(), data=report(), today=TODAY)
    response = client.get(f"/process/roadmap/{CUCUTA}/evidence/{evidence.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="informe_final.pdf"'
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    assert b"".join(response.streaming_content) == files.PDF_BYTES
    # Under another action's address, or a link without a file: not found.
    assert client.get(f"/process/roadmap/media-officials-training/evidence/{evidence.pk}/file/").status_code == 404
    linked = services.evidence_add(user=users["local_cucuta"], action=action(), today=TODAY,
                                   data=report(upload=None, url="https://example.org/x.pdf"))
    assert client.get(f"/process/roadmap/{CUCUTA}/evidence/{linked.pk}/file/").status_code == 404


# --- Linked services: the secretariat's (no state of the roadmap's workflow leaves the action to its lead
# officers, who report progress and evidence) ---------------------------------------------------------------

def test_the_links_page_links_services_and_both_pages_show_the_link(client, client_as, users):
    signed_in = client_as(users["secretariat"])
    assert signed_in.get(f"/process/roadmap/{CUCUTA}/links/").status_code == 200
    space, health = service("cucuta-espacio-apoyo"), service("cucuta-salud-mujeres")
    response = signed_in.post(f"/process/roadmap/{CUCUTA}/links/", {
        "version": str(action().version), "services": [space.pk, health.pk]})
    assert (response.status_code, response.url) == (302, f"/process/roadmap/{CUCUTA}/")
    assert sorted(action().services.values_list("pk", flat=True)) == sorted([space.pk, health.pk])
    client.logout()
    html = client.get(f"/process/roadmap/{CUCUTA}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    linked = html.split('data-testid="linked-services">')[1].split("</ul>")[0]
    assert f'<a href="/services/{space.pk}/">Cúcuta Support Space (example)</a> · San José de Cúcuta' in linked
    assert f'<a href="/services/{health.pk}/">' in linked
    page = client.get(f"/services/{space.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-testid="service-actions"><li><a href="/process/roadmap/{CUCUTA}/">' in page
    other = client.get(f"/services/{service('lima-comedor').pk}/")
    assert other.status_code == 200 and 'data-testid="service-actions"' not in other.content.decode()


@pytest.mark.parametrize("role", ["local_cucuta", *REFUSED])
def test_no_one_else_links_services(client_as, users, role):
    space = service("cucuta-espacio-apoyo")
    with pytest.raises(PermissionDenied):
        services.services_link(user=users[role], action=action(), expected_version=action().version,
                               services=(space,))
    client = client_as(users[role])
    assert client.get(f"/process/roadmap/{CUCUTA}/links/").status_code == 403
    assert client.post(f"/process/roadmap/{CUCUTA}/links/", {"version": "1", "services": [space.pk]}).status_code == 403
    assert action().services.count() == 0


def test_the_anonymous_reader_is_sent_to_sign_in_and_sees_no_button(client):
    response = client.get(f"/process/roadmap/{CUCUTA}/links/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    page = client.get(f"/process/roadmap/{CUCUTA}/")
    assert page.status_code == 200 and f"/process/roadmap/{CUCUTA}/links/" not in page.content.decode()


def test_a_stale_link_edit_is_refused_and_nothing_changes(client_as, users):
    current = action().version
    with pytest.raises(EditConflict):
        services.services_link(user=users["secretariat"], action=action(), expected_version=current - 1,
                               services=(service("cucuta-espacio-apoyo"),))
    response = client_as(users["secretariat"]).post(f"/process/roadmap/{CUCUTA}/links/", {
        "version": str(current - 1), "services": [service("cucuta-espacio-apoyo").pk]})
    assert response.status_code == 400
    assert action().services.count() == 0 and action().version == current


def test_linking_is_written_in_the_history(users, english):
    before = action().history.count()
    linked = services.services_link(user=users["secretariat"], action=action(), expected_version=action().version,
                                    services=(service("cucuta-espacio-apoyo"),))
    assert linked.history.count() == before + 1
    assert linked.history.first().history_change_reason == "Linked services changed"


# --- The Django admin does not move the status -------------------------------------------------------------

def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


@pytest.fixture
def staff(users) -> User:
    """The secretariat's demo account as the admin's superuser (it has its second factor, which the admin needs)."""
    User.objects.filter(pk=users["secretariat"].pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=users["secretariat"].pk)


def test_the_admin_shows_status_and_progress_but_does_not_change_them(client_as, staff):
    original = action()
    model_admin = admin.site._registry[RoadmapAction]
    request = RequestFactory().get("/")
    request.user = staff
    data = _form_data(model_admin.get_form(request, original)(instance=original))
    client = client_as(staff)
    response = client.post(f"/admin/process/roadmapaction/{original.pk}/change/",
                           {**data, "status": "dropped", "progress": "100", "_save": "Save"})
    assert (response.status_code, response.url) == (302, "/admin/process/roadmapaction/")
    after = action()
    assert (after.status, after.progress) == (original.status, original.progress) == ("under_way", 30)
    assert after.version == original.version + 1  # the other fields were saved, as any admin edit
    assert "status" not in data and "progress" not in data


def test_the_admin_adds_no_progress_update_and_keeps_what_one_reported(staff):
    model_admin = admin.site._registry[ProgressUpdate]
    request = RequestFactory().get("/")
    request.user = staff
    assert model_admin.has_add_permission(request) is False
    assert {"action", "status", "progress"} <= set(model_admin.get_readonly_fields(request))
