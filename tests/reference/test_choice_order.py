"""Country and organisation selects list their options in the reader's alphabetical order (case and accents aside),
not in the order of the English names."""

import html as markup
import re

import pytest

from minga.common.text import normalise_name

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    labels = re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select, re.S)
    return [markup.unescape(label) for value, label in labels if value]


def _in_reading_order(labels: list[str]) -> bool:
    return labels == sorted(labels, key=normalise_name)


@pytest.mark.parametrize("language", ["es", "pt", "en"])
@pytest.mark.parametrize(("url", "name"), [("/organisations/new/", "country"), ("/organisations/new/", "parent"),
                                           ("/figures/new/", "country")])
def test_country_and_organisation_options_are_in_the_readers_alphabetical_order(client_as, users, language, url,
                                                                                name):
    client = client_as(users["secretariat"])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    labels = _options(html, name)
    assert len(labels) > 5
    assert _in_reading_order(labels), labels


def test_the_dominican_republic_is_under_r_in_spanish(client_as, users):
    client = client_as(users["secretariat"])
    labels = _options(client.get("/figures/new/", HTTP_ACCEPT_LANGUAGE="es").content.decode(), "country")
    assert labels.index("Perú") < labels.index("República Dominicana") < labels.index("Uruguay")
    assert labels[:3] == ["Argentina", "Brasil", "Chile"]
