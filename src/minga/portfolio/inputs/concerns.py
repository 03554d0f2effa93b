"""What a request for changes can point at: the codes of the project input (the field table's rows and the
parts), each with its label in the reader's language and the step of the form where it is entered.

The secretariat ticks them when it sends a project back; ``ProjectTransition.fields`` stores the codes
(never labels, so that each reader sees them in their own language), and the project page and the form's
steps list them, each linking to its step.
"""

from django.utils.translation import gettext_lazy as _

from minga.portfolio.inputs.fields import FIELDS
from minga.portfolio.models import Project

# The parts of a project (ProjectInput's part keys), with the step that enters each, in form order.
PART_STEPS = {"locations": 2, "themes": 3, "markers": 3, "people": 4, "budget_years": 5, "funding": 5,
              "participants": 6, "contacts": 6}
_PART_LABELS = {
    "locations": _("territories"), "themes": _("themes"), "markers": _("cross-cutting markers"),
    "people": _("people served by group, sex and age"), "budget_years": _("budget by year"),
    "funding": _("funding secured"), "participants": _("participants"), "contacts": _("contacts"),
}
# A field given per language is one thing to change, named without its language.
_STEM_LABELS = {"title": _("title"), "summary": _("summary"), "description": _("description")}


def _label(code: str):
    if code in _PART_LABELS:
        return _PART_LABELS[code]
    if code in _STEM_LABELS:
        return _STEM_LABELS[code]
    return Project._meta.get_field(code).verbose_name


def concerns() -> list[tuple[str, object, int]]:
    """(code, lazily translated label, step) of everything a request for changes may name, in form order."""
    rows = [(row.name, row.step) for row in FIELDS] + list(PART_STEPS.items())
    return [(code, _label(code), step) for code, step in sorted(rows, key=lambda row: row[1])]


CODES = frozenset(code for code, _label_text, _step in concerns())


def concerned(codes) -> list[tuple[str, str, int]]:
    """(code, label in the active language, step) of the stored ``codes`` that are still known, in form order."""
    wanted = set(codes or ())
    return [(code, str(label), step) for code, label, step in concerns() if code in wanted]
