"""A journalist checks a Spanish paragraph, sees the findings marked with their suggestions, switches the
interface to Portuguese and checks a Portuguese paragraph (the page needs no JavaScript)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SPANISH = ("Anoche llegó una nueva oleada de venezolanos a la terminal de Tumbes. "
           "El alcalde habló de inmigrantes ilegales, mientras la pesca ilegal sigue sin control.")
PORTUGUESE = "Os imigrantes ilegais chegaram a Pacaraima; a mineração ilegal continua no rio."


def test_a_visitor_checks_a_spanish_paragraph_then_a_portuguese_one_in_portuguese(open_page):
    page = open_page(path="/language/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisar un texto")
    page.get_by_label("Texto", exact=True).fill(SPANISH)
    page.get_by_role("button", name="Revisar", exact=True).click()

    expect(page.get_by_test_id("check-summary")).to_have_text("Español: 2 hallazgos")
    marks = page.get_by_test_id("checked-text").locator("mark")
    expect(marks).to_have_text(["oleada de venezolanos1", "inmigrantes ilegales2"])
    suggestions = page.get_by_test_id("finding-suggestion")
    expect(suggestions).to_have_text([
        "Escriba en su lugar: aumento de la llegada de personas · llegada de X personas (con la cifra)",
        "Escriba en su lugar: migrante en situación irregular · persona migrante indocumentada · "
        "extranjero que no ha regularizado su situación",
    ])
    expect(page.get_by_test_id("checked-text")).to_contain_text("la pesca ilegal sigue sin control")

    switcher = page.locator("form.language-switcher")
    switcher.locator("#language-select").select_option(label="Português")
    switcher.get_by_role("button", name="Cambiar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verificar um texto")

    page.get_by_label("Texto", exact=True).fill(PORTUGUESE)
    page.get_by_role("button", name="Verificar", exact=True).click()
    expect(page.get_by_test_id("check-summary")).to_have_text("Português: 1 ocorrência")
    expect(page.get_by_test_id("checked-text").locator("mark")).to_have_text(["imigrantes ilegais1"])
    expect(page.get_by_test_id("finding-suggestion")).to_have_text(
        ["Escreva em vez disso: migrante em situação irregular · migrante indocumentado"])
    expect(page.get_by_test_id("finding-note")).to_contain_text("Apresenta as pessoas como infratoras")
