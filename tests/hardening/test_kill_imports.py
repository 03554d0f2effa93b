"""Issue 15, item 3: an import killed with SIGKILL at a random point, then run again, ends in exactly the
state of one clean run — for ``minga import iati|fts|hxl|hsds`` and the portfolio's bulk XLSX import, on
SQLite and (under ``scripts/with-postgres.sh``) PostgreSQL.

Each importer runs in a subprocess against its own copy of a demo database. The kill points are real
timing, chosen by seeds: the harness waits until the import has committed a seeded number of units (the
importers that commit as they go: a unit, or a batch of units, per transaction) or holds its write
transaction open (the all-or-nothing ones), waits a further seeded few milliseconds, and sends SIGKILL. It then checks that the kill landed
mid-import (the process was still running; some but not all units stored, or for an all-or-nothing import,
none or all), runs the same import to completion and compares a canonical dump of the whole database
(``tests.hardening.dump``: rows and values, without autoincrement ids and timestamps) with the dump after one
clean run.

The CI form kills each importer at 2 points. ``MINGA_KILL_POINTS=10 pytest tests/hardening`` (or
``bench/kill_imports.sh``) is the longer form; ``MINGA_KILL_SEED`` changes the seeds.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening.databases import ROOT, Databases, run

SHARED = ROOT.parent / "shared" / "data"
pytestmark = [pytest.mark.kill,
              pytest.mark.skipif(not (SHARED / "iati").is_dir(), reason="../shared/data is not beside the repository")]
POINTS = int(os.environ.get("MINGA_KILL_POINTS", "2"))
SEED = int(os.environ.get("MINGA_KILL_SEED", "15"))
MINGA = [str(Path(sys.executable).parent / "minga")]


@dataclass
class Importer:
    name: str
    argv: list[str]
    table: str  # where its units are stored, counted from outside
    atomic: bool  # all or nothing (one transaction), rather than one transaction per unit


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("kill"))
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def inputs(databases, tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    env = databases.env(databases.fresh())
    run([sys.executable, "-m", "tests.hardening.drivers", "bulk-file", str(folder / "projects.xlsx"), "secretaria",
         "60"], env)
    run([sys.executable, "-m", "tests.hardening.drivers", "hsds-package", str(folder / "hsds"), "40"], env)
    return folder


def importers(inputs: Path) -> dict[str, Importer]:
    fts = SHARED / "fts"
    return {
        # Two files of 417 activities: the import commits a batch of activities at a time (issue 11), and it
        # must still be running some while after the kill point for the kill to land mid-import.
        "iati": Importer("iati", [*MINGA, "import", "iati", *(str(SHARED / "iati" / "activities" / name)
                                                              for name in ("usaid-ec.xml", "usaid-ve.xml")),
                                  "--no-progress"], "exchange_iatiactivity", atomic=False),
        "fts": Importer("fts", [*MINGA, "import", "fts", str(fts / "custom-search-locationid-171-year-2020.json"),
                                "--as-user", "secretaria"], "exchange_ftsflow", atomic=False),
        "hxl": Importer("hxl", [*MINGA, "import", "hxl", str(SHARED / "hxl" / "fts_incoming_funding_pse.csv"),
                                "--as-user", "secretaria"], "exchange_ftsflow", atomic=True),
        "hsds": Importer("hsds", [*MINGA, "import", "hsds", str(inputs / "hsds"), "--language", "en",
                                  "--default-type", "psychosocial", "--default-population", "everyone"],
                         "services_service", atomic=False),
        "bulk-xlsx": Importer("bulk-xlsx", [sys.executable, "-m", "tests.hardening.drivers", "bulk",
                                            str(inputs / "projects.xlsx"), "secretaria"], "portfolio_project",
                              atomic=True),
    }


def dump(databases: Databases, url: str) -> dict[str, list[str]]:
    done = run([sys.executable, "-m", "tests.hardening.dump"], databases.env(url))
    return json.loads(done.stdout)


def differences(expected: dict, found: dict) -> list[str]:
    lines = []
    for table in sorted(set(expected) | set(found)):
        missing = Counter(expected.get(table, [])) - Counter(found.get(table, []))
        extra = Counter(found.get(table, [])) - Counter(expected.get(table, []))
        if missing or extra:
            lines.append(f"{table}: {sum(missing.values())} rows missing, {sum(extra.values())} extra; "
                         f"e.g. missing {next(iter(missing), '')[:300]} extra {next(iter(extra), '')[:300]}")
    return lines


def kill_at(databases: Databases, url: str, importer: Importer, *, units: int, delay: float) -> tuple[int, str]:
    """Start the import, wait for the kill point, SIGKILL it; the exit status and what it printed."""
    process = subprocess.Popen(importer.argv, env=databases.env(url), cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 600
        while process.poll() is None and time.monotonic() < deadline:
            if importer.atomic and databases.writing(url):
                break
            if not importer.atomic and databases.count(url, importer.table) >= units:
                break
            time.sleep(0.005)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    finally:
        output, _ = process.communicate(timeout=120)
    return process.returncode, output


@pytest.mark.parametrize("name", ["iati", "fts", "hxl", "hsds", "bulk-xlsx"])
def test_an_import_killed_at_random_points_then_run_again_ends_as_one_clean_run(databases, inputs, name):
    importer = importers(inputs)[name]
    clean_url = databases.fresh()
    before = databases.count(clean_url, importer.table)
    clean = run(importer.argv, databases.env(clean_url), check=False)
    assert clean.returncode in (0, 1), clean.stdout + clean.stderr
    total = databases.count(clean_url, importer.table) - before
    assert total >= 10, f"{name}: a clean run stored {total} units; the harness needs more to kill in between"
    expected = dump(databases, clean_url)

    chance = random.Random(f"{SEED}:{name}")
    for point in range(POINTS):
        url = databases.fresh()
        # The first half: an importer that commits a batch at a time must still have a batch or more to write
        # when the seeded delay ends (IATI's last batch of 67 activities outran a point at 299 of 417 in CI).
        units = before + chance.randint(1, max(1, total // 2))
        status, output = kill_at(databases, url, importer, units=units, delay=chance.uniform(0, 0.05))
        stored = databases.count(url, importer.table) - before
        where = f"{name}, kill point {point} (after {units - before} units): stored {stored} of {total}"
        assert status == -signal.SIGKILL, f"{where}: the import ended by itself ({status}) before the kill:\n{output}"
        if importer.atomic:
            assert stored in (0, total), f"{where}: an all-or-nothing import left part of its rows"
        else:
            assert 0 < stored < total, f"{where}: the kill did not land mid-import"

        again = run(importer.argv, databases.env(url), check=False)
        assert again.returncode == clean.returncode or stored == total, again.stdout + again.stderr
        found = dump(databases, url)
        assert found == expected, f"{where}: after the re-run the database differs from one clean run:\n" + \
            "\n".join(differences(expected, found))
