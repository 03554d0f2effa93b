"""Issue 11, the secretariat's uploads of both kinds (an IATI activity file, an OCHA FTS file), as one: a run is
queued with its job and its file kept privately; a file of the wrong kind or size is refused with nothing queued;
the job imports the file with exact counts, the progress page shows them and stops polling, a second upload of
the same file changes nothing; a file that is not of its kind is refused whole with the database unchanged; a job
whose file is gone fails clearly, and one delivered again does nothing; nobody else may upload or see a run.
What only one kind does is in test_iati_upload.py and test_fts_upload.py. (A real worker runs the job in
tests/site/test_worker.py.)"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from lxml import etree

from minga.accounts import permissions
from minga.exchange import import_runs, jobs
from minga.exchange.fts_models import FtsFlow
from minga.exchange.models import IatiActivity, IatiTransaction, ImportRun
from minga.finance.tracking import FundingFlow, Requirement, TrackedPledge
from minga.reference.models import Organisation, PopulationFigure

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
CHILE = SHARED / "iati" / "activities" / "usaid-cl.xml"
FTS_PAGE = SHARED / "fts" / "custom-search-locationid-171-year-2020-page-3.json"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_dir")]
ROLES = ["donor_can", "focal_col", "local_cucuta", "observer"]


def xml_counts(path: Path) -> tuple[int, int]:
    """Activities and transactions of the file, by plain lxml XPath (no Minga code)."""
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    return len(tree.xpath("/iati-activities/iati-activity")), len(tree.xpath("/iati-activities/iati-activity/transaction"))


def database_state():
    """What either import writes."""
    return (IatiActivity.all_objects.count(), IatiTransaction.objects.count(), FtsFlow.objects.count(),
            FundingFlow.all_objects.count(), FundingFlow.history.count(), TrackedPledge.all_objects.count(),
            Organisation.all_objects.count(), Requirement.all_objects.count(), Requirement.history.count(),
            PopulationFigure.all_objects.count())


# --- what differs between the kinds ---------------------------------------------------------------------------

def _iati_flows(expected: int) -> int:
    """The flows of the Chilean file's transactions (its 47 commitments and disbursements of a value above 0), each
    with its transaction."""
    identifiers = set(IatiActivity.objects.filter(source_name=CHILE.name).values_list("identifier", flat=True))
    flows = FundingFlow.objects.filter(iati_transaction__activity__identifier__in=identifiers).count()
    assert flows == IatiTransaction.objects.filter(activity__identifier__in=identifiers).exclude(flow=None).count()
    assert flows == expected
    return flows


def _iati_before() -> dict:
    assert xml_counts(CHILE) == (16, 55)
    return {"activities": IatiActivity.all_objects.count()}


def _iati_imported(before: dict, page) -> None:
    assert IatiActivity.all_objects.count() == before["activities"] + 16


def _fts_before() -> dict:
    from tests.exchange.test_fts import _location_funding

    flows = json.loads(FTS_PAGE.read_text())["data"]["flows"]
    expected = _location_funding(flows)  # FTS's rule, computed from the JSON by the test
    assert (len(flows), expected) == (24, Decimal("30716870"))
    return {"funding": expected}


def _fts_funding(before: dict) -> None:
    from tests.exchange.test_fts import _pse, _report_json

    assert _pse(_report_json())["funding_usd"] == f"{before['funding']}.00"


def _fts_imported(before: dict, page) -> None:
    assert FtsFlow.objects.count() == 24
    _fts_funding(before)
    assert [[cell.text_content() for cell in row.xpath("td")]
            for row in page.xpath("//*[@data-testid='fts-run-outcomes']//tbody/tr")] == [
        ["Funding of the destination country", "20"],
        ["Money already counted where it entered (internal or outgoing)", "4"]]
    assert page.xpath("string(//*[@data-testid='fts-run-total'])") == (
        f"Incoming funding of the whole search, as FTS totals it in {FTS_PAGE.name}: $381,508,179.00.")


@dataclass(frozen=True)
class Kind:
    code: str
    field: str  # the upload form's file field
    content_type: str
    job: Callable
    start: Callable
    queued: tuple[str, bytes]  # a file whose run is only queued here
    wrong_suffix: tuple[str, str]  # a name of the other kind, and the message
    failing: bytes  # a file its job refuses at once
    refused_name: str
    sample: Path  # a shared file, imported with exact counts
    counts: Callable[[], dict]  # the sample's run counts, once imported
    shown: Callable[[dict], dict]  # the counts the page shows, by key
    counts_again: Callable[[dict], dict]  # the second upload's, from the first's
    listed: str  # what the list of runs says of the sample's run
    before: Callable[[], dict]  # checks made from the sample alone (by the test's own code), before the upload
    imported: Callable[[dict, object], None]  # what else the first upload must have done (the page given)
    again: Callable[[dict], None]  # what else must hold after the second
    no_problems: str

    @property
    def url(self) -> str:
        return f"/projects/import/{self.code}/"

    def problem_row(self, message: str) -> list[str]:
        return ["—", "—", message] if self.code == "iati" else [message]


IATI = Kind("iati", "activities", "application/xml", jobs.import_iati_upload, import_runs.iati_upload_start,
            ("ayuda.xml", b"<iati-activities version='2.03'/>"), ("ayuda.csv", "Choose an .xml file."), b"<x/>",
            "notes.xml", CHILE,
            lambda: {"read": 16, "created": 16, "updated": 0, "unchanged": 0, "skipped": 0, "invalid": 0,
                     "transactions": 55, "flows": _iati_flows(47)},
            lambda counts: {key: str(value) for key, value in counts.items()},
            lambda counts: {"read": 16, "created": 0, "updated": 0, "unchanged": 16, "skipped": 0, "invalid": 0,
                            "transactions": 0, "flows": 0},
            "16", _iati_before, _iati_imported, lambda before: None,
            "No problems: every activity read was imported.")
FTS = Kind("fts", "file", "application/json", jobs.import_fts_upload, import_runs.fts_upload_start,
           ("opt.json", b'{"data": {"flows": []}}'), ("opt.xml", "Choose a .json file."), b"{}", "opt.json",
           FTS_PAGE,
           lambda: {"pages": 1, "read": 24, "created": 24, "updated": 0, "unchanged": 0, "refused": 0,
                    "outcomes": {"counted": 20, "passed_on": 4}, "totals": [[FTS_PAGE.name, 381508179]]},
           lambda counts: {"read": "24", "created": "24", "updated": "0", "unchanged": "0", "refused": "0",
                           "plans": "0"},
           lambda counts: {**counts, "created": 0, "unchanged": 24},
           "24", _fts_before, _fts_imported, _fts_funding,
           "No problems: every flow read was imported.")
KINDS = [pytest.param(IATI, id="iati"), pytest.param(FTS, id="fts")]
WITH_SAMPLE = [pytest.param(kind, id=kind.code, marks=pytest.mark.skipif(
    not kind.sample.is_file(), reason=f"{kind.sample.parent} is not beside the repository")) for kind in (IATI, FTS)]


def upload(client, kind: Kind, name: str, content: bytes):
    return client.post(kind.url, {kind.field: SimpleUploadedFile(name, content, kind.content_type)},
                       HTTP_ACCEPT_LANGUAGE="en")


def page_of(client, url: str):
    return lxml.html.fromstring(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content)


# --- who may ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_visitors_are_sent_to_sign_in(client, kind):
    for address in (kind.url, f"{kind.url}1/"):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
def test_only_the_secretariat_uploads_and_sees_runs(client_as, users, kind, role):
    run = ImportRun.objects.create(kind=kind.code, sources=[kind.queued[0]], started_by=users["secretariat"])
    client = client_as(users[role])
    assert client.get(kind.url).status_code == 403
    assert upload(client, kind, *kind.queued).status_code == 403
    assert client.get(f"{kind.url}{run.pk}/").status_code == 404  # a run's existence is not told
    assert ImportRun.objects.count() == 1
    assert not DBTaskResult.objects.exists()
    secretariat = client_as(users["secretariat"])
    assert secretariat.get(kind.url).status_code == 200
    assert secretariat.get(f"{kind.url}{run.pk}/").status_code == 200


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_import_run_policy_is_private_to_the_secretariat(users, kind, role):
    run = ImportRun.objects.create(kind=kind.code, sources=[kind.queued[0]])
    for action in ("view", "view_history", "change", "create", "delete"):
        assert not permissions.can(users[role], action, run)
        assert permissions.can(users["secretariat"], action, run)
    assert list(permissions.visible(users[role], ImportRun.objects.all())) == []
    assert list(permissions.visible(users["secretariat"], ImportRun.objects.all())) == [run]


# --- the upload queues a run -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_an_upload_queues_a_run_with_its_job_and_keeps_the_file_privately(client_as, users, import_dir, kind):
    name, content = kind.queued
    response = upload(client_as(users["secretariat"]), kind, name, content)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{kind.url}{run.pk}/"
    assert (run.kind, run.sources, run.state, run.started_by, run.bytes_total) == (
        kind.code, [name], "queued", users["secretariat"], len(content))
    assert len(content) == {"iati": 33, "fts": 23}[kind.code]
    assert run.stored_name.endswith(Path(name).suffix)
    job = DBTaskResult.objects.get()
    assert (str(job.id), job.status, job.task_path, job.args_kwargs) == (
        run.task_id, "READY", f"minga.exchange.jobs.import_{kind.code}_upload", {"args": [run.pk], "kwargs": {}})
    assert [path.name for path in import_dir.iterdir()] == [run.stored_name]
    assert (import_dir / run.stored_name).read_bytes() == content
    section = page_of(client_as(users["secretariat"]), response["Location"]).xpath(
        f"//*[@data-testid='{kind.code}-run']")[0]
    assert (section.get("data-state"), section.get("hx-get"), section.get("hx-trigger")) == (
        "queued", f"{kind.url}{run.pk}/", "every 2s")


def _refusals():
    for kind in (IATI, FTS):
        suffix = kind.queued[0].rpartition(".")[2]
        yield pytest.param(kind, kind.wrong_suffix[0], kind.queued[1], kind.wrong_suffix[1], id=f"{kind.code}-suffix")
        yield pytest.param(kind, f"ayuda.{suffix}", b"", "The submitted file is empty.", id=f"{kind.code}-empty")
        yield pytest.param(kind, f"ayuda.{suffix}", b"x" * (import_runs.MAX_UPLOAD_BYTES + 1),
                           f"The file is larger than 15 MB: import it with the command 'minga import {kind.code} FILE'.",
                           id=f"{kind.code}-large")


@pytest.mark.parametrize(("kind", "name", "content", "message"), list(_refusals()))
def test_an_upload_of_the_wrong_kind_or_size_is_refused_and_nothing_is_queued(client_as, users, kind, name, content,
                                                                               message, import_dir, settings):
    settings.MINGA_MAX_REQUEST_BYTES = 32 * 1024 * 1024
    response = upload(client_as(users["secretariat"]), kind, name, content)
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert message in page.xpath(f"string(//form[@data-testid='{kind.code}-upload'])")
    assert not ImportRun.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not import_dir.exists() or not any(import_dir.iterdir())


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_larger_than_the_upload_limit_is_refused_before_it_is_read(client_as, users, kind):
    response = client_as(users["secretariat"]).post(
        kind.url, data=b"x", content_type="application/octet-stream",
        CONTENT_LENGTH=str(import_runs.MAX_UPLOAD_BYTES + 65 * 1024), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert not ImportRun.objects.exists()


# --- the job ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", WITH_SAMPLE)
def test_the_job_imports_the_file_with_exact_counts_the_page_shows_them_and_a_second_upload_changes_nothing(
        client_as, users, immediate, import_dir, kind):
    before = kind.before()
    client = client_as(users["secretariat"])
    response = upload(client, kind, kind.sample.name, kind.sample.read_bytes())
    run = ImportRun.objects.get()
    assert (run.state, run.attempts, run.failure, run.error, run.problems) == ("done", 1, "", "", [])
    assert run.counts == kind.counts()
    size = kind.sample.stat().st_size
    assert (run.bytes_read, run.bytes_total, run.percent) == (size, size, 100)
    assert run.finished_at is not None
    assert not any(import_dir.iterdir())  # the upload is not kept once its run has ended
    page = page_of(client, response["Location"])
    section = page.xpath(f"//*[@data-testid='{kind.code}-run']")[0]
    assert (section.get("data-state"), section.get("hx-get")) == ("done", None)  # ended: the page stops asking
    assert {dd.get("data-count"): dd.text_content()
            for dd in section.xpath(f".//*[@data-testid='{kind.code}-run-counts']//dd")} == kind.shown(run.counts)
    kind.imported(before, page)
    assert page.xpath(f"string(//*[@data-testid='{kind.code}-run-no-problems'])") == kind.no_problems
    # A second upload of the same file changes nothing.
    stored = database_state()
    upload(client, kind, kind.sample.name, kind.sample.read_bytes())
    assert ImportRun.objects.first().counts == kind.counts_again(run.counts)
    assert database_state() == stored
    kind.again(before)
    listing = page_of(client, kind.url)
    assert [[cell.text_content().strip() for cell in row.xpath("td")][2:]
            for row in listing.xpath(f"//*[@data-testid='{kind.code}-runs']//tbody/tr")] == [
        ["secretaria", "Done", kind.listed]] * 2


@pytest.mark.parametrize(("kind", "content", "reason"), [
    pytest.param(IATI, content, ("not well-formed XML (line 1)", "no XML document in the file"), id=f"iati-{label}")
    for label, content in (("text", b"this is not XML at all"), ("pdf", b"%PDF-1.4 \x00\x01\x02 binary"),
                           ("json", b'{"json": true}'))] + [
    pytest.param(FTS, b"this is not JSON at all", "opt.json: not JSON (Expecting value: line 1 column 1 (char 0)).",
                 id="fts-text"),
    pytest.param(FTS, b'{"data": {"requirements": []}}', "opt.json: not an FTS flow search (no data.flows list).",
                 id="fts-no-flows"),
    pytest.param(FTS, b"[1, 2, 3]", "opt.json: not an FTS flow search (no data.flows list).", id="fts-list"),
])
def test_a_file_not_of_its_kind_is_refused_whole_and_the_database_is_unchanged(
        client_as, users, immediate, import_dir, kind, content, reason, site_in_english):
    before = database_state()
    client = client_as(users["secretariat"])
    response = upload(client, kind, kind.refused_name, content)
    run = ImportRun.objects.get()
    assert (run.state, run.failure) == ("failed", "refused")
    assert run.error == reason if isinstance(reason, str) else run.error.startswith(reason)
    assert [{key: problem[key] for key in ("source", "identifier", "line", "message")} for problem in run.problems] == [
        {"source": kind.refused_name, "identifier": "", "line": 0, "message": run.error}]
    # A refusal is stored with its template too (shown in the reader's language: test_import_run_language.py).
    assert [("template" in problem, "params" in problem) for problem in run.problems] == [(True, True)]
    assert run.error_problem == {key: run.problems[0][key] for key in ("template", "params")}
    assert database_state() == before
    assert not any(import_dir.iterdir())
    page = page_of(client, response["Location"])
    assert [p.text_content() for p in page.xpath(f"//*[@data-testid='{kind.code}-run-failure']/p")] == [
        "The file was refused and nothing of it was imported.", run.error]
    assert [[cell.text_content() for cell in row.xpath("td")]
            for row in page.xpath(f"//*[@data-testid='{kind.code}-run-problems']//tbody/tr")] == [
        kind.problem_row(run.error)]


@pytest.mark.parametrize("kind", KINDS)
def test_a_job_whose_file_is_gone_fails_clearly_and_one_delivered_again_does_nothing(users, import_dir, kind):
    run = kind.start(user=users["secretariat"], upload=SimpleUploadedFile(kind.refused_name, kind.failing))
    (import_dir / run.stored_name).unlink()
    assert kind.job.call(run.pk) == "failed"
    run.refresh_from_db()
    with translation.override("en"):
        assert (run.state, run.failure, run.get_failure_display(), run.attempts) == (
            "failed", "missing", "The uploaded file is no longer kept: upload it again.", 1)
    assert kind.job.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.attempts == 1
    # A job of one kind never takes a run of the other: the run's kind chooses its importer.
    other = jobs.import_iati_upload if kind is FTS else jobs.import_fts_upload
    assert other.call(run.pk) == "missing"


@pytest.mark.parametrize("kind", KINDS)
def test_a_job_delivered_again_after_its_run_ended_does_nothing(users, immediate, import_dir, kind):
    run = kind.start(user=users["secretariat"], upload=SimpleUploadedFile(kind.refused_name, kind.failing))
    assert run.state == "failed"
    assert kind.job.call(run.pk) == "failed"
    run.refresh_from_db()
    assert run.attempts == 1
