"""Issue 12: a page per first-level subdivision and municipality: people (with source and date), projects,
funding, local governments and their needs, integration programmes; the country map leads down to them."""

import json
import re

import lxml.html
import pytest

from minga.common.cache import REFERENCE, bump
from minga.localgov.models import NeedsStatement
from minga.reference.models import PopulationFigure
from tests.charts import map_rows
from tests.codes import YEAR

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CUCUTA_PROJECT = f"PQ-COL-{YEAR}-0001"


def section(response, testid: str) -> str:
    found = lxml.html.fromstring(response.content.decode()).xpath(f'//*[@data-testid="{testid}"]')
    assert found, testid
    return re.sub(r"\s+", " ", " ".join(found[0].itertext())).strip()


def test_the_subdivision_page_shows_projects_local_governments_needs_and_programmes(client):
    response = client.get("/subdivisions/co-nsa/", **EN)
    assert response.status_code == 200
    assert "<h1>Norte de Santander <span class=\"note\">(CO-NSA)</span></h1>" in response.content.decode()
    assert section(response, "territory-projects").startswith(f"{CUCUTA_PROJECT} Reception and first-response")
    assert section(response, "portfolio-totals").startswith("Published projects 1 Requested from the Group of Friends $1,200,000.00")
    assert section(response, "local-governments") == "Alcaldía de San José de Cúcuta illustrative"
    need = NeedsStatement.objects.get(load_key="need:demo-cucuta:1")
    assert section(response, "needs") == (
        f"Orientation and temporary reception centres illustrative seeking funding — Alcaldía de San José de "
        f"Cúcuta {need.description} Estimated cost: COP850,000,000")
    assert section(response, "municipalities") == "San José de Cúcuta CO54001"
    assert section(response, "programmes").startswith("Everyone to school (example) illustrative Colombia")


def test_the_people_table_gives_source_and_date_and_hides_an_unpublished_figure(client, users):
    draft = PopulationFigure.all_objects.get(load_key="figure:CO-NSA:refugees_migrants:2024-06-30:illustrative")
    anonymous = client.get("/subdivisions/CO-NSA/", **EN)
    assert section(anonymous, "territory-figures") == (
        "Population group People As of Source URL No published figure for this territory yet; the figures of "
        "Colombia are on its page.")
    PopulationFigure.all_objects.filter(pk=draft.pk).update(is_published=True)
    bump(REFERENCE)  # a write around the services: the kept page is dropped by hand (docs/architecture.md)
    published = client.get("/subdivisions/CO-NSA/", **EN)
    assert section(published, "territory-figures").startswith(
        "Population group People As of Source URL Refugees and migrants from Venezuela")
    assert "June 2024" in section(published, "territory-figures")


def test_the_municipality_page_shows_its_own_projects_and_local_government(client):
    response = client.get("/municipalities/CO54001/", **EN)
    assert response.status_code == 200
    assert section(response, "territory-projects").startswith(CUCUTA_PROJECT)
    assert section(response, "local-governments") == "Alcaldía de San José de Cúcuta illustrative"
    tulcan = client.get("/municipalities/EC0401/", **EN)
    assert section(tulcan, "territory-projects") == "None yet."
    assert section(tulcan, "local-governments") == "GAD Municipal de Tulcán illustrative"
    assert client.get("/municipalities/XX999/").status_code == 404


def test_the_country_map_leads_to_each_subdivision_page(client):
    response = client.get("/countries/COL/", **EN)
    page = response.content.decode()
    assert '<a href="/subdivisions/CO-NSA/">Norte de Santander</a>' in page
    specs = [json.loads(text) for text in lxml.html.fromstring(page).xpath('//script[@type="application/json"]/text()')]
    spec = next(spec for spec in specs if "projection" in spec)  # the spec travels in the page (includes/chart.html)
    rows = map_rows(spec)
    assert {row["code"]: row["href"] for row in rows}["CO-NSA"] == "/subdivisions/CO-NSA/"
    assert [layer["encoding"]["href"] for layer in spec["layer"]] == [{"field": "href", "type": "nominal"}] * 2


def links(response, testid: str) -> list[str]:
    return lxml.html.fromstring(response.content.decode()).xpath(f'//*[@data-testid="{testid}"]//a/@href')


def test_a_territory_page_lists_the_services_and_trainings_given_there(client):
    from minga.capacity.models import TrainingDelivery
    from minga.services.models import Service

    cucuta = client.get("/municipalities/CO54001/", **EN)
    here = Service.objects.filter(municipality__pcode="CO54001")
    assert here.count() == 2
    assert sorted(links(cucuta, "territory-service-list")) == sorted(f"/services/{s.pk}/" for s in here)
    assert "/services/?place=CO54001" in links(cucuta, "territory-services")
    trainings = TrainingDelivery.objects.filter(municipality__pcode="CO54001")
    assert links(cucuta, "territory-training-list") == [f"/capacity/deliveries/{d.pk}/" for d in trainings]
    assert trainings.count() == 1

    province = client.get("/subdivisions/CO-NSA/", **EN)  # the province: its towns' services and trainings
    assert sorted(links(province, "territory-service-list")) == sorted(
        f"/services/{s.pk}/" for s in Service.objects.filter(subdivision_id="CO-NSA"))
    assert links(province, "territory-training-list") == [f"/capacity/deliveries/{d.pk}/" for d in trainings]

    tulcan = client.get("/municipalities/EC0401/", **EN)
    shelter = Service.objects.get(name_es="Casa de acogida para mujeres y adolescentes de Tulcán (ejemplo)")
    assert f"/services/{shelter.pk}/" in links(tulcan, "territory-service-list")
    assert section(tulcan, "territory-training-list") == "No training recorded here yet."


def test_a_regions_page_lists_the_services_of_its_provinces(client, users):
    """The Dominican Republic works by province: a service in Azua (DO-02) is also "here" for its region, Valdesia."""
    from minga.services import services
    from tests.services.conftest import service_input

    azua = services.service_create(user=users["secretariat"], data=service_input(
        country_id="DOM", subdivision_id="DO-02", municipality_id=None, latitude=18.45, longitude=-70.73))
    region = client.get("/subdivisions/DO-41/", **EN)
    assert region.status_code == 200
    assert links(region, "territory-service-list") == [f"/services/{azua.pk}/"]
    assert links(client.get("/subdivisions/DO-02/", **EN), "territory-service-list") == [f"/services/{azua.pk}/"]
