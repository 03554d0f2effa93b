"""What input refuses through the API and the services (issue 8, findings 4 and 7): control characters in text and query strings, currency
codes that are no ISO 4217 currency in use, dates outside the configured years, titles that show nothing.
"""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from minga.portfolio import services
from minga.portfolio.inputs import ProjectInput
from minga.portfolio.models import Project
from minga.portfolio.validation import ProjectInvalid
from minga.reference import services as reference_services
from minga.reference.currencies import is_active_currency
from minga.reference.models import Country, ExchangeRate, Organisation, Source
from minga.reference.selectors import organisation_loaded
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

ENGLISH = {"accept-language": "en"}
DRAFT = f"PQ-COL-{YEAR}-0002"  # the demo draft of focal.col
PUBLISHED = f"PQ-COL-{YEAR}-0001"
VT = "Remove the control characters from this text: U+000B."
NUL = "Remove the control characters from this text: U+0000."


def send(client, method, url, payload, headers):
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json", headers=headers)


def new_project(**changes) -> dict:
    return {"title_es": "Rutas de protección en Arauca", "proposing_organisation": organisation_loaded("gov-col").pk,
            **changes}


def create(client, token_of, **changes):
    return send(client, "post", "/api/v1/projects", new_project(**changes), token_of("focal_col"))


def patch(client, token_of, **changes):
    version = Project.objects.get(code=DRAFT).version
    return send(client, "patch", f"/api/v1/projects/{DRAFT}", {"version": version, **changes}, token_of("focal_col"))


# --- Finding 4: control characters at input ------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("title_es", "Rutas\x0bseguras", VT), ("summary_pt", "Resumo\x00", NUL), ("description_en", "\x1bText",
                                                                               "Remove the control characters from "
                                                                               "this text: U+001B.")])
def test_api_refuses_a_control_character_naming_the_field_and_stores_nothing(client, token_of, field, value, message):
    before = Project.all_objects.count()
    response = create(client, token_of, **{field: value})
    assert (response.status_code, response.json()) == (422, {"detail": {field: [message]}})
    assert Project.all_objects.count() == before


def test_api_refuses_a_lone_surrogate_sent_as_a_json_escape(client, token_of):
    before = Project.all_objects.count()
    body = json.dumps(new_project(title_en="Rutas")).replace('"Rutas"', '"Rutas\\ud800"')
    assert "\\ud800" in body
    response = client.post("/api/v1/projects", data=body, content_type="application/json",
                           headers=token_of("focal_col"))
    assert (response.status_code, response.json()) == (
        422, {"detail": {"title_en": ["Remove the control characters from this text: U+D800."]}})
    assert Project.all_objects.count() == before


def test_api_refuses_control_characters_in_contacts_and_the_reason(client, token_of):
    version = Project.objects.get(code=DRAFT).version
    response = patch(client, token_of, contacts=[{"name": "Ana\x07", "email": "ana@example.org", "phone": "57\x0c1"}])
    assert (response.status_code, response.json()) == (422, {"detail": {
        "contacts[1].name": ["Remove the control characters from this text: U+0007."],
        "contacts[1].phone": ["Remove the control characters from this text: U+000C."]}})
    response = patch(client, token_of, title_en="Routes", reason="typo\x00")
    assert (response.status_code, response.json()) == (422, {"detail": {"reason": [NUL]}})
    project = Project.objects.get(code=DRAFT)
    assert (project.version, project.title_en, project.contacts.count()) == (version, "", 0)


def test_tabs_and_line_breaks_are_text(client, token_of):
    response = patch(client, token_of, description_en="One\tcolumn\r\nand a line\n")
    assert response.status_code == 200, response.content
    assert Project.objects.get(code=DRAFT).description_en == "One\tcolumn\r\nand a line"


def test_a_transition_comment_with_a_control_character_is_refused(client, token_of):
    project = Project.objects.get(code=f"PQ-BRA-{YEAR}-0001")  # under review
    response = send(client, "post", f"/projects/{project.code}/transitions".replace("/projects", "/api/v1/projects"),
                    {"to_status": "published", "version": project.version, "comment": "ok\x1b"},
                    token_of("secretariat"))
    assert (response.status_code, response.json()) == (422, {"detail": {
        "comment": ["Remove the control characters from this text: U+001B."]}})
    assert Project.objects.get(code=project.code).status == project.status


def test_an_organisation_name_with_a_control_character_is_refused(users, english):
    before = Organisation.all_objects.count()
    with pytest.raises(ValidationError) as refused:
        reference_services.organisation_create(user=users["focal_col"], fields={
            "name": "Fundación\x00 Ejemplo", "organisation_type": "22", "country": Country.objects.get(iso3="COL")})
    assert refused.value.message_dict == {"name": [NUL]}
    assert Organisation.all_objects.count() == before


@pytest.mark.parametrize("url, status", [
    ("/projects/?q=%00", 400), ("/projects/?q=rutas%0B", 400), ("/projects/?country=COL%00", 400),
    ("/projects/export.xlsx?q=%00", 400), ("/projects/export.csv?q=%00", 400), ("/projects/export.iati?q=%00", 400),
    ("/organisations/?q=%00", 400)])
def test_a_control_character_in_a_query_string_is_a_400_naming_the_parameter(client, url, status):
    response = client.get(url, headers=ENGLISH)
    parameter = url.split("?")[1].split("=")[0]
    character = "U+000B" if "%0B" in url else "U+0000"
    assert response.status_code == status
    # A page may wrap the sentence in its layout; it names the parameter and the character.
    assert f"{parameter}: Remove the control characters from this text: {character}." in response.content.decode()


@pytest.mark.parametrize("url, parameter", [("/api/v1/projects?q=%00", "q"), ("/api/v1/organisations?q=%00", "q"),
                                            ("/api/v1/projects?status=draft%00", "status")])
def test_a_control_character_in_an_api_query_is_a_422_naming_the_parameter(client, url, parameter):
    response = client.get(url, headers=ENGLISH)
    assert (response.status_code, response.json()) == (422, {"detail": {parameter: [NUL]}})


# --- Finding 7: currencies, dates, invisible titles ----------------------------------------------

def test_the_active_iso_4217_codes():
    assert [code for code in ("COP", "USD", "EUR", "VES", "VED", "PEN", "BRL", "XOF", "CLF")
            if not is_active_currency(code)] == []
    assert [code for code in ("XXX", "XTS", "XAU", "XDR", "ZZZ", "ABC", "usd", "", None, "DEM")
            if is_active_currency(code)] == []


@pytest.mark.parametrize("code", ["XXX", "ZZZ", "ABC", "XAU"])
def test_api_refuses_a_currency_that_is_no_iso_4217_currency_in_use(client, token_of, code):
    before = Project.all_objects.count()
    response = create(client, token_of, budget_currency=code.lower() if code == "ABC" else code,
                      budget_amount="1000", budget_value_date="2026-05-01")
    shown = code.upper() if code != "ABC" else "ABC"
    assert (response.status_code, response.json()) == (422, {"detail": {"budget_currency": [
        f"“{shown}” is not an ISO 4217 currency code in use: write one such as COP, USD or EUR."]}})
    assert Project.all_objects.count() == before


def test_lower_case_codes_in_use_are_taken_upper_case_and_funding_currencies_are_checked(client, token_of):
    response = patch(client, token_of, budget_currency="usd", budget_amount="1000", budget_value_date="2026-05-01")
    assert response.status_code == 200, response.content
    assert Project.objects.get(code=DRAFT).budget_currency == "USD"
    funder = organisation_loaded("gov-col").pk
    response = patch(client, token_of, funding=[
        {"funder": funder, "amount": "10", "currency": "ZZZ", "value_date": "2026-05-01"}])
    assert (response.status_code, response.json()) == (422, {"detail": {"funding[1].currency": [
        "“ZZZ” is not an ISO 4217 currency code in use: write one such as COP, USD or EUR."]}})


def test_api_refuses_dates_outside_the_configured_years(client, token_of):
    version = Project.objects.get(code=DRAFT).version
    funder = organisation_loaded("gov-col").pk
    response = patch(client, token_of, planned_start="2026-01-01", planned_end="9999-12-31",
                     budget_value_date="1989-12-31", budget_amount="1", budget_currency="USD",
                     funding=[{"funder": funder, "amount": "1", "currency": "USD", "value_date": "9998-01-01"}])
    assert (response.status_code, response.json()) == (422, {"detail": {
        "planned_end": ["Give a date from 1990-01-01 to 2100-12-31."],
        "budget_value_date": ["Give a date from 1990-01-01 to 2100-12-31."],
        "funding[1].value_date": ["Give a date from 1990-01-01 to 2100-12-31."]}})
    assert Project.objects.get(code=DRAFT).version == version


def test_the_window_of_years_follows_the_settings(users, settings, english):
    settings.MINGA_DATE_MIN_YEAR, settings.MINGA_DATE_MAX_YEAR = 2020, 2030
    project = Project.objects.get(code=DRAFT)
    with pytest.raises(ProjectInvalid) as refused:
        services.project_update(project=project, user=users["focal_col"], expected_version=project.version,
                                data=ProjectInput(planned_start=date(2019, 12, 31), planned_end=date(2031, 1, 1),
                                                  budget_years=[{"year": 2031, "amount": 1}]))
    assert refused.value.errors == {"planned_start": ["Give a date from 2020-01-01 to 2030-12-31."],
                                    "planned_end": ["Give a date from 2020-01-01 to 2030-12-31."],
                                    "budget_years[1].year": ["Give a year from 2020 to 2030."]}


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", " \u3164 \u202e\u202c ", "\u00ad"])
def test_a_title_that_shows_nothing_counts_as_empty(client, token_of, title):
    before = Project.all_objects.count()
    response = create(client, token_of, title_es=title)
    assert (response.status_code, response.json()) == (
        422, {"detail": {"title": ["Give a title in at least one language."]}})
    assert Project.all_objects.count() == before


def test_a_language_whose_title_shows_nothing_is_stored_without_one(client, token_of):
    response = patch(client, token_of, title_en="\u200b\u200b")
    assert response.status_code == 200, response.content
    assert Project.objects.get(code=DRAFT).title_en == ""


def test_an_exchange_rate_in_a_code_that_is_no_currency_is_refused(english):
    source = Source.objects.first()
    rate = ExchangeRate(currency="XXX", on_date=date(2026, 1, 1), units_per_usd=1, source=source)
    with pytest.raises(ValidationError) as refused:
        rate.full_clean()
    assert refused.value.message_dict == {
        "currency": ["“XXX” is not an ISO 4217 currency code in use: write one such as COP, USD or EUR."]}
    ExchangeRate(currency="COP", on_date=date(2026, 1, 1), units_per_usd=4000, source=source).full_clean()
