"""Issue 12, the service directory on a phone: an anonymous visitor in Carchi (near Tulcán, Ecuador) finds a
free shelter that serves women and adolescents within 50 km from their position, opens its page and prints
its referral sheet on one page; with JavaScript off, the same search works as a plain form. The search page
weighs under 300 KB before its map (Leaflet, topojson-client and the boundaries, loaded after the list)."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
TULCAN = {"latitude": 0.8117, "longitude": -77.7173}
SHELTER = "Casa de acogida para mujeres y adolescentes de Tulcán (ejemplo)"
MAP_FILES = re.compile(r"/static/(vendor/leaflet/|vendor/topojson-client/|minga/geo/)")
BUDGET_BEFORE_MAP = 300 * 1024


def fill_search(page):
    page.locator("#service-type").select_option("shelter")
    page.locator("input[name=population][value=women]").check()
    page.locator("input[name=population][value=adolescents]").check()
    page.locator("input[name=free]").check()
    page.locator("#service-radius").fill("50")


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_visitor_near_tulcan_finds_a_free_shelter_for_women_and_adolescents_and_prints_its_sheet(
        new_context, tmp_path):
    context = new_context(viewport=PHONE, geolocation=TULCAN, permissions=["geolocation"])
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"]))
    page.goto("/services/")
    fill_search(page)
    page.get_by_test_id("near-me").click()  # the browser's position fills the point and sends the form
    expect(page).to_have_url(re.compile(r"lat=0\.81170&lon=-77\.71730"))
    results = page.get_by_test_id("service-results")
    expect(results.locator("li").first).to_contain_text(SHELTER)
    expect(results.locator("li").first).to_contain_text("0,0 km")
    expect(page.locator("#service-map .leaflet-interactive")).to_have_count(2)  # the map, after the list
    no_sideways_scroll(page)
    before_map = sum(size for url, size in sizes.items() if not MAP_FILES.search(url))
    assert 0 < before_map < BUDGET_BEFORE_MAP, sizes
    page.wait_for_load_state("networkidle")
    # The map draws the boundaries of the countries it shows only (the shelter in Ecuador, Ipiales in Colombia).
    assert sorted(url.rsplit("/", 1)[-1].split(".")[0] for url in sizes if "/minga/geo/" in url) == ["COL", "ECU"]
    results.get_by_role("link", name=SHELTER).click()
    expect(page.get_by_test_id("service-name")).to_have_text(SHELTER)
    expect(page.get_by_test_id("populations")).to_contain_text("Adolescentes")
    page.get_by_test_id("referral-sheet").click()
    sheet = page.get_by_test_id("sheet")
    expect(sheet).to_contain_text("Calle Sucre y Ayacucho")
    expect(page.locator("#print-sheet")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("#print-sheet")).to_be_hidden()
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    info = subprocess.run(["/usr/bin/pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    text = subprocess.run(["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Casa de acogida para mujeres y adolescentes" in text and "Calle Sucre y Ayacucho" in text


def test_without_javascript_the_same_search_works_as_a_plain_form(new_context):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/services/")
    expect(page.get_by_test_id("near-me")).to_be_attached()  # there, and hidden without JavaScript
    expect(page.get_by_test_id("near-me")).to_be_hidden()
    fill_search(page)
    page.locator("#service-lat").fill("0.8117")
    page.locator("#service-lon").fill("-77.7173")
    page.get_by_test_id("service-search").get_by_role("button", name="Buscar").click()
    results = page.get_by_test_id("service-results")
    expect(results.locator("li").first).to_contain_text(SHELTER)
    expect(page.locator("#service-map")).to_be_attached()
    expect(page.locator("#service-map")).to_be_hidden()
    no_sideways_scroll(page)
    results.get_by_role("link", name=SHELTER).click()
    page.get_by_test_id("referral-sheet").click()
    expect(page.get_by_test_id("sheet")).to_contain_text(SHELTER)
