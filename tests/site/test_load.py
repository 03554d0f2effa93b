"""The load test's short form (the full form, 50 readers and 10 writers for two minutes, is bench/load.py).

A production deployment of the demo served by gunicorn, as ``minga serve`` starts it (on PostgreSQL when the
suite runs there), takes readers and API writers at once for a few seconds: no request fails, every kind of
request was made. The figures belong to the benchmark, not to this test.
"""

import argparse
import re

import load  # bench/, on the path by tests/site/conftest.py


def test_gunicorn_serves_readers_and_writers_at_once_without_a_failed_request(deployed, tmp_path, capsys):
    arguments = argparse.Namespace(readers=6, writers=2, seconds=8, workers=2)
    assert load.measure(deployed, arguments, tmp_path) == 0
    printed = capsys.readouterr().out
    rows = dict(re.findall(r"^(public pages|public API reads|API writes|static file \(reference\))\s+(\d+)\s+0\s",
                           printed, re.MULTILINE))
    assert set(rows) == {"public pages", "public API reads", "API writes", "static file (reference)"}, printed
    assert all(int(count) > 0 for count in rows.values()), printed
    assert "failed requests: 0" in printed
