"""The product bar "in the user's habits", on the forms that the submission steps' amounts did not cover: counts of
people, money and shares typed as the reader's language writes them (1.234.567,89 in Spanish and Portuguese,
1,234,567.89 in English), and the date boxes showing their saved date.

Django's own IntegerField drops a trailing ".000" ("2.000" became 2: two thousand people read as two) and its
DecimalField reads only "1234567.89"; a date box (type=date) shows only an ISO date, and Django wrote the saved date
as the language writes it ("15/03/2026"), which the browser drops: the box was empty on every edit in Spanish.
"""

from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.utils import timezone

from minga.capacity.models import TrainingDelivery
from minga.finance.tracking import FundingFlow, TrackedPledge
from minga.localgov.models import NeedsStatement
from minga.portfolio.models import Project
from minga.reference.models import Municipality, Organisation, PopulationFigure, Source
from minga.services.models import Service
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

DRAFT = f"PQ-COL-{YEAR}-0002"  # the demo draft of focal.col


def org(key) -> Organisation:
    return Organisation.objects.get(load_key=f"organisation:{key}")


def in_language(client, language: str):
    client.cookies["minga_language"] = language
    return client


def form_of(response, name: str):
    return lxml.html.fromstring(response.content.decode()).xpath(f'//form[.//*[@name="{name}"]]')[0]


def sent_back(client, url: str, changes: dict) -> dict:
    """The page's form as the browser sends it, with ``changes``."""
    page = client.get(url)
    assert page.status_code == 200
    name = next(iter(changes))
    data = {**dict(form_of(page, name).form_values()), **changes}
    return {key: value for key, value in data.items() if value is not None}


def value_shown(response, name: str) -> str:
    return form_of(response, name).xpath(f'.//input[@name="{name}"]')[0].get("value")


def errors_of(response, name: str) -> list[str]:
    return [str(message) for message in response.context["form"].errors.get(name, [])]


# --- Counts of people ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "total", "refugees", "hosts"), [
    ("es", "2.000", "1.500", "500"), ("pt-br", "2.000", "1.500", "500"), ("en", "2,000", "1,500", "500")])
def test_a_projects_people_typed_with_thousands_are_read_as_thousands(client_as, users, language, total, refugees,
                                                                     hosts):
    client = in_language(client_as(users["focal_col"]), language)
    url = f"/projects/{DRAFT}/edit/?step=4"
    response = client.post(url, sent_back(client, url, {
        "people_total": total, "group__refugees_migrants": refugees, "group__host_community": hosts,
        "after": "stay"}))
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    project = Project.objects.get(code=DRAFT)
    assert project.people_total == 2000
    assert sorted(project.people.values_list("category", "people")) == [
        ("host_community", 500), ("refugees_migrants", 1500)]
    page = client.get(url)
    assert (value_shown(page, "people_total"), value_shown(page, "group__refugees_migrants")) == (total, refugees)


def test_a_count_written_as_another_language_writes_it_is_refused_not_misread(client_as, users, english):
    client = in_language(client_as(users["focal_col"]), "en")
    url = f"/projects/{DRAFT}/edit/?step=4"
    response = client.post(url, sent_back(client, url, {"people_total": "2.000", "after": "stay"}))
    assert response.status_code == 200
    assert errors_of(response, "people_total") == [
        "“2.000” is not a whole number as written in this language: write it like 1,500 (“,” between thousands)."]
    assert Project.objects.get(code=DRAFT).people_total is None


def test_a_training_of_a_thousand_police_officers_counts_a_thousand(client_as, users):
    client = in_language(client_as(users["local_cucuta"]), "es")
    response = client.post("/capacity/deliveries/new/", {
        "delivered_on": "2026-01-10", "municipality": Municipality.objects.get(pcode="CO54001").pk,
        "organiser": org("demo-cucuta").pk, "women": "1.000", "men": "1.000", "sex_other": "0",
        "social_services": "0", "child_protection": "0", "police": "2.000", "health": "0", "education": "0",
        "migration_authority": "0", "other_role": "0", "note": "Mil y mil.", "pre_score": "62,5",
        "post_score": "80"})
    assert response.status_code == 302, response.content.decode()[:2000]
    delivery = TrainingDelivery.objects.get(note="Mil y mil.")
    assert (delivery.women, delivery.men, delivery.police, delivery.participants, delivery.pre_score) == (
        1000, 1000, 2000, 2000, Decimal("62.5"))


def test_a_population_figure_of_seven_thousand_is_seven_thousand(client_as, users):
    client = in_language(client_as(users["secretariat"]), "es")
    response = client.post("/figures/new/", {
        "country": "COL", "group": "refugees_migrants", "value": "7.000", "as_of": "2025-01-01",
        "source": Source.objects.get(load_key="source:illustrative").pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    figure = PopulationFigure.all_objects.get(country_id="COL", as_of=date(2025, 1, 1), subdivision=None)
    assert figure.value == 7000
    assert value_shown(client.get(f"/figures/{figure.pk}/edit/"), "value") == "7.000"


# --- Money and shares ------------------------------------------------------------------------------------------

def pledge_post(**changes):
    return {"donor": org("gac").pk, "currency": "CAD", "pledged_on": "2023-03-16", "instrument": "grant",
            "purpose": "both", "source": Source.objects.get(load_key="source:illustrative").pk,
            "country_1": "COL", "country_2": "PER", **changes}


@pytest.mark.parametrize(("language", "amount", "percent", "share_1", "share_2", "shown"), [
    ("es", "1.234.567,89", "12,5", "70,5", "29,5", "1.234.567,89"),
    ("pt-br", "1.234.567,89", "12,5", "70,5", "29,5", "1.234.567,89"),
    ("en", "1,234,567.89", "12.5", "70.5", "29.5", "1,234,567.89")])
def test_a_pledge_typed_as_the_readers_language_writes_money_is_stored_and_shown_so(
        client_as, users, language, amount, percent, share_1, share_2, shown):
    client = in_language(client_as(users["donor_can"]), language)
    response = client.post("/pledges/new/", pledge_post(amount=amount, humanitarian_percent=percent,
                                                        share_1=share_1, share_2=share_2))
    assert response.status_code == 302, response.content.decode()[:3000]
    pledge = TrackedPledge.objects.get(currency="CAD", amount=Decimal("1234567.89"))
    assert pledge.humanitarian_percent == Decimal("12.5")
    assert sorted(pledge.countries.values_list("country_id", "percentage")) == [
        ("COL", Decimal("70.5")), ("PER", Decimal("29.5"))]
    page = client.get(f"/pledges/{pledge.pk}/edit/")
    assert (value_shown(page, "amount"), value_shown(page, "humanitarian_percent")) == (shown, f"{percent}0")


def test_a_pledge_in_english_refuses_spanish_grouping_instead_of_misreading_it(client_as, users, english):
    client = in_language(client_as(users["donor_can"]), "en")
    before = TrackedPledge.all_objects.count()
    response = client.post("/pledges/new/", pledge_post(amount="1.234.567", share_1="70", share_2="30"))
    assert response.status_code == 200
    assert errors_of(response, "amount") == [
        "“1.234.567” is not an amount as written in this language: write it like 8,000,000,000.50 "
        "(“,” between thousands, “.” before the cents)."]
    assert TrackedPledge.all_objects.count() == before


def test_a_flow_of_two_hundred_and_fifty_thousand_in_spanish(client_as, users):
    client = in_language(client_as(users["donor_can"]), "es")
    response = client.post("/flows/new/", {
        "stage": "commitment", "provider": org("gac").pk, "receiver": org("unhcr").pk, "amount": "250.000,50",
        "currency": "USD", "value_date": "2023-05-02", "country": "COL"})
    assert response.status_code == 302, response.content.decode()[:3000]
    flow = FundingFlow.objects.get(amount=Decimal("250000.50"))
    assert value_shown(client.get(f"/flows/{flow.pk}/edit/"), "amount") == "250.000,50"


def test_a_needs_statement_costed_in_spanish(client_as, users):
    client = in_language(client_as(users["local_cucuta"]), "es")
    cucuta = org("demo-cucuta")
    theme = client.get(f"/local-governments/{cucuta.pk}/needs/new/").context["form"].fields["theme"].queryset.first()
    response = client.post(f"/local-governments/{cucuta.pk}/needs/new/", {
        "theme": theme.pk, "description": "Albergue temporal.", "estimated_cost": "1.500.000", "currency": "COP",
        "status": "identified"})
    assert response.status_code == 302, response.content.decode()[:3000]
    statement = NeedsStatement.objects.get(description="Albergue temporal.")
    assert statement.estimated_cost == Decimal("1500000")
    assert value_shown(client.get(f"/local-governments/needs/{statement.pk}/edit/"), "estimated_cost") == "1.500.000"


def test_a_projects_territory_share_typed_with_a_decimal_comma(client_as, users):
    client = in_language(client_as(users["focal_col"]), "es")
    url = f"/projects/{DRAFT}/edit/?step=2"
    response = client.post(url, sent_back(client, url, {
        "locations-0-country": "COL", "locations-0-subdivision": "CO-NSA", "locations-0-percentage": "62,5",
        "locations-1-country": "COL", "locations-1-subdivision": "CO-ARA", "locations-1-percentage": "37,5",
        "after": "stay"}))
    assert response.status_code in (200, 302)
    assert sorted(Project.objects.get(code=DRAFT).locations.values_list("subdivision_id", "percentage")) == [
        ("CO-ARA", Decimal("37.50")), ("CO-NSA", Decimal("62.50"))]


# --- Dates -----------------------------------------------------------------------------------------------------

def date_shown(client, url: str, name: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    box = form_of(page, name).xpath(f'.//input[@name="{name}"]')[0]
    assert box.get("type") == "date"
    return box.get("value")


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_every_date_box_shows_its_date_as_a_date_box_reads_it(client_as, users, language):
    """A type=date box takes only 2026-01-10: Django wrote the saved date as the language writes it (10/01/2026 in
    Spanish and Portuguese), which the browser throws away, so the box came up empty, and saving without retyping
    it was refused (the date is required) or took the wrong one."""
    today = timezone.localdate().isoformat()
    officer = in_language(client_as(users["local_cucuta"]), language)
    delivery = TrainingDelivery.objects.filter(municipality__pcode="CO54001").order_by("pk").first()
    assert date_shown(officer, f"/capacity/deliveries/{delivery.pk}/edit/", "delivered_on") == (
        delivery.delivered_on.isoformat())
    secretariat = in_language(client_as(users["secretariat"]), language)
    service = Service.objects.get(load_key="service:tulcan-casa-acogida")
    assert date_shown(secretariat, f"/services/{service.pk}/edit/", "last_verified_on") == (
        service.last_verified_on.isoformat())
    assert date_shown(secretariat, "/services/new/", "last_verified_on") == today
    assert date_shown(secretariat, "/process/roadmap/demo-cucuta-kit-rollout/progress/", "on_date") == today
    assert date_shown(secretariat, "/process/roadmap/demo-cucuta-kit-rollout/evidence/", "on_date") == today
    assert date_shown(secretariat, "/capacity/priorities/?country=COL", "since") == today
