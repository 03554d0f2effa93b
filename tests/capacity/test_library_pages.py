"""Issue 13, the kit kept on Minga's own pages (not the Django admin): the secretariat adds a resource or a new
version of one (file upload or link), the library shows the current version per language and the older ones
as superseded; the secretariat keeps the priority list (municipalities chosen by name within a country).
Every other role is refused, and nothing is stored on a refusal."""

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from minga.audit.services import EditConflict
from minga.capacity import services
from minga.capacity.models import KitResource, PriorityMunicipality
from minga.capacity.services import ResourceInput
from minga.reference.models import Municipality
from tests import office_files as files

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)
OTHERS = ["focal_col", "focal_per", "local_cucuta", "donor_can", "observer"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def places(db):
    """Two municipalities of Colombia and one of Peru that are not on the list (the demo holds only two)."""
    return {pcode: Municipality.objects.create(pcode=pcode, name=name, subdivision_id=subdivision)
            for pcode, name, subdivision in (("CO05001", "Medellín", "CO-ANT"), ("CO11001", "Bogotá", "CO-DC"),
                                             ("PE150101", "Lima", "PE-LIM"))}


def new_version(**changes) -> ResourceInput:
    values = {"series": "first-response", "title": "Módulo 1: primera respuesta", "kind": "module",
              "language": "es", "audience": "front_line", "edition": 3, "published_on": date(2026, 5, 1),
              "upload": files.upload("modulo-1.pdf", files.PDF_BYTES)}
    return ResourceInput(**{**values, **changes})


# --- The library: services --------------------------------------------------------------------------

def test_the_secretariat_adds_a_new_version_as_a_file_and_it_becomes_current(users, media):
    resource = services.resource_add(user=users["secretariat"], data=new_version(), today=TODAY)
    assert (resource.series, resource.language, resource.edition, resource.link) == ("first-response", "es", 3, "")
    assert resource.file.name == "capacity/kit/modulo-1.pdf"
    assert (media / "capacity" / "kit" / "modulo-1.pdf").read_bytes() == files.PDF_BYTES
    assert resource.history.count() == 1 and resource.version == 1


def test_a_new_resource_gets_its_own_key_from_its_title(users):
    resource = services.resource_add(user=users["secretariat"], today=TODAY, data=new_version(
        series="", title="Guía de bolsillo", kind="document", edition=1, upload=None,
        link="https://example.org/guia.pdf"))
    assert (resource.series, resource.edition, resource.link, resource.file.name) == (
        "guia-de-bolsillo", 1, "https://example.org/guia.pdf", "")
    second = services.resource_add(user=users["secretariat"], today=TODAY, data=new_version(
        series="", title="Guía de bolsillo", language="pt", edition=1, upload=None, link="https://example.org/g"))
    assert second.series == "guia-de-bolsillo-2"


@pytest.mark.parametrize("role", OTHERS)
def test_no_one_but_the_secretariat_adds_to_the_library(users, role, media):
    before = KitResource.all_objects.count()
    with pytest.raises(PermissionDenied):
        services.resource_add(user=users[role], data=new_version(), today=TODAY)
    assert KitResource.all_objects.count() == before
    assert not media.exists()


@pytest.mark.parametrize(("changes", "errors"), [
    ({"edition": 2}, {"edition": ["This resource has version 2 in this language already: a new version is "
                                  "numbered above it."]}),
    ({"series": "no-such-resource"}, {"series": ["Choose a resource of the library."]}),
    ({"link": "https://example.org/x.pdf"}, {"link": ["Give either a file or a link, not both and not neither."]}),
    ({"upload": None}, {"link": ["Give either a file or a link, not both and not neither."]}),
    ({"upload": files.upload("modulo.pdf", b"<html>not a pdf</html>")}, {"file": [
        "Only PDF, Word (DOCX), PowerPoint (PPTX), Excel (XLSX) and OpenDocument (ODT, ODS, ODP) files are "
        "accepted; this file is none of them, whatever its name says."]}),
    ({"published_on": date(2026, 6, 2)}, {"published_on": ["A version cannot be published in the future."]}),
    ({"title": "  "}, {"title": ["Give the resource a title."]}),
])
def test_a_wrong_resource_is_refused_and_nothing_is_stored(users, media, changes, errors):
    before = KitResource.all_objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.resource_add(user=users["secretariat"], data=new_version(**changes), today=TODAY)
    assert refused.value.message_dict == errors
    assert KitResource.all_objects.count() == before
    assert not media.exists()


# --- The library: pages ---------------------------------------------------------------------------------

def test_the_add_page_uploads_a_new_version_and_the_library_marks_the_old_ones_superseded(client_as, users):
    client = client_as(users["secretariat"])
    assert client.get("/capacity/resources/new/?series=first-response").status_code == 200
    response = client.post("/capacity/resources/new/", {
        "series": "first-response", "title": "Módulo 1: primera respuesta", "language": "es", "kind": "module",
        "audience": "front_line", "edition": "3", "published_on": "2026-01-10",
        "file": files.upload("Módulo 1.docx", files.docx_bytes())})
    assert (response.status_code, response.url) == (302, "/capacity/?language=es")
    resource = KitResource.objects.get(series="first-response", language="es", edition=3)
    assert resource.file.name == "capacity/kit/Módulo_1.docx"
    html = client.get("/capacity/?language=es", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = html.split('data-series="first-response" data-language="es">')[1].split("</tr>")[0]
    assert f'<a href="/capacity/resources/{resource.pk}/file/" lang="es">Módulo 1: primera respuesta</a>' in row
    assert "version 3 (January 10, 2026)" in row
    assert row.count('<span class="badge">superseded</span>') == 2
    assert 'first-response-es-v2.pdf" data-testid="superseded">version 2</a>' in row


def test_the_uploaded_file_is_served_as_an_attachment(client, users):
    resource = services.resource_add(user=users["secretariat"], data=new_version(), today=TODAY)
    response = client.get(f"/capacity/resources/{resource.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="modulo-1.pdf"'
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == files.PDF_BYTES


def test_a_resource_without_a_file_has_no_download(client):
    linked = KitResource.objects.get(load_key="kit:first-response:es:2")
    assert client.get(f"/capacity/resources/{linked.pk}/file/").status_code == 404


def test_a_refused_upload_on_the_page_says_why_and_stores_nothing(client_as, users, media):
    before = KitResource.all_objects.count()
    response = client_as(users["secretariat"]).post("/capacity/resources/new/", {
        "series": "", "title": "Otro", "language": "es", "kind": "module", "audience": "front_line",
        "edition": "1", "published_on": "2026-01-10", "file": files.upload("x.pdf", b"MZ\x90 program")},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "this file is none of them, whatever its name says." in response.content.decode()
    assert KitResource.all_objects.count() == before
    assert not media.exists()


@pytest.mark.parametrize("role", OTHERS)
def test_the_add_page_is_refused_to_every_other_role(client_as, users, role):
    client = client_as(users[role])
    assert client.get("/capacity/resources/new/").status_code == 403
    assert client.get("/capacity/priorities/").status_code == 403


def test_the_anonymous_reader_is_sent_to_sign_in(client):
    for url in ("/capacity/resources/new/", "/capacity/priorities/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_only_the_secretariat_sees_the_buttons_on_the_library(client, client_as, users):
    for reader in (client, client_as(users["local_cucuta"])):
        page = reader.get("/capacity/")
        assert page.status_code == 200 and "/capacity/resources/new/" not in page.content.decode()
    assert "/capacity/resources/new/" in client_as(users["secretariat"]).get("/capacity/").content.decode()


# --- The priority list ------------------------------------------------------------------------------------

def test_the_add_form_offers_the_municipalities_of_the_chosen_country_by_name(client_as, users, places):
    html = client_as(users["secretariat"]).get("/capacity/priorities/?country=COL").content.decode()
    form = html.split('data-testid="priority-form"')[1]
    offered = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', form.split('name="municipality"')[1]
                         .split("</select>")[0])
    # By name, with the subdivision that tells namesakes apart; Cúcuta is on the list already: not offered again;
    # Lima is in Peru.
    assert offered == [(str(places["CO11001"].pk), f"Bogotá ({places['CO11001'].subdivision.name})"),
                       (str(places["CO05001"].pk), f"Medellín ({places['CO05001'].subdivision.name})")]


def test_the_secretariat_adds_and_removes_a_priority_municipality(client_as, users, places):
    client = client_as(users["secretariat"])
    response = client.post("/capacity/priorities/", {"country": "COL", "municipality": places["CO05001"].pk,
                                                     "since": "2026-02-01"})
    assert (response.status_code, response.url) == (302, "/capacity/priorities/?country=COL")
    added = PriorityMunicipality.objects.get(municipality=places["CO05001"])
    assert (added.since, added.is_illustrative, added.version) == (date(2026, 2, 1), False, 1)
    response = client.post(f"/capacity/priorities/{added.pk}/remove/", {"version": "1"})
    assert (response.status_code, response.url) == (302, "/capacity/priorities/")
    assert not PriorityMunicipality.objects.filter(municipality=places["CO05001"]).exists()
    removed = PriorityMunicipality.all_objects.get(pk=added.pk)
    assert removed.deleted_at is not None and removed.history.count() == 2


def test_a_removed_municipality_can_be_put_back(users, places):
    added = services.priority_add(user=users["secretariat"], municipality=places["CO05001"], since=TODAY)
    services.priority_remove(user=users["secretariat"], priority=added, expected_version=1)
    back = services.priority_add(user=users["secretariat"], municipality=places["CO05001"], since=date(2026, 7, 1))
    assert (back.pk, back.deleted_at, back.since) == (added.pk, None, date(2026, 7, 1))
    assert PriorityMunicipality.objects.filter(municipality=places["CO05001"]).count() == 1


def test_a_municipality_of_another_country_is_refused_by_the_form(client_as, users, places):
    response = client_as(users["secretariat"]).post("/capacity/priorities/", {
        "country": "COL", "municipality": places["PE150101"].pk, "since": "2026-02-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Select a valid choice. That choice is not one of the available choices." in response.content.decode()
    assert not PriorityMunicipality.all_objects.filter(municipality=places["PE150101"]).exists()


def test_a_stale_removal_is_refused_and_the_municipality_stays(client_as, users):
    cucuta = PriorityMunicipality.objects.get(municipality__pcode="CO54001")
    with translation.override("en"):
        response = client_as(users["secretariat"]).post(f"/capacity/priorities/{cucuta.pk}/remove/",
                                                        {"version": "7"}, follow=True)
    assert response.status_code == 200
    assert PriorityMunicipality.objects.filter(pk=cucuta.pk).exists()
    with pytest.raises(EditConflict):
        services.priority_remove(user=users["secretariat"], priority=cucuta, expected_version=7)


@pytest.mark.parametrize("role", OTHERS)
def test_no_one_else_adds_or_removes_a_priority(client_as, users, role, places):
    cucuta = PriorityMunicipality.objects.get(municipality__pcode="CO54001")
    with pytest.raises(PermissionDenied):
        services.priority_remove(user=users[role], priority=cucuta, expected_version=cucuta.version)
    with pytest.raises(PermissionDenied):
        services.priority_add(user=users[role], municipality=places["CO05001"], since=TODAY)
    client = client_as(users[role])
    assert client.post(f"/capacity/priorities/{cucuta.pk}/remove/", {"version": "1"}).status_code == 403
    assert client.post("/capacity/priorities/", {"country": "COL", "municipality": places["CO05001"].pk,
                                                 "since": "2026-02-01"}).status_code == 403
    assert PriorityMunicipality.objects.filter(pk=cucuta.pk).exists()
    assert not PriorityMunicipality.all_objects.filter(municipality=places["CO05001"]).exists()
