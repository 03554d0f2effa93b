"""The engine on its own: inflections, phrases, accents and case, offsets, context rules, language detection."""

import pytest

from minga.narrative.matching import Lines, Matcher, PatternInvalid, Rule, detect_language, fold, inflect, prepare


def spans(matcher, text):
    return [(match.key, text[match.start:match.end]) for match in matcher.find(prepare(text))]


def test_fold_lowers_and_strips_accents_keeping_every_offset():
    text = "ÓLA Migratória — Invasão’s"
    assert fold(text) == "ola migratoria — invasao's"
    assert len(fold(text)) == len(text)


def test_fold_keeps_offsets_where_lowering_would_change_the_length():
    text = "İLEGAL İnvasión"  # "İ".lower() is two characters
    assert fold(text) == "ilegal invasion"


@pytest.mark.parametrize(("word", "language", "forms"), [
    ("ilegal", "es", {"ilegal", "ilegales"}),
    ("ilegal", "pt", {"ilegal", "ilegais"}),
    ("invasor", "es", {"invasor", "invasora", "invasores", "invasoras"}),
    ("clandestino", "es", {"clandestino", "clandestina", "clandestinos", "clandestinas"}),
    ("invasao", "pt", {"invasao", "invasoes", "invasaos", "invasaes"}),
    ("migrant", "en", {"migrant", "migrants"}),
    ("baby", "en", {"baby", "babies"}),
])
def test_inflect_gives_the_gender_and_number_forms(word, language, forms):
    assert inflect(word, language) == forms


def test_patterns_match_every_inflection_accent_and_case():
    matcher = Matcher([Rule("invasor", ("invasor~",)), Rule("ilegal", ("inmigrante~ ilegal~",))], "es")
    text = "INVASORES, invasora, Invasor. Inmigrantes ilegales; inmigrante ILEGAL"
    assert spans(matcher, text) == [("invasor", "INVASORES"), ("invasor", "invasora"), ("invasor", "Invasor"),
                                    ("ilegal", "Inmigrantes ilegales"), ("ilegal", "inmigrante ILEGAL")]


def test_phrases_allow_optional_words_alternatives_hyphens_and_quotes_but_not_a_sentence_end():
    matcher = Matcher([Rule("ola", ("ola~|oleada~ de? migrante~|venezolano~", "ola~|oleada~ migratoria~"))], "es")
    text = "Oleada de venezolanos. Ola migratoria. Oleadas migrantes. Ola «migratoria». Una ola. Migrantes llegan."
    assert spans(matcher, text) == [("ola", "Oleada de venezolanos"), ("ola", "Ola migratoria"),
                                    ("ola", "Oleadas migrantes"), ("ola", "Ola «migratoria")]


def test_a_word_inside_another_word_is_not_a_match():
    matcher = Matcher([Rule("mena", ("mena~",))], "es")
    assert spans(matcher, "Menasco y amenazas") == []


def test_the_longest_match_at_a_place_wins_and_matches_do_not_overlap():
    matcher = Matcher([Rule("short", ("inmigrante~",)), Rule("long", ("inmigrante~ ilegal~",))], "es")
    assert spans(matcher, "los inmigrantes ilegales") == [("long", "inmigrantes ilegales")]


def test_exclude_refuses_a_match_with_a_listed_word_around_it():
    matcher = Matcher([Rule("ilegal", ("ilegal~",), exclude=("pesca|mineria|arma~",), window=2)], "es")
    assert spans(matcher, "La pesca ilegal. Minería ilegal. Armas ilegales. Los ilegales.") == [
        ("ilegal", "ilegales")]


def test_require_needs_a_listed_word_around_the_match_in_the_same_sentence():
    matcher = Matcher([Rule("invasor", ("invasor~",), require=("migrante~",), window=4)], "es")
    text = "Especies invasoras. Los migrantes no son invasores. Invasores. Migrantes."
    assert spans(matcher, text) == [("invasor", "invasores")]


def test_a_pattern_starting_with_an_optional_word_or_with_stray_signs_is_refused():
    with pytest.raises(PatternInvalid, match="not optional"):
        Matcher([Rule("x", ("de? migrantes",))], "es")
    with pytest.raises(PatternInvalid, match="«migr\\*»"):
        Matcher([Rule("x", ("migr*",))], "es")


def test_lines_give_line_and_column_from_one():
    lines = Lines("ab\ncd\n\nef")
    assert [lines.position(offset) for offset in (0, 1, 3, 6, 7, 8)] == [(1, 1), (1, 2), (2, 1), (3, 1), (4, 1), (4, 2)]


def test_prepare_composes_accents_and_plain_line_ends():
    assert prepare("inmigracio\u0301n\r\nilegal\rya") == "inmigración\nilegal\nya"


@pytest.mark.parametrize(("text", "language"), [
    ("Los migrantes llegaron a la ciudad y fueron recibidos por el alcalde.", "es"),
    ("Os imigrantes chegaram à cidade e não foram recebidos pelo prefeito.", "pt"),
    ("The migrants arrived in the city and were welcomed by the mayor.", "en"),
    ("12345 !!!", "pt"),
])
def test_detect_language_counts_marker_words_and_falls_back_to_the_default(text, language):
    assert detect_language(text, default="pt") == language
