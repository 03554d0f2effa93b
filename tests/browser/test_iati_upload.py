"""Issue 11, the IATI upload as a background job: the secretariat uploads a file, lands on the run's progress
page (queued: no worker yet), a worker runs the job, and the page, polling with htmx, shows the run done with
its counts without being reloaded.

The worker here is ``minga worker --batch`` run inside the test's own process (the live server's database is
this process's: an in-memory SQLite or the test database of the PostgreSQL run); a worker in a process of its
own is tested in tests/site/test_worker.py.
"""

import re
import signal
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from minga.exchange.models import IatiActivity, ImportRun

pytestmark = pytest.mark.browser

URUGUAY = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "activities" / "usaid-uy.xml"


def run_the_queue() -> None:
    """``minga worker --batch`` in this process: every job waiting runs, then it returns (its signal handlers
    are put back as they were)."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("worker", batch=True, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.skipif(not URUGUAY.is_file(), reason="../shared/data/iati is not beside the repository")
def test_the_secretariat_uploads_a_file_and_sees_its_import_reach_done(open_page, settings, tmp_path):
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    page = open_page("secretaria", "/projects/import/iati/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importar un archivo de actividades IATI")
    page.get_by_label("Archivo de actividades IATI (XML)").set_input_files(str(URUGUAY))
    page.get_by_role("button", name="Cargar e importar").click()
    run = ImportRun.objects.get()
    expect(page).to_have_url(re.compile(rf"/projects/import/iati/{run.pk}/$"))
    expect(page.get_by_test_id("iati-run-state")).to_have_text("Estado: En cola")

    run_the_queue()

    # The page asks again every 2 s and replaces its progress section: no reload.
    expect(page.get_by_test_id("iati-run-state")).to_have_text("Estado: Terminada")
    expect(page.get_by_test_id("iati-run-percent")).to_have_text("100 %")
    counts = page.get_by_test_id("iati-run-counts")
    for name, value in {"read": "1", "created": "1", "updated": "0", "unchanged": "0", "invalid": "0",
                        "transactions": "2"}.items():
        expect(counts.locator(f"dd[data-count={name}]")).to_have_text(value)
    expect(page.get_by_test_id("iati-run-no-problems")).to_have_text(
        "Sin problemas: se importaron todas las actividades leídas.")
    assert IatiActivity.objects.filter(source_name=URUGUAY.name).count() == 1

    page.get_by_role("link", name="Todas las importaciones IATI").click()
    expect(page.get_by_test_id("iati-runs").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("iati-runs").locator("tbody tr td").nth(3)).to_have_text("Terminada")
