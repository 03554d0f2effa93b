"""The submission steps follow the user's habits: amounts typed as their language writes them, currencies
chosen by name, territories picked by name from lists narrowed by the unit above (issue 9).

Each step is filled as a browser would (the page's form read with its prefilled values, some fields
changed, the whole form sent back), in the language the client asks for.
"""

from decimal import Decimal

import lxml.html
import pytest

from minga.portfolio.models import Project
from minga.reference.models import Municipality, Subdivision
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

DRAFT = f"PQ-COL-{YEAR}-0002"  # the demo draft of focal.col: a title, one line of work, nothing else
MONEY = f"/projects/{DRAFT}/edit/?step=5"
TERRITORIES = f"/projects/{DRAFT}/edit/?step=2"


@pytest.fixture
def reader(client_as, users):
    """``reader(language)``: Colombia's focal point, reading and writing pages in ``language``."""

    def open_in(language: str):
        client = client_as(users["focal_col"])
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return open_in


def page_of(response):
    return lxml.html.fromstring(response.content.decode())


def form_values(response) -> dict:
    return dict(page_of(response).xpath('//form[@data-testid="step-form"]')[0].form_values())


def send(client, url, changes: dict, after="stay"):
    data = {**form_values(client.get(url)), **changes, "after": after}
    return client.post(url, {key: value for key, value in data.items() if value is not None})


def slot(response, slot_id) -> list[str]:
    return [p.text_content() for p in page_of(response).get_element_by_id(f"slot-{slot_id}").xpath('.//p[@class="error"]')]


def value_of(response, name) -> str:
    return page_of(response).xpath(f'//input[@name="{name}"]/@value')[0]


def money(**changes):
    return {"budget_currency": "COP", "budget_value_date": "2026-03-01", **changes}


# Amounts -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "typed", "shown"), [
    ("es", "8.000.000.000", "8.000.000.000"),
    ("es", "8.000.000.000,50", "8.000.000.000,50"),
    ("pt-br", "8.000.000.000,50", "8.000.000.000,50"),
    ("en", "8,000,000,000.50", "8,000,000,000.50"),
])
def test_an_amount_typed_as_the_language_writes_it_is_stored_and_shown_back_alike(reader, language, typed, shown):
    client = reader(language)
    response = send(client, MONEY, money(budget_amount=typed, requested_amount=typed,
                                         **{"budget_years-0-year": "2026", "budget_years-0-amount": typed}))
    assert response.status_code == 302, slot(response, "budget_amount")
    project = Project.objects.get(code=DRAFT)
    expected = Decimal(typed.replace(",", "").replace(".", "")) / (100 if typed[-3] in ",." else 1)
    assert (project.budget_amount, project.requested_amount) == (expected, expected)
    assert list(project.budget_years.values_list("amount", flat=True)) == [expected]
    page = client.get(MONEY)
    assert [value_of(page, name) for name in ("budget_amount", "requested_amount", "budget_years-0-amount")] == [
        shown, shown, shown]
    # Sent back unchanged, the page keeps the same values.
    assert send(client, MONEY, {}).status_code == 302
    project = Project.objects.get(code=DRAFT)
    assert (project.budget_amount, project.requested_amount) == (expected, expected)
    assert list(project.budget_years.values_list("amount", flat=True)) == [expected]


@pytest.mark.parametrize(("language", "typed", "message"), [
    ("es", "8.000,000.5", "“8.000,000.5” no es un monto escrito como en este idioma: escríbalo como "
                          "8.000.000.000,50 (“.” entre los miles, “,” antes de los céntimos)."),
    ("es", "8,000,000,000.50", "“8,000,000,000.50” no es un monto escrito como en este idioma: escríbalo como "
                               "8.000.000.000,50 (“.” entre los miles, “,” antes de los céntimos)."),
    ("pt-br", "8.000,000.5", "“8.000,000.5” não é um valor escrito como neste idioma: escreva-o como "
                             "8.000.000.000,50 (“.” entre os milhares, “,” antes dos centavos)."),
    ("en", "8.000.000.000", "“8.000.000.000” is not an amount as written in this language: write it like "
                            "8,000,000,000.50 (“,” between thousands, “.” before the cents)."),
])
def test_a_malformed_amount_is_refused_with_the_expected_form_and_nothing_is_stored(reader, language, typed, message):
    client = reader(language)
    before = Project.objects.get(code=DRAFT)
    response = send(client, MONEY, money(budget_amount=typed))
    assert response.status_code == 200
    assert slot(response, "budget_amount") == [message]
    assert value_of(response, "budget_amount") == typed  # shown as typed, to be corrected
    after = Project.objects.get(code=DRAFT)
    assert (after.version, after.budget_amount, after.budget_currency) == (before.version, None, before.budget_currency)


def test_a_row_amount_error_names_its_column(reader):
    response = send(reader("en"), MONEY, money(**{"budget_years-0-year": "2026", "budget_years-0-amount": "1.000.000"}))
    assert response.status_code == 200
    assert slot(response, "budget_years-row-0") == [
        "Amount: “1.000.000” is not an amount as written in this language: write it like 8,000,000,000.50 "
        "(“,” between thousands, “.” before the cents)."]
    assert not Project.objects.get(code=DRAFT).budget_years.exists()


# Currencies --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["pesos colombianos", "PES", "XXX", "ZZZ"])
def test_a_currency_not_in_the_list_is_refused(reader, typed):
    before = Project.objects.get(code=DRAFT)
    response = send(reader("en"), MONEY, money(budget_currency=typed, budget_amount="100"))
    assert response.status_code == 200
    assert slot(response, "budget_currency") == [
        f"“{typed}” is not a currency of the list: choose the currency by its name.", "Give the budget's currency."]
    after = Project.objects.get(code=DRAFT)
    assert (after.version, after.budget_currency, after.budget_amount) == (before.version, before.budget_currency, None)


def test_a_currency_chosen_from_the_list_is_stored_by_its_code(reader):
    assert send(reader("es"), MONEY, money(budget_currency="VES", budget_amount="100")).status_code == 302
    assert Project.objects.get(code=DRAFT).budget_currency == "VES"
    page = page_of(reader("es").get(MONEY))
    assert page.xpath('//select[@name="budget_currency"]//option[@selected]/text()') == ["Bolívar venezolano (VES)"]


# Territories -------------------------------------------------------------------------------------------------
def options(response, name) -> list[tuple[str, str]]:
    return [(option.get("value"), option.text_content())
            for option in page_of(response).xpath(f'//select[@name="{name}"]/option')]


def colombian_subdivisions() -> list[tuple[str, str]]:
    return [(unit.code, unit.name) for unit in Subdivision.objects.filter(country_id="COL").order_by("name")]


def test_the_lists_start_empty_below_a_country_of_the_member_states_by_name(reader):
    response = reader("es").get(TERRITORIES)
    countries = options(response, "locations-0-country")
    assert countries[0] == ("", "—")
    assert [label for _code, label in countries[1:]] == [
        "Argentina", "Brasil", "Chile", "Colombia", "Costa Rica", "Ecuador", "Guyana", "México", "Panamá",
        "Paraguay", "Perú", "República Dominicana", "Uruguay"]
    assert options(response, "locations-0-subdivision") == [("", "—")]
    assert options(response, "locations-0-municipality") == [("", "—")]


def test_without_javascript_a_chosen_country_narrows_the_subdivisions_and_nothing_is_saved(reader):
    version = Project.objects.get(code=DRAFT).version
    response = send(reader("es"), TERRITORIES, {"locations-0-country": "COL"}, after="narrow")
    assert response.status_code == 200
    assert options(response, "locations-0-subdivision") == [("", "—"), *colombian_subdivisions()]
    assert len(colombian_subdivisions()) == 33
    assert options(response, "locations-1-subdivision") == [("", "—")]
    assert page_of(response).xpath('//p[@class="error"]') == []  # narrowing is no save: no complaints
    assert page_of(response).xpath('//input[@name="version"]/@value') == [str(version)]
    project = Project.objects.get(code=DRAFT)
    assert (project.version, project.locations.count()) == (version, 0)


def test_without_javascript_a_typed_name_narrows_the_municipalities(reader):
    response = send(reader("es"), TERRITORIES, {"locations-0-country": "COL", "locations-0-subdivision": "CO-NSA",
                                                "locations-0-municipality_q": "cuc"}, after="narrow")
    assert options(response, "locations-0-municipality") == [("", "—"), ("CO54001", "San José de Cúcuta")]
    assert value_of(response, "locations-0-municipality_q") == "cuc"
    response = send(reader("es"), TERRITORIES, {"locations-0-country": "COL", "locations-0-subdivision_q": "santan"},
                    after="narrow")
    assert options(response, "locations-0-subdivision") == [("", "—"), ("CO-NSA", "Norte de Santander"),
                                                            ("CO-SAN", "Santander")]


def test_a_territory_picked_by_name_is_stored_by_its_codes_and_shown_back(reader):
    response = send(reader("es"), TERRITORIES, {"locations-0-country": "COL", "locations-0-subdivision": "CO-NSA",
                                                "locations-0-municipality": "CO54001", "locations-0-percentage": "100"})
    assert response.status_code == 302
    row = Project.objects.get(code=DRAFT).locations.get()
    assert (row.country_id, row.subdivision_id, row.municipality.pcode, row.percentage) == (
        "COL", "CO-NSA", "CO54001", 100)
    page = reader("es").get(TERRITORIES)
    assert page_of(page).xpath('//select[@name="locations-0-municipality"]/option[@selected]/text()') == [
        "San José de Cúcuta"]
    assert options(page, "locations-0-subdivision") == [("", "—"), *colombian_subdivisions()]
    assert options(page, "locations-0-municipality") == [("", "—"), ("CO54001", "San José de Cúcuta")]


def test_a_municipality_alone_still_names_its_subdivision_and_country(reader):
    response = send(reader("en"), TERRITORIES, {"locations-0-municipality": "CO54001", "locations-0-percentage": "100"})
    assert response.status_code == 302
    row = Project.objects.get(code=DRAFT).locations.get()
    assert (row.country_id, row.subdivision_id, row.municipality_id) == (
        "COL", "CO-NSA", Municipality.objects.get(pcode="CO54001").pk)


def test_a_municipality_outside_the_chosen_subdivision_is_refused(reader):
    response = send(reader("en"), TERRITORIES, {"locations-0-country": "ECU", "locations-0-subdivision": "CO-NSA",
                                                "locations-0-municipality": "EC0401", "locations-0-percentage": "100"})
    assert response.status_code == 200
    assert slot(response, "locations-row-0") == ["Norte de Santander is not in Ecuador.",
                                                 "Tulcán is not in Norte de Santander."]
    assert not Project.objects.get(code=DRAFT).locations.exists()


# The endpoints htmx asks (public reference data) --------------------------------------------------------------
def test_the_subdivision_options_of_a_country_narrowed_by_name(client):
    response = client.get("/territories/subdivisions/", {"prefix": "locations-3", "locations-3-country": "COL",
                                                         "locations-3-subdivision_q": "SANTAN",
                                                         "locations-3-subdivision": "CO-SAN"})
    assert response.status_code == 200
    assert [(o.get("value"), o.text_content(), o.get("selected")) for o in
            lxml.html.fromstring(f"<select>{response.content.decode()}</select>").xpath("//option")] == [
        ("", "—", None), ("CO-NSA", "Norte de Santander", None), ("CO-SAN", "Santander", "selected")]


def test_the_municipality_options_of_a_subdivision_narrowed_by_name(client):
    response = client.get("/territories/municipalities/", {"subdivision": "co-nsa", "municipality_q": "Cúc"})
    assert [(o.get("value"), o.text_content()) for o in
            lxml.html.fromstring(f"<select>{response.content.decode()}</select>").xpath("//option")] == [
        ("", "—"), ("CO54001", "San José de Cúcuta")]


@pytest.mark.parametrize("query", ["country=VEN", "country=", "country=XYZ", ""])
def test_no_subdivisions_outside_the_member_states(client, query):
    response = client.get(f"/territories/subdivisions/?{query}")
    assert (response.status_code, response.content.decode().strip()) == (200, '<option value="">—</option>')


def test_a_control_character_in_a_territory_query_is_refused(client):
    response = client.get("/territories/municipalities/", {"subdivision": "CO-NSA", "municipality_q": "C\x00c"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.content.decode() == "q: Remove the control characters from this text: U+0000."
