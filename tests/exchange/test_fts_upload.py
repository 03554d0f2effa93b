"""Issue 11, FTS through the web: the secretariat uploads an FTS file (a v1 flow search page, a v2 plan overview)
beside the IATI upload; it is imported as a background job exactly as the IATI upload is (``ImportRun``, the htmx
progress view, the report at the end); the same file twice changes nothing; a file that is not an FTS answer is
refused whole with nothing written; nobody else may upload or see a run."""

import json
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from minga.exchange import import_runs, jobs
from minga.exchange.fts_models import FtsFlow
from minga.exchange.models import ImportRun
from minga.finance.tracking import FundingFlow, Requirement, TrackedPledge
from minga.reference.models import Organisation, PopulationFigure
from tests.exchange.test_fts import _location_funding, _pse, _report_json

FTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "fts"
PAGE = FTS / "custom-search-locationid-171-year-2020-page-3.json"
OVERVIEW = FTS / "2-fts-flow-plan-overview-progress-2020.json"
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not FTS.is_dir(), reason="../shared/data/fts is not beside the repository")]
URL = "/projects/import/fts/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    return settings.MINGA_IMPORT_DIR


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def site_in_english(settings):
    settings.LANGUAGE_CODE = "en"  # a job writes its report in the site's language (jobs._run), whoever asked


def upload(client, name: str, content: bytes):
    return client.post(URL, {"file": SimpleUploadedFile(name, content, "application/json")},
                       HTTP_ACCEPT_LANGUAGE="en")


def database_state():
    return (FtsFlow.objects.count(), FundingFlow.all_objects.count(), FundingFlow.history.count(),
            TrackedPledge.all_objects.count(), Organisation.all_objects.count(), Requirement.all_objects.count(),
            Requirement.history.count(), PopulationFigure.all_objects.count())


def shown_counts(page, testid="fts-run-counts") -> dict:
    return {dd.get("data-count"): dd.text_content() for dd in page.xpath(f"//*[@data-testid='{testid}']//dd")}


# --- who may ---------------------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client):
    for address in (URL, "/projects/import/fts/1/"):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["donor_can", "focal_col", "local_cucuta", "observer"])
def test_only_the_secretariat_uploads_and_sees_fts_runs(client_as, users, role):
    run = ImportRun.objects.create(kind="fts", sources=["f.json"], started_by=users["secretariat"])
    client = client_as(users[role])
    assert client.get(URL).status_code == 403
    assert upload(client, "f.json", b"{}").status_code == 403
    assert client.get(f"/projects/import/fts/{run.pk}/").status_code == 404
    assert ImportRun.objects.count() == 1
    assert not DBTaskResult.objects.exists()
    secretariat = client_as(users["secretariat"])
    assert secretariat.get(URL).status_code == 200
    assert secretariat.get(f"/projects/import/fts/{run.pk}/").status_code == 200


def test_a_run_is_seen_only_at_the_address_of_its_own_kind(client_as, users):
    iati = ImportRun.objects.create(kind="iati", sources=["a.xml"])
    fts = ImportRun.objects.create(kind="fts", sources=["a.json"])
    client = client_as(users["secretariat"])
    assert client.get(f"/projects/import/fts/{iati.pk}/").status_code == 404
    assert client.get(f"/projects/import/iati/{fts.pk}/").status_code == 404
    listing = lxml.html.fromstring(client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content)
    assert [row.xpath("string(td[1])") for row in listing.xpath("//*[@data-testid='fts-runs']//tbody/tr")] == ["a.json"]


# --- the upload queues a run -----------------------------------------------------------------------------

def test_an_upload_queues_a_run_with_its_fts_job_and_keeps_the_file_privately(client_as, users, import_dir):
    response = upload(client_as(users["secretariat"]), "opt.json", b'{"data": {"flows": []}}')
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/import/fts/{run.pk}/"
    assert (run.kind, run.sources, run.state, run.started_by, run.bytes_total) == (
        "fts", ["opt.json"], "queued", users["secretariat"], 23)
    assert run.stored_name.endswith(".json")
    job = DBTaskResult.objects.get()
    assert (str(job.id), job.status, job.task_path, job.args_kwargs) == (
        run.task_id, "READY", "minga.exchange.jobs.import_fts_upload", {"args": [run.pk], "kwargs": {}})
    assert (import_dir / run.stored_name).read_bytes() == b'{"data": {"flows": []}}'
    page = lxml.html.fromstring(client_as(users["secretariat"]).get(response["Location"],
                                                                    HTTP_ACCEPT_LANGUAGE="en").content)
    section = page.xpath("//*[@data-testid='fts-run']")[0]
    assert (section.get("data-state"), section.get("hx-get"), section.get("hx-trigger")) == (
        "queued", f"/projects/import/fts/{run.pk}/", "every 2s")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("opt.xml", b"{}", "Choose a .json file."),
    ("opt.json", b"", "The submitted file is empty."),
    ("opt.json", b"x" * (import_runs.MAX_UPLOAD_BYTES + 1),
     "The file is larger than 15 MB: import it with the command 'minga import fts FILE'."),
])
def test_an_upload_of_the_wrong_kind_or_size_is_refused_and_nothing_is_queued(client_as, users, name, content,
                                                                               message, import_dir, settings):
    settings.MINGA_MAX_REQUEST_BYTES = 32 * 1024 * 1024
    response = upload(client_as(users["secretariat"]), name, content)
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert message in page.xpath("string(//form[@data-testid='fts-upload'])")
    assert not ImportRun.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not import_dir.exists() or not any(import_dir.iterdir())


def test_a_body_larger_than_the_upload_limit_is_refused_before_it_is_read(client_as, users):
    response = client_as(users["secretariat"]).post(
        URL, data=b"x", content_type="application/octet-stream",
        CONTENT_LENGTH=str(import_runs.MAX_UPLOAD_BYTES + 65 * 1024), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert not ImportRun.objects.exists()


# --- the job ---------------------------------------------------------------------------------------------

def test_the_job_imports_a_search_page_counted_as_fts_counts_and_a_second_upload_changes_nothing(
        client_as, users, immediate, import_dir):
    flows = json.loads(PAGE.read_text())["data"]["flows"]
    expected = _location_funding(flows)  # FTS's rule, computed from the JSON by the test
    assert (len(flows), expected) == (24, Decimal("30716870"))
    client = client_as(users["secretariat"])
    response = upload(client, PAGE.name, PAGE.read_bytes())
    run = ImportRun.objects.get()
    assert (run.state, run.attempts, run.failure, run.error, run.problems) == ("done", 1, "", "", [])
    assert run.counts == {"pages": 1, "read": 24, "created": 24, "updated": 0, "unchanged": 0, "refused": 0,
                          "outcomes": {"counted": 20, "passed_on": 4}, "totals": [[PAGE.name, 381508179]]}
    assert (run.bytes_read, run.percent) == (PAGE.stat().st_size, 100)
    assert not any(import_dir.iterdir())
    assert FtsFlow.objects.count() == 24
    assert _pse(_report_json())["funding_usd"] == f"{expected}.00"
    page = lxml.html.fromstring(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content)
    section = page.xpath("//*[@data-testid='fts-run']")[0]
    assert (section.get("data-state"), section.get("hx-get")) == ("done", None)
    assert shown_counts(page) == {"read": "24", "created": "24", "updated": "0", "unchanged": "0", "refused": "0",
                                  "plans": "0"}
    assert [[cell.text_content() for cell in row.xpath("td")]
            for row in page.xpath("//*[@data-testid='fts-run-outcomes']//tbody/tr")] == [
        ["Funding of the destination country", "20"],
        ["Money already counted where it entered (internal or outgoing)", "4"]]
    assert page.xpath("string(//*[@data-testid='fts-run-total'])") == (
        f"Incoming funding of the whole search, as FTS totals it in {PAGE.name}: $381,508,179.00.")
    assert page.xpath("string(//*[@data-testid='fts-run-no-problems'])") == (
        "No problems: every flow read was imported.")

    before = database_state()
    upload(client, PAGE.name, PAGE.read_bytes())
    again = ImportRun.objects.first()
    assert again.counts == {**run.counts, "created": 0, "unchanged": 24}
    assert database_state() == before
    assert _pse(_report_json())["funding_usd"] == f"{expected}.00"
    listing = lxml.html.fromstring(client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content)
    assert [[cell.text_content().strip() for cell in row.xpath("td")][2:]
            for row in listing.xpath("//*[@data-testid='fts-runs']//tbody/tr")] == [["secretaria", "Done", "24"]] * 2


def test_the_job_imports_a_plan_overview_into_requirements_and_figures(client_as, users, immediate):
    from tests.exchange.test_fts_plans import _expected

    requirements, figures = _expected()
    client = client_as(users["secretariat"])
    response = upload(client, OVERVIEW.name, OVERVIEW.read_bytes())
    run = ImportRun.objects.get()
    assert (run.state, run.problems) == ("done", [])
    assert run.counts == {"pages": 1, "read": 0, "created": 0, "updated": 0, "unchanged": 0, "refused": 0,
                          "outcomes": {}, "totals": [], "plans": 6,
                          "requirements": {"created": len(requirements), "updated": 0, "unchanged": 0},
                          "figures": {"created": len(figures), "updated": 0, "unchanged": 0}}
    found = Requirement.objects.filter(load_key__startswith="fts-plan-")
    assert {(r.plan, r.year, r.country_id, r.amount) for r in found} == requirements
    page = lxml.html.fromstring(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content)
    assert shown_counts(page)["plans"] == "6"
    assert {span.get("data-count"): span.text_content() for span in page.xpath(
        "//*[@data-testid='fts-run-requirements']//span")} == {
        "created": f"Created {len(requirements)}", "updated": "Updated 0", "unchanged": "Unchanged 0"}
    before = database_state()
    upload(client, OVERVIEW.name, OVERVIEW.read_bytes())
    assert ImportRun.objects.first().counts["requirements"] == {"created": 0, "updated": 0,
                                                                "unchanged": len(requirements)}
    assert database_state() == before


@pytest.mark.parametrize(("content", "reason"), [
    (b"this is not JSON at all", "opt.json: not JSON (Expecting value: line 1 column 1 (char 0))."),
    (b'{"data": {"requirements": []}}', "opt.json: not an FTS flow search (no data.flows list)."),
    (b"[1, 2, 3]", "opt.json: not an FTS flow search (no data.flows list)."),
])
def test_a_file_that_is_not_an_fts_answer_is_refused_whole_and_the_database_is_unchanged(
        client_as, users, immediate, import_dir, content, reason, site_in_english):
    before = database_state()
    client = client_as(users["secretariat"])
    response = upload(client, "opt.json", content)
    run = ImportRun.objects.get()
    assert (run.state, run.failure, run.error) == ("failed", "refused", reason)
    assert run.problems == [{"source": "opt.json", "identifier": "", "line": 0, "message": reason}]
    assert database_state() == before
    assert not any(import_dir.iterdir())
    page = lxml.html.fromstring(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content)
    assert [p.text_content() for p in page.xpath("//*[@data-testid='fts-run-failure']/p")] == [
        "The file was refused and nothing of it was imported.", reason]
    assert [[cell.text_content() for cell in row.xpath("td")]
            for row in page.xpath("//*[@data-testid='fts-run-problems']//tbody/tr")] == [[reason]]


def test_a_flow_with_a_wrong_field_is_reported_and_the_others_are_imported(users, import_dir, site_in_english):
    document = json.loads(PAGE.read_text())
    document["data"]["flows"][1]["status"] = "promised"
    run = import_runs.fts_upload_start(user=users["secretariat"], upload=SimpleUploadedFile(
        "edited.json", json.dumps(document).encode()))
    assert jobs.import_fts_upload.call(run.pk) == "done"
    run.refresh_from_db()
    flow_id = document["data"]["flows"][1]["id"]
    assert (run.counts["read"], run.counts["created"], run.counts["refused"]) == (23, 23, 1)
    assert run.problems == [{"source": "edited.json", "identifier": "", "line": 0,
                             "message": f"edited.json, flow 2 (id {flow_id}): status 'promised' is not pledge, "
                                        "commitment or paid"}]
    assert not FtsFlow.objects.filter(flow_id=flow_id).exists()


def test_an_fts_job_whose_file_is_gone_fails_clearly_and_one_delivered_again_does_nothing(users, import_dir):
    run = import_runs.fts_upload_start(user=users["secretariat"], upload=SimpleUploadedFile("a.json", b"{}"))
    (import_dir / run.stored_name).unlink()
    assert jobs.import_fts_upload.call(run.pk) == "failed"
    run.refresh_from_db()
    assert (run.state, run.failure, run.attempts) == ("failed", "missing", 1)
    assert jobs.import_fts_upload.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.attempts == 1
    # An IATI job never takes an FTS run (nor the reverse): the run's kind chooses its importer.
    assert jobs.import_iati_upload.call(run.pk) == "missing"


def test_an_fts_job_started_again_starts_afresh_and_writes_nothing_twice(users, import_dir):
    run = import_runs.fts_upload_start(user=users["secretariat"], upload=SimpleUploadedFile(
        PAGE.name, PAGE.read_bytes()))
    assert jobs.import_fts_upload.call(run.pk) == "done"
    history = FundingFlow.history.count()
    # As a worker that stopped mid-run leaves it, after its flows were written: running, partial progress.
    (import_dir / run.stored_name).write_bytes(PAGE.read_bytes())
    ImportRun.objects.filter(pk=run.pk).update(state="running", attempts=1, bytes_read=10, counts={"read": 3})
    assert jobs.import_fts_upload.call(run.pk) == "done"
    run.refresh_from_db()
    assert (run.attempts, run.counts["read"], run.counts["created"], run.counts["unchanged"]) == (2, 24, 0, 24)
    assert FundingFlow.history.count() == history


def test_fts_progress_is_written_in_steps_of_the_flows_done(users, monkeypatch):
    from minga.exchange import fts

    run = ImportRun.objects.create(kind="fts", sources=["f.json"], bytes_total=1000)
    report = fts.FtsReport()
    monkeypatch.setattr(jobs.time, "monotonic", lambda: 0.0)  # no time passes: only the share done counts
    progress = jobs.FtsProgress(run, None, report)
    for done in range(1, 201):  # 200 flows
        report.read += 1
        progress(done, 200)
        if done == 100:
            run.refresh_from_db()
            assert (run.bytes_read, run.counts["read"]) == (500, 100)
    run.refresh_from_db()
    assert progress.writes == 20  # every 5 % of the file
    assert (run.bytes_read, run.counts["read"]) == (1000, 200)
