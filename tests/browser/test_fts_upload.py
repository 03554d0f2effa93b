"""Issue 11, FTS through the web: the secretariat reaches the FTS upload from its menu, uploads a flow search page,
lands on the run's progress page (queued: no worker yet), a worker runs the job, and the page, polling with htmx,
shows the run done with its report (counts, how the flows count, FTS's own total) without being reloaded."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from minga.exchange.fts_models import FtsFlow
from minga.exchange.models import ImportRun
from tests.browser.test_iati_upload import run_the_queue

pytestmark = pytest.mark.browser

PAGE = Path(__file__).resolve().parents[3] / "shared" / "data" / "fts" / "custom-search-locationid-171-year-2020-page-3.json"


@pytest.mark.skipif(not PAGE.is_file(), reason="../shared/data/fts is not beside the repository")
def test_the_secretariat_uploads_an_fts_page_and_sees_its_report(open_page, settings, tmp_path):
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    page = open_page("secretaria", "/")
    page.get_by_test_id("imports-link").click()
    expect(page).to_have_url(re.compile(r"/projects/import/iati/$"))
    page.get_by_test_id("import-nav").get_by_role("link", name="Flujos y planes de OCHA FTS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importar un archivo de OCHA FTS")
    page.get_by_label("Archivo de FTS (JSON)").set_input_files(str(PAGE))
    page.get_by_role("button", name="Cargar e importar").click()
    run = ImportRun.objects.get(kind="fts")
    expect(page).to_have_url(re.compile(rf"/projects/import/fts/{run.pk}/$"))
    expect(page.get_by_test_id("fts-run-state")).to_have_text("Estado: En cola")

    run_the_queue()

    # The page asks again every 2 s and replaces its progress section: no reload.
    expect(page.get_by_test_id("fts-run-state")).to_have_text("Estado: Terminada")
    expect(page.get_by_test_id("fts-run-percent")).to_have_text("100 %")
    counts = page.get_by_test_id("fts-run-counts")
    for name, value in {"read": "24", "created": "24", "updated": "0", "unchanged": "0", "refused": "0"}.items():
        expect(counts.locator(f"dd[data-count={name}]")).to_have_text(value)
    outcomes = page.get_by_test_id("fts-run-outcomes")
    expect(outcomes.locator("tr[data-outcome=counted] td").nth(1)).to_have_text("20")
    expect(outcomes.locator("tr[data-outcome=passed_on] td").nth(1)).to_have_text("4")
    expect(page.get_by_test_id("fts-run-total")).to_contain_text("381.508.179")
    expect(page.get_by_test_id("fts-run-no-problems")).to_have_text(
        "Sin problemas: se importaron todos los flujos leídos.")
    assert FtsFlow.objects.count() == 24

    page.get_by_role("link", name="Todas las importaciones de FTS").click()
    expect(page.get_by_test_id("fts-runs").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("fts-runs").locator("tbody tr td").nth(3)).to_have_text("Terminada")
