"""The audit mechanism: versions refuse stale edits, history names who changed what, nothing is hard-deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from minga.audit import services
from minga.audit.selectors import history_of
from minga.reference.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(users):
    return services.record_create(model=Organisation, user=users["secretariat"], reason="test set-up", fields={
        "name": "Secretaría de Integración de Ejemplo", "organisation_type": "10", "country_id": "PER"})


@translation.override("en")
def test_second_of_two_editors_who_read_the_same_version_is_refused(organisation, users):
    first_read = Organisation.objects.get(pk=organisation.pk)
    second_read = Organisation.objects.get(pk=organisation.pk)
    services.record_update(instance=first_read, user=users["secretariat"], changes={"acronym": "SIE"},
                           expected_version=first_read.version)
    with pytest.raises(services.EditConflict) as caught:
        services.record_update(instance=second_read, user=users["focal_per"], changes={"acronym": "XXX"},
                               expected_version=second_read.version)
    assert caught.value.instance.version == 2
    assert "version 1" in str(caught.value) and "version 2" in str(caught.value)
    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.acronym, stored.version) == ("SIE", 2)


def test_invalid_edit_leaves_record_and_version_as_they_were(organisation, users):
    with pytest.raises(ValidationError) as caught:
        services.record_update(instance=organisation, user=users["secretariat"],
                               changes={"organisation_type": "99"}, expected_version=1)
    assert list(caught.value.message_dict) == ["organisation_type"]
    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.organisation_type, stored.version) == ("10", 1)
    assert len(history_of(stored)) == 1


def test_history_lists_each_change_with_old_and_new_values_and_the_user(organisation, users):
    services.record_update(instance=organisation, user=users["focal_per"], expected_version=1,
                           changes={"acronym": "SIE", "website": "https://example.org"}, reason="acronym added")
    entries = history_of(Organisation.objects.get(pk=organisation.pk))
    assert [(e.action, e.user.username, e.version) for e in entries] == [("~", "focal.per", 2), ("+", "secretaria", 1)]
    assert entries[0].reason == "acronym added"
    assert sorted((c.name, c.old, c.new) for c in entries[0].changes) == [
        ("acronym", "", "SIE"), ("website", "", "https://example.org")]


def test_soft_delete_hides_keeps_and_restore_brings_back(organisation, users):
    services.record_soft_delete(instance=organisation, user=users["secretariat"], reason="duplicate")
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    deleted = Organisation.all_objects.get(pk=organisation.pk)
    assert deleted.is_deleted and deleted.deleted_by == users["secretariat"]
    services.record_restore(instance=deleted, user=users["secretariat"])
    restored = Organisation.objects.get(pk=organisation.pk)
    assert restored.deleted_at is None and restored.version == 3
    assert [e.action for e in history_of(restored)] == ["r", "-", "+"]


def test_a_deleted_record_cannot_be_edited(organisation, users):
    services.record_soft_delete(instance=organisation, user=users["secretariat"])
    with pytest.raises(services.EditConflict):
        services.record_update(instance=organisation, user=users["secretariat"], changes={"acronym": "Z"},
                               expected_version=2)
    assert Organisation.all_objects.get(pk=organisation.pk).acronym == ""
