"""Issue 11, the uploads of both kinds (an IATI activity file, an OCHA FTS flow search page) as background jobs:
the secretariat reaches the upload, uploads a file, lands on the run's progress page (queued: no worker yet), a
worker runs the job, and the page, polling with htmx, shows the run done with its report without being reloaded.

The worker here is ``minga worker --batch`` run inside the test's own process (the live server's database is
this process's: an in-memory SQLite or the test database of the PostgreSQL run); a worker in a process of its
own is tested in tests/site/test_worker.py.
"""

import re
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from minga.exchange.fts_models import FtsFlow
from minga.exchange.models import IatiActivity, ImportRun

pytestmark = pytest.mark.browser

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
URUGUAY = SHARED / "iati" / "activities" / "usaid-uy.xml"
FTS_PAGE = SHARED / "fts" / "custom-search-locationid-171-year-2020-page-3.json"


def run_the_queue() -> None:
    """``minga worker --batch`` in this process: every job waiting runs, then it returns (its signal handlers
    are put back as they were)."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("worker", batch=True, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def _reach_iati(open_page):
    return open_page("secretaria", "/projects/import/iati/")


def _reach_fts(open_page):
    """From the menu: the imports open on the IATI upload, whose navigation leads to the FTS one."""
    page = open_page("secretaria", "/")
    page.get_by_test_id("imports-link").click()
    expect(page).to_have_url(re.compile(r"/projects/import/iati/$"))
    page.get_by_test_id("import-nav").get_by_role("link", name="Flujos y planes de OCHA FTS").click()
    return page


def _fts_report(page) -> None:
    outcomes = page.get_by_test_id("fts-run-outcomes")
    expect(outcomes.locator("tr[data-outcome=counted] td").nth(1)).to_have_text("20")
    expect(outcomes.locator("tr[data-outcome=passed_on] td").nth(1)).to_have_text("4")
    expect(page.get_by_test_id("fts-run-total")).to_contain_text("381.508.179")


@dataclass(frozen=True)
class Kind:
    code: str
    file: Path
    reach: Callable
    heading: str
    label: str
    counts: dict  # shown once done, by data-count
    report: Callable  # what else the report shows
    no_problems: str
    stored: Callable[[], int]
    expected_stored: int
    all_runs: str


KINDS = [pytest.param(kind, id=kind.code, marks=pytest.mark.skipif(
    not kind.file.is_file(), reason=f"{kind.file.parent} is not beside the repository")) for kind in (
    Kind("iati", URUGUAY, _reach_iati, "Importar un archivo de actividades IATI", "Archivo de actividades IATI (XML)",
         {"read": "1", "created": "1", "updated": "0", "unchanged": "0", "invalid": "0", "transactions": "2"},
         lambda page: None, "Sin problemas: se importaron todas las actividades leídas.",
         lambda: IatiActivity.objects.filter(source_name=URUGUAY.name).count(), 1, "Todas las importaciones IATI"),
    Kind("fts", FTS_PAGE, _reach_fts, "Importar un archivo de OCHA FTS", "Archivo de FTS (JSON)",
         {"read": "24", "created": "24", "updated": "0", "unchanged": "0", "refused": "0"},
         _fts_report, "Sin problemas: se importaron todos los flujos leídos.",
         lambda: FtsFlow.objects.count(), 24, "Todas las importaciones de FTS"),
)]


@pytest.mark.parametrize("kind", KINDS)
def test_the_secretariat_uploads_a_file_and_sees_its_import_reach_done(open_page, settings, tmp_path, kind):
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    page = kind.reach(open_page)
    expect(page.get_by_role("heading", level=1)).to_have_text(kind.heading)
    page.get_by_label(kind.label).set_input_files(str(kind.file))
    page.get_by_role("button", name="Cargar e importar").click()
    run = ImportRun.objects.get(kind=kind.code)
    expect(page).to_have_url(re.compile(rf"/projects/import/{kind.code}/{run.pk}/$"))
    expect(page.get_by_test_id(f"{kind.code}-run-state")).to_have_text("Estado: En cola")

    run_the_queue()

    # The page asks again every 2 s and replaces its progress section: no reload.
    expect(page.get_by_test_id(f"{kind.code}-run-state")).to_have_text("Estado: Terminada")
    expect(page.get_by_test_id(f"{kind.code}-run-percent")).to_have_text("100 %")
    counts = page.get_by_test_id(f"{kind.code}-run-counts")
    for name, value in kind.counts.items():
        expect(counts.locator(f"dd[data-count={name}]")).to_have_text(value)
    kind.report(page)
    expect(page.get_by_test_id(f"{kind.code}-run-no-problems")).to_have_text(kind.no_problems)
    assert kind.stored() == kind.expected_stored

    page.get_by_role("link", name=kind.all_runs).click()
    runs = page.get_by_test_id(f"{kind.code}-runs").locator("tbody tr")
    expect(runs).to_have_count(1)
    expect(runs.locator("td").nth(3)).to_have_text("Terminada")
