"""Issue 9: each chart has a text alternative (a caption with its key figure, the data as a table) and names
itself by it; the chart libraries and boundary files come only with the pages that draw, deferred, and a
map loads only its country's boundaries."""

import json
import re

import pytest

from minga.reference.models import Organisation, Subdivision
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

CHART_SCRIPT = re.compile(r'<script[^>]* src="/static/(?:vendor/vega|minga/js/charts\.)[^"]*"')


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def figure(html, key):
    return re.search(rf'<figure class="chart-figure" data-testid="chart-{key}">(.*?)</figure>', html, re.S).group(1)


def spec(html, key):
    return json.loads(re.search(rf'<script id="{key}-spec" type="application/json">(.*?)</script>', html,
                                re.S).group(1))


def test_the_country_map_has_its_caption_its_data_and_only_its_countrys_boundaries(client):
    html = page(client, "/countries/COL/")
    part = figure(html, "subdivisions-map")
    drawn = Subdivision.objects.filter(country_id="COL", has_geometry=True).count()
    assert drawn == 33
    assert '<div class="chart" data-vega-spec="subdivisions-map-spec" role="img" ' \
           'aria-labelledby="subdivisions-map-caption"></div>' in part
    caption = re.search(r'<figcaption id="subdivisions-map-caption" class="chart-caption">(.*?)</figcaption>',
                        part).group(1)
    # Coloured by the published projects per subdivision (the demo's Colombian one works in two).
    assert caption == ("Mapa de las 33 subdivisiones de primer nivel de Colombia, coloreadas según proyectos "
                       "publicados; 2 de ellas tienen un valor (las demás, en gris).")
    assert spec(html, "subdivisions-map")["description"] == caption
    assert "<summary>Ver los datos</summary>" in part
    assert re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td></tr>', part) == [
        ("Arauca", "1"), ("Norte de Santander", "1")]
    url = spec(html, "subdivisions-map")["data"]["url"]
    assert re.fullmatch(r"/static/minga/geo/admin1/COL\.topo\.[0-9a-f]{12}\.json", url), url
    assert "Vega visualization" not in html and "admin1.topo" not in html
    assert "{#" not in html and "#}" not in html and "{%" not in html  # no template text leaks into the page


def test_the_project_map_loads_the_project_countrys_file_and_lists_its_territories(client):
    html = page(client, f"/projects/PQ-COL-{YEAR}-0001/")
    part = figure(html, "project-map")
    assert re.search(r'"url": "/static/minga/geo/admin1/COL\.topo\.[0-9a-f]{12}\.json"', html)
    assert "admin1.topo" not in html
    assert '<tr><th scope="row">Arauca</th><td>CO-ARA</td><td>sí</td></tr>' in part
    assert '<tr><th scope="row">Norte de Santander</th><td>CO-NSA</td><td>sí</td></tr>' in part
    assert '<tr><th scope="row">Antioquia</th><td>CO-ANT</td><td>no</td></tr>' in part
    assert re.search(r"el proyecto trabaja en 2 de las 33 dibujadas", part)


def test_the_home_charts_are_named_by_their_captions(client):
    html = page(client, "/")
    assert re.search(r'<figcaption id="map-caption" class="chart-caption">Mapa de América Latina y el Caribe: los 13 '
                     r'Estados miembros del Proceso de Quito, en azul, y el país de origen, Venezuela, en naranja.'
                     r'</figcaption>', html)
    people = figure(html, "people")
    assert re.search(r"en 13 países de acogida: Colombia acoge al mayor número: 2\.860\.000 personas", people)
    assert "Ver los datos" not in people  # its table is the page's people table, right below it
    assert len(re.findall(r'<tr><th scope="row">', figure(html, "map"))) == 14  # 13 member states + Venezuela
    assert 'role="img" aria-label=' not in html


@pytest.mark.parametrize("path", ["/", "/countries/COL/", f"/projects/PQ-COL-{YEAR}-0001/"])
def test_pages_that_draw_defer_the_chart_libraries(client, path):
    scripts = CHART_SCRIPT.findall(page(client, path))
    assert len(scripts) == 5
    assert all(script.startswith("<script defer src=") for script in scripts)


def test_pages_that_draw_nothing_load_no_chart_library(client):
    organisation = Organisation.objects.get(load_key="organisation:gov-col")
    for path in ("/projects/", "/countries/", "/organisations/", f"/organisations/{organisation.pk}/", "/conferences/",
                 "/taxonomies/", "/accounts/login/"):
        assert CHART_SCRIPT.findall(page(client, path)) == [], path
