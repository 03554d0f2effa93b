"""Issue 13: the lead organisation's officer uploads an evidence document on a roadmap action and sees it
listed on the action's page; the file comes back as a download with safe headers; another role is refused."""

import re

import pytest
from playwright.sync_api import expect

from minga.process.models import ActionEvidence
from tests import office_files as files

pytestmark = pytest.mark.browser

ACTION = "/process/roadmap/demo-cucuta-kit-rollout/"


def test_the_lead_officer_uploads_evidence_and_sees_it_listed(open_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = open_page("cucuta", ACTION)
    page.get_by_role("link", name="Añadir documento de respaldo").click()
    expect(page).to_have_url(re.compile(r"/evidence/$"))
    form = page.get_by_test_id("evidence-form")
    form.locator("#id_title").fill("Acta de la formación de enero")
    form.locator("#id_on_date").fill("2026-01-20")
    form.locator("#id_file").set_input_files(
        files={"name": "acta enero.pdf", "mimeType": "application/pdf", "buffer": files.PDF_BYTES})
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(ACTION) + "$"))
    listed = page.get_by_test_id("evidence").locator("li", has_text="Acta de la formación de enero")
    expect(listed).to_contain_text("archivo")
    evidence = ActionEvidence.objects.get()
    assert (evidence.file.name, evidence.url, evidence.added_by.username) == (
        "process/evidence/demo-cucuta-kit-rollout/acta_enero.pdf", "", "cucuta")
    link = listed.get_by_role("link", name="Acta de la formación de enero")
    expect(link).to_have_attribute("href", f"{ACTION}evidence/{evidence.pk}/file/")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-disposition"] == 'attachment; filename="acta_enero.pdf"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.body() == files.PDF_BYTES


def test_an_officer_of_another_organisation_gets_no_evidence_form(open_page):
    page = open_page("focal.col", ACTION)
    expect(page.get_by_role("heading", level=1)).to_have_text("Aplicación del kit de capacidades en Cúcuta (ilustrativo)")
    expect(page.get_by_role("link", name="Añadir documento de respaldo")).to_have_count(0)
    assert page.goto(f"{ACTION}evidence/").status == 403
