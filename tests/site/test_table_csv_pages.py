"""Issue 11: tables of the home, conference, country and organisation pages as CSV with an HXL row, read from the
page: figures as plain numbers apart from their date and source, amounts apart from their currency, codes in
columns of the CSV alone, the "nothing matches" row left out and illustrative records still saying so."""

import pytest

from tests.tables import fresh_pages, table_csv  # noqa: F401 (fresh_pages: a fixture)

pytestmark = pytest.mark.django_db



def test_the_home_pages_people_and_conferences(client):
    people = table_csv(client, "/", "people-table")
    assert people[:2] == [["Country", "People", "As of", "Source", "URL", "ISO"],
                          ["#country+name", "#affected+refugees+migrants", "#date+reported", "#meta+source",
                           "#meta+source+url", "#country+code"]]
    assert ["Brazil", "626885", "2024-12", "R4V, 2024-12", "https://www.r4v.info/en/refugeeandmigrants", "BRA"] in people
    assert len(people) == 2 + 13  # a row per member state
    conferences = table_csv(client, "/", "conference-table")
    assert conferences[1] == ["#event+name", "#date+start", "#value+pledged", "#currency", "#value+pledged+usd",
                              "#meta+qualifier", "#description+other"]
    assert conferences[2][1:6] == ["2019-10-28", "110000000.00", "USD", "110000000.00", "more than"]
    assert conferences[3][1:6] == ["2020-05-26", "2544000000.00", "EUR", "2790000000.00", "as reported"]


def test_a_conferences_totals_and_pledges(client):
    totals = table_csv(client, "/conferences/", "totals-brussels-2023")
    assert totals == [
        ["Figure", "USD (as reported)", "Source", "Amount", "Currency", "URL"],
        ["#description+figure", "#value+pledged+usd", "#meta+source", "#value+pledged", "#currency",
         "#meta+source+url"],
        ["Total pledged (approximately) — almost 810000000 EUR", "860000000.00",
         "Government of Canada: Canada and EU conclude the 2023 International Conference in Solidarity with "
         "Venezuelan Refugees and Migrants, 2023-03-17", "810000000.00", "EUR",
         "https://www.canada.ca/en/global-affairs/news/2023/03/canada-and-eu-conclude-the-2023-international-"
         "conference-in-solidarity-with-venezuelan-refugees-and-migrants.html"]]
    pledges = table_csv(client, "/conferences/", "pledges-brussels-2023")
    assert [row[:3] + row[4:5] for row in pledges[2:]] == [
        ["Government of the United States", "171000000.00", "171000000.00", "USD"],
        ["European Union (EU)", "75000000.00", "80000000.00", "EUR"],
        ["Government of Canada", "58550000.00", "42000000.00", "CAD"]]


def test_the_country_pages_figures_and_subdivisions(client):
    figures = table_csv(client, "/countries/COL/", "figure-table")
    assert figures[0] == ["Population group", "Where", "People", "As of", "Source", "Status", "Code", "URL"]
    # found by its group: figures of the same date come in no fixed order between them
    regularisations = [row for row in figures if row[0].startswith("Regularization applications")]
    assert len(regularisations) == 1
    assert regularisations[0][:4] + regularisations[0][5:] == [
        "Regularization applications — registered in the ETPV", "whole country", "2875743", "2023-08", "published",
        "", "https://www.infobae.com/colombia/2023/11/12/cifra-de-migrantes-venezolanos-en-colombia-disminuyo-04-"
        "entre-junio-y-agosto"]
    subdivisions = table_csv(client, "/countries/COL/", "subdivision-table")
    assert subdivisions[1] == ["#adm1+code", "#adm1+name", "#adm1+type", "#adm1+name+parent", "#meta+level"]
    assert ["CO-NSA", "Norte de Santander", "Department", "", "first administrative level"] in subdivisions
    assert len(subdivisions) == 2 + 33


def test_the_organisation_list_marks_illustrative_records_and_leaves_out_the_empty_row(client):
    rows = table_csv(client, "/organisations/", "organisation-table")
    assert ["Alcaldía de San José de Cúcuta", "Local government", "Colombia", "", "yes", ""] in rows
    assert ["European Union (EU)", "Multilateral", "", "Group of Friends (2020), Conference co-organiser (2023)",
            "", ""] in rows
    assert table_csv(client, "/organisations/?q=zzzz-no-such-name", "organisation-table") == [
        ["Name", "Type (IATI)", "Country", "Roles in the process", "Illustrative sample", "Deleted"],
        ["#org+name", "#org+type", "#country+name", "#org+role", "#meta+illustrative", "#meta+deleted"]]


@pytest.mark.usefixtures("fresh_pages")
def test_the_secretariats_list_with_deleted_organisations_keeps_the_name_whole_and_marks_it_apart(client_as, users):
    """?deleted=1 (the secretariat's): the "deleted" badge beside the name is the page's; the CSV names the
    organisation as it is, so that it matches the same name elsewhere, and says "yes" in a column of its own."""
    from minga.audit.services import soft_delete
    from minga.reference.models import Organisation

    tulcan = Organisation.objects.get(name="GAD Municipal de Tulcán")
    soft_delete(instance=tulcan, user=users["secretariat"], reason="duplicate")
    client = client_as(users["secretariat"])
    assert table_csv(client, "/organisations/?q=Tulc&deleted=1", "organisation-table") == [
        ["Name", "Type (IATI)", "Country", "Roles in the process", "Illustrative sample", "Deleted"],
        ["#org+name", "#org+type", "#country+name", "#org+role", "#meta+illustrative", "#meta+deleted"],
        ["GAD Municipal de Tulcán", "Local government", "Ecuador", "", "yes", "yes"]]
