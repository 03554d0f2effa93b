"""bench/dashboard.py runs end to end at a tiny size, so that it cannot rot (its timings are not checked here)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_dashboard_benchmark_runs_with_a_few_flows():
    done = subprocess.run(
        [sys.executable, "bench/dashboard.py", "--flows", "400", "--projects", "0", "--donors", "5", "--repeat", "1",
         "--writes", "1", "--report-reference"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith(("sqlite:", "postgresql:", "dashboard",
                                                                             "a new flow", "target"))]
    assert lines[0].split(":", 1)[1].startswith(" 40")  # the 400 generated flows (and the demo's)
    assert "flows from 5 donors over 0 projects" in lines[0]
    assert lines[1].startswith("dashboard (all its queries) per filter, median ms: none ")
    assert lines[2].startswith("dashboard over 8 requests: median ")
    assert "plain GROUP BY of the flows" in lines[2]
    # the new flow was found on the public dashboard, to the cent (the benchmark asserts it)
    assert lines[3].startswith("a new flow, recorded and validated through the services, shows on the public dashboard")
    assert lines[4].startswith("target p95 < 150 ms and fresh < 1000 ms: ")
    report = [line for line in done.stdout.splitlines() if line.startswith("report funding per dimension")]
    assert len(report) == 1
    assert [part.split(" ")[0] for part in report[0].split(": ", 1)[1].split("; ")] == [
        "country", "subdivision", "donor", "conference", "theme", "year"]
    # the four dimensions the aggregate query answers, beside the Python path they replaced: the same rows
    reference = [line for line in done.stdout.splitlines() if line.startswith("  reference funding_rows by ")]
    assert [line.split()[3] for line in reference] == ["subdivision", "conference", "theme", "year"]
    assert all(line.endswith("same rows: yes") for line in reference), reference
