"""Issue 11: the portfolio's tables as CSV with an HXL row, read from the page as its reader sees it (numbers plain,
dates ISO, no badge or note in a value, illustrative records said so, blank form rows left out)."""

from datetime import date
from decimal import Decimal

import pytest

from minga.portfolio.models import Project, ProjectBudgetYear, ProjectFunding
from minga.reference.models import Organisation
from tests.codes import YEAR
from tests.tables import fresh_pages, table_csv  # noqa: F401 (fresh_pages: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_pages")]

DRAFT = f"PQ-COL-{YEAR}-0002"  # the draft of focal_col


def test_the_catalogue_table_as_csv_splits_the_project_cell_and_says_illustrative(client):
    assert table_csv(client, "/projects/?sort=code", "project-table") == [
        ["Project", "Where", "Status", "Requested (USD)", "Secured (USD)", "Gap (USD)", "Code",
         "Proposing organisation", "Illustrative sample"],
        ["#activity+title", "#loc+name", "#status+name", "#value+requested+usd", "#value+secured+usd",
         "#value+gap+usd", "#activity+code", "#org+name+proposer", "#meta+illustrative"],
        ["Reception and first-response centres for women, girls and adolescents in Norte de Santander",
         "Colombia: Arauca, Norte de Santander", "Published", "1200000.00", "0.00", "1200000.00",
         f"PQ-COL-{YEAR}-0001", "Alcaldía de San José de Cúcuta", "yes"],
        ["Socio-economic integration pathway in Carchi", "Ecuador: Carchi", "In implementation", "1200000.00",
         "287687.17", "912312.83", f"PQ-ECU-{YEAR}-0001", "GAD Municipal de Tulcán", "yes"],
        ["Kit de desarrollo de capacidades sobre niñez y adolescencia en movilidad para gobiernos locales",
         "Peru: Municipalidad Metropolitana de Lima, Tumbes", "Published", "600000.00", "0.00", "600000.00",
         f"PQ-PER-{YEAR}-0001", "Government of the Republic of Peru", "yes"],
    ]


def test_a_catalogue_with_no_match_has_a_csv_without_rows(client):
    assert table_csv(client, "/projects/?q=zzzznothing", "project-table") == [
        ["Project", "Where", "Status", "Requested (USD)", "Secured (USD)", "Gap (USD)", "Code",
         "Proposing organisation", "Illustrative sample"],
        ["#activity+title", "#loc+name", "#status+name", "#value+requested+usd", "#value+secured+usd",
         "#value+gap+usd", "#activity+code", "#org+name+proposer", "#meta+illustrative"]]


def test_the_project_pages_money_tables_as_csv_keep_the_amount_and_its_currency_apart(client):
    url = f"/projects/PQ-COL-{YEAR}-0001/"
    assert table_csv(client, url, "budget-years") == [
        ["Year", "COP", "USD", "Currency", "Illustrative sample"],
        ["#date+year", "#value+budget", "#value+budget+usd", "#currency", "#meta+illustrative"],
        ["2026", "3600000000.00", "900000.00", "COP", "yes"],
        ["2027", "2400000000.00", "600000.00", "COP", "yes"],
    ]
    assert table_csv(client, url, "flows-table")[2:] == [
        ["Disbursement", "Government of Canada", "8000000.00", "2023-09-15", "5917412.73", "Validated", "CAD", "yes"]]
    assert table_csv(client, url, "territory-table")[2:] == [
        ["Country", "Colombia", "COL", "100.00", "yes"], ["Subdivision", "Arauca", "CO-ARA", "30.00", "yes"],
        ["Subdivision", "Norte de Santander", "CO-NSA", "70.00", "yes"],
        ["Municipality", "San José de Cúcuta", "CO54001", "100.00", "yes"]]
    assert table_csv(client, url, "marker-table")[:3] == [
        ["Cross-cutting marker", "Significance", "Significance code", "Illustrative sample"],
        ["#indicator+marker+name", "#indicator+marker+significance", "#indicator+marker+significance+code",
         "#meta+illustrative"],
        ["Territorial approach", "Principal objective", "2", "yes"]]


def test_the_form_tables_as_csv_read_what_the_fields_hold_and_leave_the_blank_rows_out(client_as, users):
    project = Project.objects.get(code=DRAFT)
    ProjectBudgetYear.objects.create(project=project, year=2026, amount=Decimal("1500000.50"))
    ProjectFunding.objects.create(project=project, funder=Organisation.objects.get(name="Government of Canada"),
                                  amount=Decimal("250000"), currency="CAD", value_date=date(2026, 3, 2))
    client = client_as(users["focal_col"])
    url = f"/projects/{DRAFT}/edit/?step=5"
    assert table_csv(client, url, "years-table") == [
        ["Year", "Amount"], ["#date+year", "#value+budget"], ["2026", "1500000.50"]]
    assert table_csv(client, url, "funding-table") == [
        ["From", "Amount", "Currency", "Value date"], ["#org+name+funder", "#value+funding", "#currency", "#date+value"],
        ["Government of Canada", "250000.00", "CAD", "2026-03-02"]]
    assert table_csv(client, f"/projects/{DRAFT}/edit/?step=2", "locations-table") == [
        ["Country", "Subdivision", "Municipality", "Share (%)"],
        ["#country+name", "#adm1+name", "#adm2+name", "#meta+share+pct"]]


def test_my_projects_as_csv_write_the_last_change_as_a_day(client_as, users):
    rows = table_csv(client_as(users["focal_col"]), "/projects/mine/", "my-projects")
    assert rows[:2] == [["Code", "Title", "Status", "Last change", "Next step", "Illustrative sample"],
                        ["#activity+code", "#activity+title", "#status+name", "#date+updated", "#meta+next",
                         "#meta+illustrative"]]
    updated = {project.code: project.updated_at.date().isoformat() for project in Project.objects.all()}
    assert [(row[0], row[2], row[3], row[5]) for row in rows[2:]] == [
        (DRAFT, "Draft", updated[DRAFT], "yes"), (f"PQ-COL-{YEAR}-0001", "Published", updated[f"PQ-COL-{YEAR}-0001"], "yes")]
