"""Fixtures of the upload tests (test_uploads.py and what only one kind does, test_iati_upload.py and
test_fts_upload.py)."""

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def import_dir(settings, tmp_path):
    """MINGA_IMPORT_DIR, in the test's own folder: an upload's file is kept there until its run ends."""
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    return settings.MINGA_IMPORT_DIR


@pytest.fixture
def immediate(settings):
    """The queue runs each job as it is put on it."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def site_in_english(settings):
    settings.LANGUAGE_CODE = "en"  # a job writes its report in the site's language (jobs._run), whoever asked
