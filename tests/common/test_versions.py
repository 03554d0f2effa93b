"""The version an edit names, read from what a form or a script sends: a number, or one clear error."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from minga.common.versions import MAX_VERSION, parse_version

MESSAGE = "The form's version is missing or not a number; reload the page."


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", 1), ("12", 12), (" 7 ", 7), ("0", 0), ("007", 7), (3, 3), (str(MAX_VERSION), 2_147_483_647),
])
def test_a_version_is_read(raw, expected):
    assert parse_version(raw) == expected


@pytest.mark.parametrize("raw", [
    "abc", None, "", "   ", "-1", -1, "99999999999999999999", 99999999999999999999, str(MAX_VERSION + 1),
    "1.0", "1e3", "+1", "1_000", "١٢", "１２", True, 1.0, ["1"],
])
def test_anything_else_is_one_clear_error(raw):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        parse_version(raw)
    assert (refused.value.messages, refused.value.code) == ([MESSAGE], "version")


@pytest.mark.parametrize(("language", "message"), [
    ("es", "La versión del formulario falta o no es un número; recargue la página."),
    ("pt", "A versão do formulário está ausente ou não é um número; recarregue a página."),
    ("en", MESSAGE),
])
def test_the_error_speaks_the_readers_language(language, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        parse_version("abc")
    assert refused.value.messages == [message]
