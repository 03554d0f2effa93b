"""``minga codelists update``: the official lists from a folder, and the built-in set without them."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minga.exchange.iati import codelist_store
from minga.exchange.models import IatiCode
from minga.reference.models import Term

pytestmark = pytest.mark.django_db

CODELISTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "codelists"
needs_shared = pytest.mark.skipif(not CODELISTS.is_dir(), reason="../shared/data/iati/codelists is not beside the repository")


def test_the_built_in_set_names_codes_without_any_list_loaded():
    assert not IatiCode.objects.exists()
    assert codelist_store.name("TransactionType", "3") == "Disbursement"
    assert codelist_store.name("OrganisationType", "11") == "Local Government"
    assert codelist_store.name("FlowType", "10") == "ODA"
    assert codelist_store.name("Sector", "15190") == "15190"  # not built in: the code itself
    out = io.StringIO()
    call_command("codelists", "update", stdout=out)
    assert out.getvalue().strip() == ("built-in codelists: TransactionType (13), OrganisationType (16), FlowType (10); "
                                      "give --from DIR_OR_URL to load the official lists")


@needs_shared
def test_the_official_lists_load_from_a_folder_and_name_codes_in_their_languages():
    out = io.StringIO()
    call_command("codelists", "update", "--from", str(CODELISTS), stdout=out)
    files = len(list(CODELISTS.glob("*.xml")))
    assert out.getvalue().startswith(f"{files} codelists, ")
    assert codelist_store.name("TransactionType", "1") == "Incoming Funds"
    assert codelist_store.name("TransactionType", "1", "fr") == "Fonds entrants"
    assert codelist_store.name("Sector", "15190") == "Facilitation of orderly, safe, regular and responsible migration and mobility"
    assert IatiCode.objects.filter(codelist="TransactionType").count() == 13
    term = Term.objects.get(vocabulary__code="dac-5", code="15190")  # loaded with the reference data
    assert term.label_en == codelist_store.name("Sector", "15190")
    call_command("codelists", "update", "--from", str(CODELISTS), stdout=io.StringIO())  # again: the same rows
    assert IatiCode.objects.filter(codelist="TransactionType").count() == 13


def test_a_bad_file_loads_nothing(tmp_path):
    (tmp_path / "TransactionType.xml").write_text(
        '<codelist name="TransactionType"><codelist-items><codelist-item><code>1</code></codelist-item>'
        "</codelist-items></codelist>")
    (tmp_path / "Zbroken.xml").write_text("<codelist><codelist-items><codelist-item/></codelist-items></codelist>")
    with pytest.raises(CommandError, match=r"nothing loaded: .*Zbroken\.xml: a codelist item has no code"):
        call_command("codelists", "update", "--from", str(tmp_path), stdout=io.StringIO())
    assert not IatiCode.objects.exists()
