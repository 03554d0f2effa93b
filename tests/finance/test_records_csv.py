"""The records behind the funding figures (/funding/records/) as CSV, on the hand-built ledger (conftest.py): an
illustrative record is marked in a column of its own, never glued to the donor's name."""

import pytest
from django.core.cache import cache

from minga.finance.tracking import FundingFlow, TrackedPledge
from tests.tables import table_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(client):
    cache.clear()
    return client


def test_an_illustrative_record_is_marked_in_its_own_column_and_the_donors_name_stays_whole(public, ledger):
    TrackedPledge.all_objects.filter(pk=ledger.p1.pk).update(is_illustrative=True)
    FundingFlow.all_objects.filter(pk=ledger.f2.pk).update(is_illustrative=True)
    assert table_csv(public, "/funding/records/?conference=brussels-2023&measure=pledged", "record-table") == [
        ["Donor", "Conference", "Amount", "USD", "Date", "Currency", "Illustrative sample"],
        ["#org+name+funder", "#event+name", "#value+pledged", "#value+pledged+usd", "#date", "#currency",
         "#meta+illustrative"],
        ["Global Affairs Canada", str(ledger.conference), "1000000.00", "1000000.00", "2023-03-16", "USD", "yes"],
        ["U.S. Agency for International Development", str(ledger.conference), "500000.00", "500000.00",
         "2023-03-16", "USD", ""]]
    rows = table_csv(public, "/funding/records/?conference=brussels-2023&measure=disbursed", "record-table",
                     language="es")
    assert rows[:2] == [
        ["Aportado por", "A", "Monto", "USD", "Fecha de valor", "Moneda", "Ejemplo ilustrativo"],
        ["#org+name+funder", "#org+name+impl", "#value+funding", "#value+funding+usd", "#date", "#currency",
         "#meta+illustrative"]]
    assert [(row[0], row[3], row[6]) for row in rows[2:]] == [
        ("Global Affairs Canada", "400000.00", "sí"), ("Global Affairs Canada", "300000.00", ""),
        ("U.S. Agency for International Development", "", "")]
    page = public.get("/funding/records/?conference=brussels-2023&measure=pledged", HTTP_ACCEPT_LANGUAGE="en")
    assert page.content.decode().count('<span class="badge badge-illustrative"') == 1  # the page still shows it


def test_the_demo_donors_matches_and_the_organisations_list_keep_names_whole_and_mark_samples_apart(client):
    """The demo: Canada's page lists the illustrative project PQ-ECU-2026-0001; the organisations list the
    illustrative GAD Municipal de Tulcán. Their CSVs name them as they are and mark the sample in a column."""
    from minga.reference.models import Organisation

    cache.clear()
    canada = Organisation.objects.get(load_key="organisation:gov-can")
    rows = table_csv(client, f"/funding/donors/{canada.pk}/", "funding-matches")
    assert rows[0] == ["Project", "Funding gap", "Why it matches", "Code", "Illustrative sample"]
    assert rows[1][4] == "#meta+illustrative"
    assert [(row[0], row[3], row[4]) for row in rows[2:]] == [
        ("Socio-economic integration pathway in Carchi", "PQ-ECU-2026-0001", "yes")]
    rows = table_csv(client, "/organisations/?q=Tulc", "organisation-table")
    assert rows == [["Name", "Type (IATI)", "Country", "Roles in the process", "Illustrative sample", "Deleted"],
                    ["#org+name", "#org+type", "#country+name", "#org+role", "#meta+illustrative", "#meta+deleted"],
                    ["GAD Municipal de Tulcán", "Local government", "Ecuador", "", "yes", ""]]
