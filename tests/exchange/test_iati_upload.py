"""The secretariat's IATI upload: a run is queued with its job, the job imports the file and writes the run's
progress, counts and problems; the progress page shows them and polls while the run goes on; nobody else
may upload or see a run. (A real worker runs the job in tests/site/test_worker.py.)"""

from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from lxml import etree

from minga.exchange import import_runs, jobs
from minga.exchange.iati import importer
from minga.exchange.models import IatiActivity, IatiTransaction, ImportRun
from minga.finance.tracking import FundingFlow
from minga.reference.models import Organisation

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "activities"
CHILE = SHARED / "usaid-cl.xml"
needs_shared = pytest.mark.skipif(not CHILE.is_file(), reason="../shared/data/iati is not beside the repository")
pytestmark = pytest.mark.django_db
URL = "/projects/import/iati/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    return settings.MINGA_IMPORT_DIR


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


def xml_counts(path: Path) -> tuple[int, int]:
    """Activities and transactions of the file, by plain lxml XPath (no Minga code)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    return len(tree.xpath("/iati-activities/iati-activity")), len(tree.xpath("/iati-activities/iati-activity/transaction"))


def upload(client, name: str, content: bytes):
    return client.post(URL, {"activities": SimpleUploadedFile(name, content, "application/xml")},
                       HTTP_ACCEPT_LANGUAGE="en")


def database_state():
    return (IatiActivity.all_objects.count(), IatiTransaction.objects.count(), FundingFlow.all_objects.count(),
            Organisation.all_objects.count())


# --- who may ---------------------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client):
    for address in (URL, "/projects/import/iati/1/"):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["donor_can", "focal_col", "local_cucuta", "observer"])
def test_only_the_secretariat_uploads_and_sees_runs(client_as, users, role):
    run = ImportRun.objects.create(kind="iati", sources=["f.xml"], started_by=users["secretariat"])
    client = client_as(users[role])
    assert client.get(URL).status_code == 403
    assert upload(client, "f.xml", b"<iati-activities/>").status_code == 403
    assert client.get(f"/projects/import/iati/{run.pk}/").status_code == 404  # a run's existence is not told
    assert ImportRun.objects.count() == 1
    assert not DBTaskResult.objects.exists()
    secretariat = client_as(users["secretariat"])
    assert secretariat.get(URL).status_code == 200
    assert secretariat.get(f"/projects/import/iati/{run.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["donor_can", "focal_col", "local_cucuta", "observer", "anonymous"])
def test_the_import_run_policy_is_private_to_the_secretariat(users, role):
    from minga.accounts import permissions

    run = ImportRun.objects.create(kind="iati", sources=["f.xml"])
    for action in ("view", "view_history", "change", "create", "delete"):
        assert not permissions.can(users[role], action, run)
        assert permissions.can(users["secretariat"], action, run)
    assert list(permissions.visible(users[role], ImportRun.objects.all())) == []
    assert list(permissions.visible(users["secretariat"], ImportRun.objects.all())) == [run]


# --- the upload queues a run -----------------------------------------------------------------------------

def test_an_upload_queues_a_run_with_its_job_and_keeps_the_file_privately(client_as, users, import_dir):
    response = upload(client_as(users["secretariat"]), "ayuda.xml", b"<iati-activities version='2.03'/>")
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/import/iati/{run.pk}/"
    assert (run.kind, run.sources, run.state, run.started_by, run.bytes_total) == (
        "iati", ["ayuda.xml"], "queued", users["secretariat"], 33)
    job = DBTaskResult.objects.get()
    assert (str(job.id), job.status, job.task_path, job.args_kwargs) == (
        run.task_id, "READY", "minga.exchange.jobs.import_iati_upload", {"args": [run.pk], "kwargs": {}})
    assert [path.name for path in import_dir.iterdir()] == [run.stored_name]
    assert (import_dir / run.stored_name).read_bytes() == b"<iati-activities version='2.03'/>"
    page = lxml.html.fromstring(client_as(users["secretariat"]).get(response["Location"],
                                                                    HTTP_ACCEPT_LANGUAGE="en").content)
    section = page.xpath("//*[@data-testid='iati-run']")[0]
    assert section.get("data-state") == "queued"
    assert section.get("hx-get") == f"/projects/import/iati/{run.pk}/"
    assert section.get("hx-trigger") == "every 2s"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("ayuda.csv", b"<iati-activities/>", "Choose an .xml file."),
    ("ayuda.xml", b"", "The submitted file is empty."),
    ("ayuda.xml", b"x" * (import_runs.MAX_UPLOAD_BYTES + 1),
     "The file is larger than 15 MB: import it with the command 'minga import iati FILE'."),
])
def test_an_upload_of_the_wrong_kind_or_size_is_refused_and_nothing_is_queued(client_as, users, name, content,
                                                                               message, import_dir, settings):
    settings.MINGA_MAX_REQUEST_BYTES = 32 * 1024 * 1024
    response = upload(client_as(users["secretariat"]), name, content)
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert message in page.xpath("string(//form[@data-testid='iati-upload'])")
    assert not ImportRun.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not import_dir.exists() or not any(import_dir.iterdir())


def test_a_body_larger_than_the_upload_limit_is_refused_before_it_is_read(client_as, users):
    client = client_as(users["secretariat"])
    response = client.post(URL, data=b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(import_runs.MAX_UPLOAD_BYTES + 65 * 1024), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert not ImportRun.objects.exists()


# --- the job ---------------------------------------------------------------------------------------------

@needs_shared
def test_the_job_imports_the_file_with_exact_counts_and_the_page_shows_them(client_as, users, immediate, import_dir):
    activities, transactions = xml_counts(CHILE)
    assert (activities, transactions) == (16, 55)
    before = IatiActivity.all_objects.count()
    client = client_as(users["secretariat"])
    response = upload(client, CHILE.name, CHILE.read_bytes())
    run = ImportRun.objects.get()
    identifiers = set(IatiActivity.objects.filter(source_name=CHILE.name).values_list("identifier", flat=True))
    flows = FundingFlow.objects.filter(iati_transaction__activity__identifier__in=identifiers).count()
    assert (run.state, run.attempts, run.failure, run.error) == ("done", 1, "", "")
    assert run.counts == {"read": 16, "created": 16, "updated": 0, "unchanged": 0, "skipped": 0, "invalid": 0,
                          "transactions": 55, "flows": flows}
    assert flows == IatiTransaction.objects.filter(activity__identifier__in=identifiers).exclude(flow=None).count()
    assert (run.bytes_read, run.bytes_total, run.percent) == (CHILE.stat().st_size, CHILE.stat().st_size, 100)
    assert run.problems == []
    assert run.finished_at is not None
    assert IatiActivity.all_objects.count() == before + 16
    assert not any(import_dir.iterdir())  # the upload is not kept once its run has ended
    page = lxml.html.fromstring(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content)
    section = page.xpath("//*[@data-testid='iati-run']")[0]
    assert section.get("data-state") == "done"
    assert section.get("hx-get") is None  # ended: the page stops asking
    assert {dd.get("data-count"): dd.text_content() for dd in section.xpath(".//dd")} == {
        "read": "16", "created": "16", "updated": "0", "unchanged": "0", "skipped": "0", "invalid": "0",
        "transactions": "55", "flows": str(flows)}
    assert page.xpath("string(//*[@data-testid='iati-run-no-problems'])") == (
        "No problems: every activity read was imported.")
    # A second upload of the same file changes nothing.
    upload(client, CHILE.name, CHILE.read_bytes())
    again = ImportRun.objects.first()
    assert again.counts == {"read": 16, "created": 0, "updated": 0, "unchanged": 16, "skipped": 0, "invalid": 0,
                            "transactions": 0, "flows": 0}
    listing = lxml.html.fromstring(client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content)
    assert [[cell.text_content().strip() for cell in row.xpath("td")][2:]
            for row in listing.xpath("//*[@data-testid='iati-runs']//tbody/tr")] == [["secretaria", "Done", "16"]] * 2


@pytest.mark.parametrize("content", [b"this is not XML at all", b"%PDF-1.4 \x00\x01\x02 binary", b'{"json": true}'])
def test_a_file_that_is_not_xml_ends_with_a_clear_error_and_an_unchanged_database(client_as, users, immediate,
                                                                                   content, import_dir):
    before = database_state()
    client = client_as(users["secretariat"])
    response = upload(client, "notes.xml", content)
    run = ImportRun.objects.get()
    assert (run.state, run.failure) == ("failed", "refused")
    assert run.error.startswith(("not well-formed XML (line 1)", "no XML document in the file"))
    assert run.problems == [{"source": "notes.xml", "identifier": "", "line": 0, "message": run.error}]
    assert database_state() == before
    assert not any(import_dir.iterdir())
    page = lxml.html.fromstring(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content)
    failure = page.xpath("//*[@data-testid='iati-run-failure']")[0]
    assert [p.text_content() for p in failure.xpath("p")] == [
        "The file was refused and nothing of it was imported.", run.error]
    assert [[cell.text_content() for cell in row.xpath("td")]
            for row in page.xpath("//*[@data-testid='iati-run-problems']//tbody/tr")] == [["—", "—", run.error]]


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


def test_a_job_whose_file_is_gone_fails_clearly(users, import_dir):
    run = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("a.xml", b"<x/>"))
    (import_dir / run.stored_name).unlink()
    assert jobs.import_iati_upload.call(run.pk) == "failed"
    run.refresh_from_db()
    with translation.override("en"):
        assert (run.state, run.failure, run.get_failure_display()) == (
            "failed", "missing", "The uploaded file is no longer kept: upload it again.")


def test_a_job_delivered_again_after_its_run_ended_does_nothing(users, immediate, import_dir):
    run = import_runs.iati_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("a.xml", b"<x/>"))
    assert run.state == "failed"
    assert jobs.import_iati_upload.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.attempts == 1


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

    class Handle:
        position = 0

        def tell(self):
            return self.position

    handle, report = Handle(), importer.Report()
    monkeypatch.setattr(jobs.time, "monotonic", lambda: 0.0)  # no time passes: only the bytes count
    progress = jobs.Progress(run, handle, report)
    for position in range(0, 1001, 10):  # 100 activities of 10 bytes each
        handle.position = position
        report.counts["read"] += 1
        progress()
    run.refresh_from_db()
    assert progress.writes == 20  # every 5 % of the file
    assert (run.bytes_read, run.counts["read"]) == (1000, 101)
