"""Issue 9: each chart says what it shows (its caption, in the reader's language, with its key figure), and a
map loads only the boundaries of the countries it shows, fitted to the width it is given."""

from django.utils import translation

from minga.common import charts

URLS = {"COL": "/static/minga/geo/admin1/COL.abc.topo.json", "PER": "/static/minga/geo/admin1/PER.abc.topo.json"}


def test_a_map_of_one_country_reads_that_countrys_file_and_fits_its_width():
    spec = charts.subdivisions_choropleth_spec(
        topojson_url=URLS["COL"], iso3="COL", country_name="Colombia", measure="Published projects",
        rows=[{"code": "CO-ANT", "name": "Antioquia", "value": None, "label": "no figure", "as_of": ""},
              {"code": "CO-NSA", "name": "Norte de Santander", "value": 2, "label": "2", "as_of": ""}])
    assert spec["data"] == {"url": URLS["COL"], "format": {"type": "topojson", "feature": "admin1"}}
    assert spec["projection"] == {"type": "mercator"}  # no scale or centre: fitted to the chart's size
    assert (spec["width"], spec["autosize"]) == ("container", {"type": "fit-x", "contains": "padding"})
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["geoshape", "geoshape"]  # grey, then coloured


def test_a_project_in_two_countries_draws_one_layer_per_countrys_file():
    spec = charts.project_territories_map_spec(
        topojson_urls=URLS, country_names={"COL": "Colombia", "PER": "Perú"},
        names={"CO-NSA": "Norte de Santander", "PE-TUM": "Tumbes", "PE-LMA": "Lima"}, highlighted={"CO-NSA"})
    assert "data" not in spec
    assert [layer["data"]["url"] for layer in spec["layer"]] == [URLS["COL"], URLS["PER"]]
    assert [layer["transform"][0] for layer in spec["layer"]] == [
        {"filter": {"field": "properties.country", "oneOf": ["COL"]}},
        {"filter": {"field": "properties.country", "oneOf": ["PER"]}}]
    assert all(layer["mark"]["type"] == "geoshape" for layer in spec["layer"])
    assert spec["projection"] == {"type": "mercator"}
    with translation.override("en"):
        spec = charts.project_territories_map_spec(
            topojson_urls=URLS, country_names={"COL": "Colombia", "PER": "Peru"},
            names={"CO-NSA": "Norte de Santander", "PE-TUM": "Tumbes", "PE-LMA": "Lima"}, highlighted={"CO-NSA"})
    assert spec["description"] == ("Map of the first-level subdivisions of Colombia, Peru: the project works "
                                   "in 1 of the 3 drawn (in orange).")


def test_the_americas_map_is_fitted_not_zoomed_on_a_fixed_centre():
    spec = charts.process_map_spec(topojson_url="/static/x.json", rows=[
        {"iso3": "COL", "name": "Colombia", "status": "member", "people": "2,860,000"},
        {"iso3": "VEN", "name": "Venezuela", "status": "origin", "people": "country of origin"}])
    assert spec["projection"] == {"type": "mercator"}


def test_captions_are_sentences_with_the_key_figure_in_the_readers_language():
    rows = [{"iso3": "COL", "name": "Colombia", "status": "member", "people": "2.860.000"},
            {"iso3": "PER", "name": "Perú", "status": "member", "people": "1.660.000"},
            {"iso3": "VEN", "name": "Venezuela", "status": "origin", "people": "país de origen"}]
    bars = [{"name": "Colombia", "people": 2_860_000, "label": "2.860.000", "as_of": "junio de 2024"},
            {"name": "Perú", "people": 1_660_000, "label": "1.660.000", "as_of": "mayo de 2024"}]
    with translation.override("es"):
        chart = charts.process_map_chart(topojson_url="/static/x.json", rows=rows)
        assert chart.caption == ("Mapa de América Latina y el Caribe: los 2 Estados miembros del Proceso de Quito, "
                                 "en azul, y el país de origen, Venezuela, en naranja.")
        assert chart.spec["description"] == chart.caption  # what Vega names the drawing by
        assert chart.columns == ["País", "Papel", "Personas refugiadas y migrantes de Venezuela"]
        assert chart.rows == [["Colombia", "Estado miembro del Proceso de Quito", "2.860.000"],
                              ["Perú", "Estado miembro del Proceso de Quito", "1.660.000"],
                              ["Venezuela", "País de origen", "país de origen"]]
        assert charts.people_bar_spec(rows=bars)["description"] == (
            "Personas refugiadas y migrantes de Venezuela en 2 países de acogida: Colombia acoge al mayor número: "
            "2.860.000 personas (junio de 2024). La tabla de abajo da cada cifra con su fuente.")
        country = charts.subdivisions_choropleth_chart(
            topojson_url=URLS["COL"], iso3="COL", country_name="Colombia", measure="Personas (cifra más reciente)",
            rows=[{"code": "CO-ANT", "name": "Antioquia", "value": None, "label": "sin cifra", "as_of": ""},
                  {"code": "CO-ARA", "name": "Arauca", "value": 61_000, "label": "61.000", "as_of": "junio de 2024"},
                  {"code": "CO-NSA", "name": "Norte de Santander", "value": 540_000, "label": "540.000",
                   "as_of": "junio de 2024"}])
        assert country.caption == ("Mapa de las 3 subdivisiones de primer nivel de Colombia, coloreadas según "
                                   "personas (cifra más reciente); 2 de ellas tienen un valor (las demás, en gris).")
        assert country.columns == ["Subdivisión", "Personas (cifra más reciente)", "Fecha de corte"]
        assert country.rows == [["Arauca", "61.000", "junio de 2024"],
                                ["Norte de Santander", "540.000", "junio de 2024"]]
    with translation.override("pt-br"):
        assert charts.people_bar_spec(rows=[])["description"] == (
            "Pessoas refugiadas e migrantes da Venezuela por país de acolhida: ainda não há números publicados.")
