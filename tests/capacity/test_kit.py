"""Issue 13, "Capacity-development kit rollout": the library's current versions, who records a training
(the secretariat; an officer, for their own municipality only), the checks on a training, the coverage of
the priority municipalities (exact sums) and its CSV, and the roadmap action's page showing them."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from minga.audit.services import EditConflict
from minga.capacity import selectors, services
from minga.capacity.models import KitResource, PriorityMunicipality, TrainingDelivery
from minga.capacity.services import DeliveryInput
from minga.process.models import RoadmapAction
from minga.reference.models import Municipality, Organisation

pytestmark = pytest.mark.django_db

DEMO_DELIVERY = "kit-delivery:CO54001:2025-10-20"
TODAY = date(2026, 6, 1)


def municipality(pcode):
    return Municipality.objects.get(pcode=pcode)


def organisation(key):
    return Organisation.objects.get(load_key=f"organisation:{key}")


def training(pcode="CO54001", **changes) -> DeliveryInput:
    values = {"delivered_on": date(2026, 5, 20), "municipality": municipality(pcode),
              "organiser": organisation("demo-cucuta"), "women": 3, "men": 2, "police": 4, "health": 1}
    return DeliveryInput(**{**values, **changes})


# --- The library --------------------------------------------------------------------------------

def test_the_library_shows_the_highest_version_per_resource_and_language_and_keeps_the_older():
    entries = {(entry.current.series, entry.current.language): (entry.current.edition,
                                                                 [older.edition for older in entry.older])
               for entry in selectors.library()}
    assert entries == {("child-protection", "es"): (1, []), ("facilitator-guide", "es"): (1, []),
                       ("first-response", "en"): (1, []), ("first-response", "es"): (2, [1]),
                       ("first-response", "pt"): (1, [])}
    assert [entry.current.language for entry in selectors.library("pt")] == ["pt"]


def test_a_delivery_may_name_only_current_modules():
    assert sorted((r.series, r.language, r.edition) for r in selectors.current_modules()) == [
        ("child-protection", "es", 1), ("first-response", "en", 1), ("first-response", "es", 2),
        ("first-response", "pt", 1)]


def test_a_resource_has_a_file_or_a_link_not_neither():
    resource = KitResource(series="x", kind="module", language="es", edition=1, published_on=TODAY, title="X",
                           audience="front_line")
    with pytest.raises(ValidationError) as refused:
        resource.full_clean()
    assert "link" in refused.value.message_dict


def test_the_library_page_names_the_current_version_and_links_the_older(client):
    page = client.get("/capacity/?language=es", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "https://example.org/minga-demo/kit/first-response-es-v2.pdf" in html
    assert "https://example.org/minga-demo/kit/first-response-es-v1.pdf" in html
    assert "version 2 (February 1, 2025)" in html
    assert "first-response-pt-v1" not in html


# --- Recording a training: who, and what is checked ---------------------------------------------------

def test_the_cucuta_officer_records_a_training_in_cucuta_with_its_history(users):
    delivery = services.delivery_create(user=users["local_cucuta"], data=training(), today=TODAY)
    assert (delivery.participants, delivery.police, delivery.version) == (5, 4, 1)
    assert delivery.history.count() == 1
    assert delivery.history.first().history_user == users["local_cucuta"]


def test_an_officer_cannot_record_a_training_in_another_municipality(users):
    before = TrainingDelivery.all_objects.count()
    with pytest.raises(PermissionDenied):
        services.delivery_create(user=users["local_cucuta"], data=training("EC0401"), today=TODAY)
    assert TrainingDelivery.all_objects.count() == before


@pytest.mark.parametrize("role", ["focal_col", "donor_can", "observer", "anonymous"])
def test_no_one_else_records_a_training(users, role):
    with pytest.raises(PermissionDenied):
        services.delivery_create(user=users[role], data=training(), today=TODAY)


def test_the_officer_of_another_municipality_cannot_change_cucutas_training(users, tulcan_officer):
    delivery = TrainingDelivery.objects.get(load_key=DEMO_DELIVERY)
    with pytest.raises(PermissionDenied):
        services.delivery_update(user=tulcan_officer, delivery=delivery, expected_version=delivery.version,
                                 data=training(), today=TODAY)
    assert TrainingDelivery.objects.get(pk=delivery.pk).version == delivery.version


def test_the_officer_cannot_move_their_training_to_another_municipality(users):
    delivery = TrainingDelivery.objects.get(load_key=DEMO_DELIVERY)
    with pytest.raises(PermissionDenied):
        services.delivery_update(user=users["local_cucuta"], delivery=delivery, expected_version=delivery.version,
                                 data=training("EC0401"), today=TODAY)
    assert TrainingDelivery.objects.get(pk=delivery.pk).municipality.pcode == "CO54001"


def test_the_secretariat_records_anywhere(users):
    delivery = services.delivery_create(user=users["secretariat"], data=training("EC0401"), today=TODAY)
    assert delivery.municipality.pcode == "EC0401"


def test_a_stale_version_is_refused_and_nothing_changes(users):
    delivery = TrainingDelivery.objects.get(load_key=DEMO_DELIVERY)
    services.delivery_update(user=users["local_cucuta"], delivery=delivery, expected_version=delivery.version,
                             data=training(women=5, men=0, police=4, health=1), today=TODAY)
    with pytest.raises(EditConflict):
        services.delivery_update(user=users["secretariat"], delivery=delivery, expected_version=delivery.version,
                                 data=training(women=1, men=0, police=1, health=0), today=TODAY)
    stored = TrainingDelivery.objects.get(pk=delivery.pk)
    assert (stored.version, stored.women, stored.men, stored.history.count()) == (delivery.version + 1, 5, 0, 2)


def test_participants_by_sex_and_by_role_must_add_up(users):
    before = TrainingDelivery.all_objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.delivery_create(user=users["secretariat"], data=training(police=9), today=TODAY)
    assert refused.value.message_dict == {"other_role": [
        "The participants by role (10) and by sex (5) must add up to the same number."]}
    assert TrainingDelivery.all_objects.count() == before


def test_a_training_cannot_be_dated_in_the_future(users):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.delivery_create(user=users["secretariat"], data=training(delivered_on=date(2026, 6, 2)),
                                 today=TODAY)
    assert refused.value.message_dict == {"delivered_on": ["A training cannot be recorded before it took place."]}


def test_scores_are_percentages(users):
    with pytest.raises(ValidationError) as refused:
        services.delivery_create(user=users["secretariat"], data=training(post_score=Decimal("100.5")),
                                 today=TODAY)
    assert list(refused.value.message_dict) == ["post_score"]


def test_only_the_secretariat_adds_a_priority_municipality(users):
    with pytest.raises(PermissionDenied):
        services.priority_add(user=users["local_cucuta"], municipality=municipality("CO54001"), since=TODAY)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.priority_add(user=users["secretariat"], municipality=municipality("CO54001"), since=TODAY)
    assert refused.value.message_dict == {"municipality": ["This municipality is already on the list."]}


# --- Coverage -------------------------------------------------------------------------------------

def test_coverage_lists_every_priority_municipality_with_exact_sums(users):
    services.delivery_create(user=users["local_cucuta"], data=training(), today=TODAY)
    found = selectors.coverage()
    rows = {row.municipality.pcode: (row.deliveries, row.last_on, row.participants, row.by_sex, row.by_role)
            for row in found.rows}
    # The demo's training (14 women, 9 men, 1 other; 6, 5, 4, 3, 4, 2, 0 by role) plus this one.
    assert rows == {"CO54001": (2, date(2026, 5, 20), 29, [17, 11, 1], [6, 5, 8, 4, 4, 2, 0]),
                    "EC0401": (0, None, 0, [0, 0, 0], [0, 0, 0, 0, 0, 0, 0])}
    assert (found.reached, found.percent, found.totals.participants) == (1, 50, 29)
    assert selectors.per_subdivision(found.rows) == {"COL": {"CO-NSA": 29}, "ECU": {"EC-C": 0}}
    # Both are on the demo's list as illustrative records, and the table says so.
    assert [row.illustrative for row in found.rows] == [True, True]


def test_coverage_of_an_action_counts_only_its_trainings(users):
    kit = RoadmapAction.objects.get(code="capacity-development-kit")
    assert selectors.coverage(action_id=kit.pk).reached == 0
    services.delivery_create(user=users["local_cucuta"], data=training(action=kit), today=TODAY)
    found = selectors.coverage(action_id=kit.pk)
    assert (found.reached, found.percent, found.totals.participants) == (1, 50, 5)


def test_a_training_outside_the_priority_list_is_not_counted_in_coverage(users):
    PriorityMunicipality.objects.get(municipality__pcode="EC0401").delete()
    services.delivery_create(user=users["secretariat"], data=training("EC0401"), today=TODAY)
    assert [row.municipality.pcode for row in selectors.coverage().rows] == ["CO54001"]


def test_the_coverage_csv_has_one_row_per_priority_municipality(client):
    response = client.get("/capacity/coverage.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["Country", "Subdivision", "Municipality", "Official code (p-code)", "Trainings",
                           "Last training", "Participants"]
    assert rows[1] == ["#country+name", "#adm1+name", "#adm2+name", "#adm2+code", "#output+trainings+num", "#date+last",
                       "#reached+total", "#reached+women", "#reached+men", "#reached+sex_other",
                       "#reached+social_services", "#reached+child_protection", "#reached+police", "#reached+health",
                       "#reached+education", "#reached+migration_authority", "#reached+other_role"]
    assert [row[2:] for row in rows[2:]] == [
        ["San José de Cúcuta", "CO54001", "1", "2025-10-20", "24", "14", "9", "1", "6", "5", "4", "3", "4", "2", "0"],
        ["Tulcán", "EC0401", "0", "", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]]


def test_the_coverage_page_has_the_table_and_a_map_per_country(client):
    page = client.get("/capacity/coverage/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 of 2 priority municipalities reached (50 %)." in html
    assert 'data-testid="chart-coverage-map-col"' in html and 'data-testid="chart-coverage-map-ecu"' in html
    assert "minga/geo/admin1/COL." in html and "minga/geo/admin1/ECU." in html


def test_the_kit_action_page_shows_its_coverage_moving(client, users):
    page = client.get("/process/roadmap/capacity-development-kit/", HTTP_ACCEPT_LANGUAGE="en")
    assert "0 of 2 priority municipalities reached (0 %)." in page.content.decode()
    kit = RoadmapAction.objects.get(code="capacity-development-kit")
    services.delivery_create(user=users["local_cucuta"], data=training(action=kit), today=TODAY)
    html = client.get("/process/roadmap/capacity-development-kit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 of 2 priority municipalities reached (50 %)." in html
    assert "San José de Cúcuta" in html and "5 participants" in html


def test_an_action_without_trainings_shows_no_kit_section(client):
    response = client.get("/process/roadmap/demo-media-training-canada/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200 and "Workshops for journalists" in html
    assert 'data-testid="action-kit"' not in html


# --- The form ---------------------------------------------------------------------------------------

def form_data(**changes):
    return {"delivered_on": "2026-01-10", "municipality": municipality("CO54001").pk,
            "organiser": organisation("demo-cucuta").pk, "women": "2", "men": "1", "sex_other": "0",
            "social_services": "0", "child_protection": "0", "police": "3", "health": "0", "education": "0",
            "migration_authority": "0", "other_role": "0", "note": "Form training.", **changes}


def test_the_officer_is_offered_only_their_municipality(client_as, users):
    page = client_as(users["local_cucuta"]).get("/capacity/deliveries/new/")
    assert page.status_code == 200
    assert [m.pcode for m in page.context["form"].fields["municipality"].queryset] == ["CO54001"]


def test_the_form_records_a_training(client_as, users):
    response = client_as(users["local_cucuta"]).post("/capacity/deliveries/new/", form_data())
    delivery = TrainingDelivery.objects.get(note="Form training.")
    assert (response.status_code, response.url) == (302, f"/capacity/deliveries/{delivery.pk}/")
    assert (delivery.participants, delivery.police) == (3, 3)


def test_the_form_refuses_another_municipality_and_stores_nothing(client_as, users):
    response = client_as(users["local_cucuta"]).post("/capacity/deliveries/new/",
                                                     form_data(municipality=municipality("EC0401").pk))
    assert response.status_code == 400
    assert not TrainingDelivery.objects.filter(note="Form training.").exists()


def test_the_edit_page_of_another_municipalitys_officer_is_refused(client_as, tulcan_officer):
    pk = TrainingDelivery.objects.get(load_key=DEMO_DELIVERY).pk
    assert client_as(tulcan_officer).get(f"/capacity/deliveries/{pk}/edit/").status_code == 403


def test_the_public_does_not_see_the_record_button(client):
    html = client.get("/capacity/deliveries/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="record-delivery"' not in html and "illustrative" in html


def test_the_api_gives_the_coverage_rows(client):
    response = client.get("/api/v1/capacity/coverage")
    assert response.status_code == 200
    assert response.json() == [
        {"pcode": "CO54001", "municipality": "San José de Cúcuta", "subdivision": "CO-NSA", "country": "COL",
         "trainings": 1, "last_training": "2025-10-20", "participants": 24,
         "by_sex": {"women": 14, "men": 9, "sex_other": 1},
         "by_role": {"social_services": 6, "child_protection": 5, "police": 4, "health": 3, "education": 4,
                     "migration_authority": 2, "other_role": 0}},
        {"pcode": "EC0401", "municipality": "Tulcán", "subdivision": "EC-C", "country": "ECU", "trainings": 0,
         "last_training": None, "participants": 0, "by_sex": {"women": 0, "men": 0, "sex_other": 0},
         "by_role": {"social_services": 0, "child_protection": 0, "police": 0, "health": 0, "education": 0,
                     "migration_authority": 0, "other_role": 0}}]


def test_a_priority_the_secretariat_adds_with_a_real_training_is_not_marked_illustrative(users):
    medellin = Municipality.objects.create(pcode="CO05001", name="Medellín", subdivision_id="CO-ANT")
    services.priority_add(user=users["secretariat"], municipality=medellin, since=TODAY)
    services.delivery_create(user=users["secretariat"], data=training("CO05001"), today=TODAY)
    rows = {row.municipality.pcode: (row.deliveries, row.participants, row.illustrative)
            for row in selectors.coverage().rows}
    assert rows["CO05001"] == (1, 5, False)
    assert PriorityMunicipality.objects.get(municipality=medellin).history.first().history_user == users["secretariat"]
