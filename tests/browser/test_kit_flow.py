"""Issue 13: a local-government officer records a training of the capacity-development kit in their
municipality; the secretariat sees the coverage (table and map) and the kit action's progress move; an officer
of another municipality cannot edit the training."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from minga.accounts.models import Role, RoleGrant, User
from minga.capacity.models import TrainingDelivery
from minga.reference.models import Organisation
from minga.site.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

KIT = "/process/roadmap/capacity-development-kit/"


def choose(page, field_id: str, text: str):
    option = page.locator(f"#{field_id} option", has_text=text)
    expect(option).to_have_count(1)
    page.locator(f"#{field_id}").select_option(option.get_attribute("value"))


def test_an_officer_records_a_training_the_secretariat_sees_it_and_another_officer_cannot_edit_it(open_page):
    page = open_page("cucuta", "/capacity/deliveries/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrar una formación")
    # Their own municipality is the only one offered.
    expect(page.locator("#id_municipality option:not([value=''])")).to_have_count(1)
    choose(page, "id_municipality", "Cúcuta")
    page.locator("#id_delivered_on").fill("2026-02-12")
    choose(page, "id_organiser", "Alcaldía de San José de Cúcuta")
    page.get_by_label("Módulo 1: primera respuesta (ilustrativo) (v2, es)").check()
    choose(page, "id_action", "Kit de desarrollo de capacidades")
    for field, value in (("women", "7"), ("men", "5"), ("social_services", "4"), ("police", "3"), ("health", "5")):
        page.locator(f"#id_{field}").fill(value)
    page.locator("#id_pre_score").fill("51,5")  # as Spanish writes it (a number box turned it into 515)
    page.locator("#id_post_score").fill("80")
    page.get_by_test_id("delivery-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/capacity/deliveries/\d+/$"))
    expect(page.get_by_text("Formación registrada.")).to_be_visible()
    expect(page.get_by_test_id("participants")).to_have_text("12")
    delivery = TrainingDelivery.objects.get(delivered_on="2026-02-12")
    assert (delivery.municipality.pcode, delivery.action.code, delivery.police, delivery.version) == (
        "CO54001", "capacity-development-kit", 3, 1)
    assert (delivery.pre_score, delivery.post_score) == (Decimal("51.5"), Decimal("80"))

    page = open_page("secretaria", "/capacity/coverage/")
    cucuta = page.get_by_test_id("coverage-table").locator("tbody tr[data-pcode='CO54001']")
    expect(cucuta.locator("td").nth(0)).to_have_text("2")     # the demo's training and this one
    expect(cucuta.locator("td").nth(2)).to_have_text("36")    # 24 + 12 officials
    expect(page.get_by_test_id("coverage-summary")).to_contain_text("1 de 2 municipios prioritarios alcanzados (50 %).")
    expect(page.get_by_test_id("chart-coverage-map-col").locator("svg, canvas").first).to_be_visible()
    page.goto(KIT)
    expect(page.get_by_test_id("action-coverage")).to_have_text("1 de 2 municipios prioritarios alcanzados (50 %).")
    expect(page.get_by_test_id("action-deliveries")).to_contain_text("12 participantes")

    other = User.objects.create_user(username="tulcan", password=DEMO_PASSWORD)
    RoleGrant.objects.create(user=other, role=Role.LOCAL_GOVERNMENT_OFFICER,
                             organisation=Organisation.objects.get(load_key="organisation:demo-tulcan"))
    page = open_page("tulcan", f"/capacity/deliveries/{delivery.pk}/")
    expect(page.get_by_test_id("participants")).to_have_text("12")  # the delivery's page, without its button
    expect(page.get_by_test_id("edit-delivery")).to_have_count(0)
    response = page.goto(f"/capacity/deliveries/{delivery.pk}/edit/")
    assert response.status == 403
    expect(page.get_by_test_id("delivery-form")).to_have_count(0)
    delivery.refresh_from_db()
    assert delivery.version == 1
