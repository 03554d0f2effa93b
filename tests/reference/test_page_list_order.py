"""Page lists of countries follow the name the reader reads (accents and case aside), not the English name: in
Spanish "República Dominicana" comes between "Perú" and "Uruguay", not after "Costa Rica"."""

import html as markup
import re

import pytest

pytestmark = pytest.mark.django_db

MEMBERS = {
    "es": ["Argentina", "Brasil", "Chile", "Colombia", "Costa Rica", "Ecuador", "Guyana", "México", "Panamá",
           "Paraguay", "Perú", "República Dominicana", "Uruguay"],
    "pt-br": ["Argentina", "Brasil", "Chile", "Colômbia", "Costa Rica", "Equador", "Guiana", "México", "Panamá",
              "Paraguai", "Peru", "República Dominicana", "Uruguai"],
    "en": ["Argentina", "Brazil", "Chile", "Colombia", "Costa Rica", "Dominican Republic", "Ecuador", "Guyana",
           "Mexico", "Panama", "Paraguay", "Peru", "Uruguay"],
}
WITH_ORIGIN = {"es": sorted(MEMBERS["es"] + ["Venezuela"]), "pt-br": sorted(MEMBERS["pt-br"] + ["Venezuela"]),
               "en": sorted(MEMBERS["en"] + ["Venezuela"])}


def _select(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [markup.unescape(label) for value, label in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>',
                                                                      select, re.S) if value]


def _page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_the_country_table_lists_the_member_states_by_shown_name_then_the_country_of_origin(client, language):
    html = _page(client, "/countries/", language)
    table = re.search(r'data-testid="country-table">(.*?)</table>', html, re.S).group(1)
    names = [markup.unescape(name) for name in re.findall(r'<th scope="row"><a href="[^"]+">(.*?)</a></th>', table)]
    assert names == MEMBERS[language] + ["Venezuela"]


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_the_organisation_filter_lists_the_countries_by_shown_name(client, language):
    assert _select(_page(client, "/organisations/", language), "filter-country") == WITH_ORIGIN[language]


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_the_archive_lists_the_signatories_by_shown_name(client, language):
    assert _select(_page(client, "/process/documents/", language), "archive-signatory") == MEMBERS[language]


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_the_home_page_lists_the_member_states_by_shown_name(client, language):
    chips = re.search(r'data-testid="member-states">(.*?)</ul>', _page(client, "/", language), re.S).group(1)
    assert [markup.unescape(name) for name in re.findall(r'<a href="[^"]+">(.*?)</a>', chips)] == MEMBERS[language]


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_the_territory_results_list_the_member_states_by_shown_name(client, language):
    assert _select(_page(client, "/results/", language), "country") == MEMBERS[language]
