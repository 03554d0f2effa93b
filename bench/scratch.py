"""The scratch database every benchmark runs in: a temporary folder, SQLite in a file as in production
(PostgreSQL when DATABASE_URL is set), migrated by Django's test set-up and removed afterwards."""

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


@contextmanager
def scratch_database():
    """Yield the database connection of a fresh, migrated scratch database."""
    scratch = tempfile.mkdtemp(prefix="minga-bench-")
    os.environ.setdefault("MINGA_VAR_DIR", scratch)
    os.environ["DJANGO_SETTINGS_MODULE"] = "minga.settings"
    import django
    from django.conf import settings

    if not os.environ.get("DATABASE_URL"):
        # A database file as in production (the test runner's default would be in memory).
        settings.DATABASES["default"]["TEST"] = {"NAME": str(Path(scratch) / "bench.sqlite3")}
    # Pages rendered by a benchmark need no collected (hashed) static files.
    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    old_config = setup_databases(verbosity=0, interactive=False)  # creates and migrates it
    try:
        yield connection
    finally:
        teardown_databases(old_config, verbosity=0)
