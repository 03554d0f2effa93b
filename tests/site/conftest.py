"""One scratch production deployment (its own database, the demo data), shared by the tests that serve it
with gunicorn: the multi-process test and the load test's short form. Built once, only when asked for."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from deployment import deployment, drop_database, set_up_with_demo


@pytest.fixture(scope="session")
def deployed(tmp_path_factory):
    environment = {}
    try:
        environment = deployment(tmp_path_factory.mktemp("deployment"))
        set_up_with_demo(environment)
        yield environment
    finally:
        drop_database(environment)
