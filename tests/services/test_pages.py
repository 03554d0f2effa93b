"""The directory's pages and API: the public search without JavaScript (a plain GET), a service and its
referral sheet, and a local-government officer adding a service in their municipality but not in another."""

import json
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from django.utils import timezone, translation

from minga.common.cache import PORTFOLIO, SERVICES, bump
from minga.portfolio.models import Project
from minga.reference.models import Municipality
from minga.services import selectors, services
from minga.services.forms import ServiceForm
from minga.services.models import Service
from tests.codes import YEAR
from tests.services.conftest import demo, org, service_input

pytestmark = pytest.mark.django_db

TULCAN = {"lat": "0.8117", "lon": "-77.7173"}


def names(response) -> list[str]:
    return [hit.service.name for hit in response.context["result"].hits]


def test_the_carchi_search_finds_the_free_shelters_for_women_and_adolescents_within_50_km(client):
    response = client.get("/services/", {**TULCAN, "radius": "50", "type": "shelter",
                                         "population": ["women", "adolescents"], "free": "1"})
    assert response.status_code == 200
    # Ipiales (Colombia, 8 km away) serves everyone, so women and adolescents too.
    assert names(response) == ["Casa de acogida para mujeres y adolescentes de Tulcán (ejemplo)",
                               "Albergue de paso de Ipiales (ejemplo)"]
    assert [round(hit.distance_km, 1) for hit in response.context["result"].hits] == [0.0, 8.4]
    assert b"illustrative" in response.content or "ilustrativ" in response.content.decode()


def test_a_search_by_territory_keeps_to_it(client):
    response = client.get("/services/", {"place": "EC-C", "type": "shelter"})
    assert names(response) == ["Casa de acogida para mujeres y adolescentes de Tulcán (ejemplo)"]
    assert names(client.get("/services/", {"place": "COL"})) == [
        "Albergue de paso de Ipiales (ejemplo)", "Consulta de salud sexual y reproductiva (ejemplo)",
        "Espacio de Apoyo de Cúcuta (ejemplo)"]


def test_a_radius_leaves_out_what_is_farther(client):
    assert names(client.get("/services/", {**TULCAN, "radius": "5"})) == [
        "Casa de acogida para mujeres y adolescentes de Tulcán (ejemplo)"]


def test_open_now_is_the_services_local_time(client):
    """At 20:00 in Bogotá on a Tuesday the Cúcuta clinic (07:00–13:00) is closed, the 24-hour shelter open."""
    moment = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # Tuesday 1 December, 20:00 in Bogotá and Quito
    found = selectors.search(None, selectors.SearchFilters(open_now=True), now=moment)
    assert sorted(hit.service.load_key for hit in found.hits) == ["service:tulcan-casa-acogida"]
    morning = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tuesday 09:00 in Bogotá
    found = selectors.search(None, selectors.SearchFilters(open_now=True, place="COL"), now=morning)
    assert sorted(hit.service.load_key for hit in found.hits) == [
        "service:cucuta-espacio-apoyo", "service:cucuta-salud-mujeres", "service:ipiales-albergue-paso"]


@pytest.mark.parametrize(("query", "message"), [
    ({"lat": "abc", "lon": "1"}, "lat: Not a number."),
    ({"lat": "95", "lon": "1"}, "lat: Give a number from -90 to 90."),
    ({"lat": "1", "lon": "1", "radius": "5000"}, "radius: Give a number from 0.1 to 500."),
])
def test_a_point_that_cannot_be_used_is_a_400_naming_it(client, english, query, message):
    response = client.get("/services/", query, headers={"accept-language": "en"})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_service_page_and_its_referral_sheet(client):
    shelter = demo("tulcan-casa-acogida")
    page = client.get(f"/services/{shelter.pk}/")
    assert page.status_code == 200
    assert f'href="/services/{shelter.pk}/sheet/"'.encode() in page.content
    sheet = client.get(f"/services/{shelter.pk}/sheet/")
    assert sheet.status_code == 200
    assert b"minga/css/services-print." in sheet.content and b'media="print"' in sheet.content
    assert "Calle Sucre y Ayacucho" in sheet.content.decode()


def test_a_stale_entry_says_so_on_its_page(client):
    panama = demo("panama-asesoria-legal")
    assert panama.is_stale(timezone.localdate())
    assert b'data-testid="stale-notice"' in client.get(f"/services/{panama.pk}/").content
    fresh = client.get(f"/services/{demo('lima-comedor').pk}/")
    assert fresh.status_code == 200 and b'data-testid="stale-notice"' not in fresh.content


def test_the_provider_sees_their_stale_entries_first(client_as, users):
    cucuta = demo("cucuta-salud-mujeres")
    Service.objects.filter(pk=cucuta.pk).update(last_verified_on=timezone.localdate() - timedelta(days=200))
    response = client_as(users["local_cucuta"]).get("/services/mine/")
    assert [(s.load_key, stale) for s, stale in response.context["rows"]] == [
        ("service:cucuta-salud-mujeres", True), ("service:cucuta-espacio-apoyo", False)]


def form_data(municipality: Municipality, **fields) -> dict:
    return {"provider": org("demo-cucuta").pk, "name_es": "Olla comunitaria del barrio", "types": ["food"],
            "populations": ["everyone"], "languages": ["es"], "hours": "monday 11:00-14:00\nfriday 11:00-14:00",
            "is_free": "on", "subdivision": "CO-NSA", "municipality": municipality.pk, "latitude": "7.88",
            "longitude": "-72.49", "last_verified_on": "2026-11-01", **fields}


def test_a_local_government_officer_adds_a_service_in_their_municipality(client_as, users):
    client = client_as(users["local_cucuta"])
    response = client.post("/services/new/", form_data(Municipality.objects.get(pcode="CO54001")))
    created = Service.objects.get(name_es="Olla comunitaria del barrio")
    assert response.status_code == 302 and response["Location"] == f"/services/{created.pk}/"
    assert created.hours == [{"day": "monday", "opens": "11:00", "closes": "14:00"},
                             {"day": "friday", "opens": "11:00", "closes": "14:00"}]
    assert (created.types, created.version, created.history.count()) == (",food,", 1, 1)
    assert created.history.first().history_user == users["local_cucuta"]


def test_a_local_government_officer_is_refused_in_another_municipality(client_as, users, villa_del_rosario, english):
    client = client_as(users["local_cucuta"])
    count = Service.all_objects.count()
    response = client.post("/services/new/", form_data(villa_del_rosario), headers={"accept-language": "en"})
    assert response.status_code == 403
    assert response.context["refused"] == "You may not create this record (service)."
    assert Service.all_objects.count() == count


def test_the_service_form_is_for_signed_in_editors_only(client_as, users):
    assert client_as(None).get("/services/new/").status_code == 302
    assert client_as(users["focal_col"]).get("/services/new/").status_code == 403
    assert client_as(users["local_cucuta"]).get("/services/new/").status_code == 200


def api_body(municipality: str | None, **fields) -> dict:
    return {"provider": org("demo-cucuta").pk, "subdivision": "CO-NSA", "municipality": municipality,
            "latitude": 7.88, "longitude": -72.49, "last_verified_on": "2026-11-01", "types": ["legal"],
            "populations": ["women"], "name_es": "Asesoría jurídica para mujeres", **fields}


def test_api_an_officer_adds_a_service_in_their_municipality(client, token_of):
    response = client.post("/api/v1/services", json.dumps(api_body("CO54001")), content_type="application/json",
                           headers=token_of("local_cucuta"))
    assert response.status_code == 201
    body = response.json()
    assert (body["municipality"], body["types"], body["populations"], body["version"]) == (
        "CO54001", ["legal"], ["women"], 1)
    assert Service.objects.get(pk=body["id"]).name_es == "Asesoría jurídica para mujeres"


def test_api_an_officer_is_refused_in_another_municipality(client, token_of, villa_del_rosario):
    count = Service.all_objects.count()
    response = client.post("/api/v1/services", json.dumps(api_body("CO54874")), content_type="application/json",
                           headers=token_of("local_cucuta"))
    assert (response.status_code, response.json()) == (403, {"detail": "You may not create this record (service)."})
    assert Service.all_objects.count() == count


def test_api_refuses_a_time_zone_of_another_country_and_stores_nothing(client, token_of):
    count = Service.all_objects.count()
    response = client.post("/api/v1/services", json.dumps(api_body("CO54001", time_zone="America/Boa_Vista")),
                           content_type="application/json",
                           headers={**token_of("local_cucuta"), "accept-language": "en"})
    assert (response.status_code, response.json()["detail"]) == (
        422, {"time_zone": ["This time zone is not one of the country's."]})
    assert Service.all_objects.count() == count
    accepted = client.post("/api/v1/services", json.dumps(api_body("CO54001", time_zone="America/Bogota")),
                           content_type="application/json", headers=token_of("local_cucuta"))
    assert (accepted.status_code, Service.objects.get(pk=accepted.json()["id"]).time_zone) == (201, "America/Bogota")


def test_api_refuses_a_write_without_a_token_and_an_unknown_field(client, token_of):
    assert client.post("/api/v1/services", json.dumps(api_body("CO54001")),
                       content_type="application/json").status_code == 401
    response = client.post("/api/v1/services", json.dumps(api_body("CO54001", hsds_id="x")),
                           content_type="application/json", headers=token_of("local_cucuta"))
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["hsds_id"]


def test_api_update_with_a_stale_version_is_a_409(client, token_of):
    service = demo("cucuta-espacio-apoyo")
    body = api_body("CO54001", version=service.version)
    url = f"/api/v1/services/{service.pk}"
    first = client.put(url, json.dumps(body), content_type="application/json", headers=token_of("local_cucuta"))
    assert (first.status_code, first.json()["version"]) == (200, 2)
    second = client.put(url, json.dumps(body), content_type="application/json", headers=token_of("local_cucuta"))
    assert (second.status_code, second.json()["current_version"]) == (409, 2)


def test_api_search_by_point_answers_nearest_first_with_the_distance(client):
    response = client.get("/api/v1/services", {**TULCAN, "radius": "50", "type": "shelter", "population": "women"})
    assert response.status_code == 200
    assert [(row["name_es"][:15], row["distance_km"]) for row in response.json()["items"]] == [
        ("Casa de acogida", 0.0), ("Albergue de pas", 8.362)]
    assert client.get("/api/v1/services", {"lat": "x", "lon": "1"}, headers={"accept-language": "en"}).json() == {
        "detail": {"lat": ["Not a number."]}}


def test_only_the_search_page_lets_its_scripts_ask_for_the_position(client):
    """"Near me" needs the browser's position; every other page keeps geolocation turned off."""
    for _ in range(2):  # the second answer comes from the page cache: the header still there
        assert "geolocation=(self)" in client.get("/services/")["Permissions-Policy"]
    assert "geolocation=()" in client.get(f"/services/{demo('tulcan-casa-acogida').pk}/")["Permissions-Policy"]


def test_a_place_that_is_no_code_is_refused_naming_it(client):
    """A NUL in the place would reach PostgreSQL as a string it refuses (a 500): it is a 400 / 422 first."""
    response = client.get("/services/", {"place": "EC\x00C"}, headers={"accept-language": "en"})
    assert response.status_code == 400 and "place: Unknown code: ECC." in response.content.decode()
    api = client.get("/api/v1/services", {"place": "EC\x00C"}, headers={"accept-language": "en"})
    assert (api.status_code, api.json()) == (422, {"detail": {"place": ["Unknown code: ECC."]}})
    assert client.get("/api/v1/services/99999999999").status_code == 422
    assert client.get("/services/99999999999999999999/").status_code == 404


def posted(initial: dict, **changes) -> dict:
    """The edit form as a browser sends it back untouched: unticked boxes and empty choices left out."""
    data = {}
    for name, value in {**initial, **changes}.items():
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def test_saving_the_edit_form_keeps_the_services_own_time_zone(client_as, users):
    """Boa Vista is an hour behind São Paulo: a save that wiped the zone moved "open now" by an hour."""
    service = demo("boa-vista-orientacao")
    assert service.time_zone == "America/Boa_Vista"
    client = client_as(users["secretariat"])
    data = posted(ServiceForm.initial_for(service), description_es="Orientación y regularización.",
                  version=service.version)
    response = client.post(f"/services/{service.pk}/edit/", data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.description_es, service.time_zone, service.version) == (
        "Orientación y regularización.", "America/Boa_Vista", 2)
    page = client.get(f"/services/{service.pk}/edit/")  # the zone shown by its name, chosen
    assert page.status_code == 200
    assert '<option value="America/Boa_Vista" selected>Boa Vista (hora del Amazonas)</option>' in page.content.decode()


def test_the_edit_form_stores_the_zone_chosen_and_refuses_one_of_another_country(client_as, users, english):
    service = demo("boa-vista-orientacao")
    client = client_as(users["secretariat"])
    initial = ServiceForm.initial_for(service)
    refused = client.post(f"/services/{service.pk}/edit/", posted(initial, time_zone="America/Bogota",
                                                                  version=service.version),
                          headers={"accept-language": "en"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["time_zone"] == ["This time zone is not one of the country's."]
    assert client.post(f"/services/{service.pk}/edit/", posted(initial, time_zone="America/Manaus",
                                                               version=service.version)).status_code == 302
    service.refresh_from_db()
    assert (service.time_zone, service.zone().key) == ("America/Manaus", "America/Manaus")
    assert client.post(f"/services/{service.pk}/edit/", posted(initial, time_zone="",
                                                               version=service.version)).status_code == 302
    service.refresh_from_db()  # blank: the country's usual zone
    assert (service.time_zone, service.zone().key) == ("", "America/Sao_Paulo")
    with translation.override("en"):  # the names in the reader's language (the requests above left Spanish on)
        groups = dict(ServiceForm().fields["time_zone"].choices)
        assert str(groups[""]) == "The country's usual time zone"
    assert ("America/Boa_Vista", "Boa Vista (Amazon Time)") in groups["Brazil"]
    assert groups["Colombia"] == [("America/Bogota", "Bogotá (Colombia Time)")]


def test_the_place_filter_offers_the_dominican_provinces_and_the_other_countries_first_level(client):
    offered = {country.pk: [part.code for part in parts] for country, parts in selectors.places()}
    assert sorted(offered["DOM"]) == [f"DO-{number:02}" for number in range(1, 33)]  # Azua is DO-02
    assert len(offered["COL"]) == 33 and "CO-NSA" in offered["COL"]
    assert len(offered["ECU"]) == 24 and "EC-C" in offered["ECU"]
    assert len(offered["BRA"]) == 27 and "BR-RR" in offered["BRA"]
    page = client.get("/services/")
    assert page.status_code == 200
    assert '<option value="DO-02">Azua</option>' in page.content.decode()
    assert 'value="DO-41"' not in page.content.decode()


def test_a_region_finds_the_services_of_its_provinces(client, users):
    """Azua (DO-02) lies in the Valdesia region (DO-41): a search by the region finds a service there."""
    azua = services.service_create(user=users["secretariat"], data=service_input(
        country_id="DOM", subdivision_id="DO-02", municipality_id=None, latitude=18.45, longitude=-70.73,
        name_es="Orientación en Azua"))
    assert names(client.get("/services/", {"place": "DO-41"})) == ["Orientación en Azua"]
    assert names(client.get("/services/", {"place": "DO-02"})) == ["Orientación en Azua"]
    assert names(client.get("/services/", {"place": "DO-40"})) == []  # Ozama: another region
    api = client.get("/api/v1/services", {"place": "do-41"})
    assert (api.status_code, [row["id"] for row in api.json()["items"]]) == (200, [azua.pk])


def test_api_a_withdrawn_project_is_not_named_to_the_public(client, token_of):
    project = Project.objects.get(code=f"PQ-COL-{YEAR}-0001")
    service = demo("cucuta-espacio-apoyo")
    Service.objects.filter(pk=service.pk).update(project=project)
    assert client.get(f"/api/v1/services/{service.pk}").json()["project"] == project.code
    Project.objects.filter(pk=project.pk).update(status="withdrawn", is_public=False)
    bump(PORTFOLIO, SERVICES)  # a write around the services: the kept pages dropped by hand
    assert client.get(f"/api/v1/projects/{project.code}").status_code == 404
    response = client.get(f"/api/v1/services/{service.pk}")
    assert (response.status_code, response.json()["project"]) == (200, None)
    listed = client.get("/api/v1/services", {"place": "CO54001"}).json()["items"]
    assert [(row["id"], row["project"]) for row in listed if row["id"] == service.pk] == [(service.pk, None)]
    # The secretariat still sees the project, and its link.
    assert client.get(f"/api/v1/services/{service.pk}", headers=token_of("secretariat")).json()["project"] == (
        project.code)


def test_api_a_put_that_does_not_name_the_project_keeps_it(client, token_of):
    project = Project.objects.get(code=f"PQ-COL-{YEAR}-0001")
    service = demo("cucuta-espacio-apoyo")
    Service.objects.filter(pk=service.pk).update(project=project)
    url, headers = f"/api/v1/services/{service.pk}", token_of("local_cucuta")
    kept = client.put(url, json.dumps(api_body("CO54001", version=service.version)), content_type="application/json",
                      headers=headers)
    assert (kept.status_code, kept.json()["project"]) == (200, project.code)
    assert Service.objects.get(pk=service.pk).project_id == project.pk
    unknown = client.put(url, json.dumps(api_body("CO54001", version=2, project="PQ-XXX-0000-0000")),
                         content_type="application/json", headers=headers)
    assert (unknown.status_code, unknown.json()) == (422, {"detail": {"project": [
        "No such record: PQ-XXX-0000-0000."]}})
    removed = client.put(url, json.dumps(api_body("CO54001", version=2, project=None)),
                         content_type="application/json", headers=headers)
    assert (removed.status_code, removed.json()["project"]) == (200, None)
    assert Service.objects.get(pk=service.pk).project_id is None
    named = client.put(url, json.dumps(api_body("CO54001", version=3, project=project.code)),
                       content_type="application/json", headers=headers)
    assert (named.status_code, named.json()["project"]) == (200, project.code)


def test_api_an_unknown_place_is_refused_in_the_callers_language(client, token_of):
    headers = token_of("local_cucuta")
    for body, field, given in ((api_body("CO99999"), "municipality", "CO99999"),
                               (api_body(None, subdivision="CO-XXX"), "subdivision", "CO-XXX")):
        for language, sentence in (("en", "No such record: %s."), ("es", "No existe ese registro: %s.")):
            response = client.post("/api/v1/services", json.dumps(body), content_type="application/json",
                                   headers={**headers, "Accept-Language": language})
            assert (response.status_code, response.json()) == (422, {"detail": {field: [sentence % given]}})
    assert Service.objects.filter(name_es="Asesoría jurídica para mujeres").count() == 0


def test_saving_the_edit_form_keeps_a_link_to_a_project_withdrawn_since(client_as, users):
    """The form offers public projects only: a withdrawn one cannot be shown, and its blank select erased the link."""
    withdrawn = Project.objects.get(code=f"PQ-COL-{YEAR}-0001")
    public = Project.objects.filter(is_public=True).exclude(pk=withdrawn.pk).order_by("code").first()
    service = demo("cucuta-espacio-apoyo")
    Service.objects.filter(pk=service.pk).update(project=withdrawn)
    Project.objects.filter(pk=withdrawn.pk).update(status="withdrawn", is_public=False)
    service.refresh_from_db()
    client = client_as(users["local_cucuta"])
    page = lxml.html.fromstring(client.get(f"/services/{service.pk}/edit/").content)
    offered = page.xpath('//select[@name="project"]/option/@value')
    assert str(public.pk) in offered and str(withdrawn.pk) not in offered
    saved = client.post(f"/services/{service.pk}/edit/", posted(ServiceForm.initial_for(service), project=None,
                                                                 description_es="Nuevo horario.", version=1))
    assert saved.status_code == 302
    assert Service.objects.values_list("project_id", "description_es").get(pk=service.pk) == (
        withdrawn.pk, "Nuevo horario.")
    # A project the list offers is unlinked by leaving it blank, as before.
    Service.objects.filter(pk=service.pk).update(project=public)
    service.refresh_from_db()
    client.post(f"/services/{service.pk}/edit/", posted(ServiceForm.initial_for(service), project=None,
                                                         version=service.version))
    assert Service.objects.get(pk=service.pk).project_id is None


@pytest.mark.parametrize(("language", "latitude", "longitude"), [
    ("es", "7,8834", "-72,4950"), ("es", "7.8834", "\u221272.4950"), ("en", "7,8834", "-72.4950"),
    ("pt-br", " +7,8834 ", "-72,495")])
def test_coordinates_are_read_with_a_point_or_a_comma_in_every_language(client_as, users, language, latitude,
                                                                      longitude):
    """A map copies "7.8834", a Spanish keyboard types "7,8834": degrees have no thousands, so both are read."""
    client = client_as(users["local_cucuta"])
    response = client.post("/services/new/", form_data(Municipality.objects.get(pcode="CO54001"), latitude=latitude,
                                                      longitude=longitude), HTTP_ACCEPT_LANGUAGE=language)
    created = Service.objects.get(name_es="Olla comunitaria del barrio")
    assert (response.status_code, created.latitude, created.longitude) == (302, 7.8834, -72.495)
    shown = {code: client.get(f"/services/{created.pk}/edit/", HTTP_ACCEPT_LANGUAGE=code).content.decode()
             for code in ("es", "en")}
    assert [(page.count('value="7,8834"'), page.count('value="-72,495"'), page.count('value="7.8834"'))
            for page in shown.values()] == [(1, 1, 0), (0, 0, 1)]


@pytest.mark.parametrize("typed", ["1.234,5", "7,88,4", "abc", "7 88", "1e3", "NaN"])
def test_coordinates_that_are_no_degrees_are_refused_never_misread(client_as, users, typed):
    client = client_as(users["local_cucuta"])
    count = Service.all_objects.count()
    response = client.post("/services/new/", form_data(Municipality.objects.get(pcode="CO54001"), latitude=typed),
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "latitude": ["Escriba los grados como los da un mapa, por ejemplo -74,0721."]}
    assert Service.all_objects.count() == count
