"""Issue 12, integration programmes: the public catalogue, a page per programme with share links and its
Open Graph card, Atom feeds per country and per theme (parsed here), and the embeddable list."""

import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from minga.programmes.models import Programme

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def test_the_catalogue_lists_the_published_programmes_of_a_country(client):
    response = client.get("/programmes/?country=COL", **EN)
    assert response.status_code == 200
    names = re.findall(r'<a href="/programmes/([a-z0-9-]+)/">', response.content.decode())
    assert names == ["demo-col-escuela", "demo-col-cuenta", "demo-col-titulos", "col-etpv"]
    assert ("Temporary Protection Statute for Venezuelan Migrants (ETPV) Colombia · Regularization and "
            "documentation · Government of the Republic of Colombia") in text_of(response)


def test_an_unpublished_programme_is_not_public(client):
    Programme.objects.filter(code="col-etpv").update(is_published=False)
    assert client.get("/programmes/col-etpv/").status_code == 404
    response = client.get("/programmes/?country=COL")
    assert re.findall(r'<a href="/programmes/([a-z0-9-]+)/">', response.content.decode()) == [
        "demo-col-escuela", "demo-col-cuenta", "demo-col-titulos"]


def test_the_programme_page_says_what_the_source_says_with_share_links_and_open_graph(client):
    response = client.get("/programmes/per-cpp-2023/", **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<meta property="og:title" content="Temporary Permanence Permit card (CPP), 2023 window">' in page
    assert '<meta property="og:url" content="http://testserver/programmes/per-cpp-2023/">' in page
    assert '<meta property="og:image" content="http://testserver/programmes/per-cpp-2023/card.png">' in page
    assert ('<meta property="og:description" content="214,633 applications; the window closed on 10 November '
            '2023 (Migraciones).">') in page
    text = text_of(response)
    assert "Who is eligible Not given in the source: ask the body that runs it." in text
    assert "Deadline November 10, 2023" in text
    assert ('href="https://wa.me/?text=Temporary%20Permanence%20Permit%20card%20%28CPP%29%2C%202023%20window'
            '%20http%3A%2F%2Ftestserver%2Fprogrammes%2Fper-cpp-2023%2F"') in page
    assert "elcomercio.pe" in page


def test_an_illustrative_programme_says_so_on_its_page_card_and_feed(client):
    page = client.get("/programmes/demo-ecu-vivienda/", **EN).content.decode()
    assert '<meta property="og:title" content="Solidarity rent (example) (illustrative)">' in page
    card = client.get("/programmes/demo-ecu-vivienda/card.png")
    assert card["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(card.content)).size == (1200, 630)
    feed = ET.fromstring(client.get("/programmes/feeds/country/ECU.atom", **EN).content)
    assert [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")] == [
        "Start a business in Tulcán (example) (illustrative)", "Solidarity rent (example) (illustrative)"]


def test_the_country_feed_is_valid_atom_with_one_entry_per_published_programme(client):
    response = client.get("/programmes/feeds/country/col.atom", **EN)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Integration programmes in Colombia"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/programmes/feeds/country/COL.atom"
    entries = list(feed.iter(f"{ATOM}entry"))
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        f"http://testserver/programmes/{code}/" for code in
        ("demo-col-escuela", "demo-col-cuenta", "demo-col-titulos", "col-etpv")]
    for entry in entries:  # what RFC 4287 requires of every entry
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}title")
    assert entries[3].find(f"{ATOM}category").get("term") == "regularization and documentation"


def test_the_theme_feed_lists_the_theme_across_countries_and_an_unknown_theme_is_404(client):
    feed = ET.fromstring(client.get("/programmes/feeds/theme/regularization.atom", **EN).content)
    assert [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")] == [
        "Temporary Protection Statute for Venezuelan Migrants (ETPV)",
        "Temporary Permanence Permit card (CPP), 2023 window"]
    assert client.get("/programmes/feeds/theme/nothing.atom").status_code == 404
    assert client.get("/programmes/feeds/country/XXX.atom").status_code == 404


def test_only_the_widget_may_be_framed_by_another_site(client):
    widget = client.get("/programmes/widget/?country=ECU", **EN)
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    assert "frame-ancestors *" in widget["Content-Security-Policy"]
    assert re.findall(r'<a href="(/programmes/[a-z0-9-]+/)" target="_top">', widget.content.decode()) == [
        "/programmes/demo-ecu-emprende/", "/programmes/demo-ecu-vivienda/"]
    listing = client.get("/programmes/")
    assert listing["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in listing["Content-Security-Policy"]
    assert client.get("/programmes/widget/?country=XXX").status_code == 404
