"""Issue 11: the plan codes of ``humanitarian-scope`` (vocabulary 2-1) that name no requirement Minga holds are
kept as given, and the import's report lists them, one line per plan code with the activities naming it (how
many, and the first ones): on the command line (``minga import iati``) and on the upload's run page. The plans
are looked up once for the whole run, never once per activity."""

import io
import json

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from minga.exchange import import_runs, jobs
from minga.exchange.iati import importer
from minga.exchange.models import IatiActivity, ImportRun
from minga.finance import services as finance
from minga.reference.models import Source

pytestmark = pytest.mark.django_db

ACTIVITY = """<iati-activity default-currency="USD" humanitarian="1">
<iati-identifier>{identifier}</iati-identifier>
<reporting-org ref="XM-DAC-7" type="10"><narrative>Donor</narrative></reporting-org>
<title><narrative>Title</narrative></title>
{scopes}{extra}
</iati-activity>"""
BROKEN = '<transaction><transaction-type code="3"/><value value-date="2024-01-01">abc</value></transaction>'


def scope(code: str, vocabulary: str = "2-1", kind: str = "2") -> str:
    return f'<humanitarian-scope type="{kind}" vocabulary="{vocabulary}" code="{code}"/>'


def activity(identifier: str, *scopes: str, extra: str = "") -> str:
    return ACTIVITY.format(identifier=identifier, scopes="".join(scopes), extra=extra)


# Four activities name RMRP2099 (one of them twice), one names ZZPLAN1; HVEN24 is held (in another case and
# spacing); a GLIDE emergency names no plan; the invalid activity is not stored, so its plan is not listed.
CONTENT = ("<iati-activities version=\"2.03\">" + "".join([
    activity("XM-UM-1", scope("RMRP2099"), scope("hven24 ")),
    activity("XM-UM-2", scope("RMRP2099"), scope("rmrp2099")),
    activity("XM-UM-3", scope("RMRP2099"), scope("EP-2020-000012-VEN", vocabulary="1-2", kind="1")),
    activity("XM-UM-4", scope("RMRP2099")),
    activity("XM-UM-5", scope("ZZPLAN1"), scope("HVEN24")),
    activity("XM-UM-6", scope("BADPLAN"), extra=BROKEN),
]) + "</iati-activities>").encode()

LINES = {
    "en": ["Plans named by the activities that no requirement holds",
           "Plan RMRP2099 names no requirement held here (kept as given): 4 activities (XM-UM-1, XM-UM-2, XM-UM-3, …)",
           "Plan ZZPLAN1 names no requirement held here (kept as given): 1 activity (XM-UM-5)"],
    "es": ["Planes citados por las actividades sin necesidades registradas",
           "El plan RMRP2099 no corresponde a ninguna necesidad registrada aquí (se conserva tal como se publicó): "
           "4 actividades (XM-UM-1, XM-UM-2, XM-UM-3, …)",
           "El plan ZZPLAN1 no corresponde a ninguna necesidad registrada aquí (se conserva tal como se publicó): "
           "1 actividad (XM-UM-5)"],
    "pt": ["Planos citados pelas atividades sem necessidades registradas",
           "O plano RMRP2099 não corresponde a nenhuma necessidade registrada aqui (mantido tal como publicado): "
           "4 atividades (XM-UM-1, XM-UM-2, XM-UM-3, …)",
           "O plano ZZPLAN1 não corresponde a nenhuma necessidade registrada aqui (mantido tal como publicado): "
           "1 atividade (XM-UM-5)"],
}
UNMATCHED = [["RMRP2099", 4, ["XM-UM-1", "XM-UM-2", "XM-UM-3"]], ["ZZPLAN1", 1, ["XM-UM-5"]]]


@pytest.fixture
def held_plan(users):
    return finance.requirement_create(user=users["secretariat"], plan="HVEN24", year=2024, amount=100,
                                      currency="USD", source=Source.objects.order_by("pk").first())


@pytest.fixture
def activity_file(tmp_path):
    path = tmp_path / "plans.xml"
    path.write_bytes(CONTENT)
    return path


def command_lines(path, language: str, *options: str) -> list[str]:
    out = io.StringIO()
    with translation.override(language):
        call_command("import", "iati", str(path), "--no-progress", *options, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_the_command_lists_each_unmatched_plan_with_its_activities(held_plan, activity_file, language):
    lines = command_lines(activity_file, language)
    assert lines[0] == "activities: read 6, created 5, updated 0, unchanged 0, skipped 0, invalid 1"
    assert lines[-3:] == LINES[language]
    assert [activity.data["humanitarian_scopes"] for activity in
            IatiActivity.objects.filter(identifier="XM-UM-4")] == [[["2", "2-1", "RMRP2099"]]]  # kept as given
    # A second import (every activity unchanged) reports the same plans.
    again = command_lines(activity_file, language)
    assert again[0] == "activities: read 6, created 0, updated 0, unchanged 5, skipped 0, invalid 1"
    assert again[-3:] == LINES[language]


def test_the_command_json_report_gives_the_unmatched_plans(held_plan, activity_file):
    report = json.loads("\n".join(command_lines(activity_file, "en", "--format", "json")))
    assert report["unmatched_plans"] == [{"plan": code, "activities": count, "first": first}
                                         for code, count, first in UNMATCHED]


def test_a_run_with_every_plan_held_lists_none(users, activity_file):
    for plan in ("RMRP2099", "ZZPLAN1", "HVEN24"):
        finance.requirement_create(user=users["secretariat"], plan=plan, year=2024, amount=1, currency="USD",
                                   source=Source.objects.order_by("pk").first())
    lines = command_lines(activity_file, "en")
    assert not any(line.startswith(("Plan", "Plans")) for line in lines)


def test_the_plans_are_looked_up_once_for_the_whole_run(held_plan):
    report = importer.import_source(io.BytesIO(CONTENT), name="plans.xml")
    with CaptureQueriesContext(connection) as queries:
        assert report.unmatched_plans() == UNMATCHED
    assert len(queries) == 1
    many = ("<iati-activities version=\"2.03\">" + "".join(
        activity(f"XM-UM-MANY-{number}", scope(f"PLAN{number % 7}")) for number in range(250))
        + "</iati-activities>").encode()
    report = importer.import_source(io.BytesIO(many), name="many.xml")
    with CaptureQueriesContext(connection) as queries:
        assert [(code, count) for code, count, _first in report.unmatched_plans()] == [
            (f"PLAN{number}", len(range(number, 250, 7))) for number in range(7)]
    assert len(queries) == 1


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_the_upload_run_page_lists_each_unmatched_plan(client_as, users, held_plan, settings, tmp_path, language):
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    run = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("plans.xml", CONTENT))
    assert jobs.import_iati_upload.call(run.pk) == "done"
    run.refresh_from_db()
    assert run.counts["unmatched_plans"] == UNMATCHED
    assert (run.counts["created"], run.counts["invalid"]) == (5, 1)
    page = lxml.html.fromstring(client_as(users["secretariat"]).get(
        f"/projects/import/iati/{run.pk}/", HTTP_ACCEPT_LANGUAGE=language).content)
    section = page.xpath("//*[@data-testid='iati-run']")[0]
    assert [section.xpath("string(.//h2[@id='iati-run-unmatched'])")] + [
        item.text_content() for item in section.xpath(".//*[@data-testid='iati-run-unmatched-plans']/li")
    ] == LINES[language]
    assert ImportRun.objects.count() == 1


def test_a_run_naming_no_unmatched_plan_shows_no_list(client_as, users, settings, tmp_path):
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    run = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile(
        "none.xml", b'<iati-activities version="2.03">' + activity("XM-UM-7").encode() + b"</iati-activities>"))
    jobs.import_iati_upload.call(run.pk)
    run.refresh_from_db()
    assert "unmatched_plans" not in run.counts
    page = client_as(users["secretariat"]).get(f"/projects/import/iati/{run.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"iati-run-unmatched-plans" not in page.content
