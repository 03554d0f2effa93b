"""Issue 9, "Not-found pages offer the search box": a reader who followed a dead link can search the projects
from where they landed, in their own language, and the search leads to the catalogue."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "label", "button"), [
    ("es", "Buscar en los proyectos", "Buscar"),
    ("pt-br", "Pesquisar nos projetos", "Pesquisar"),
    ("en", "Search the projects", "Search"),
])
def test_a_not_found_page_offers_the_project_search(client, language, label, button):
    response = client.get("/projects/PQ-XXX-1999-0001/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    html = response.content.decode()
    assert '<form class="not-found-search" role="search" action="/projects/" method="get"' in html
    assert f'<label for="not-found-q">{label}</label>' in html
    assert '<input id="not-found-q" type="search" name="q"' in html
    assert f'<button type="submit">{button}</button>' in html


def test_the_not_found_search_leads_to_the_catalogue_with_the_words(client):
    response = client.get("/projects/", {"q": "cucuta"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert response.context["filters"].q == "cucuta"
