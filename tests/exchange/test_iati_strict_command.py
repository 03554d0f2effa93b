"""Issue 11, ``minga import iati --strict`` from the command line (not only the function): a file with one
schema-invalid activity is refused whole (exit status 1, the reason on stderr, nothing stored), and without
``--strict`` its valid activities are imported and the invalid one is reported with its identifier and line."""

import copy
import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import django.core.management.base
import pytest
from django.core.management import ManagementUtility
from django.utils import translation
from lxml import etree

from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FundingFlow
from minga.reference.models import Organisation

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati"
URUGUAY = SHARED / "activities" / "usaid-uy.xml"
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not URUGUAY.is_file(), reason="../shared/data/iati is not beside the repository")]
IDENTIFIERS = ["XM-STRICT-1", "XM-STRICT-2", "XM-STRICT-3"]


@pytest.fixture
def three_activities(tmp_path) -> tuple[Path, int]:
    """Three copies of Uruguay's (schema-valid) activity; the second loses its first transaction's
    transaction-date, which the 2.03 schema requires (Minga's own checks do not: only the schema finds it).
    Answers the file and the line of the invalid activity."""
    tree = etree.parse(str(URUGUAY), etree.XMLParser(resolve_entities=False, no_network=True))
    root = tree.getroot()
    original = root.find("iati-activity")
    root.remove(original)
    for identifier in IDENTIFIERS:
        activity = copy.deepcopy(original)
        activity.find("iati-identifier").text = identifier
        if identifier == "XM-STRICT-2":
            date = activity.find("transaction/transaction-date")
            date.getparent().remove(date)
        root.append(activity)
    path = tmp_path / "three.xml"
    tree.write(str(path), xml_declaration=True, encoding="utf-8")
    line = etree.parse(str(path)).getroot().findall("iati-activity")[1].sourceline
    return path, line


def minga(*argv: str) -> tuple[int, str, str]:
    """``minga ARGV`` as the shell runs it (ManagementUtility, as the ``minga`` script does): exit status,
    stdout and stderr. The command's closing of the connections is kept from ending the test's transaction."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    saved = django.core.management.base.connections.close_all
    django.core.management.base.connections.close_all = lambda: None
    try:
        with redirect_stderr(err), redirect_stdout(out), translation.override("en"):
            ManagementUtility(["minga", *argv]).execute()
    except SystemExit as exit_:
        status = exit_.code
    finally:
        django.core.management.base.connections.close_all = saved
    return status, out.getvalue(), err.getvalue()


def stored():
    return (IatiActivity.all_objects.count(), IatiTransaction.objects.count(), FundingFlow.all_objects.count(),
            Organisation.all_objects.count(), IatiActivity.history.count())


def test_strict_refuses_the_whole_file_from_the_command_line_and_stores_nothing(three_activities):
    path, line = three_activities
    before = stored()
    status, out, err = minga("import", "iati", str(path), "--strict", "--schema", str(SHARED / "schema"),
                             "--no-progress")
    assert status == 1
    assert err.startswith(f"CommandError: {path}: 1 problems; with --strict nothing of the file was imported")
    lines = out.splitlines()
    assert lines[0] == "activities: read 3, created 0, updated 0, unchanged 0, skipped 0, invalid 1"
    assert lines[1] == "transactions: 0, of which flows: 0, pledges: 0"
    assert lines[2].startswith(f"{path}:{line} XM-STRICT-2: ")
    assert "transaction-date" in lines[2]
    assert lines[-1] == f"refused: {path}: 1 problems; with --strict nothing of the file was imported"
    assert stored() == before
    assert not IatiActivity.all_objects.filter(identifier__in=IDENTIFIERS).exists()


def test_without_strict_the_valid_activities_are_imported_and_the_invalid_one_reported(three_activities):
    path, line = three_activities
    status, out, err = minga("import", "iati", str(path), "--schema", str(SHARED / "schema"), "--no-progress")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "activities: read 3, created 2, updated 0, unchanged 0, skipped 0, invalid 1"
    assert lines[1] == "transactions: 4, of which flows: 4, pledges: 0"
    assert lines[2].startswith(f"{path}:{line} XM-STRICT-2: ")
    assert len(lines) == 3
    assert sorted(IatiActivity.objects.filter(identifier__in=IDENTIFIERS).values_list("identifier", flat=True)) == [
        "XM-STRICT-1", "XM-STRICT-3"]
    assert IatiTransaction.objects.filter(activity__identifier__in=IDENTIFIERS).count() == 4


def test_a_file_that_cannot_be_opened_is_refused_and_the_others_are_imported(three_activities, tmp_path):
    path, _line = three_activities
    missing = tmp_path / "missing.xml"
    status, out, err = minga("import", "iati", str(missing), str(path), "ftp://127.0.0.1/a.xml", "--no-progress")
    assert status == 1
    reasons = [f"{missing}: no such file", "ftp://127.0.0.1/a.xml: only http and https addresses are read"]
    assert err == f"CommandError: {'; '.join(reasons)}\n"
    assert out.splitlines() == ["activities: read 3, created 3, updated 0, unchanged 0, skipped 0, invalid 0",
                                "transactions: 6, of which flows: 6, pledges: 0",
                                *(f"refused: {reason}" for reason in reasons)]
    assert IatiActivity.objects.filter(identifier__in=IDENTIFIERS).count() == 3
