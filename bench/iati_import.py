"""IATI import against its floor: bare lxml iterparse over a corpus, Minga's import, iatikit, peak memory.

Builds a corpus of at least ``--megabytes`` (default 200) from the shared activity files
(../shared/data/iati/activities/), each copy with its own identifiers (``-c<N>`` appended to every
``iati-identifier``), then prints in one run: the bare iterparse time (read every element, clear as
it goes: the floor), Minga's import time into the scratch database (SQLite in a file; PostgreSQL with
DATABASE_URL, e.g. under scripts/with-postgres.sh), iatikit's time to read the corpus and total its
transactions (when the optional ``bench`` extra is installed; else "not installed"), and the import's
peak memory (ru_maxrss of this process, which did nothing bigger before, and of the process that reads the files
beside it).

    .venv/bin/python bench/iati_import.py [--megabytes 200] [--profile FILE]
    scripts/with-postgres.sh .venv/bin/python bench/iati_import.py
"""

import argparse
import cProfile
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
    started = time.perf_counter()
    total = 0
    for path in files:
        dataset = iatikit.Dataset(str(path))
        for activity in dataset.activities:  # iatikit's Activity gives the element; transactions are read from it
            for value in activity.etree.xpath("transaction/value/text()"):
                total += float(value)
    return f"{time.perf_counter() - started:.1f} s (total {total:,.0f})"


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
        print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
              f"of the reading process: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
        print(f"iatikit read and total: {iatikit_total(files)}")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
