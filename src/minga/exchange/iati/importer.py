"""Importing IATI activities, keyed by their ``iati-identifier``, in batches of activities.

A second import of the same file changes nothing (``unchanged``: the activity's fingerprint is the same,
compared before anything is written); a newer file updates the activity in place through
``minga.audit.services`` (its history names the parts that changed) and replaces its transactions and
their flows. An activity with a problem is reported with its identifier and line and not written; with
``strict``, one problem refuses the whole run and nothing is kept. Which transactions become flows (and
outgoing pledges ``TrackedPledge``s), and how: docs/finance.md ("Stages") and docs/exchange.md
("Importing IATI activities"); the mapping itself is in ``mapping``.

Speed (issue 11): activities are stored in batches (``BATCH_ACTIVITIES``, ``BATCH_TRANSACTIONS``), each
batch in one transaction: one query for the batch's fingerprints, two for its organisations, bulk inserts
of its activities, flows, pledges and transactions with their history, and the dashboard's totals
refreshed once for the batch. No activity is ever half-written: when a batch fails, it is rolled back
whole and its activities are stored again one by one, each in its own transaction, so that only the one
that fails is reported (and the rest of the batch is kept).
"""

import gc
import json
from collections.abc import Callable
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require
from minga.audit import services as audit
from minga.common.cache import FINANCE, PORTFOLIO, bump
from minga.common.text import control_characters, control_characters_message
from minga.exchange import problems as said
from minga.exchange.iati import plans, reader, rows, stream, transactions
from minga.exchange.iati.mapping import (
    Lookups,
    Reference,
    place_locations,
    touches_region,
    transaction_draft,
)
from minga.exchange.iati.transactions import Written
from minga.exchange.models import IatiActivity
from minga.reference import geometry

COUNTS = ("read", "created", "updated", "unchanged", "skipped", "invalid")
# A batch is written when it holds this many activities or transactions: large enough that a batch's own
# queries and its commit weigh little beside its rows, small enough that a transaction stays short (and its
# ``IN (...)`` lists well inside SQLite's limits).
BATCH_ACTIVITIES = 100
BATCH_TRANSACTIONS = 1000


class ImportRefused(Exception):
    """Nothing was written: a file was refused whole (``strict`` and a problem, or hostile input)."""


@dataclass
class Report:
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    # [{"source", "identifier", "line", "message", and for a ``problems.Problem`` "template", "params"}]
    problems: list = field(default_factory=list)
    flows: int = 0
    pledges: int = 0
    transactions: int = 0
    # The plan codes the stored activities' humanitarian scopes name: plan key → [code, activities, first ones].
    plan_scopes: dict = field(default_factory=dict)

    def problem(self, source: str, message: str, identifier: str = "", line: int = 0) -> None:
        self.problems.append(said.row(source, message, identifier, line))

    def named_plans(self, record: reader.ActivityRecord) -> None:
        for code in plans.plan_codes({"humanitarian_scopes": record.humanitarian_scopes}):
            named = self.plan_scopes.setdefault(plans.plan_key(code), [code, 0, []])
            named[1] += 1
            if len(named[2]) < plans.SHOWN_IDENTIFIERS:
                named[2].append(record.identifier)

    def unmatched_plans(self) -> list[list]:
        """[code, activities, first identifiers] of each plan named that no requirement holds, by code; one
        query for the whole run (kept as given on the activities, and linked once its requirement is stored)."""
        held = plans.held_plans(self.plan_scopes)
        return sorted((list(named) for key, named in self.plan_scopes.items() if key not in held),
                      key=lambda named: plans.plan_key(named[0]))


# The parts of an activity's data its transactions, flows and pledges are made of (``mapping.transaction_draft``,
# ``parties``, ``pledge_of``; a default currency is read into each transaction's own). When none of them changed, a
# newer file leaves the transactions and their flows as they are.
MONEY_PARTS = frozenset({"transactions", "reporting_org", "participating_orgs", "countries", "regions", "sectors",
                         "is_humanitarian", "identifier"})


def _changed(old: dict, new: dict) -> list[str]:
    return sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))


def _own_fields(record: reader.ActivityRecord) -> dict:
    """The activity's fields that come from its record alone."""
    return {"identifier": record.identifier, "titles": record.titles, "descriptions": record.descriptions,
            "status": record.status[:2], "is_regional": record.is_regional, "is_humanitarian": record.is_humanitarian,
            "gender_marker": record.gender_marker}


def _fields(record: reader.ActivityRecord, data, fingerprint: str, lookups: Lookups) -> dict:
    org = record.reporting_org
    return {**_own_fields(record), "data": data, "fingerprint": fingerprint, "source_name": lookups.source_name[:300],
            "reporting_org": lookups.organisation(org.get("ref", ""), org.get("name", ""), org.get("type", ""))}


# What ``audit.record_create`` checks of a record (``full_clean``), less what is known already of a new activity: the
# reporting organisation is read or created by the writer, ``data`` is serialised with its fingerprint, and the
# identifier's uniqueness is looked up by the batch (the database keeps it unique). The rest is checked by the reading
# process (``_prepared``).
_CHECKED_ELSEWHERE = ("reporting_org", "data", "source_name")  # the name: once per batch (``_name_errors``)


def _errors(instance, exclude) -> dict:
    # Neither uniqueness nor constraints: checking them reads the database, which the reading process must never
    # touch (a forked process shares its parent's connection). The database enforces both; a batch that fails on
    # one is stored again activity by activity, and the one refused is reported.
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


def _name_errors(source_name: str) -> dict:
    """``full_clean``'s errors for the file's name as an activity stores it (the same for each activity of it)."""
    others = [item.name for item in IatiActivity._meta.fields if item.name != "source_name"]
    return _errors(IatiActivity(source_name=source_name[:300]), others)


def store_batch(records: list[reader.ActivityRecord], lookups: Lookups) -> Written:
    """Write these valid activities (distinct identifiers) in one transaction; each created, updated or unchanged.

    An exception rolls back the whole batch (``import_source`` then stores its activities one by one).
    """
    written = Written()
    prepared = [(record, *record.prepared[:2]) for record in records]  # by the reading process (``_prepared``)
    with transaction.atomic():
        existing = {activity.identifier: activity for activity in IatiActivity.all_objects.select_for_update()
                    .filter(identifier__in=[record.identifier for record in records])}
        changed = []
        for record, data, fingerprint in prepared:
            found = existing.get(record.identifier)
            if found is not None and found.fingerprint == fingerprint:
                written.counts[record.identifier] = "unchanged"  # before any write
            else:
                changed.append((record, data, fingerprint, found))
        if not changed:
            return written
        lookups.prefetch(record for record, _data, _fingerprint, _found in changed)
        created, updated = [], []
        # ``data`` comes serialised (``rows.JsonText``): a new activity stores it as it is, an update compares it
        # with what is stored and saves it through the ORM, as a dict.
        changed = [(record, _fields(record, data if found is None else json.loads(data), fingerprint, lookups), found)
                   for record, data, fingerprint, found in changed]
        lookups.insert_created()  # the reporting organisations met for the first time, before what names them
        name_errors = _name_errors(lookups.source_name)
        for record, fields, found in changed:
            if found is None:
                errors = {**record.prepared[3], **name_errors}
                if errors:
                    raise ValidationError(errors)  # as ``full_clean`` raised it
                organisation = fields.pop("reporting_org")
                created.append((rows.new(IatiActivity, **fields,
                                         reporting_org_id=organisation.pk if organisation is not None else None),
                                record))
                continue
            parts = _changed(found.data, fields["data"])
            money_changed = bool(MONEY_PARTS.intersection(parts))
            activity = audit.record_update(
                instance=found, user=lookups.user, changes=fields, expected_version=found.version,
                reason=_("imported from %(file)s; changed: %(parts)s") % {"file": lookups.source_name,
                                                                          "parts": ", ".join(parts)})
            updated.append((activity, record, money_changed))
        if created:
            reason = _("imported from %(file)s") % {"file": lookups.source_name}
            found = control_characters(reason)  # as ``audit.services`` checks every reason it records
            if found:
                raise ValidationError({"reason": [control_characters_message(found)]})
            rows.create_with_history([activity for activity, _record in created], IatiActivity, user=lookups.user,
                                     reason=reason)
        # An activity whose money did not change (a new title, a new last-updated date) keeps its transactions and
        # flows as they are: a confirmed or validated flow stays so (replaced, it came back *reported*).
        replaced = [(activity, record) for activity, record, money_changed in updated if money_changed]
        transactions.remove([activity for activity, _record in replaced])
        transactions.write(created + replaced, lookups, written)
        written.counts.update({record.identifier: "created" for _activity, record in created})
        written.counts.update({record.identifier: "updated" for _activity, record, _money in updated})
    return written


class _Batch:
    """The activities read and not yet written, in the file's order, with the problems to report among them
    (so that the report lists every problem in the file's order, as when activities were written one by one)."""

    def __init__(self, lookups: Lookups, report: Report, name: str, progress):
        self.lookups, self.report, self.name, self.progress = lookups, report, name, progress
        self.entries: list[tuple[reader.ActivityRecord, list[str] | None]] = []
        self.identifiers: set[str] = set()
        self.transactions = 0

    def add(self, record: reader.ActivityRecord) -> None:
        if record.identifier in self.identifiers:
            self.flush()  # the second of the same identifier compares with the first, once it is written
        self.entries.append((record, None))
        self.identifiers.add(record.identifier)
        self.transactions += len(record.transactions)
        self._flush_when_full()

    def invalid(self, record: reader.ActivityRecord, problems: list[str]) -> None:
        self.entries.append((record, problems))
        self._flush_when_full()

    def _flush_when_full(self) -> None:
        if len(self.entries) >= BATCH_ACTIVITIES or self.transactions >= BATCH_TRANSACTIONS:
            self.flush()

    def flush(self) -> None:
        if not self.entries:
            return
        entries, self.entries, self.identifiers, self.transactions = self.entries, [], set(), 0
        records = [record for record, problems in entries if problems is None]
        failures = {}
        written = Written()
        if records:
            try:
                written = store_batch(records, self.lookups)
                self.lookups.keep_created()
            except Exception as error:  # which activity failed is found by storing them one by one
                self.lookups.forget_created()
                if len(records) == 1:
                    failures[records[0].identifier] = error
                else:
                    written = self._one_by_one(records, failures)
        report = self.report
        for record, problems in entries:
            if problems is not None:
                report.counts["invalid"] += 1
                for message in problems:
                    report.problem(self.name, message, record.identifier, record.line)
            elif record.identifier in failures:
                report.counts["invalid"] += 1
                report.problem(self.name, said.Problem.translated(said.NOT_STORED,
                                                                  error=str(failures[record.identifier])),
                               record.identifier, record.line)
            else:
                report.counts[written.counts[record.identifier]] += 1
                report.named_plans(record)
                for message in record.notes:  # imported, and said: a rule of IATI broken (reader.py)
                    report.problem(self.name, message, record.identifier, record.line)
        report.transactions += written.transactions
        report.flows += written.flows
        report.pledges += written.pledges
        if self.progress is not None and records:
            self.progress(entries[-1][0].read_to)

    def _one_by_one(self, records, failures: dict) -> Written:
        """After a batch failed: each activity alone, in its own transaction; the failing ones noted."""
        total = Written()
        for record in records:
            try:
                one = store_batch([record], self.lookups)
            except Exception as error:  # one activity's failure is reported, the others go on
                self.lookups.forget_created()
                failures[record.identifier] = error
                continue
            self.lookups.keep_created()
            total.counts.update(one.counts)
            total.transactions += one.transactions
            total.flows += one.flows
            total.pledges += one.pledges
        return total


@dataclass
class File:
    """One file to import: a path or a binary file object, the name its problems are reported under, and what to
    call after each batch of its activities is written."""

    source: object
    name: str
    progress: Callable[[int], None] | None = None  # given the bytes of the file read up to the batch's end


def import_source(source, *, name: str, user=None, strict: bool = False, only_region: bool = False,
                  schema=None, report: Report | None = None, progress=None) -> Report:
    """Import one file (a path or a binary file object) into ``report``; ``progress(bytes read)`` after each batch
    written.

    Raises ``ImportRefused`` when the file is refused whole: then nothing of it was written.
    """
    report = report or Report()
    # Run to the end (the reading process is then done with), and only then raise the refusal.
    refusals = [refused for _file, refused in import_files([File(source, name, progress)], user=user, strict=strict,
                                                             only_region=only_region, schema=schema, report=report)
                if refused is not None]
    if refusals:
        raise refusals[0]
    return report


def import_files(files: list[File], *, user=None, strict: bool = False, only_region: bool = False, schema=None,
                 report: Report | None = None):
    """Import ``files`` one after the other into ``report``, yielding each ``File`` once it is done with the
    ``ImportRefused`` that refused it whole (nothing of it was written), or None.

    Speed (issue 11): a second process reads the files (``stream.read_ahead_files``: parsing, checks, placing
    locations, the data and fingerprint of each activity) while this one writes, so that reading the next
    activities, and the next file, goes on while a batch is written.
    """
    report = report if report is not None else Report()
    if user is not None:
        require(user, Action.CREATE, IatiActivity())
    geometry.load_boundaries()  # once, here, rather than in each reading process
    reference = Reference.read()  # what the reading process maps with, read before it starts
    # The objects alive now (Django's, the boundaries': millions) are left out of the garbage collector's passes
    # while the import makes and drops its own (8 % of the import's time at 50 MB), in both processes.
    gc.freeze()
    items = stream.read_ahead_files([file.source for file in files], schema=schema,
                                    prepare=partial(_prepared, reference=reference))
    try:
        with closing(items):  # a caller that stops early stops the reading process
            for file in files:
                try:
                    _import_file(items, file, reference, user=user, strict=strict, only_region=only_region,
                                 report=report)
                except ImportRefused as error:
                    yield file, error
                else:
                    yield file, None
    finally:
        gc.unfreeze()


def _prepared(record: reader.ActivityRecord, reference: Reference) -> reader.ActivityRecord:
    """What ``store_batch`` needs of a valid record beside it, made in the reading process: its locations placed,
    its data as stored and its fingerprint, for each transaction its data as stored, its value in US dollars and
    its flow but the parties (``mapping.transaction_draft``), and what ``full_clean`` finds wrong with it as a new
    activity (``_CHECKED_ELSEWHERE`` aside)."""
    if not record.problems:
        place_locations(record)
        # Stored with its keys sorted, the text the fingerprint is taken of: serialised once for both. The same
        # values; on SQLite the export writes an activity's narratives and dates in that order (jsonb had its own).
        text = reader.sorted_text(record.data())
        fingerprint = reader.fingerprint_of_text(text)
        record.prepared = (rows.JsonText(text), fingerprint,
                           [(rows.json_text(transactions.transaction_data(item)),
                             *transaction_draft(record, item, position, reference))
                            for position, item in enumerate(record.transactions, start=1)],
                           _errors(IatiActivity(**_own_fields(record), fingerprint=fingerprint), _CHECKED_ELSEWHERE))
    return record


def _import_file(items, file: File, reference: Reference, *, user, strict: bool, only_region: bool,
                 report: Report) -> None:
    """Import one file's records, taken from ``items`` up to its ``stream.FileRead``."""
    name = file.name
    lookups = Lookups(user, name, reference)
    before = len(report.problems)
    # The platform's own export (``minga export iati``) holds its projects and the flows entered for them: imported,
    # they would be counted twice.
    own_ref, own = settings.MINGA_IATI_PUBLISHER_REF, 0

    def note_own() -> None:
        if own:
            report.problem(name, said.Problem.translated(said.OWN_ACTIVITIES, ref=own_ref, count=own))

    batch = _Batch(lookups, report, name, file.progress)
    try:
        # Strict: the whole file in one transaction. Otherwise one per batch of activities, so that a long
        # import never holds the database for its whole length.
        with transaction.atomic() if strict else nullcontext():
            for record in items:
                if isinstance(record, stream.FileRead):
                    end = record
                    break
                report.counts["read"] += 1
                if record.problems:
                    batch.invalid(record, record.problems)
                    if strict:
                        batch.flush()  # the file is refused: report the problem, write nothing more
                    continue
                if record.reporting_org.get("ref") == own_ref:
                    report.counts["skipped"] += 1
                    own += 1
                    continue
                if only_region and not touches_region(record, lookups.members):
                    report.counts["skipped"] += 1
                    continue
                if strict and len(report.problems) > before:
                    continue  # refused below: no point writing what is rolled back
                batch.add(record)
            else:  # the reading process sends each file's end, or raises why it could not
                raise RuntimeError(f"{name}: the reading process ended before the file's end")
            batch.flush()  # before a refusal too: the activities read before the broken part were whole
            if end.refused is not None:
                raise end.refused
            for line, message in end.problems:
                report.problem(name, message, line=line)
            if strict and len(report.problems) > before:
                raise ImportRefused(_("%(file)s: %(count)s problems; with --strict nothing of the file was imported")
                                    % {"file": name, "count": len(report.problems) - before})
            note_own()  # skipped, not wrong: no problem that --strict refuses a file for
    except stream.DocumentRefused as error:
        note_own()
        report.problem(name, error.args[0] if error.args else str(error))
        raise ImportRefused(f"{name}: {error}") from None
    finally:
        bump(FINANCE, PORTFOLIO)
