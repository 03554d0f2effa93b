"""The Spanish and Portuguese catalogues are complete and safe, and pages come out in the reader's language.

How to refresh the catalogues: src/minga/locale/README.md.
"""

import re
from io import StringIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.utils.translation.reloader import translation_file_changed

import minga

LOCALE_DIR = Path(minga.__file__).resolve().parent / "locale"
TRANSLATED_LANGUAGES = ["es", "pt"]

# %(name)s, %s, %d … (python-format) and {name}, {0}, {} (python-brace-format); "%%" is a literal percent sign.
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifeEgGrxXoc%]")
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(?:\w+(?:\.\w+|\[\w+\])*)?(?:![rsa])?(?::[^{}]*)?\}(?!\})")

HOME_HEADINGS = {
    "es": "El Proceso de Quito en síntesis",
    "pt-br": "O Processo de Quito em síntese",
    "en": "The Quito Process at a glance",
}


def load_catalogue(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language, abort_invalid=True)


def placeholders(text, message):
    found = []
    if "python-format" in message.flags or PERCENT_PLACEHOLDER.search(text):
        found += [p for p in PERCENT_PLACEHOLDER.findall(text) if p != "%%"]
    if "python-brace-format" in message.flags:
        found += BRACE_PLACEHOLDER.findall(text)
    return sorted(found)


def messages(catalogue):
    return [message for message in catalogue if message.id]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_header(language):
    catalogue = load_catalogue(language)
    assert str(catalogue.locale) == language
    assert catalogue.mime_headers  # parsed
    headers = dict(catalogue.mime_headers)
    assert headers["Language"] == language
    assert "charset=utf-8" in headers["Content-Type"].lower()
    assert catalogue.num_plurals >= 2
    assert not catalogue.fuzzy, "the header is still marked fuzzy"
    assert len(messages(catalogue)) > 100


def message_keys(path: Path) -> list[tuple[str, str]]:
    """Each entry's (msgctxt, msgid) as the file spells it, obsolete ones (``#~``) aside: Babel's reader keeps the
    last of two entries with the same key, GNU msgfmt refuses the file (and makemessages cannot refresh it)."""
    keys, context, field, parts = [], "", None, {"msgctxt": [], "msgid": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split(" ", 1)[0]
        if word in ("msgctxt", "msgid"):
            field = word
            parts[field] = [line[len(word) + 1:]]
        elif line.startswith('"') and field is not None:
            parts[field].append(line)
        elif word.startswith("msgstr") or word == "msgid_plural":
            if field == "msgid":
                context = "".join(part.strip('"') for part in parts["msgctxt"])
                keys.append((context, "".join(part.strip('"') for part in parts["msgid"])))
                parts["msgctxt"] = []
            field = None
    return [key for key in keys if key != ("", "")]


@pytest.mark.parametrize("language", [*TRANSLATED_LANGUAGES, "en"])
def test_no_message_is_defined_twice(language):
    keys = message_keys(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    assert len(keys) == len(messages(load_catalogue(language))) > 100
    assert sorted(key for key in set(keys) if keys.count(key) > 1) == []


def test_two_definitions_of_a_message_are_found(tmp_path):
    catalogue = tmp_path / "django.po"
    catalogue.write_text('msgid ""\nmsgstr ""\n\nmsgid "A"\nmsgstr "a"\n\nmsgctxt "x"\nmsgid "A"\nmsgstr "b"\n\n'
                         'msgid ""\n"A"\nmsgstr "c"\n\nmsgid "%(n)s B"\nmsgid_plural "%(n)s Bs"\nmsgstr[0] ""\n')
    assert message_keys(catalogue) == [("", "A"), ("x", "A"), ("", "A"), ("", "%(n)s B")]


def test_portuguese_is_brazilian():
    """pt is Brazilian Portuguese (locale/README.md): spellings of Portugal slipped in once ("registada")."""
    translations = " ".join(form for message in messages(load_catalogue("pt"))
                            for form in (message.string if message.pluralizable else (message.string,)))
    european = re.compile(r"\b(\w*registad\w*|ficheiros?|utilizador\w*|ecrã|telemóve\w*|equipas?|actividade\w*|"
                          r"acç\w+|direcç\w+|projecto\w*|recepç\w+|receç\w+)\b", re.I)
    assert european.findall(translations) == []
    assert "registrad" in translations  # the Brazilian form, which the catalogue uses


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(language):
    catalogue = load_catalogue(language)
    untranslated, fuzzy = [], []
    for message in messages(catalogue):
        forms = message.string if message.pluralizable else (message.string,)
        if (message.pluralizable and len(forms) != catalogue.num_plurals) or not all(form and form.strip() for form in forms):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{language}: {len(untranslated)} untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_the_placeholders(language):
    catalogue = load_catalogue(language)
    wrong = []
    for message in messages(catalogue):
        if message.pluralizable:
            singular, plural = message.id
            forms = message.string
            # Form 0 is the singular one; every other form follows the plural msgid.
            expected = [placeholders(singular, message)] + [placeholders(plural, message)] * (len(forms) - 1)
        else:
            forms = (message.string,)
            expected = [placeholders(message.id, message)]
        for form, wanted in zip(forms, expected, strict=True):
            if form and placeholders(form, message) != wanted:
                wrong.append((message.id, form))
    assert not wrong, f"{language}: placeholders differ: {wrong[:5]}"


def test_the_placeholder_patterns():
    # Guards the checks above: they must see the placeholders they are meant to see.
    assert PERCENT_PLACEHOLDER.findall("%(counter)s of %s, 50%%") == ["%(counter)s", "%s", "%%"]
    assert BRACE_PLACEHOLDER.findall("{name} and {0:>3} but not {{literal}}") == ["{name}", "{0:>3}"]


@pytest.fixture(scope="module")
def compiled_catalogues():
    """The .mo files are built, not committed: compile them as `minga setup` / `make test` do.

    If any was (re)built, drop Django's cache of loaded catalogues so that the new ones are read.
    """
    output = StringIO()
    call_command("build_catalogues", verbosity=1, stdout=output)
    if not output.getvalue().strip().endswith(": 0"):
        translation_file_changed(sender=None, file_path=LOCALE_DIR / "es" / "LC_MESSAGES" / "django.mo")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_home_page_in_the_language_of_the_cookie(client, settings, compiled_catalogues, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{HOME_HEADINGS[language]}</h1>" in html
    if language != "en":
        assert HOME_HEADINGS["en"] not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "message"), [
    ("es", "Esta página no tiene la tabla “no-such-table”."),
    ("pt-br", "Esta página não tem a tabela “no-such-table”."),
    ("en", "This page has no table “no-such-table”.")])
def test_a_table_the_page_lacks_is_said_in_the_readers_language(client, compiled_catalogues, language, message):
    """The one message of the code that the catalogues lacked (makemessages found it untranslated): a Spanish or
    Portuguese reader asking for a table's CSV that the page has not got was answered in English."""
    client.cookies["minga_language"] = language
    response = client.get("/countries/?csv=no-such-table")
    assert (response.status_code, response.content.decode()) == (404, message)
