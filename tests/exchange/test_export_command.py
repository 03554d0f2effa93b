"""``minga export xlsx|csv|iati``: the file it writes, the visibility it applies, its refusals."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from lxml import etree
from openpyxl import load_workbook

from minga.exchange.iati import activities
from minga.exchange.iati.codelists import safe_parser
from minga.portfolio.models import Project

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "schema"
needs_schema = pytest.mark.skipif(not (SCHEMA_DIR / "iati-activities-schema.xsd").is_file(),
                                  reason="../shared/data/iati/schema is not beside the repository")


def code_of(key: str) -> str:
    return Project.all_objects.get(load_key=f"project:{key}").code


def csv_codes(path: Path) -> list[str]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[1][0] == "#activity+code"
    return [row[0] for row in rows[2:]]


def run_minga(*argv) -> int:
    """The command as the shell runs it: its exit code (0 when it returns normally)."""
    try:
        ManagementUtility(["minga", *argv]).execute()
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_csv_without_a_user_holds_what_the_public_sees(tmp_path, capsys):
    output = tmp_path / "projects.csv"
    call_command("export", "csv", "--output", str(output), "--language", "en")
    assert sorted(set(csv_codes(output))) == sorted(code_of(key) for key in (
        "cucuta-reception", "lima-kit", "carchi-integration"))
    assert capsys.readouterr().out.strip() == f"3 projects written to {output}"


def test_csv_filters_by_country_and_status(tmp_path):
    output = tmp_path / "projects.csv"
    call_command("export", "csv", "--country", "col", "--country", "ECU", "--status", "in_implementation",
                 "--output", str(output))
    assert csv_codes(output) == [code_of("carchi-integration")]


def test_as_user_applies_that_users_visibility(tmp_path):
    output = tmp_path / "projects.csv"
    call_command("export", "csv", "--as-user", "focal.col", "--status", "draft", "--output", str(output))
    assert csv_codes(output) == [code_of("narrative-draft")]
    call_command("export", "csv", "--as-user", "focal.per", "--status", "draft", "--output", str(output))
    assert csv_codes(output) == []


def test_xlsx_is_written_with_the_projects_sheet(tmp_path):
    output = tmp_path / "projects.xlsx"
    call_command("export", "xlsx", "--country", "PER", "--language", "en", "--output", str(output))
    workbook = load_workbook(output)
    assert [row[0] for row in workbook["Projects"].iter_rows(min_row=2, values_only=True)] == [code_of("lima-kit")]
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["Visible to"] == "the public (not signed in)"
    assert about["Country"] == "PER"


@pytest.mark.usefixtures("demo_as_real")  # the IATI mapping of a real project; illustrative: test_iati_illustrative.py
@needs_schema
def test_iati_is_valid_and_public_only_even_as_the_secretariat(tmp_path):
    output = tmp_path / "activities.xml"
    call_command("export", "iati", "--as-user", "secretaria", "--site-url", "https://minga.example.org",
                 "--output", str(output))
    root = etree.parse(str(output), safe_parser()).getroot()
    assert activities.schema_errors(root, activities.load_schema(SCHEMA_DIR)) == []
    assert sorted(a.findtext("iati-identifier") for a in root.iterfind("iati-activity")) == sorted(
        f"XM-QUITO-PROCESS-{code_of(key)}" for key in ("cucuta-reception", "lima-kit", "carchi-integration"))


def test_iati_with_nothing_public_to_write_fails_and_writes_nothing(tmp_path, capsys):
    output = tmp_path / "activities.xml"
    code = run_minga("export", "iati", "--as-user", "secretaria", "--status", "under_review", "--language", "en",
                     "--output", str(output))
    assert code == 1
    assert "No public project matches these filters" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("arguments, message", [
    (["--status", "approved"], "Unknown status: approved. Use one of: draft, submitted, under_review, "
                               "changes_requested, published, in_implementation, completed, withdrawn."),
    (["--country", "XYZ"], "Unknown country: XYZ. Use ISO 3166-1 alpha-3 codes, e.g. COL, PER, ECU."),
    (["--as-user", "nobody"], "No user is named “nobody”."),
])
def test_bad_arguments_are_refused_with_exit_code_2_and_no_file(tmp_path, capsys, arguments, message):
    output = tmp_path / "projects.csv"
    code = run_minga("export", "csv", *arguments, "--language", "en", "--output", str(output))
    assert code == 2
    assert capsys.readouterr().err.strip() == f"CommandError: {message}"
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_is_refused_by_the_argument_parser(tmp_path, capsys):
    output = tmp_path / "projects.pdf"
    assert run_minga("export", "pdf", "--output", str(output)) == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
    assert not output.exists()


def test_a_failed_export_keeps_an_earlier_file_untouched(tmp_path):
    output = tmp_path / "projects.csv"
    output.write_text("earlier export")
    assert run_minga("export", "csv", "--status", "nonsense", "--output", str(output)) == 2
    assert output.read_text() == "earlier export"
