"""Importing a filled-in template: one draft per row, all or none, and a report by row and column.

Every row is turned into the services' input (``portfolio.inputs``), checked (``validation.check``
for a draft, then the permission module), and created inside ONE transaction; if any row has any
error, the transaction is rolled back and nothing is saved, and the report names each problem by
row number and column in the user's language. Creating inside the transaction, even when an
earlier row failed, finds the problems only the models see (a title too long, an SDG list badly
written) in the same report.

Duplicates: the model keeps no "your reference" of a row, so a file uploaded twice would create
its projects twice. A row whose proposing organisation and title (in any language it gives) match
a draft the same user created earlier, or an earlier row of the same file, is refused with a
message naming that draft or row. Projects past the draft state are not compared: a new proposal
may well reuse the title of a completed one.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.common.cache import PORTFOLIO, invalidates
from minga.common.languages import LANGUAGES
from minga.common.text import normalise_name
from minga.portfolio import services
from minga.portfolio.bulk.cells import read_upload, row_payload
from minga.portfolio.bulk.template import AXES_COLUMN, Column, columns
from minga.portfolio.inputs import Lookups, project_input_and_errors
from minga.portfolio.models import Project, Status
from minga.portfolio.validation import ProjectInvalid, check
from minga.reference.models import LINES_OF_WORK, QUITO_AXES

# Importing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    position: int = field(default=0, compare=False)  # of the column in the sheet, to list a row's problems in order

    def __str__(self):
        return _("Row %(row)s, %(column)s: %(message)s") % {"row": self.row, "column": self.column,
                                                            "message": self.message}


@dataclass
class ImportResult:
    created: list = field(default_factory=list)  # the new projects, in row order
    errors: list = field(default_factory=list)  # RowError, by row

    @property
    def saved(self) -> bool:
        return not self.errors


class _RollBack(Exception):
    pass


GROUP_LABELS = {
    "title": gettext_lazy("Title"), "summary": gettext_lazy("Summary"), "locations": gettext_lazy("Territories"),
    "themes": gettext_lazy("Quito Process axes"), f"themes[{QUITO_AXES}]": gettext_lazy("Quito Process axes"),
    f"themes[{LINES_OF_WORK}]": gettext_lazy("Lines of work (2023)"),
    "markers": gettext_lazy("Cross-cutting approaches"), "people": gettext_lazy("People"),
    "people[population_group]": gettext_lazy("People by population group"),
    "people[sex_age]": gettext_lazy("People by sex and age"),
}


# Where a group of columns starts, to order a row's problems as the columns are.
GROUP_FIRST_COLUMN = {"title": "title_es", "summary": "summary_es", "locations": "countries",
                      "themes": AXES_COLUMN, "markers": "marker:", "people": "people_total",
                      "people[population_group]": "people:population_group:", "people[sex_age]": "people:sex_age:"}


def _positions(cols: list[Column], labels: dict[str, str]) -> dict[str, int]:
    """Column label (or group label) → position in the sheet."""
    positions = {}
    for index, column in enumerate(cols, start=1):
        positions.setdefault(labels[column.key], index)
        for group, first in GROUP_FIRST_COLUMN.items():
            if column.key.startswith(first) and group in GROUP_LABELS:
                positions.setdefault(str(GROUP_LABELS[group]), index)
    return positions


def _column_for(path: str, labels: dict[str, str], origins: dict[str, list[str]]) -> str:
    """The column (or group of columns) a field path of the services' errors points to."""
    path = path.split("#")[0]  # "marker:gender#0": a cell of the sheet that could not be read
    match = re.match(r"^(\w+)\[(\d+)\]", path)
    if match and match.group(1) in origins:
        entries = origins[match.group(1)]
        position = int(match.group(2))
        if 1 <= position <= len(entries):
            return entries[position - 1]
    if path in GROUP_LABELS:
        return str(GROUP_LABELS[path])
    base = path.split(".")[0].split("[")[0]
    if base in labels:
        return labels[base]
    if base in GROUP_LABELS:
        return str(GROUP_LABELS[base])
    return _("Project")


def _row_errors(number, errors: dict, labels, origins, positions) -> list[RowError]:
    found = []
    for path, messages in errors.items():
        column = _column_for(path, labels, origins)
        found += [RowError(number, column, message, positions.get(column, 0)) for message in messages]
    return found


# The checks a cell that could not be read would make misleading (a sum missing that cell's entries).
def _unsure_checks(column_key: str) -> set[str]:
    if column_key in ("countries", "subdivisions", "municipalities"):
        return {"locations"}
    if column_key.startswith("people") or column_key == "people_total":
        return {"people", "people_with_disabilities"}
    if column_key in ("budget_amount", "budget_years"):
        return {"budget_years", "requested_amount"}
    if column_key in ("planned_start", "planned_end"):
        return {"planned_end", "budget_years"}
    return {column_key.split(":")[0]}


def _top(path: str) -> str:
    return re.split(r"[\[.]", path, maxsplit=1)[0]


def _title_keys(data: dict, organisation_id) -> set[tuple]:
    return {(organisation_id, language, normalise_name(data.get(f"title_{language}") or ""))
            for language in LANGUAGES if (data.get(f"title_{language}") or "").strip()}


@invalidates(PORTFOLIO)
def import_projects(*, user, uploaded_file) -> ImportResult:
    """Create one draft per row, all or none; raises UploadRefused when the file is not a filled-in template."""
    sheet = read_upload(uploaded_file)
    lookups = Lookups(lenient=True)
    cols = columns()
    labels = {column.key: column.header() for column in cols}
    positions = _positions(cols, labels)

    drafts = {}
    for project in Project.objects.filter(created_by=user, status=Status.DRAFT).only(
            "code", "proposing_organisation_id", "title_es", "title_pt", "title_en"):
        for key in _title_keys({f"title_{c}": getattr(project, f"title_{c}") for c in LANGUAGES},
                               project.proposing_organisation_id):
            drafts.setdefault(key, project.code)
    earlier_rows: dict[tuple, int] = {}

    errors: list[RowError] = []
    ready = []
    for row in sheet.rows:
        converted = row_payload(row, labels)
        data, input_errors = project_input_and_errors(converted.payload, lookups=lookups)
        unsure = set().union(*(_unsure_checks(key) for key, _message in converted.errors)) | {
            _top(path) for path in input_errors}
        row_errors = {f"{key}#{index}": [message] for index, (key, message) in enumerate(converted.errors)}
        for path, messages in input_errors.items():
            row_errors.setdefault(path, []).extend(messages)
        # Every problem of the row at once, but no sum over cells that could not be read.
        for path, messages in check(data, complete=False).items():
            if _top(path) not in unsure:
                row_errors.setdefault(path, []).extend(messages)
        organisation = data.get("proposing_organisation")
        if organisation is not None and organisation.country_id and not permissions.can(
                user, Action.CREATE, Project(proposing_organisation=organisation, country_id=organisation.country_id,
                                             status=Status.DRAFT)):
            row_errors.setdefault("proposing_organisation", []).append(
                _("You may not propose projects for “%(organisation)s”.") % {"organisation": organisation.name})
        if organisation is not None:
            for key in _title_keys(data, organisation.pk):
                if key in drafts:
                    row_errors.setdefault("title", []).append(_(
                        "You already have a draft with this title for this organisation (%(code)s): edit that "
                        "draft on the platform, or change the title if this is another project.") % {
                        "code": drafts[key]})
                    break
                if key in earlier_rows:
                    row_errors.setdefault("title", []).append(_(
                        "Row %(row)s has the same title and proposing organisation.") % {"row": earlier_rows[key]})
                    break
            for key in _title_keys(data, organisation.pk):
                earlier_rows.setdefault(key, row.number)
        if row_errors:
            errors += sorted(_row_errors(row.number, row_errors, labels, converted.origins, positions),
                             key=lambda error: error.position)
            continue
        ready.append((row, data, converted.origins))

    created = []
    try:
        with transaction.atomic():
            for row, data, origins in ready:
                try:
                    created.append(services.project_create(user=user, data=data))
                except ProjectInvalid as invalid:
                    errors += sorted(_row_errors(row.number, invalid.errors, labels, origins, positions),
                                     key=lambda error: error.position)
                except ValidationError as invalid:
                    messages = invalid.message_dict if hasattr(invalid, "error_dict") else {"": invalid.messages}
                    errors += sorted(_row_errors(row.number, messages, labels, origins, positions),
                                     key=lambda error: error.position)
                except PermissionDenied as refused:
                    column = labels["proposing_organisation"]
                    errors.append(RowError(row.number, column, str(refused), positions[column]))
            if errors:
                raise _RollBack
    except _RollBack:
        return ImportResult(created=[], errors=sorted(errors, key=lambda error: error.row))
    return ImportResult(created=created, errors=[])
