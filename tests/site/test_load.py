"""The load test's short form (the full form, 50 readers and 10 writers for two minutes, is bench/load.py).

A production deployment of the demo served by gunicorn, as ``minga serve`` starts it (on PostgreSQL when the
suite runs there), takes readers and writers at once for a few seconds: no request fails. The figures belong
to the benchmark, not to this test.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_serves_readers_and_writers_at_once_without_a_failed_request():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--readers", "6", "--writers", "2", "--seconds", "8",
         "--workers", "2"],
        capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    rows = dict(re.findall(r"^(public pages|API writes|static file \(reference\))\s+(\d+)\s+0\s", result.stdout, re.M))
    assert set(rows) == {"public pages", "API writes", "static file (reference)"}, result.stdout
    assert all(int(count) > 0 for count in rows.values()), result.stdout
    assert "failed requests: 0" in result.stdout
