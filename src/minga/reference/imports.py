"""Filling the lower administrative levels (municipalities) from a table keyed by p-code.

All rows are checked before anything is written; then they are written in one transaction, so a
file with one bad row changes nothing. Importing the same file twice changes nothing.

Where a row has no subdivision code, its point (``latitude``, ``longitude``, with its ``country``) places it:
in the first-level unit whose vendored boundary contains it (``reference.geometry``); where no boundary does
(a country without geometry, a point on the coast the simplified line leaves out), the nearest-parent rule:
the unit of its parent p-code. A row with a code and a point lying in another unit is refused.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require
from minga.audit import services as audit
from minga.common.cache import REFERENCE, invalidates
from minga.reference.geometry import subdivision_at
from minga.reference.models import Municipality, Subdivision

COLUMNS = ("pcode", "name", "subdivision", "parent_pcode", "admin_level", "country", "latitude", "longitude")


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("row %(row)s, %(column)s: %(message)s") % {"row": self.row, "column": self.column,
                                                            "message": self.message}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@invalidates(REFERENCE)
def municipalities_import(*, rows: list[dict], user, reason: str) -> ImportResult:
    """``rows``: dicts with the COLUMNS (row numbers start at 2, after the header)."""
    result = ImportResult()
    rows = list(rows)
    points = {}  # row number → (latitude, longitude), as given
    subdivisions = {unit.code: unit for unit in Subdivision.objects.all()}
    seen = {}
    planned = []
    for number, row in enumerate(rows, start=2):
        pcode = (row.get("pcode") or "").strip()
        name = (row.get("name") or "").strip()
        code = (row.get("subdivision") or "").strip().upper()
        parent = (row.get("parent_pcode") or "").strip()
        level_text = (row.get("admin_level") or "2").strip()
        if not pcode:
            result.errors.append(RowError(number, "pcode", _("empty")))
            continue
        if pcode in seen:
            result.errors.append(RowError(number, "pcode", _("%(pcode)s is also on row %(row)s") % {
                "pcode": pcode, "row": seen[pcode]}))
            continue
        seen[pcode] = number
        if not name:
            result.errors.append(RowError(number, "name", _("empty")))
        point, point_errors = _point(row, number)
        result.errors.extend(point_errors)
        if point is not None:
            points[number] = point
        if code and code not in subdivisions:
            result.errors.append(RowError(number, "subdivision", _("unknown ISO 3166-2 code %(code)r") % {"code": code}))
        elif point is not None and not point_errors:
            country = (row.get("country") or "").strip().upper() or (subdivisions[code].country_id if code else "")
            found = subdivision_at(country, float(point[0]), float(point[1])) if country else None
            if not country:
                result.errors.append(RowError(number, "country", _("needed to place the point")))
            elif code and found and found != code and subdivisions[code].has_geometry:
                result.errors.append(RowError(number, "subdivision", _(
                    "the point lies in %(found)s, not in %(code)s") % {"found": found, "code": code}))
            elif not code and found:
                code = found
        if not code and not parent and not any(e.row == number for e in result.errors):
            result.errors.append(RowError(number, "subdivision", _(
                "empty: give the ISO 3166-2 code, a point inside it or a parent p-code")))
        if not level_text.isdigit() or not 2 <= int(level_text) <= 5:
            result.errors.append(RowError(number, "admin_level", _("must be a whole number from 2 to 5")))
        planned.append((number, pcode, name, code, parent, level_text))
    known_pcodes = set(seen) | set(Municipality.all_objects.filter(
        pcode__in=[p[4] for p in planned if p[4]]).values_list("pcode", flat=True))
    for number, _pcode, _name, _code, parent, _level in planned:
        if parent and parent not in known_pcodes:
            result.errors.append(RowError(number, "parent_pcode", _("unknown p-code %(pcode)r") % {"pcode": parent}))
    planned = _with_parent_subdivisions(planned, result)
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result

    try:
        with transaction.atomic():
            # Parents before children: a row may name a parent that appears later in the file.
            pending = sorted(planned, key=lambda p: (int(p[5]), p[0]))
            for number, pcode, name, code, parent, level_text in pending:
                latitude, longitude = points.get(number, (None, None))
                fields = {"name": name, "subdivision": subdivisions[code], "admin_level": int(level_text),
                          "parent": Municipality.all_objects.get(pcode=parent) if parent else None,
                          "latitude": latitude, "longitude": longitude}
                existing = Municipality.all_objects.filter(pcode=pcode).first()
                try:
                    if existing is None:
                        candidate = Municipality(pcode=pcode, **fields)
                        require(user, Action.CREATE, candidate)
                        audit.record_create(model=Municipality, user=user, fields={"pcode": pcode, **fields},
                                            reason=reason)
                        result.created += 1
                    elif any(getattr(existing, k) != v for k, v in fields.items()):
                        require(user, Action.CHANGE, existing)
                        audit.record_update(instance=existing, user=user, changes=fields,
                                            expected_version=existing.version, reason=reason)
                        result.updated += 1
                    else:
                        result.unchanged += 1
                except PermissionDenied as error:
                    result.errors.append(RowError(number, "subdivision", str(error)))
                except ValidationError as error:
                    for column, messages in error.message_dict.items():
                        result.errors.append(RowError(number, column, " ".join(messages)))
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = result.unchanged = 0
    return result


class _Rollback(Exception):
    pass


def _point(row: dict, number: int) -> tuple[tuple[Decimal, Decimal] | None, list[RowError]]:
    """The row's (latitude, longitude), both or neither, within their ranges; errors name the column."""
    texts = {name: (row.get(name) or "").strip() for name in ("latitude", "longitude")}
    if not any(texts.values()):
        return None, []
    errors, values = [], {}
    for name, limit in (("latitude", 90), ("longitude", 180)):
        try:
            value = Decimal(texts[name]).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            errors.append(RowError(number, name, _("not a number in decimal degrees")))
            continue
        if not -limit <= value <= limit:
            errors.append(RowError(number, name, _("must lie between -%(limit)s and %(limit)s") % {"limit": limit}))
        values[name] = value
    return (None if errors else (values["latitude"], values["longitude"])), errors


def _with_parent_subdivisions(planned: list, result: ImportResult) -> list:
    """The nearest-parent rule: a row placed nowhere takes its parent's subdivision (in the file or stored)."""
    by_pcode = {p[1]: p for p in planned}
    stored = dict(Municipality.all_objects.filter(pcode__in=[p[4] for p in planned if p[4]])
                  .values_list("pcode", "subdivision_id"))

    def unit_of(pcode: str, seen: frozenset = frozenset()):
        if pcode in by_pcode and pcode not in seen:
            _number, _pcode, _name, code, parent, _level = by_pcode[pcode]
            return code or (unit_of(parent, seen | {pcode}) if parent else "")
        return stored.get(pcode, "")

    placed = []
    for number, pcode, name, code, parent, level in planned:
        if not code and parent:
            code = unit_of(parent)
            if not code and not any(e.row == number for e in result.errors):
                result.errors.append(RowError(number, "parent_pcode", _("the parent is placed in no subdivision")))
        placed.append((number, pcode, name, code, parent, level))
    return placed
