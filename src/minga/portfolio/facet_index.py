"""The catalogue's facet index: each facet value of the portfolio as a bitset of projects, in memory.

Counts of a result set are one AND and one popcount per value; filters are ANDs and ORs of the same
bitsets; free text is matched against each project's distinct words (the same answer as
``search_text LIKE '%word%'``); each sort in use is an ordered list. Who may see what stays with the
permission module, and writes stay in the database: each search dates the data, re-reads what
changed since its last look (``OVERLAP`` earlier, since ``updated_at`` is set before a commit) and
reconciles every stamp each ``RECONCILE_SECONDS``. One index per process (``INDEX``), built when a
gunicorn worker starts. Why and how, with figures: docs/benchmarks.md ("a facet index in memory").

It is an option, not the pattern: with ``MINGA_CATALOGUE_INDEX=sql`` the catalogue asks
``selectors.facet_counts`` instead, which answers the same ``Found`` in plain SQL and holds nothing.
New modules start there, with database indexes, and come here only when a benchmark says so.
"""

import threading
import time
from bisect import bisect_left, insort
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR

from django.db import connection
from django.db.models import QuerySet

from minga.common.text import normalise_text
from minga.portfolio import facet_entries as read
from minga.portfolio.facet_entries import Entry

OVERLAP = timedelta(seconds=60)  # how far before its last look the index re-reads changes
RECONCILE_SECONDS = 300  # how often every project's stamp is compared
REBUILD_SHARE = 0.25  # past this share of projects changed, the index is built again rather than patched
COUNTED = frozenset({"status", "organisation_type", "gap_range", "converted", "not_converted", "country",
                     "subdivision", "term", "marker", "group"})
MONEY = ("requested", "secured", "gap")
# The filter whose values each counted facet shows (a term's is its vocabulary's: axis or line); the totals
# ("converted", "not_converted") have none, so they count the result itself.
FACET_FILTER = {"status": "status", "organisation_type": "organisation_type", "gap_range": "gap",
                "country": "country", "subdivision": "subdivision", "marker": "marker", "group": "group"}
VISIBLE_SETS_KEPT = 32  # visibility querysets (one per scope of reader) whose keys are kept
WORDS_KEPT = 256  # searched words whose projects are kept (and followed through changes)
SPARSE = 20  # a result smaller than 1/SPARSE of the portfolio is sorted, a larger one read off the sort's list

# The positions of the set bits of each byte value, for reading a bitset back as project keys.
_BYTE_BITS = tuple(tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256))


def bits_of(keys) -> int:
    """A bitset with the bits of ``keys`` set."""
    keys = list(keys)
    if not keys:
        return 0
    buffer = bytearray((max(keys) >> 3) + 1)
    for key in keys:
        buffer[key >> 3] |= 1 << (key & 7)
    return int.from_bytes(buffer, "little")


def members(bits: int) -> list[int]:
    """The keys of a bitset's set bits, ascending."""
    found: list[int] = []
    for position, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        if byte:
            base = position * 8
            found.extend([base + bit for bit in _BYTE_BITS[byte]])
    return found


@dataclass
class VisibleSet:
    """The keys a visibility queryset gives, and those changed since they were read (looked at again when used)."""

    queryset: QuerySet
    bits: int
    pending: set[int]


@dataclass
class Found:
    """One search: how many match, the facet counts and USD sums (in cents) over them, and one page of keys."""

    total: int
    counts: dict[str, dict[str, int]]
    sums: dict[str, int]
    page: list[int]


class FacetIndex:
    def __init__(self):
        self._lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        """Drop everything; the next search builds the index again."""
        self.builds = 0  # complete builds, for the tests and the benchmark
        self._clear()

    def _clear(self) -> None:
        self.entries: dict[int, Entry] | None = None
        self.sets: dict[tuple[str, str], int] = {}
        # Of live projects, by key: what the searches read for every member of a result.
        self.tokens: dict[int, str] = {}
        self.money: dict[str, dict[int, int]] = {name: {} for name in MONEY}  # cents; 0 where empty, as SUM reads
        self.orders: dict[tuple, list[tuple[tuple, int]]] = {}  # (sort key, pk) ascending, per sort in use
        self.words: OrderedDict[str, int] = OrderedDict()  # searched words: the live projects whose text has them
        self.organisation_types: dict[int, str] = {}
        self.data_key: tuple | None = None
        self.reconciled_at = 0.0
        self._visible: OrderedDict[tuple, VisibleSet] = OrderedDict()

    # --- Following the data ----------------------------------------------------------------------------------------

    def refresh(self) -> None:
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        key = read.data_key()
        now = time.monotonic()
        if self.entries is None:
            self._build(key, now)
            return
        due = now - self.reconciled_at >= RECONCILE_SECONDS
        if key == self.data_key and not due:
            return
        if key[2:] != self.data_key[2:]:
            self._retype_organisations()
            self._visible.clear()  # a scope may name organisations
        previous_latest = self.data_key[1]
        # Every stamp when due, or when the latest change went back in time (a deletion from the table);
        # otherwise those of the projects changed since the last look.
        full = due or previous_latest is None or key[1] is None or key[1] < previous_latest
        while True:
            if full:
                stamped = read.stamps()
                gone = set(self.entries) - set(stamped)
                self.reconciled_at = now
            else:
                stamped, gone = read.stamps(since=previous_latest - OVERLAP), set()
            changed = [pk for pk, stamp in stamped.items()
                       if (entry := self.entries.get(pk)) is None or entry.stamp != stamp]
            if len(changed) + len(gone) > REBUILD_SHARE * max(len(self.entries), 1):
                self._build(key, now)
                return
            self._patch(read.load(changed, self.organisation_types) if changed else {}, [*changed, *gone])
            # A project removed from the table behind the window leaves more entries than rows: look at all.
            if full or len(self.entries) == key[0]:
                break
            full = True
        self.data_key = key

    def _build(self, key: tuple, now: float) -> None:
        self._clear()
        self.organisation_types = read.organisation_types()
        self.entries = read.load(None, self.organisation_types)
        keyed: dict[tuple[str, str], list[int]] = {}
        for pk, entry in self.entries.items():
            for facet_value in entry.keys:
                keyed.setdefault(facet_value, []).append(pk)
            self._keep_columns(pk, entry)
        self.sets = {facet_value: bits_of(keys) for facet_value, keys in keyed.items()}
        self.data_key, self.reconciled_at = key, now
        self.builds += 1

    def _patch(self, fresh: dict[int, Entry], keys: list[int]) -> None:
        """Take out the projects ``keys`` and put in their ``fresh`` entries (a project gone has none)."""
        for pk in keys:
            self._take_out(pk)
            if (entry := fresh.get(pk)) is not None:
                self._put_in(pk, entry)
        for found in self._visible.values():
            found.pending.update(keys)

    def _put_in(self, pk: int, entry: Entry) -> None:
        self.entries[pk] = entry
        bit = 1 << pk
        for facet_value in entry.keys:
            self.sets[facet_value] = self.sets.get(facet_value, 0) | bit
        self._keep_columns(pk, entry)
        if entry.live:
            for order, ranked in self.orders.items():
                insort(ranked, (entry.sort_key(pk, order), pk))
            for word in self.words:
                if word in entry.tokens:
                    self.words[word] |= bit

    def _take_out(self, pk: int) -> None:
        entry = self.entries.pop(pk, None)
        if entry is None:
            return
        mask = ~(1 << pk)
        for facet_value in entry.keys:
            self.sets[facet_value] &= mask
        if entry.live:
            del self.tokens[pk]
            for column in self.money.values():
                del column[pk]
            for order, ranked in self.orders.items():
                del ranked[bisect_left(ranked, (entry.sort_key(pk, order), pk))]
            for word in self.words:
                self.words[word] &= mask

    def _keep_columns(self, pk: int, entry: Entry) -> None:
        if entry.live:
            self.tokens[pk] = entry.tokens
            for name in MONEY:
                self.money[name][pk] = getattr(entry, name) or 0

    def _retype_organisations(self) -> None:
        """An organisation's type changed (no project did): its projects move to the new type."""
        self.organisation_types = read.organisation_types()
        for pk, entry in list(self.entries.items()):
            keys = read.with_organisation_type(entry, self.organisation_types)
            if keys != entry.keys:
                self._take_out(pk)
                entry.keys = keys
                self._put_in(pk, entry)

    # --- Searching ------------------------------------------------------------------------------------------------

    def search(self, visible: QuerySet, filters, *, order: list[tuple[str, bool]], offset: int,
               limit: int) -> Found:
        """The projects of ``visible`` that pass ``filters`` (a ``selectors.ProjectFilters``), counted and paged.

        ``order`` is the sort as (field, descending) pairs; empty values sort last either way. Each facet's
        values are counted without that facet's own filter (faceted-search convention: how many results
        ticking the value would give), with every other filter; the totals and sums are of the result.
        """
        with self._lock:
            self._refresh()
            base = self._visible_bits(visible) & self.sets.get(("live", ""), 0)
            if filters.q:
                base = self._containing(base, normalise_text(filters.q).split())
            pieces, vocabularies = self._pieces(filters, base)
            matching = base
            for bits in pieces.values():
                matching &= bits
            without = {group: self._without(base, pieces, group) for group in pieces}
            counts: dict[str, dict[str, int]] = {}
            for (facet, value), bits in self.sets.items():
                if facet not in COUNTED:
                    continue
                group = vocabularies.get(value, "") if facet == "term" else FACET_FILTER.get(facet, "")
                if n := (without.get(group, matching) & bits).bit_count():
                    counts.setdefault(facet, {})[value] = n
            converted = members(matching & self.sets.get(("converted", ""), 0))
            sums = {name: sum(map(self.money[name].__getitem__, converted)) for name in MONEY}
            return Found(total=matching.bit_count(), counts=counts, sums=sums,
                         page=self._page(matching, tuple(order), offset, limit))

    @staticmethod
    def _without(base: int, pieces: dict[str, int], left_out: str) -> int:
        found = base
        for group, bits in pieces.items():
            if group != left_out:
                found &= bits
        return found

    def _visible_bits(self, visible: QuerySet) -> int:
        """The keys of ``visible``: read whole once, then only those of the projects changed since."""
        visible = visible.order_by()
        sql, params = visible.values("pk").query.get_compiler(using=visible.db).as_sql()
        key = (sql, tuple(params))
        found = self._visible.get(key)
        if found is None or len(found.pending) > read.CHUNK:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                found = self._visible[key] = VisibleSet(visible, bits_of([pk for (pk,) in cursor.fetchall()]), set())
            if len(self._visible) > VISIBLE_SETS_KEPT:
                self._visible.popitem(last=False)
        elif found.pending:
            pending = list(found.pending)
            seen = set(visible.filter(pk__in=pending).values_list("pk", flat=True))
            for pk in pending:
                found.bits = found.bits | (1 << pk) if pk in seen else found.bits & ~(1 << pk)
            found.pending.clear()
        self._visible.move_to_end(key)
        return found.bits

    def _pieces(self, filters, base: int) -> tuple[dict[str, int], dict[str, str]]:
        """Each given filter as the bitset of the live projects that pass it (the same rules as
        selectors.filtered), keyed by its filter's name; and, when a theme filter is given, the filter
        (axis or line) each term key belongs to."""
        vocabularies: dict[str, str] = {}
        if filters.axis or filters.line:
            vocabularies = read.term_filters()
        chosen = [(group, facet, values) for group, facet, values, given in (
            ("country", "country", [c.upper() for c in filters.country], filters.country),
            ("subdivision", "subdivision", [s.upper() for s in filters.subdivision], filters.subdivision),
            ("axis", "term", [pk for pk, (group, code) in vocabularies.items()
                              if group == "axis" and code in filters.axis], filters.axis),
            ("line", "term", [pk for pk, (group, code) in vocabularies.items()
                              if group == "line" and code in filters.line], filters.line),
            ("marker", "marker", filters.marker, filters.marker),
            ("group", "group", filters.group, filters.group),
            ("status", "status", filters.status, filters.status),
            ("organisation_type", "organisation_type", filters.organisation_type, filters.organisation_type),
            ("proposer_country", "proposer_country", [c.upper() for c in filters.proposer_country],
             filters.proposer_country),
        ) if given]
        pieces: dict[str, int] = {}
        for group, facet, values in chosen:
            either = 0
            for value in values:
                either |= self.sets.get((facet, str(value)), 0)
            pieces[group] = either
        if filters.gap_min is not None or filters.gap_max is not None:
            low = None if filters.gap_min is None else int((filters.gap_min * 100).to_integral_value(ROUND_CEILING))
            high = None if filters.gap_max is None else int((filters.gap_max * 100).to_integral_value(ROUND_FLOOR))
            pieces["gap"] = self._gaps_between(base, low, high)
        return pieces, {pk: group for pk, (group, _code) in vocabularies.items()}

    def _gaps_between(self, base: int, low: int | None, high: int | None) -> int:
        """The projects of ``base`` whose gap (cents) is within [low, high]: the gap ranges wholly inside are
        taken whole, only the projects of the ranges it cuts are looked at one by one. Counted over every
        project the other filters would leave, not only over the result (the gap ranges' own counts)."""
        found = 0
        entries = self.entries
        for position, (start, end) in enumerate(read.GAP_RANGES):
            bits = base & self.sets.get(("gap_range", str(position)), 0)
            first = None if start is None else start * 100
            last = None if end is None else end * 100 - 1
            if (low is None or (first is not None and first >= low)) and (high is None or (last is not None
                                                                                         and last <= high)):
                found |= bits
            elif (low is None or last is None or last >= low) and (high is None or first is None or first <= high):
                found |= bits_of(pk for pk in members(bits) if (low is None or entries[pk].gap >= low)
                                 and (high is None or entries[pk].gap <= high))
        return found

    def _containing(self, matching: int, words: list[str]) -> int:
        for word in words:
            bits = self.words.get(word)
            if bits is None:
                bits = bits_of(pk for pk, tokens in self.tokens.items() if word in tokens)
                self.words[word] = bits
                if len(self.words) > WORDS_KEPT:
                    self.words.popitem(last=False)
            else:
                self.words.move_to_end(word)
            matching &= bits
        return matching

    def _page(self, matching: int, order: tuple, offset: int, limit: int) -> list[int]:
        """The members of ``matching`` from ``offset`` on, ``limit`` of them, in ``order``: a few are sorted; of
        many, the sort's list of every project is walked until the page is full."""
        count = matching.bit_count()
        if count * SPARSE < len(self.tokens):
            entries = self.entries
            return sorted(members(matching), key=lambda pk: entries[pk].sort_key(pk, order))[offset:offset + limit]
        ranked = self.orders.get(order)
        if ranked is None:
            ranked = self.orders[order] = sorted((entry.sort_key(pk, order), pk)
                                                 for pk, entry in self.entries.items() if entry.live)
        flags = matching.to_bytes((matching.bit_length() + 7) // 8, "little")
        size, page, skip = len(flags), [], offset
        for _key, pk in ranked:
            position = pk >> 3
            if position < size and flags[position] >> (pk & 7) & 1:
                if skip:
                    skip -= 1
                    continue
                page.append(pk)
                if len(page) == limit:
                    break
        return page


INDEX = FacetIndex()
