"""A donor officer records a pledge at the 2023 conference and a disbursement against a published project;
the project page and the country's finance page show it; the officer reports the pledge with its workflow
button; an officer of another donor cannot open either, to see or to edit it."""

import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from minga.accounts.models import Role, RoleGrant, User
from minga.common.formatting import format_money
from minga.finance.selectors.pages import country_page
from minga.finance.tracking import FollowUp, FundingFlow, TrackedPledge
from minga.reference.models import Organisation
from minga.site.demo import DEMO_PASSWORD
from tests.codes import YEAR

pytestmark = pytest.mark.browser

CUCUTA = f"PQ-COL-{YEAR}-0001"  # published


def choose(page, field_id: str, text: str):
    """Choose the one option of a select whose name contains ``text`` (codes are chosen by name)."""
    option = page.locator(f"#{field_id} option", has_text=text)
    expect(option).to_have_count(1)
    page.locator(f"#{field_id}").select_option(option.get_attribute("value"))


def test_a_donor_records_a_pledge_and_a_disbursement_that_another_donor_cannot_edit(open_page):
    officer = User.objects.get(username="donante.can")
    before = country_page(officer, "COL", on=timezone.localdate())[1].found.headline
    page = open_page("donante.can", "/pledges/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrar una promesa")
    choose(page, "id_donor", "Asuntos Globales Canadá")
    choose(page, "id_conference", "2023")
    page.locator("#id_amount").fill("1000000")
    page.locator("#id_currency").select_option(label="Dólar canadiense (CAD)")
    page.locator("#id_pledged_on").fill("2023-03-16")
    page.locator("#id_instrument").select_option("grant")
    page.locator("#id_purpose").select_option("humanitarian")
    choose(page, "id_source", "Demonstration data")
    page.locator("#id_is_regional").check()
    page.get_by_test_id("pledge-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/mine/$"))
    expect(page.get_by_text("Promesa registrada como borrador.")).to_be_visible()
    pledge = TrackedPledge.objects.get(amount=1_000_000, currency="CAD")
    assert (pledge.donor.acronym, pledge.conference.code, pledge.status) == ("GAC", "brussels-2023", "draft")
    expect(page.get_by_test_id("my-pledges").locator("tbody tr", has_text="Asuntos Globales Canadá")).to_have_count(1)

    page.goto("/flows/new/")
    page.locator("#id_stage").select_option("disbursement")
    choose(page, "id_provider", "Asuntos Globales Canadá")
    choose(page, "id_receiver", "(ACNUR)")
    choose(page, "id_pledge", "1.000.000,00\xa0CAD, 16 mar 2023")  # as a Spanish reader writes it
    choose(page, "id_project", CUCUTA)
    page.locator("#id_amount").fill("250000")
    page.locator("#id_currency").select_option(label="Dólar canadiense (CAD)")
    page.locator("#id_value_date").fill("2023-05-02")
    page.locator("#id_country").select_option(label="Colombia")
    page.locator("#id_is_humanitarian").check()
    page.get_by_test_id("flow-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/projects/{CUCUTA}/$"))
    row = page.get_by_test_id("flows-table").locator("tbody tr", has_text="250.000")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Desembolso")
    expect(row).to_contain_text("Asuntos Globales Canadá")
    expect(row).to_contain_text("Borrador")
    flow = FundingFlow.objects.get(amount=250_000)
    assert (flow.pledge_id, flow.project.code, flow.country_id, flow.status) == (pledge.pk, CUCUTA, "COL", "draft")

    # The country's finance page counts the new disbursement (its officer sees their own drafts), and its
    # figure leads to the records it sums, the new flow among them.
    assert flow.amount_usd is not None and pledge.amount_usd is not None
    page.goto("/funding/countries/COL/")
    with translation.override("es"):
        disbursed = format_money(before.disbursed + flow.amount_usd, "USD")
        reported = str(FollowUp.REPORTED.label)
    expect(page.locator("[data-figure=disbursed]")).to_have_text(disbursed)
    page.locator("[data-figure=disbursed] a").click()
    expect(page.get_by_test_id("record-table").locator(f"tbody tr[data-pk='{flow.pk}']")).to_have_count(1)
    # The pledge's page: the disbursement under it, and the button that reports it to the secretariat.
    page.goto(f"/pledges/{pledge.pk}/")
    expect(page.get_by_test_id("pledge-trail").locator(f"a[href='/flows/{flow.pk}/']")).to_have_count(1)
    page.get_by_test_id("workflow-actions").locator("button[data-move=reported]").click()
    expect(page.get_by_test_id("record-status")).to_have_text(reported)
    pledge.refresh_from_db()
    assert (pledge.status, pledge.version) == ("reported", 2)

    other = User.objects.create_user(username="donor.usa", password=DEMO_PASSWORD)
    RoleGrant.objects.create(user=other, role=Role.DONOR_OFFICER,
                             organisation=Organisation.objects.get(load_key="organisation:usaid"))
    page = open_page("donor.usa", "/mine/")
    expect(page.get_by_test_id("my-pledges").locator("tbody tr")).to_have_count(1)  # "none yet"
    for path in (f"/pledges/{pledge.pk}/edit/", f"/flows/{flow.pk}/edit/", f"/pledges/{pledge.pk}/",
                 f"/flows/{flow.pk}/"):
        response = page.goto(path)
        assert response.status == 404, path  # a draft of another donor: not even shown to exist
        expect(page.get_by_test_id("pledge-form")).to_have_count(0)
        expect(page.get_by_test_id("flow-form")).to_have_count(0)
    pledge.refresh_from_db()
    flow.refresh_from_db()
    assert (pledge.version, flow.version) == (2, 1)
