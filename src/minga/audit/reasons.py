"""Why a record changed, stored as a code and worded in the reader's language when shown.

A reason is either what a person wrote (a comment, kept as written) or one the platform gives, stored as
``CODE_PREFIX`` + a code: ``reason:created``, ``reason:status:published``, ``reason:step:2``. A code's
family (the part before the first colon after the prefix) is worded by this module (``created``,
``deleted``, ``restored``) or by the app that registered it (``register``: portfolio words ``status``
with its workflow's labels and ``step`` with its form's step titles), so that a reason written while
one person read Spanish reads in Portuguese for the next.
"""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

CODE_PREFIX = "reason:"
_OWN = {"created": _("created"), "deleted": _("Deleted"), "restored": _("Restored")}
_FAMILIES: dict[str, Callable[[str], str]] = {}


def code(family: str, argument: str = "") -> str:
    """The stored form of a reason the platform gives: ``code("status", "published")``."""
    return f"{CODE_PREFIX}{family}:{argument}" if argument else f"{CODE_PREFIX}{family}"


def register(family: str, wording: Callable[[str], str]) -> None:
    """``wording(argument)`` gives the reason of ``family`` in the active language (an app's ready())."""
    _FAMILIES[family] = wording


def is_code(stored: str) -> bool:
    return (stored or "").startswith(CODE_PREFIX)


def worded(stored: str) -> str:
    """The reason as the reader reads it: a code in the active language, anything else as it was written.
    A code no one words any more (a family since removed) shows as its argument rather than failing."""
    if not is_code(stored):
        return stored or ""
    family, _colon, argument = stored[len(CODE_PREFIX):].partition(":")
    if family in _OWN and not argument:
        return str(_OWN[family])
    if family in _FAMILIES:
        try:
            return _FAMILIES[family](argument)
        except (KeyError, ValueError):
            pass
    return argument or family


def legacy_codes(languages) -> dict[str, str]:
    """The codes of this module's own reasons, keyed by the words each was once stored as, in ``languages``
    (reasons used to be stored worded in the writer's language): for data migrations."""
    from django.utils import translation

    found = {}
    for language in languages:
        with translation.override(language):
            found.update({str(text): code(name) for name, text in _OWN.items()})
    return found
