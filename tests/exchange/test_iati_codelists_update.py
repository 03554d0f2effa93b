"""``minga codelists update``: the official lists from a folder, and the built-in set without them."""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minga.exchange.iati import codelist_store
from minga.exchange.models import IatiCode
from minga.reference.models import Term
from tests.exchange.test_import_addresses import Server

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


def codelist(name: str, *codes: str) -> str:
    items = "".join(f"<codelist-item><code>{code}</code><name><narrative>{code.upper()}</narrative></name>"
                    "</codelist-item>" for code in codes)
    return f'<codelist name="{name}"><codelist-items>{items}</codelist-items></codelist>'


def update(folder) -> str:
    out = io.StringIO()
    call_command("codelists", "update", "--from", str(folder), stdout=out)
    return out.getvalue().strip()


LONG = "application/vnd.oasis.opendocument.chart"  # 40 characters, as FileFormat's MIME types begin


def test_codes_are_stored_whole_and_the_codes_stored_are_the_codes_counted(tmp_path):
    # FileFormat's MIME types reach 84 characters; 85 of its 1,652 codes were cut at 40 and merged.
    (tmp_path / "FileFormat.xml").write_text(codelist("FileFormat", LONG, f"{LONG}-template", "text/csv", "text/csv"))
    assert update(tmp_path) == f"1 codelists, 3 codes loaded from {tmp_path}"
    assert sorted(IatiCode.objects.filter(codelist="FileFormat").values_list("code", flat=True)) == [
        LONG, f"{LONG}-template", "text/csv"]
    assert codelist_store.name("FileFormat", f"{LONG}-template") == f"{LONG}-template".upper()
    (tmp_path / "FileFormat.xml").write_text(codelist("FileFormat", "x" * 121))
    with pytest.raises(CommandError, match=r"nothing loaded: .*FileFormat\.xml: the code x{40}… is longer than 120 "
                                           "characters"):
        update(tmp_path)
    assert IatiCode.objects.filter(codelist="FileFormat").count() == 3


def test_a_list_without_codes_is_refused_and_the_list_loaded_before_is_kept(tmp_path):
    (tmp_path / "TransactionType.xml").write_text(codelist("TransactionType", "1", "2"))
    update(tmp_path)
    (tmp_path / "TransactionType.xml").write_text(codelist("TransactionType"))  # a list cut short, or empty
    with pytest.raises(CommandError, match=r"nothing loaded: .*TransactionType\.xml: the codelist TransactionType "
                                           "has no codes"):
        update(tmp_path)
    assert list(IatiCode.objects.values_list("codelist", "code")) == [("TransactionType", "1"),
                                                                       ("TransactionType", "2")]


def test_two_files_of_one_codelist_are_refused_rather_than_one_replacing_the_other(tmp_path):
    (tmp_path / "Sector.xml").write_text(codelist("Sector", "15190", "72010"))
    (tmp_path / "Sector-2023.xml").write_text(codelist("Sector", "15190"))
    with pytest.raises(CommandError, match=r"nothing loaded: Sector-2023\.xml and Sector\.xml both give the codelist "
                                           "Sector"):
        update(tmp_path)
    assert not IatiCode.objects.exists()


@pytest.mark.parametrize("served", ["all", "one missing"])
def test_lists_fetched_from_an_address_leave_no_temporary_files(tmp_path, monkeypatch, served):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # 127.0.0.1 is reached directly
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    lists = tmp_path / "lists"
    lists.mkdir()
    for name in codelist_store.WANTED[:-1] if served == "one missing" else codelist_store.WANTED:
        (lists / f"{name}.xml").write_text(codelist(name, "1"))
    with Server(lists) as server:
        if served == "all":
            assert update(server.base) == (f"{len(codelist_store.WANTED)} codelists, {len(codelist_store.WANTED)} "
                                           f"codes loaded from {server.base}")
        else:
            with pytest.raises(CommandError, match=r"FinanceType\.xml: could not be fetched"):
                update(server.base)
    assert list(temporary.iterdir()) == []
