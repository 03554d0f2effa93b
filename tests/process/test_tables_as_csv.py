"""Issue 11: the tables of the process, narrative, results and capacity pages as CSV with an HXL row, read from
each page as its reader sees it: dates ISO and as precise as their source, numbers plain, badges and notes left
out of the values, a source's address and an illustrative record said in columns of the CSV alone."""

import pytest

from minga.capacity.models import TrainingDelivery
from minga.narrative import printing
from minga.results.models import Indicator
from tests.tables import fresh_pages, table_csv  # noqa: F401 (fresh_pages: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_pages")]


def test_the_overview_tables_give_periods_as_start_and_end_and_sources_with_their_address(client):
    terms = table_csv(client, "/process/", "presidency-terms")
    assert terms[:3] == [
        ["Country", "Chapter", "Source", "Start", "End", "Source address"],
        ["#country+name", "#meta+chapter", "#meta+source", "#date+start", "#date+end", "#meta+source+url"],
        ["Ecuador", "Quito", "IOM", "2018", "2019-04",
         "https://iom.int/international-technical-meeting-human-mobility-venezuelan-citizens-region-quito-process"]]
    meetings = table_csv(client, "/process/", "meetings-table")
    assert meetings[1] == ["#event+name", "#loc+name", "#country+name+presidency", "#meta+documents", "#date+start",
                           "#date+end", "#event+code"]
    assert meetings[4] == ["Buenos Aires chapter", "Buenos Aires, Argentina", "Argentina", "Buenos Aires Road Map",
                           "2019-07-04", "2019-07-05", "buenos-aires-2019"]
    friends = table_csv(client, "/process/", "group-of-friends-table")
    assert friends[2] == ["European Union (EU)", "2020", "Quito Process, undated",
                          "https://www.procesodequito.org/en/member-states"]


def test_a_roadmap_line_as_csv_keeps_its_flags_apart_from_the_status(client):
    rows = table_csv(client, "/process/roadmap/?status=under_way", "roadmap-children-adolescents-on-the-move")
    assert rows == [
        ["Action", "Lead organisation", "Status", "Progress", "Due", "Code", "Overdue", "At risk", "Illustrative"],
        ["#activity+name", "#org+name+lead", "#status+name", "#indicator+progress+pct", "#date+end", "#activity+code",
         "#status+overdue", "#status+at_risk", "#meta+illustrative"],
        ["Rolling out the capacity kit in Cúcuta (illustrative)", "Alcaldía de San José de Cúcuta", "under way", "30",
         "2026-12-31", "demo-cucuta-kit-rollout", "no", "yes", "yes"]]


def test_a_roadmap_actions_coverage_as_csv(client):
    rows = table_csv(client, "/process/roadmap/demo-cucuta-kit-rollout/", "coverage-table")
    assert rows[2] == ["San José de Cúcuta", "1", "2025-10-20", "24", "14", "9", "1", "6", "5", "4", "3", "4", "2",
                       "0", "CO54001", "Norte de Santander", "COL", "yes"]
    assert rows[3][:4] == ["Tulcán", "0", "", "0"]  # no training yet: no date, not "—"


def test_the_printable_guide_as_csv_one_table_per_category_without_the_pdf_links(client):
    rows = table_csv(client, "/language/guide/pt/print/", "guide-criminalising")
    assert rows[:3] == [
        ["Avoid", "Write instead", "Why", "Source", "Severity", "Source address"],
        ["#meta+term+avoid", "#meta+term+alternative", "#description", "#meta+source", "#meta+severity",
         "#meta+source+url"],
        ["imigrante clandestino", "migrante em situação irregular",
         "«Clandestino» associa a pessoa ao oculto e ao crime; descreva o fato, não a pessoa.", "ACNUR Brasil",
         "High", "https://pt.scribd.com/document/598058088/Guia-Jornalismo-Web-V3"]]
    printed = printing.guide_html(None, "pt")
    assert "imigrante clandestino" in printed  # the guide's entries
    assert "data-csv-for" not in printed  # the PDF is printed without download links


def test_an_indicators_results_as_csv_leave_a_missing_cell_empty(client):
    indicator = Indicator.objects.get(load_key="results-indicator:PQ-COL-2026-0001:children-attended")
    rows = table_csv(client, "/results/projects/PQ-COL-2026-0001/", f"indicator-table-{indicator.pk}")
    assert rows[:2] == [
        ["Period", "Arauca", "Norte de Santander, other places", "San José de Cúcuta (Norte de Santander)",
         "All territories", "Illustrative sample"],
        ["#meta+period", "#indicator+value", "#indicator+value", "#indicator+value", "#indicator+value+total",
         "#meta+illustrative"]]
    assert rows[3] == ["2026 Q2", "170.00", "", "510.00", "680.00", "yes"]


def test_a_trainings_counts_as_csv_say_which_breakdown_each_row_belongs_to(client, client_as, users):
    delivery = TrainingDelivery.objects.get(municipality__pcode="CO54001")
    rows = table_csv(client, f"/capacity/deliveries/{delivery.pk}/", "delivery-counts")
    assert rows[:3] == [["Participants", "Number", "Counted by", "Illustrative sample"],
                        ["#meta+category", "#reached", "#meta+disaggregation", "#meta+illustrative"],
                        ["women", "14", "Sex", "yes"]]
    assert rows[5] == ["social services", "6", "Role", "yes"] and len(rows) == 2 + 3 + 7
    priorities = table_csv(client_as(users["secretariat"]), "/capacity/priorities/", "priorities")
    assert priorities[2:] == [["San José de Cúcuta", "Colombia", "2025-01-15", "CO54001", "Norte de Santander", "yes"],
                              ["Tulcán", "Ecuador", "2025-01-15", "EC0401", "Carchi", "yes"]]
