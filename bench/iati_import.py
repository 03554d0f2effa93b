"""IATI import against its floor: bare lxml iterparse over a corpus, Minga's import, iatikit, peak memory.

Builds a corpus of at least ``--megabytes`` (default 200) from the shared activity files
(../shared/data/iati/activities/), each copy with its own identifiers (``-c<N>`` appended to every
``iati-identifier``), then prints in one run: the bare iterparse time (read every element, clear as
it goes: the floor), Minga's import time into the scratch database (SQLite in a file; PostgreSQL with
DATABASE_URL, e.g. under scripts/with-postgres.sh), iatikit's time to read the corpus and total its
transactions (when the optional ``bench`` extra is installed; else "not installed"), and the import's
peak memory (ru_maxrss of this process, which did nothing bigger before, and of the process that reads the files
beside it).

It also prints two shares of the import, each alone: Minga's reading (parsing, checking, building and preparing
the records, in one process, without the database), and the database's own share, a second floor: the time the
database takes to insert the very rows the import stored (every table it added rows to, each row with its
indexes, constraints and history), by ``INSERT INTO t SELECT`` from a copy, in one transaction, with no client,
no Python and no JSON to parse. Parsing and storing cannot take less than the larger of the two floors (their
sum, on one core).

    .venv/bin/python bench/iati_import.py [--megabytes 200] [--profile FILE]
    scripts/with-postgres.sh .venv/bin/python bench/iati_import.py
"""

import argparse
import cProfile
import logging
import pstats
import resource
import shutil
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from scratch import ROOT, scratch_database

SHARED = ROOT.parent / "shared" / "data" / "iati" / "activities"
SKIP = {"dportal-covid-messy.xml"}  # schema-invalid on purpose: the corpus is of valid files


def build_corpus(folder: Path, megabytes: int) -> list[Path]:
    sources = [path for path in sorted(SHARED.glob("*.xml")) if path.name not in SKIP]
    texts = [(path.stem, path.read_bytes()) for path in sources]
    files, size, copy = [], 0, 0
    while size < megabytes * 1024 * 1024:
        copy += 1
        for stem, text in texts:
            target = folder / f"{stem}-c{copy}.xml"
            target.write_bytes(text.replace(b"</iati-identifier>", f"-c{copy}</iati-identifier>".encode()))
            files.append(target)
            size += target.stat().st_size
    return files


def bare_iterparse(files) -> float:
    from lxml import etree

    started = time.perf_counter()
    for path in files:
        for _event, element in etree.iterparse(str(path), events=("end",), resolve_entities=False, no_network=True,
                                               load_dtd=False, huge_tree=False):
            if element.tag == "iati-activity":
                element.clear()
                parent = element.getparent()
                while element.getprevious() is not None:
                    del parent[0]
    return time.perf_counter() - started


def iatikit_total(files) -> str:
    try:
        import iatikit
    except ImportError:
        return "not installed (pip install -e '.[bench]')"
    # Each file is given bare, as an analyst's download is: iatikit warns once per file that no registry
    # metadata came with it, 280 lines that would bury the figures.
    logging.getLogger("iatikit.data.dataset").setLevel(logging.ERROR)
    started = time.perf_counter()
    total = 0
    for path in files:
        dataset = iatikit.Dataset(str(path))
        for activity in dataset.activities:  # iatikit's Activity gives the element; transactions are read from it
            for value in activity.etree.xpath("transaction/value/text()"):
                total += float(value)
    return f"{time.perf_counter() - started:.1f} s (total {total:,.0f})"


def read_alone(files) -> float:
    """Seconds Minga's reader takes over the corpus (what the import's reading process does), in this process."""
    from functools import partial

    from minga.common import read_ahead
    from minga.exchange.iati import importer, stream
    from minga.exchange.iati.mapping import Reference
    from minga.reference import geometry

    geometry.load_boundaries()  # as the import does before it reads
    prepare = partial(importer._prepared, reference=Reference.read())
    can_fork, read_ahead.can_fork = read_ahead.can_fork, lambda: False
    try:
        started = time.perf_counter()
        for _item in stream.read_ahead_files(files, schema=None, prepare=prepare):
            pass
        return time.perf_counter() - started
    finally:
        read_ahead.can_fork = can_fork


def row_counts() -> dict:
    """Rows per table of every model (the tables the import adds to are those that grow)."""
    from django.apps import apps

    return {model._meta.db_table: model._base_manager.count() for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy}


def storage_floor(connection, before: dict) -> tuple[float, int]:
    """Seconds the database takes to insert again the rows the import added (see the module's docstring) and
    commit them, and how many rows: each grown table copied aside, emptied and filled again from its copy,
    parents before children, in one transaction (the foreign keys are checked by its commit, which is timed)."""
    from django.apps import apps
    from django.db import transaction

    grown = {table for table, count in row_counts().items() if count > before.get(table, 0)}
    order = [model._meta.db_table for model in _parents_first(apps.get_models()) if model._meta.db_table in grown]
    quote = connection.ops.quote_name
    rows = 0
    with connection.cursor() as cursor:
        with transaction.atomic():
            for table in order:
                cursor.execute(f"CREATE TEMPORARY TABLE {quote('copy_' + table)} AS SELECT * FROM {quote(table)}")  # noqa: S608
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
                rows += cursor.fetchone()[0]
        with transaction.atomic():
            for table in reversed(order):
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
            started = time.perf_counter()
            for table in order:
                cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote('copy_' + table)}")  # noqa: S608
        took = time.perf_counter() - started
        for table in order:
            cursor.execute(f"DROP TABLE {quote('copy_' + table)}")
    return took, rows


def _parents_first(models) -> list:
    """Models ordered so that each comes after the models its foreign keys point to (cycles broken anywhere)."""
    models, done, order = list(models), set(), []

    def visit(model, path=()):
        if model in done or model in path:
            return
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not None and field.related_model is not model:
                visit(field.related_model, (*path, model))
        done.add(model)
        order.append(model)

    for model in models:
        visit(model)
    return order


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--no-import", action="store_true", help="only the floor and iatikit (a quick look)")
    parser.add_argument("--profile", metavar="FILE", help="profile the import (cProfile stats to FILE) and print "
                        "its top 25 functions by cumulative time")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="minga-iati-corpus-"))
    try:
        files = build_corpus(folder, args.megabytes)
        size = sum(path.stat().st_size for path in files) / 1024 / 1024
        print(f"corpus: {len(files)} files, {size:.0f} MB")
        floor = bare_iterparse(files)
        print(f"bare lxml iterparse: {floor:.1f} s")
        with (nullcontext() if args.no_import else scratch_database()) as connection:
            if args.no_import:
                print(f"iatikit read and total: {iatikit_total(files)}")
                return
            from minga.exchange.iati import importer

            before = row_counts()
            report = importer.Report()
            profiler = cProfile.Profile() if args.profile else None
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            # As ``minga import iati FILE...`` imports them: one reading process for the files, read while written.
            for _file, refused in importer.import_files([importer.File(path, path.name) for path in files],
                                                        report=report):
                assert refused is None, refused
            if profiler is not None:
                profiler.disable()
            took = time.perf_counter() - started
            if profiler is not None:
                profiler.dump_stats(args.profile)
                pstats.Stats(args.profile).sort_stats("cumulative").print_stats(25)
            print(f"Minga import ({connection.vendor}): {took:.1f} s, {took / floor:.1f}× the floor; "
                  f"{report.counts['created']} activities, {report.transactions} transactions, {report.flows} flows")
            stored, rows = storage_floor(connection, before)
            print(f"the database alone inserting the {rows:,} rows stored: {stored:.1f} s, {stored / floor:.1f}× the "
                  f"parse floor, {took / stored:.1f}× less than the import")
            reading = read_alone(files)  # after the import, which it must not warm up
            print(f"Minga reading alone (no database, one process): {reading:.1f} s, {reading / floor:.1f}× the floor")
        print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
              f"of the reading process: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
        print(f"iatikit read and total: {iatikit_total(files)}")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
