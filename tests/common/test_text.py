"""The character rules of ``minga.common.text``: what input refuses, what exports drop, what shows nothing."""

import unicodedata

import pytest

from minga.common import text
from minga.common.text import (
    TextInvalid,
    control_characters,
    csv_text,
    has_visible_text,
    refuse_control_characters,
    starts_formula,
    xml_safe,
)

REFUSED = [chr(code) for code in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F, 0xD800, 0xDFFF,
                                  0xFFFE, 0xFFFF)]


def test_every_control_character_but_tab_and_line_breaks_is_refused_and_dropped_from_xml():
    assert [ch for ch in REFUSED if control_characters(f"a{ch}b") != [f"U+{ord(ch):04X}"]] == []
    assert [ch for ch in REFUSED if xml_safe(f"a{ch}b") != "ab"] == []
    assert control_characters("a\tb\nc\r\nd \u202eé\u200b€") == []
    assert xml_safe("a\tb\nc\r\n\u202e") == "a\tb\nc\r\n\u202e"
    assert control_characters("\x0b\x00\x0b") == ["U+000B", "U+0000"]  # each once, in order


def refused_by_category(ch: str) -> bool:
    """The rule as ``minga.common.text`` states it: a control character but tab and line breaks, a surrogate,
    U+FFFE or U+FFFF."""
    category = unicodedata.category(ch)
    return (category == "Cc" and ch not in "\t\n\r") or category == "Cs" or ch in ("\ufffe", "\uffff")


def test_the_pattern_refuses_exactly_what_the_rule_by_unicode_category_refuses():
    differ = [code for code in range(0x110000) if bool(text._REFUSED.match(chr(code))) != refused_by_category(chr(code))]
    assert differ == []


def test_refuse_control_characters_names_the_parameter(english):
    with pytest.raises(TextInvalid) as refused:
        refuse_control_characters("q", "rutas\x00")
    assert (refused.value.field, refused.value.message) == ("q", "Remove the control characters from this text: U+0000.")
    refuse_control_characters("q", "rutas seguras")  # no error


@pytest.mark.parametrize("text, visible", [
    ("", False), (None, False), (" \t\n", False), ("\u200b\u200c\u200d\u2060\ufeff", False), ("\u3164\u115f", False),
    ("\u202e\u202c", False), ("\u00ad", False), ("\ufe0f", False), ("a", True), ("\u202eabc", True), ("·", True),
    ("é", True), ("\u0301", True)])
def test_has_visible_text(text, visible):
    assert has_visible_text(text) is visible


def test_formula_starts_and_csv_text():
    assert [text for text in ("=1+1", "+57", "-x", "@SUM(A1)", "\t=1", "\r=1") if not starts_formula(text)] == []
    assert [text for text in ("Rutas", " =1", "'=1", "", None, -5, 3.2) if starts_formula(text)] == []
    assert (csv_text("=1+1"), csv_text("-2"), csv_text("Rutas")) == ("'=1+1", "'-2", "Rutas")


def test_the_safe_cell_writer_keeps_text_that_starts_like_a_formula_as_text_in_a_saved_workbook():
    import io

    from openpyxl import Workbook, load_workbook

    from minga.common.text import append_data_row, put_data_cell

    book = Workbook()
    sheet = book.active
    for column, value in enumerate(["=1+1", "+57 300", "-x", "@SUM(A1)", "plain", 12, "a\x00b"], start=1):
        put_data_cell(sheet, 1, column, value)
    append_data_row(sheet, ["=HYPERLINK(\"x\")", "<script>alert(1)</script>"])
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [(cell.value, cell.data_type, bool(cell.quotePrefix)) for cell in read[1]] == [
        ("=1+1", "s", True), ("+57 300", "s", True), ("-x", "s", True), ("@SUM(A1)", "s", True),
        ("plain", "s", False), (12, "n", False), ("ab", "s", False)]
    assert [(cell.value, cell.data_type, bool(cell.quotePrefix)) for cell in read[2]][:2] == [
        ("=HYPERLINK(\"x\")", "s", True), ("<script>alert(1)</script>", "s", False)]
