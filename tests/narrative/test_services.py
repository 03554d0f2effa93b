"""Editing the guide: the secretariat only, with history and optimistic concurrency; the checker follows edits."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minga.audit.selectors import history_of
from minga.audit.services import EditConflict, record_soft_delete
from minga.narrative import selectors, services
from minga.narrative.loaders import load_guide
from minga.narrative.models import GuideEntry

pytestmark = pytest.mark.django_db


def entry(slug="plaga", language="es") -> GuideEntry:
    return GuideEntry.objects.get(language=language, slug=slug)


def test_the_guide_ships_at_least_40_entries_per_language_each_with_a_sourced_address():
    for language in ("es", "pt", "en"):
        entries = GuideEntry.objects.filter(language=language)
        assert entries.count() >= 40
        assert not entries.filter(source__url="").exists()


def test_loading_again_creates_nothing_and_keeps_the_secretariats_edits(users):
    services.entry_update(entry=entry(), user=users["secretariat"], changes={"term": "plaga (editado)"},
                          expected_version=1, reason="wording")
    report = load_guide()
    assert (report.created, report.updated) == (0, 0)
    assert entry().term == "plaga (editado)"


def test_the_secretariat_edits_an_entry_leaving_a_history_entry_and_the_checker_follows(users):
    before = selectors.check("Llegó una plaga de migrantes y una peste de migrantes.", "es")[1]
    assert [finding.text for finding in before] == ["plaga de migrantes"]
    edited = services.entry_update(entry=entry(), user=users["secretariat"],
                                   changes={"patterns": "plaga~|peste~ de? migrante~"}, expected_version=1,
                                   reason="peste too")
    assert edited.version == 2
    after = selectors.check("Llegó una plaga de migrantes y una peste de migrantes.", "es")[1]
    assert [finding.text for finding in after] == ["plaga de migrantes", "peste de migrantes"]
    latest = history_of(edited)[0]
    assert (latest.user, latest.reason, latest.version) == (users["secretariat"], "peste too", 2)
    assert [change.name for change in latest.changes] == ["patterns"]


def test_an_edit_from_a_stale_version_is_refused_and_nothing_is_written(users):
    services.entry_update(entry=entry(), user=users["secretariat"], changes={"severity": "medium"}, expected_version=1)
    with pytest.raises(EditConflict):
        services.entry_update(entry=entry(), user=users["secretariat"], changes={"severity": "low"}, expected_version=1)
    assert (entry().severity, entry().version) == ("medium", 2)


@pytest.mark.parametrize("role", ["focal_col", "donor_can", "observer"])
def test_no_one_but_the_secretariat_edits_the_guide(users, role):
    with pytest.raises(PermissionDenied):
        services.entry_update(entry=entry(), user=users[role], changes={"severity": "low"}, expected_version=1)
    assert entry().version == 1


def test_an_unreadable_pattern_is_refused_naming_the_field(users, english):
    with pytest.raises(ValidationError) as refused:
        services.entry_update(entry=entry(), user=users["secretariat"], changes={"patterns": "plaga*"},
                              expected_version=1)
    assert refused.value.message_dict == {
        "patterns": ["«plaga*»: use words, a|b for alternatives, word? for optional, word~ for forms."]}
    assert entry().patterns == "plaga~ de? migrante~|inmigrante~|emigrante~|venezolano~|extranjero~|refugiado~|haitiano~|cubano~"


def test_a_new_entry_is_checked_at_once_and_a_deleted_one_no_longer(users):
    created = services.entry_create(user=users["secretariat"], fields={
        "language": "es", "slug": "peste", "term": "peste", "category": "metaphor", "severity": "high",
        "alternatives": "personas migrantes", "explanation": "Imagen de enfermedad.", "patterns": "peste~ migrante~",
        "source": entry().source})
    assert [f.entry.slug for f in selectors.check("Una peste migrante.", "es")[1]] == ["peste"]
    record_soft_delete(instance=created, user=users["secretariat"])
    assert selectors.check("Una peste migrante.", "es")[1] == []


@pytest.mark.parametrize("sentence", ["They were called illegal persons.", "One illegal person was fined.",
                                      "Illegal people crossed, the radio said."])
def test_illegal_persons_is_flagged_in_the_singular_and_the_plural(sentence):
    """The corpus test counts precision and recall over all its lines, so one line it misses does not fail it:
    "illegal persons" was missed (the guide's people words had "person" without its plural)."""
    _, findings = selectors.check(sentence, "en")
    assert [finding.entry.slug for finding in findings] == ["illegal-immigrant"]
