"""How a project's history reads: the reasons portfolio stores as codes, worded in the reader's language,
and the parts (territories, themes, budget years, funding, participants…) told as sentences.

``register`` (from ``PortfolioConfig.ready``) gives ``minga.audit.reasons`` the wording of the ``status``
and ``step`` reasons; ``Project.history_rows`` asks ``parts_changes`` for the parts' summary field.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from minga.audit import reasons
from minga.portfolio.inputs.concerns import concerns

# The headings of the parts' summary (services.PART_LINES, stored in English) → the input's part keys.
PART_OF_HEADING = {"territories": "locations", "themes": "themes", "markers": "markers", "people": "people",
                   "budget years": "budget_years", "secured": "funding", "participants": "participants",
                   "contacts": "contacts"}


def _status(argument: str) -> str:
    from minga.portfolio.workflow import PROJECT_WORKFLOW

    return _("status: %(status)s") % {"status": PROJECT_WORKFLOW.label(argument)}


def _step(argument: str) -> str:
    from minga.portfolio.forms.step import STEP_TITLES

    return _("Step “%(step)s” saved") % {"step": STEP_TITLES[int(argument)]}


def register() -> None:
    reasons.register("status", _status)
    reasons.register("step", _step)


def legacy_codes(languages=("es", "pt-br", "en")) -> dict[str, str]:
    """Each reason as it used to be stored (worded in the writer's language) → its code: for the data
    migration that turns the stored words into codes."""
    from minga.portfolio.forms.step import STEP_TITLES
    from minga.portfolio.models import Status

    found = reasons.legacy_codes(languages)
    for language in languages:
        with translation.override(language):
            found.update({_status(status): reasons.code("status", status) for status in Status.values})
            found.update({_step(str(number)): reasons.code("step", str(number)) for number in STEP_TITLES})
    return found


def _items(summary: str) -> dict[str, list[str]]:
    found = {}
    for line in (summary or "").splitlines():
        heading, _colon, items = line.partition(": ")
        found[heading] = [item for item in items.split(", ") if item]
    return found


def _listed(items: list[str]) -> str:
    return ", ".join(items)


def parts_changes(old: str, new: str) -> list[tuple[str, str]]:
    """(label, sentence) for each kind of part that changed between two summaries, in form order: what was
    added and what removed. The same parts in another order are no change."""
    before, after = _items(old), _items(new)
    labels = {code: label for code, label, _step in concerns()}
    rows = []
    for heading, part in PART_OF_HEADING.items():
        old_items, new_items = before.get(heading, []), after.get(heading, [])
        added = [item for item in new_items if item not in old_items]
        removed = [item for item in old_items if item not in new_items]
        if added and removed:
            sentence = _("Added: %(added)s; removed: %(removed)s.") % {"added": _listed(added),
                                                                        "removed": _listed(removed)}
        elif added:
            sentence = _("Added: %(items)s.") % {"items": _listed(added)}
        elif removed:
            sentence = _("Removed: %(items)s.") % {"items": _listed(removed)}
        else:
            continue
        rows.append((str(labels[part]), sentence))
    return rows
