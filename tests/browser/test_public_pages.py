"""What anyone sees without signing in: the overview in the visitor's language, the language switcher, the skip link."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_overview_is_in_spanish_by_default_with_both_charts_and_the_people_table(open_page):
    page = open_page()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("El Proceso de Quito en síntesis")
    charts = page.locator("main .chart")
    expect(charts).to_have_count(2)
    for chart in charts.all():
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator("svg").first).to_be_visible()
    colombia = page.get_by_test_id("people-table").locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name="Colombia", exact=True))
    expect(colombia).to_have_count(1)
    expect(colombia.locator("td.num")).to_have_text("≈ 2,86 millones")  # as R4V rounds it ("2.86 M"), in Spanish
    expect(colombia.locator("td").nth(1)).to_have_text("junio de 2024")


def test_language_switch_changes_the_page_and_the_choice_stays(open_page):
    page = open_page()
    switcher = page.locator("form.language-switcher")

    switcher.locator("#language-select").select_option(label="Português")
    switcher.get_by_role("button", name="Cambiar").click()
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    expect(page.get_by_role("heading", level=1)).to_have_text("O Processo de Quito em síntese")
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))

    switcher.locator("#language-select").select_option(label="English")
    switcher.get_by_role("button", name="Alterar").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Quito Process at a glance")
    expect(page.get_by_test_id("people-table").locator("tbody tr").first.locator("td.num")).to_have_text("≈ 2.86 million")

    # The next page keeps English although the browser still asks for Spanish first.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Countries").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/countries/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Member states and country of origin")
    expect(page.locator("#language-select")).to_have_value("en")
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies["minga_language"] == "en"


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(open_page):
    page = open_page(path="/countries/")

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Ir al contenido")
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("/countries/#main")
