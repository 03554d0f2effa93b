"""Issue 13, results by territory: the project's results page (missing cells marked), the territory page with its
chart and table, the report form (numbers in the reader's locale, a locked period's refusal), locking, the API."""

import json

import pytest

from minga.results.models import Indicator, ReportingPeriod, ResultReport

pytestmark = pytest.mark.django_db
CUCUTA = "PQ-COL-2026-0001"


def ids():
    indicator = Indicator.objects.get(load_key=f"results-indicator:{CUCUTA}:children-attended")
    periods = {p.number: p for p in ReportingPeriod.objects.filter(project=indicator.project)}
    return indicator, periods


def test_the_results_page_marks_missing_cells_and_says_illustrative(client_as, english):
    indicator, periods = ids()
    page = client_as(None).get(f"/results/projects/{CUCUTA}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "These indicators and reports were made up for the demonstration." in html
    cell = f'data-testid="cell-{indicator.pk}-{periods[3].pk}-CO-ARA">'
    assert html.split(cell)[1].startswith('<span class="missing" data-csv="omit">missing</span>')
    assert f'data-testid="total-{indicator.pk}">1,790 · 3 cells missing' in html
    assert "Record a result" not in html and "Lock" not in html


def test_an_unpublished_projects_results_are_not_found_for_the_public(client_as):
    assert client_as(None).get("/results/projects/PQ-BRA-2026-0001/").status_code == 404


def test_the_territory_page_has_its_chart_table_and_people(client_as):
    page = client_as(None).get("/results/?country=COL", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="chart-subdivisions-map"' in html
    assert 'data-testid="people-CO-NSA">1,650<' in html and 'data-testid="people-CO-ARA">320<' in html
    assert client_as(None).get("/results/?country=XYZ").status_code == 400


def test_the_owner_records_a_result_in_their_locale(client_as, users):
    indicator, periods = ids()
    client = client_as(users["local_cucuta"])
    url = f"/results/projects/{CUCUTA}/report/"
    response = client.post(url, {"indicator": indicator.pk, "period": periods[3].pk, "territory": "CO-ARA",
                                 "value": "1.250", "by_sex_female": "650", "by_sex_male": "600", "version": ""},
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    report = ResultReport.objects.get(indicator=indicator, period=periods[3], subdivision_id="CO-ARA")
    assert (report.value, report.breakdown) == (1250, {"sex": {"female": 650, "male": 600}})


def test_the_form_shows_a_locked_periods_refusal_and_stores_nothing(client_as, users, english):
    indicator, periods = ids()
    before = ResultReport.objects.count()
    response = client_as(users["local_cucuta"]).post(f"/results/projects/{CUCUTA}/report/", {
        "indicator": indicator.pk, "period": periods[1].pk, "territory": "CO-ARA", "value": "10"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The period 2026 Q1 is locked: the secretariat has closed it" in response.content.decode()
    assert ResultReport.objects.count() == before


def test_an_officer_of_another_country_may_not_open_the_form(client_as, users):
    assert client_as(users["focal_per"]).get(f"/results/projects/{CUCUTA}/report/").status_code == 403


def test_only_the_secretariat_locks(client_as, users):
    _indicator, periods = ids()
    url = f"/results/periods/{periods[2].pk}/lock/"
    data = {"version": periods[2].version, "locked": "1"}
    assert client_as(users["local_cucuta"]).post(url, data).status_code == 403
    assert client_as(users["secretariat"]).post(url, data).status_code == 302
    assert ReportingPeriod.objects.get(pk=periods[2].pk).is_locked


def test_the_api_gives_the_tables_and_people_per_subdivision(client):
    body = json.loads(client.get(f"/api/v1/results/projects/{CUCUTA}").content)
    totals = {item["name_en"]: (item["total"], item["missing_periods"], item["missing_cells"])
              for item in body["indicators"]}
    assert totals == {
        "Children and adolescents attended (illustrative)": ("1790.00", [], 3),
        "Women enrolled in the livelihoods programme, to date (illustrative)": ("180.00", ["2026 Q3"], 7),
        "Reception points operating (illustrative)": ("3.00", [], 6),
    }
    places = json.loads(client.get("/api/v1/results/countries/COL").content)
    assert [(p["subdivision"], p["people"], p["missing_cells"]) for p in places] == [
        ("CO-ARA", "320.00", 4), ("CO-NSA", "1650.00", 6)]
    assert client.get("/api/v1/results/projects/PQ-BRA-2026-0001").status_code == 404


def test_the_project_page_leads_to_its_results(client_as):
    page = client_as(None).get(f"/projects/{CUCUTA}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (f'<a href="/results/projects/{CUCUTA}/" data-testid="project-results">'
            "Results reported, by period and territory</a>") in page
