"""Illustrative records never leave the platform as real ones (issue 9).

The demo's projects are illustrative samples: the IATI export (the web download and ``minga export iati``)
leaves them out; ``minga export iati --include-illustrative`` writes them to try the format, each marked in
every text in its own language. The spreadsheets keep saying which rows are illustrative.
"""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree
from openpyxl import load_workbook

from minga.exchange.iati import activities
from minga.exchange.iati.codelists import XML_LANG, safe_parser
from minga.portfolio import selectors
from minga.portfolio.models import Project
from minga.reference.models import Organisation
from tests.exchange.test_export_command import run_minga
from tests.exchange.test_project_exports import by_identifier, publish_regional_project_in_ves

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "schema"
needs_schema = pytest.mark.skipif(not (SCHEMA_DIR / "iati-activities-schema.xsd").is_file(),
                                  reason="../shared/data/iati/schema is not beside the repository")
ENGLISH = {"accept-language": "en"}
PUBLIC_DEMO = ("cucuta-reception", "lima-kit", "carchi-integration")
MARK = {"es": "[ILUSTRATIVO — no es un proyecto real] ", "pt": "[ILUSTRATIVO — não é um projeto real] ",
        "en": "[ILLUSTRATIVE — not a real project] "}


def code_of(key: str) -> str:
    return Project.all_objects.get(load_key=f"project:{key}").code


def narratives(activity, path: str) -> list[tuple[str, str]]:
    return [(narrative.get(XML_LANG), narrative.text) for narrative in activity.iterfind(f"{path}/narrative")]


def test_the_demo_projects_are_illustrative_and_public_projects_leaves_them_out_unless_asked(users):
    assert set(Project.all_objects.values_list("is_illustrative", flat=True)) == {True}
    assert list(selectors.public_projects()) == []
    assert sorted(selectors.public_projects(include_illustrative=True).values_list("code", flat=True)) == sorted(
        code_of(key) for key in PUBLIC_DEMO)
    real = publish_regional_project_in_ves(users)
    assert list(selectors.public_projects().values_list("code", flat=True)) == [real.code]


def test_the_web_iati_export_of_the_demo_alone_is_the_empty_answer(client):
    response = client.get("/projects/export.iati", headers=ENGLISH)
    assert (response.status_code, response["Content-Type"], response.content.decode()) == (
        404, "text/plain; charset=utf-8",
        "No published project matches these filters, and an IATI file must hold at least one.")


@needs_schema
def test_the_web_iati_export_holds_the_real_projects_only(client, users):
    real = publish_regional_project_in_ves(users)
    response = client.get("/projects/export.iati")
    assert response.status_code == 200
    root = etree.fromstring(response.content, safe_parser())
    assert activities.schema_errors(root, activities.load_schema(SCHEMA_DIR)) == []
    assert list(by_identifier(root)) == [real.code]
    for key in PUBLIC_DEMO:
        assert code_of(key).encode() not in response.content
    # The demo's invented grant from Global Affairs Canada goes nowhere.
    assert b"Global Affairs Canada" not in response.content
    assert b"ILLUSTRATIVE" not in response.content and b"ILUSTRATIVO" not in response.content


def test_a_document_skips_an_illustrative_project_it_is_given_unless_asked():
    projects = selectors.public_projects(include_illustrative=True)
    document = activities.activities_document(projects)
    assert document.activities == 0
    assert sorted(document.skipped) == sorted(
        (code_of(key), "an illustrative sample, not a real project") for key in PUBLIC_DEMO)
    assert activities.activities_document(projects, include_illustrative=True).activities == 3


def test_the_command_leaves_the_illustrative_projects_out_says_so_and_writes_nothing(tmp_path, capsys):
    output = tmp_path / "activities.xml"
    expected = sorted(f"{code_of(key)} left out: an illustrative sample, not a real project" for key in PUBLIC_DEMO)
    code = run_minga("export", "iati", "--language", "en", "--output", str(output))  # closes the connection after
    assert code == 1
    err = capsys.readouterr().err
    assert sorted(line for line in err.splitlines() if "left out" in line) == expected
    assert "No public project matches these filters" in err
    assert list(tmp_path.iterdir()) == []


@needs_schema
def test_include_illustrative_writes_them_marked_in_every_text_and_valid(tmp_path, capsys):
    output = tmp_path / "activities.xml"
    call_command("export", "iati", "--include-illustrative", "--site-url", "https://minga.example.org",
                 "--language", "en", "--output", str(output))
    assert capsys.readouterr().out.strip() == f"3 projects written to {output}"
    root = etree.parse(str(output), safe_parser()).getroot()
    assert activities.schema_errors(root, activities.load_schema(SCHEMA_DIR)) == []
    found = by_identifier(root)
    assert set(found) == {code_of(key) for key in PUBLIC_DEMO}

    cucuta = found[code_of("cucuta-reception")]
    assert narratives(cucuta, "title") == [
        ("es", "[ILUSTRATIVO — no es un proyecto real] Centros de recepción y primera respuesta para mujeres, niñas "
               "y adolescentes en Norte de Santander"),
        ("en", "[ILLUSTRATIVE — not a real project] Reception and first-response centres for women, girls and "
               "adolescents in Norte de Santander")]
    assert narratives(cucuta, "document-link/title") == narratives(cucuta, "title")
    for activity in found.values():
        for path in ("title", "description", "document-link/title"):
            texts = narratives(activity, path)
            assert texts, path
            for language, text in texts:
                assert text.startswith(MARK[language]), (path, language, text)

    # The invented grant and the invented municipality are marked in the activity's language (Spanish).
    carchi = found[code_of("carchi-integration")]
    assert carchi.get(XML_LANG) == "es"
    assert [(org.get("role"), org.get("ref"), [n.get(XML_LANG) for n in org], org.findtext("narrative"))
            for org in carchi.iterfind("participating-org")] == [
        ("2", None, [None], "[ILUSTRATIVO — no es una organización real] GAD Municipal de Tulcán"),
        ("1", "XM-DAC-301-2", [None], "[ILUSTRATIVO — no es un proyecto real] Global Affairs Canada")]
    lima = found[code_of("lima-kit")]
    assert [org.findtext("narrative") for org in lima.iterfind("participating-org")] == [
        "[ILUSTRATIVO — no es un proyecto real] Gobierno de la República del Perú"]


def test_include_illustrative_is_for_iati_only(tmp_path, capsys):
    output = tmp_path / "projects.csv"
    assert run_minga("export", "csv", "--include-illustrative", "--language", "en", "--output", str(output)) == 2
    assert capsys.readouterr().err.strip() == "CommandError: --include-illustrative is for the IATI export only."
    assert list(tmp_path.iterdir()) == []


def test_the_spreadsheets_keep_their_illustrative_column(client, users):
    real = publish_regional_project_in_ves(users)
    sample = code_of("carchi-integration")

    rows = list(csv.reader(io.StringIO(client.get("/projects/export.csv", headers=ENGLISH).content.decode("utf-8-sig"))))
    column = rows[1].index("#meta+illustrative")
    assert rows[0][column] == "Illustrative sample"
    flags = {row[0]: row[column] for row in rows[2:]}
    assert (flags[real.code], flags[sample]) == ("0", "1")

    workbook = load_workbook(io.BytesIO(client.get("/projects/export.xlsx", headers=ENGLISH).content))
    sheet = workbook["Projects"]
    header = [cell.value for cell in sheet[1]]
    flags = {row[0]: row[header.index("Illustrative sample")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert (flags[real.code], flags[sample]) == (False, True)
    notes = [row[1] for row in workbook["About"].iter_rows(values_only=True) if not row[0] and row[1]]
    assert "Rows marked as illustrative samples were made up for the demonstration; they are not real." in notes


def test_an_invented_organisation_in_a_real_project_is_marked_in_the_web_export(client, users):
    real = publish_regional_project_in_ves(users)
    proposer = real.proposing_organisation
    Organisation.all_objects.filter(pk=proposer.pk).update(is_illustrative=True)
    root = etree.fromstring(client.get("/projects/export.iati").content, safe_parser())
    activity = by_identifier(root)[real.code]
    assert activity.get(XML_LANG) == "en"
    assert narratives(activity, "title") == [("en", "Regional mobility information card")]
    assert [org.findtext("narrative") for org in activity.iterfind("participating-org")] == [
        f"[ILLUSTRATIVE — not a real organisation] {proposer.name}"]
