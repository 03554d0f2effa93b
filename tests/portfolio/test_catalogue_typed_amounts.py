"""The catalogue's funding-gap boxes read an amount as the reader's language writes it, and refuse what they cannot
read: "1.000.000" in Spanish was dropped (Decimal cannot read it), so the filter silently showed every project."""

import re

import pytest

from tests.codes import YEAR

pytestmark = [pytest.mark.django_db]

COL, ECU, PER = (f"PQ-{country}-{YEAR}-0001" for country in ("COL", "ECU", "PER"))


def codes(response) -> list[str]:
    return [project.code for project in response.context["catalogue"].page]


def box(html: str, name: str) -> str:
    return re.search(rf'<input id="catalogue-gap-{name[4:]}" ([^>]*)>', html).group(1)


@pytest.mark.parametrize("backend", ["memory", "sql"])
@pytest.mark.parametrize(("language", "query", "expected"), [
    ("es", "gap_min=1.000.000", [COL]),
    ("pt", "gap_min=1.000.000", [COL]),
    ("en", "gap_min=1,000,000", [COL]),
    ("es", "gap_min=500.000&gap_max=999.999,99", [ECU, PER]),
    ("pt", "gap_min=500.000,00&gap_max=999.999,99", [ECU, PER]),
    ("en", "gap_min=500,000&gap_max=999,999.99", [ECU, PER]),
    # The page's own links write amounts in machine notation: read alike in every language.
    ("es", "gap_min=1000000", [COL]),
    ("es", "gap_min=500000&gap_max=999999.99", [ECU, PER]),
    ("pt", "gap_min=0.01", [COL, ECU, PER]),
])
def test_the_gap_filter_reads_amounts_as_the_readers_language_writes_them(client, settings, backend, language,
                                                                          query, expected):
    settings.MINGA_CATALOGUE_INDEX = backend
    response = client.get(f"/projects/?{query}&sort=code", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert codes(response) == expected


def test_the_gap_boxes_are_text_boxes_showing_the_amount_in_the_readers_language(client):
    html = client.get("/projects/?gap_min=1.000.000&gap_max=2.500.000,5", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'type="number"' not in box(html, "gap_min")
    assert 'value="1.000.000"' in box(html, "gap_min")
    assert 'value="2.500.000,50"' in box(html, "gap_max")
    # The links that keep the range write it in machine notation, never "2500000.50" read as Spanish.
    assert "gap_min=1000000&amp;gap_max=2500000.5" in html


@pytest.mark.parametrize(("language", "query", "message"), [
    ("en", "gap_min=abc", "gap_min: “abc” is not an amount as written in this language: write it like "
                          "8,000,000,000.50 (“,” between thousands, “.” before the cents)."),
    ("en", "gap_max=12,5", "gap_max: “12,5” is not an amount as written in this language: write it like "
                           "8,000,000,000.50 (“,” between thousands, “.” before the cents)."),
    ("es", "gap_min=1.000.00", "gap_min: “1.000.00” no es un monto escrito como en este idioma: escríbalo como "
                               "8.000.000.000,50 (“.” entre los miles, “,” antes de los céntimos)."),
])
def test_an_amount_the_filter_cannot_read_is_refused_naming_it(client, language, query, message):
    response = client.get(f"/projects/?{query}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert f"<p>{message}</p>" in response.content.decode()
