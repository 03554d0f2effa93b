"""Issue 11, FTS through the web, what only the FTS upload does: a run is seen only at the address of its own kind;
a plan overview goes into requirements and population figures; a flow with a wrong field is reported and the
others are imported; a job started again writes nothing twice; progress is written in steps of the flows done.
What both kinds of upload share (who may, the queue, exact counts, refusals) is in test_uploads.py."""

import json
from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minga.exchange import import_runs, jobs
from minga.exchange.fts_models import FtsFlow
from minga.exchange.models import ImportRun
from minga.finance.tracking import FundingFlow, Requirement
from tests.exchange.test_uploads import FTS, database_state, upload

FTS_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "fts"
PAGE = FTS_DATA / "custom-search-locationid-171-year-2020-page-3.json"
OVERVIEW = FTS_DATA / "2-fts-flow-plan-overview-progress-2020.json"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_dir"),
              pytest.mark.skipif(not FTS_DATA.is_dir(), reason="../shared/data/fts is not beside the repository")]
URL = "/projects/import/fts/"


def shown_counts(page, testid="fts-run-counts") -> dict:
    return {dd.get("data-count"): dd.text_content() for dd in page.xpath(f"//*[@data-testid='{testid}']//dd")}


def test_a_run_is_seen_only_at_the_address_of_its_own_kind(client_as, users):
    iati = ImportRun.objects.create(kind="iati", sources=["a.xml"])
    fts = ImportRun.objects.create(kind="fts", sources=["a.json"])
    client = client_as(users["secretariat"])
    assert client.get(f"/projects/import/fts/{iati.pk}/").status_code == 404
    assert client.get(f"/projects/import/iati/{fts.pk}/").status_code == 404
    listing = lxml.html.fromstring(client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content)
    assert [row.xpath("string(td[1])") for row in listing.xpath("//*[@data-testid='fts-runs']//tbody/tr")] == ["a.json"]


# --- the job ---------------------------------------------------------------------------------------------

def test_the_job_imports_a_plan_overview_into_requirements_and_figures(client_as, users, immediate):
    from tests.exchange.test_fts_plans import _expected

    requirements, figures = _expected()
    client = client_as(users["secretariat"])
    response = upload(client, FTS, OVERVIEW.name, OVERVIEW.read_bytes())
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
    upload(client, FTS, OVERVIEW.name, OVERVIEW.read_bytes())
    assert ImportRun.objects.first().counts["requirements"] == {"created": 0, "updated": 0,
                                                                "unchanged": len(requirements)}
    assert database_state() == before


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
                                        "commitment or paid",
                             "template": "%(label)s, flow %(position)s (id %(id)s): %(error)s",
                             "params": {"label": "edited.json", "position": 2, "id": flow_id, "error": {
                                 "template": "status %(value)r is not pledge, commitment or paid",
                                 "params": {"value": "promised"}}}}]
    assert not FtsFlow.objects.filter(flow_id=flow_id).exists()


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
    progress = jobs.FtsProgress(run, report)
    for done in range(1, 201):  # 200 flows
        report.read += 1
        progress(done, 200)
        if done == 100:
            run.refresh_from_db()
            assert (run.bytes_read, run.counts["read"]) == (500, 100)
    run.refresh_from_db()
    assert progress.writes == 20  # every 5 % of the file
    assert (run.bytes_read, run.counts["read"]) == (1000, 200)
