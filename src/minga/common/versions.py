"""Reading the version an editor read, as a form or a request sends it back.

Every editable record carries a version (``EditableRecord.version``) and every edit names the one
it started from; a stale one is refused as a conflict. What arrives from a browser or a script is
text, though: this turns it into a version or into one clear error, never into a server error.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# PositiveIntegerField holds 0 to 2,147,483,647 on every database; a larger number is no version at all
# (and would overflow the database's integer when compared).
MAX_VERSION = 2_147_483_647
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: int() would also take "١٢" or "1_000"


def parse_version(raw, *, field: str | None = None) -> int:
    """The version in ``raw`` (text from a form, or a number), or ``ValidationError`` with code ``version``.

    With ``field``, the error is keyed by that field's name, as the API reports errors.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        text = str(raw)
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        text = ""
    if not _DIGITS.fullmatch(text) or int(text) > MAX_VERSION:
        error = ValidationError(_("The form's version is missing or not a number; reload the page."), code="version")
        raise ValidationError({field: [error]}) if field else error
    return int(text)
