"""Conference figures as their sources give them: rounded where the source rounds, both where sources
disagree, cities and notes in the reader's language, and the home page's totals as R4V publishes them."""

import re

import pytest
from django.core.exceptions import ValidationError

from minga.finance.models import Conference, ConferenceFigure

pytestmark = pytest.mark.django_db

BRUSSELS_2019 = {
    "es": ('<td class="num"><span class="money-figure" title="European External Action Service: Conferencia sobre '
           'Venezuela: que el mundo entero se movilice cuando un continente lo necesita (Bruselas, 28-29 de octubre de '
           '2019)">&gt; 110 millones de US$</span>',
           '120 millones de € <span class="qualifier">según la prensa</span> <span class="note">(más 30 millones de €, '
           'según la prensa tras la rueda de prensa de clausura)</span>'),
    "pt": ('<td class="num"><span class="money-figure" title="European External Action Service: Conferência sobre a '
           'Venezuela: que o mundo inteiro se mobilize quando um continente precisa (Bruxelas, 28-29 de outubro de '
           '2019)">&gt; US$ 110 milhões</span>',
           '€ 120 milhões <span class="qualifier">segundo a imprensa</span> <span class="note">(mais € 30 milhões, '
           'segundo a imprensa após a coletiva de encerramento)</span>'),
    "en": ('<td class="num"><span class="money-figure" title="European External Action Service: Venezuela conference: '
           'making sure the whole world mobilises when one continent is in need (Brussels, 28-29 October 2019)">'
           '&gt; US$110 million</span>',
           '€120 million <span class="qualifier">as the press reported</span> <span class="note">(plus €30 million, '
           'as the press reported from the closing briefing)</span>'),
}


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_the_home_page_shows_both_2019_figures_rounded_in_the_readers_format(client, language):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    announced, press = BRUSSELS_2019[language]
    assert announced in html and press in html
    assert "110.000.000" not in html and "110,000,000" not in html


@pytest.mark.parametrize(("language", "more_than", "press", "city"), [
    ("es", '<span class="note">(más de)</span></th>\n        <td class="num">110 millones de US$</td>'
           '<td class="num">110 millones de US$</td>', "secundaria (copia de prensa)", "Bruselas"),
    ("pt", '<span class="note">(mais de)</span></th>\n        <td class="num">US$ 110 milhões</td>'
           '<td class="num">US$ 110 milhões</td>', "secundária (cópia de imprensa)", "Bruxelas"),
    ("en", '<span class="note">(more than)</span></th>\n        <td class="num">US$110 million</td>'
           '<td class="num">US$110 million</td>', "secondary (press copy)", "Brussels"),
])
def test_the_conference_page_shows_both_2019_figures_each_with_its_source(client, language, more_than, press, city):
    html = client.get("/conferences/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    section = re.search(r'data-testid="conference-brussels-2019">(.*?)</section>', html, re.S).group(1)
    assert more_than in section
    assert ('<a href="https://kienyke.com/politica/recaudan-eu120-millones-para-ayudar-migrantes-venezolanos" '
            'rel="noopener external"') in section
    assert f'<span class="badge badge-secondary">{press}</span>' in section
    assert f"· {city}\n" in section


@pytest.mark.parametrize(("language", "expected"), [
    ("es", "≈ 810 millones de € (860 millones de US$)"),
    ("pt", "≈ € 810 milhões (US$ 860 milhões)"),
    ("en", "≈ €810 million (US$860 million)"),
])
def test_the_2023_approximate_total_is_written_rounded(client, language, expected):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'{expected.split(" (")[0]} <span class="usd">({expected.split(" (")[1]}</span>' in html


@pytest.mark.parametrize(("language", "note"), [
    ("es", "casi 810 millones de €"), ("pt", "quase € 810 milhões"), ("en", "almost €810 million")])
def test_a_conference_figures_note_is_in_the_readers_language_and_number_format(client, language, note):
    html = client.get("/conferences/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<span class="note">— {note}</span>' in html


def test_the_2021_later_total_quotes_the_2023_declaration(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ('US$2.35 billion <span class="qualifier">as later reported</span> <span class="note">(the 2023 Joint '
            'Declaration: “more than US$2.35 billion”)</span>') in html


def test_the_api_gives_cities_and_notes_in_every_language(client):
    conference = next(row for row in client.get("/api/v1/conferences").json() if row["code"] == "brussels-2023")
    assert (conference["city_es"], conference["city_pt"], conference["city_en"]) == ("Bruselas", "Bruxelas", "Brussels")
    total = next(figure for figure in conference["figures"] if figure["kind"] == "total")
    assert (total["note_es"], total["note_pt"], total["note_en"]) == (
        "casi {EUR 810000000}", "quase {EUR 810000000}", "almost {EUR 810000000}")
    assert total["source"]["url"].startswith("https://www.canada.ca/en/global-affairs/news/2023/03/")
    assert (total["source"]["published_on"], total["source"]["date_precision"], total["source"]["is_secondary"]) == (
        "2023-03-17", "day", False)


def test_a_city_missing_in_the_readers_language_is_shown_in_another_one_and_marked(client):
    Conference.objects.filter(code="brussels-2023").update(city_pt="")
    html = client.get("/conferences/", HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    section = re.search(r'data-testid="conference-brussels-2023">(.*?)</section>', html, re.S).group(1)
    assert ('· <span lang="es">Bruselas</span> <span class="fallback" lang="es" title="Não disponível no seu idioma">'
            '[es]</span>\n') in section


def test_a_figure_note_with_a_stray_brace_is_refused():
    figure = ConferenceFigure.objects.get(conference__code="brussels-2023", kind="total")
    figure.note_pt = "quase {810 M}"
    with pytest.raises(ValidationError) as refused:
        figure.full_clean()
    assert list(refused.value.message_dict) == ["note_pt"]


@pytest.mark.parametrize(("language", "world", "region"), [
    ("es", ("En todo el mundo, según publica R4V", "≈</abbr> 7,891 millones", "noviembre de 2024"),
     ("América Latina y el Caribe, según publica R4V", "≈</abbr> 6,59 millones", "junio de 2024")),
    ("pt", ("No mundo todo, conforme publicado pela R4V", "≈</abbr> 7,891 milhões", "novembro de 2024"),
     ("América Latina e Caribe, conforme publicado pela R4V", "≈</abbr> 6,59 milhões", "junho de 2024")),
    ("en", ("Worldwide, as R4V publishes it", "≈</abbr> 7.891 million", "November 2024"),
     ("Latin America and the Caribbean, as R4V publishes it", "≈</abbr> 6.59 million", "June 2024")),
])
def test_the_home_page_shows_the_totals_r4v_publishes_with_source_and_date(client, language, world, region):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    totals = re.search(r'<tfoot data-testid="people-total">(.*?)</tfoot>', html, re.S).group(1)
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="num"><abbr title="[^"]+">(.*?)</td><td>(.*?)</td>'
                      r'<td class="source">(.*?)</td>', totals, re.S)
    assert [(label, "≈</abbr>" + value.split("≈</abbr>")[1], when) for label, value, when, _ in rows] == [world, region]
    assert ('href="https://www.r4v.info/en/document/r4v-latin-america-and-caribbean-venezuelan-refugees-and-migrants-'
            'region-nov-2024"') in rows[0][3]
    assert 'class="badge badge-secondary"' in rows[1][3]
