"""The secretariat's IATI upload, what only it does: a run lists each problem with its activity and line; a job
started again counts its attempts and starts the file afresh; progress is written in steps of the file read.
What both kinds of upload share (who may, the queue, exact counts, refusals) is in test_uploads.py."""

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from minga.exchange import import_runs, jobs
from minga.exchange.iati import importer
from minga.exchange.models import IatiActivity, ImportRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_dir")]


def test_a_run_lists_each_problem_with_its_activity_and_line(users, import_dir):
    content = b"""<iati-activities version="2.03">
<iati-activity default-currency="USD"><iati-identifier>XM-UPLOAD-1</iati-identifier>
<reporting-org ref="XM-DAC-7" type="10"><narrative>D</narrative></reporting-org><title><narrative>T</narrative></title>
</iati-activity>
<iati-activity default-currency="USD"><iati-identifier>XM-UPLOAD-2</iati-identifier>
<reporting-org ref="XM-DAC-7" type="10"><narrative>D</narrative></reporting-org>
<transaction><transaction-type code="3"/><value value-date="2024-01-01">abc</value></transaction>
</iati-activity></iati-activities>"""
    run = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("two.xml", content))
    assert jobs.import_iati_upload.call(run.pk) == "done"
    run.refresh_from_db()
    assert run.counts["read"] == 2 and run.counts["created"] == 1 and run.counts["invalid"] == 1
    assert [(problem["identifier"], problem["line"]) for problem in run.problems] == [("XM-UPLOAD-2", 5)]
    assert IatiActivity.objects.filter(identifier__startswith="XM-UPLOAD-").count() == 1


def test_a_job_started_again_counts_its_attempts_and_starts_the_file_afresh(users, import_dir):
    run = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile(
        "a.xml", b"<iati-activities version='2.03'></iati-activities>"))
    # As a worker that stopped mid-run leaves it: running, one attempt, partial progress.
    ImportRun.objects.filter(pk=run.pk).update(state="running", attempts=1, bytes_read=10, counts={"read": 3})
    assert jobs.import_iati_upload.call(run.pk) == "done"
    run.refresh_from_db()
    assert (run.state, run.attempts, run.counts["read"]) == ("done", 2, 0)


def test_progress_is_written_in_steps_not_after_every_activity(users, monkeypatch):
    run = ImportRun.objects.create(kind="iati", sources=["f.xml"], bytes_total=1000)

    report = importer.Report()
    monkeypatch.setattr(jobs.time, "monotonic", lambda: 0.0)  # no time passes: only the bytes count
    progress = jobs.Progress(run, report)
    for position in range(0, 1001, 10):  # 100 activities of 10 bytes each
        report.counts["read"] += 1
        progress(position)
    run.refresh_from_db()
    assert progress.writes == 20  # every 5 % of the file
    assert (run.bytes_read, run.counts["read"]) == (1000, 101)


def activity(n: int) -> bytes:
    return (f'<iati-activity default-currency="USD"><iati-identifier>XM-CUT-{n}</iati-identifier>'
            '<reporting-org ref="XM-DAC-7" type="10"><narrative>D</narrative></reporting-org>'
            f"<title><narrative>T{n}</narrative></title></iati-activity>\n").encode()


def test_a_file_cut_short_says_the_activities_before_the_break_were_imported_not_that_nothing_was(
        client_as, users, immediate, site_in_english):
    # An upload cut off in the middle of its third activity (a download that stopped, a copy cut short).
    content = b'<iati-activities version="2.03">\n' + activity(1) + activity(2) + activity(3)[:60]
    client = client_as(users["secretariat"])
    response = client.post("/projects/import/iati/", {"activities": SimpleUploadedFile("cut.xml", content)},
                           HTTP_ACCEPT_LANGUAGE="en")
    run = ImportRun.objects.get()
    assert (run.state, run.failure) == ("failed", "broken")
    assert (run.counts["read"], run.counts["created"]) == (2, 2)
    assert sorted(IatiActivity.objects.filter(identifier__startswith="XM-CUT-").values_list(
        "identifier", flat=True)) == ["XM-CUT-1", "XM-CUT-2"]
    page = lxml.html.fromstring(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content)
    failure = [p.text_content() for p in page.xpath("//*[@data-testid='iati-run-failure']/p")]
    assert failure[0] == ("The file breaks off part-way: the activities before the break were imported or reported "
                          "as counted here; nothing after it was read.")
    assert failure[1] == ("not well-formed XML (line 4): Premature end of data in tag iati-identifier line 4, "
                          "line 4, column 61")
    assert {dd.get("data-count"): dd.text_content() for dd in page.xpath(
        "//*[@data-testid='iati-run-counts']//dd")}["created"] == "2"
    with translation.override("es"):
        assert str(ImportRun.Failure.BROKEN.label).startswith("El archivo se corta a mitad de camino")


def test_a_file_refused_before_its_first_activity_still_says_nothing_was_imported(users, immediate):
    content = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><iati-activities version="2.03">' + activity(1) + b"</iati-activities>"
    run = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("dtd.xml", content))
    assert (run.state, run.failure, run.counts["read"]) == ("failed", "refused", 0)
    assert not IatiActivity.objects.filter(identifier__startswith="XM-CUT-").exists()


UNREAD = b"""<iati-activities>
<iati-activity default-currency="USD"><iati-identifier>XM-UPLOAD-3</iati-identifier>
<reporting-org ref="XM-DAC-7" type="10"><narrative>D</narrative></reporting-org>
<transaction><transaction-type code="3"/><value value-date="2024-01-01">abc</value></transaction>
</iati-activity></iati-activities>"""
# What the run's page says of the file above in each language: a transaction's value, and the document's version.
PROBLEMS = {
    "en": [["XM-UPLOAD-3", "2", "transaction at line 4: value 'abc' is not a number"],
           ["—", "1", "<iati-activities> has no version attribute"]],
    "es": [["XM-UPLOAD-3", "2", "transacción en la línea 4: el valor 'abc' no es un número"],
           ["—", "1", "<iati-activities> no tiene el atributo version"]],
    "pt": [["XM-UPLOAD-3", "2", "transação na linha 4: o valor 'abc' não é um número"],
           ["—", "1", "<iati-activities> não tem o atributo version"]],
}


def problem_rows(client, run: ImportRun, language: str) -> list[list[str]]:
    page = lxml.html.fromstring(client.get(f"/projects/import/iati/{run.pk}/", HTTP_ACCEPT_LANGUAGE=language).content)
    return [[cell.text_content() for cell in row.xpath("td")]
            for row in page.xpath("//*[@data-testid='iati-run-problems']/tbody/tr")]


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_the_run_page_shows_the_readers_problems_in_the_readers_language(client_as, users, language):
    """The reader stores each problem in English and as a template with its values; the page translates it."""
    run = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("unread.xml", UNREAD))
    assert jobs.import_iati_upload.call(run.pk) == "done"
    run.refresh_from_db()
    assert run.problems == [
        {"source": "unread.xml", "identifier": "XM-UPLOAD-3", "line": 2,
         "message": "transaction at line 4: value 'abc' is not a number",
         "template": "transaction at line %(line)s: value %(value)r is not a number",
         "params": {"line": 4, "value": "abc"}},
        {"source": "unread.xml", "identifier": "", "line": 1, "message": "<iati-activities> has no version attribute",
         "template": "<iati-activities> has no version attribute", "params": {}}]
    assert problem_rows(client_as(users["secretariat"]), run, language) == PROBLEMS[language]


def test_a_problem_stored_before_templates_is_shown_as_it_was_stored(client_as, users):
    run = ImportRun.objects.create(kind="iati", sources=["old.xml"], state=ImportRun.State.DONE,
                                   started_by=users["secretariat"], problems=[
                                       {"source": "old.xml", "identifier": "XM-OLD-1", "line": 3,
                                        "message": "transaction at line 7: value 'abc' is not a number"}])
    assert problem_rows(client_as(users["secretariat"]), run, "es") == [
        ["XM-OLD-1", "3", "transaction at line 7: value 'abc' is not a number"]]
