from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minga.exchange.iati.codelists import CodelistError, read_codelist
from minga.reference.models import Term

SHARED_CODELISTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "codelists"
needs_shared = pytest.mark.skipif(not SHARED_CODELISTS.is_dir(),
                                  reason="../shared/data/iati/codelists is not beside the repository")


@needs_shared
def test_sector_codelist_is_read_with_english_and_french_names():
    name, items = read_codelist(SHARED_CODELISTS / "Sector.xml")
    assert name == "Sector"
    assert len(items) == 325
    migration = next(item for item in items if item.code == "15190")
    assert migration.names["en"] == "Facilitation of orderly, safe, regular and responsible migration and mobility"
    assert set(migration.names) == {"en", "fr"}


@needs_shared
@pytest.mark.django_db
def test_loading_the_sector_codelist_names_the_dac_codes_and_adds_the_rest(capsys):
    shipped = Term.objects.filter(vocabulary_id="dac-5").count()
    call_command("load_codelist", str(SHARED_CODELISTS / "Sector.xml"))
    assert Term.objects.filter(vocabulary_id="dac-5").count() == 325
    assert Term.objects.get(vocabulary_id="dac-5", code="15190").label == (
        "Facilitation of orderly, safe, regular and responsible migration and mobility")
    # The codes Minga offers were named by the reference load (the shipped names, issue 9): none to update.
    assert capsys.readouterr().out.strip() == f"dac-5: {325 - shipped} codes added, 0 names updated, 325 in the codelist"
    call_command("load_codelist", str(SHARED_CODELISTS / "Sector.xml"))
    assert capsys.readouterr().out.strip() == "dac-5: 0 codes added, 0 names updated, 325 in the codelist"


def test_external_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    hostile = tmp_path / "Sector.xml"
    hostile.write_text(
        f'<?xml version="1.0"?><!DOCTYPE codelist [<!ENTITY leak SYSTEM "file://{secret}">]>'
        '<codelist name="Sector"><codelist-items><codelist-item><code>15190</code>'
        '<name><narrative>&leak;</narrative></name></codelist-item></codelist-items></codelist>')
    _, items = read_codelist(hostile)
    assert "TOP-SECRET" not in repr(items)


def test_a_file_that_is_not_a_codelist_is_refused_with_its_name(tmp_path):
    path = tmp_path / "activities.xml"
    path.write_text("<iati-activities/>")
    with pytest.raises(CodelistError, match="the root element is <iati-activities>, not <codelist>"):
        read_codelist(path)


@pytest.mark.django_db
def test_an_unknown_codelist_is_refused_and_nothing_is_loaded(tmp_path):
    path = tmp_path / "Currency.xml"
    path.write_text('<codelist name="Currency"><codelist-items><codelist-item><code>USD</code>'
                    "</codelist-item></codelist-items></codelist>")
    before = Term.objects.count()
    with pytest.raises(CommandError, match="codelist 'Currency' is not one Minga keeps"):
        call_command("load_codelist", str(path))
    assert Term.objects.count() == before
