"""Text normalised for matching: what people type against what is stored."""

import re
import unicodedata

from django.utils.translation import gettext as _

from minga.common.errors import ParameterInvalid


def normalise_text(text: str) -> str:
    """Lower case without accents, so that "integracion" finds "Integração" and "integración"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(text) -> str:
    """As ``normalise_text``, with runs of spaces made one: "Norte  de santander" matches "Norte de Santander"."""
    return " ".join(normalise_text(str(text)).split())


def shown_order(text) -> tuple[str, str]:
    """The sort key of a name as the reader sees it: accents, case and runs of spaces aside ("Perú" before
    "República Dominicana" before "Uruguay"), the text itself breaking ties so that the order is always the same."""
    return normalise_name(text), str(text)


def sorted_as_shown(items, name=str) -> list:
    """``items`` in the order of the name each shows (``name(item)``, in the reader's language): the one order of
    page lists and selects of countries, whatever language the database's own order would follow."""
    return sorted(items, key=lambda item: shown_order(name(item)))


# Characters that text from outside may not carry ---------------------------------------------------
#
# A control character (U+0000–U+001F but tab, line feed and carriage return; DEL; U+0080–U+009F) is
# never typed on purpose and breaks what is built from the text: XML 1.0 (the XLSX and IATI exports)
# has no way to write most of them, PostgreSQL refuses NUL. A lone surrogate (U+D800–U+DFFF, which
# JSON can carry as "\ud800") cannot be encoded at all, and U+FFFE/U+FFFF are not characters.
# Input refuses them (``control_characters``); exports drop any already stored (``xml_safe``).

# As one pattern, searched in C (every imported text is checked): Unicode's category Cc is exactly
# U+0000–U+001F and U+007F–U+009F, Cs the surrogates (tests/common/test_text.py compares the pattern with that
# rule by category on every code point).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def control_characters(text: str) -> list[str]:
    """The refused characters of ``text`` as code points ("U+000B"), each once, in order of appearance."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _REFUSED.findall(text)))


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold: an export never fails on what was stored."""
    return _REFUSED.sub("", text)


def control_characters_message(found: list[str]) -> str:
    """What a person reads when text holds refused characters; the code points say which, wherever they hide."""
    return _("Remove the control characters from this text: %(characters)s.") % {"characters": ", ".join(found)}


class TextInvalid(ParameterInvalid):
    """Text that may not be used (a query parameter, a field), with where it came and why."""


def refuse_control_characters(field: str, text) -> None:
    """Raise TextInvalid naming ``field`` when ``text`` holds a refused character (search words, codes…)."""
    found = control_characters(text) if isinstance(text, str) else []
    if found:
        raise TextInvalid(field, control_characters_message(found))


# Invisible text -------------------------------------------------------------------------------------
#
# A title of zero-width spaces is empty to every reader. Format characters (Cf: zero-width space and
# joiners, bidi marks and overrides, the byte-order mark, soft hyphen), spaces, controls and the
# characters Unicode says to ignore in display (fillers, variation selectors) show nothing by themselves.

_SHOWS_NOTHING = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u2800\u3164\uffa0"
    + "".join(chr(code) for code in range(0xFE00, 0xFE10)))


def _shows_nothing(ch: str) -> bool:
    return (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in _SHOWS_NOTHING
            or 0xE0100 <= ord(ch) <= 0xE01EF)


def has_visible_text(text) -> bool:
    """Whether ``text`` shows anything: "\u200b\u200b" (zero-width spaces) does not."""
    return bool(text) and not all(_shows_nothing(ch) for ch in str(text))


# Spreadsheets -------------------------------------------------------------------------------------
#
# Text whose first character starts a formula in a spreadsheet ("=1+1", "+57 …", "-x", "@SUM(…)", and a
# tab or carriage return before one) runs as one when a CSV is opened (OWASP, "CSV Injection"). Exports
# keep such text readable: the XLSX writes it as a string cell, the CSV puts a single quote before it.

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: str) -> str:
    """Text for a CSV cell: "'=1+1" for "=1+1", anything else as it is."""
    return f"'{value}" if starts_formula(value) else value


def append_data_row(sheet, values) -> None:
    """Append ``values`` to an openpyxl ``sheet`` as data: openpyxl writes text starting with "=" as a formula,
    so such text becomes a string cell with Excel's quote prefix (editing it keeps it text); characters XML
    cannot hold are dropped (openpyxl would raise on them)."""
    values = [xml_safe(value) if isinstance(value, str) else value for value in values]
    sheet.append(values)
    for column, value in enumerate(values, start=1):
        if starts_formula(value):  # the row just appended is the last one
            _as_text(sheet.cell(row=sheet.max_row, column=column))


def put_data_cell(sheet, row: int, column: int, value):
    """Write ``value`` into one cell of an openpyxl ``sheet`` as ``append_data_row`` writes a row: text that
    starts like a formula stays text, a character XML cannot hold is dropped. Answers the cell (to style it)."""
    cell = sheet.cell(row=row, column=column, value=xml_safe(value) if isinstance(value, str) else value)
    if starts_formula(value):
        _as_text(cell)
    return cell


def _as_text(cell) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True
