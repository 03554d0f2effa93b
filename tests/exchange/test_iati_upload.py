"""The secretariat's IATI upload, what only it does: a run lists each problem with its activity and line; a job
started again counts its attempts and starts the file afresh; progress is written in steps of the file read.
What both kinds of upload share (who may, the queue, exact counts, refusals) is in test_uploads.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
