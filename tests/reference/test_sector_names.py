"""DAC sector names come with the reference data (issue 9): no codelist file is needed beside the project."""

import importlib.util
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from minga.reference.loaders import load_sector_names
from minga.reference.models import Term

pytestmark = pytest.mark.django_db

MIGRATION = "Facilitation of orderly, safe, regular and responsible migration and mobility"
SHARED_SECTORS = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "codelists" / "Sector.xml"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_dac_sectors.py"


def shipped() -> dict:
    return json.loads(resources.files("minga.reference").joinpath("data", "dac_sectors.json").read_text("utf-8"))


def dac_terms():
    return Term.all_objects.filter(vocabulary_id="dac-5").order_by("code")


def test_the_reference_load_names_every_dac_code_minga_offers():
    # The test database was loaded as `minga setup` loads it (load_reference), without load_codelist.
    migration = Term.objects.get(vocabulary_id="dac-5", code="15190")
    assert (migration.label_en, migration.label_es, migration.label_pt) == (MIGRATION, "", "")
    assert shipped()["sectors"]["15190"] == {
        "en": MIGRATION,
        "fr": "Faciliter la migration et la mobilité de façon ordonnée, sans danger, régulière et responsable"}
    assert dac_terms().count() == 26
    assert [term.code for term in dac_terms() if not term.label_en] == []
    assert migration.history.first().history_change_reason == "name from the IATI Sector codelist"


def test_loading_twice_changes_nothing_and_a_given_label_stays():
    report = load_sector_names()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 26)
    Term.objects.filter(vocabulary_id="dac-5", code="15190").update(label_en="Migration (as the secretariat words it)")
    Term.objects.filter(vocabulary_id="dac-5", code="15110").update(label_en="")
    report = load_sector_names()
    assert (report.created, report.updated, report.unchanged) == (0, 1, 25)
    assert Term.objects.get(vocabulary_id="dac-5", code="15190").label_en == "Migration (as the secretariat words it)"
    assert Term.objects.get(vocabulary_id="dac-5", code="15110").label_en == (
        "Public sector policy and administrative management")


@pytest.mark.parametrize("language, fallback", [("en", ""), ("es", ' <span class="fallback" lang="en">[en]</span>')])
def test_the_themes_page_shows_names_not_bare_codes(client, language, fallback):
    html = client.get("/taxonomies/", headers={"accept-language": language}).content.decode()
    sectors = re.search(r'data-testid="terms-dac-5">(.*?)</ul>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", sectors, re.S)
    assert len(items) == 26
    assert f"<code>15190</code> {MIGRATION}{fallback}" in items
    assert [item for item in items if re.fullmatch(r"<code>\d{5}</code>\s*", item)] == []


@pytest.mark.skipif(not SHARED_SECTORS.is_file(), reason="../shared/data/iati/codelists is not beside the repository")
def test_the_shipped_file_is_what_the_script_derives_from_the_codelist():
    spec = importlib.util.spec_from_file_location("build_dac_sectors", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    text, count = script.build(SHARED_SECTORS)
    assert count == 325
    assert resources.files("minga.reference").joinpath("data", "dac_sectors.json").read_text("utf-8") == text
    assert shipped()["source"]["repository"] == "https://github.com/IATI/IATI-Codelists-NonEmbedded"
    # Derived, not a copy: no byte-for-byte file of the codelist in the repository.
    assert text != SHARED_SECTORS.read_text(encoding="utf-8")
