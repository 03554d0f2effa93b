"""The checker against a labelled corpus: sentences in es, pt and en with and without problems,
including the false-alarm traps ("pesca ilegal", "ola de calor", "invasive species").

A finding counts as right when its entry is one the line expects; precision and recall are
computed over all findings of the three files, printed, and must both be at least 0.9.
"""

from pathlib import Path

import pytest

from minga.narrative import selectors

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent


def corpus():
    for path in sorted(HERE.glob("corpus_*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line and not line.startswith("#"):
                language, expected, sentence = line.split("\t")
                yield f"{path.name}:{number}", language, set() if expected == "-" else set(expected.split(",")), sentence


def score():
    true_positives = false_positives = false_negatives = 0
    errors = []
    for where, language, expected, sentence in corpus():
        _, findings = selectors.check(sentence, language)
        found = [finding.entry.slug for finding in findings]
        right = [slug for slug in found if slug in expected]
        true_positives += len(set(right))
        false_positives += len(found) - len(right)
        false_negatives += len(expected - set(found))
        if set(found) != expected:
            errors.append(f"{where}: expected {sorted(expected)}, found {found}: {sentence}")
    return true_positives, false_positives, false_negatives, errors


def test_the_corpus_has_a_few_hundred_lines_in_three_languages_with_traps():
    rows = list(corpus())
    assert len(rows) >= 290
    assert {language for _, language, _, _ in rows} == {"es", "pt", "en"}
    assert sum(1 for _, _, expected, _ in rows if not expected) >= 110


def test_precision_and_recall_on_the_labelled_corpus_are_at_least_0_9():
    true_positives, false_positives, false_negatives, errors = score()
    precision = true_positives / (true_positives + false_positives)
    recall = true_positives / (true_positives + false_negatives)
    print(f"\nnarrative checker on the corpus: precision {precision:.3f}, recall {recall:.3f} "
          f"({true_positives} right, {false_positives} false alarms, {false_negatives} missed)")
    for error in errors:
        print("  ", error)
    assert precision >= 0.9
    assert recall >= 0.9


def test_every_entry_of_the_shipped_guide_is_exercised_by_the_corpus():
    expected = {slug for _, language, slugs, _ in corpus() for slug in slugs}
    shipped = set(selectors.GuideEntry.objects.values_list("slug", flat=True))
    assert shipped - expected == set()
