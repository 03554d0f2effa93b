"""Issue 11, a run's page in its reader's language: an FTS run's problems (a flow's, with the reason nested in it)
and a failed run's reason are stored language-neutral and shown in the language of whoever reads the page, not in
the site's (Spanish, the language the job runs in). What was stored before as text alone is shown as it was."""

import json

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from minga.exchange import import_runs, jobs, problems
from minga.exchange.models import ImportRun
from minga.exchange.problems import Problem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_dir")]

# Two flows refused, each for its own field: the reason is a message of its own, nested in the flow's.
FLOWS = json.dumps({"data": {"flows": [
    {"id": 7, "status": "promised"},
    {"id": 8, "status": "paid", "boundary": "incoming", "onBoundary": "single", "date": "2020-01-01",
     "versionId": "x"}]}}).encode()
FLOW_PROBLEMS = {
    "en": [["flows.json, flow 1 (id 7): status 'promised' is not pledge, commitment or paid"],
           ["flows.json, flow 2 (id 8): versionId is not a whole number"]],
    "es": [["flows.json, flujo 1 (id 7): el estado 'promised' no es pledge, commitment ni paid"],
           ["flows.json, flujo 2 (id 8): versionId no es un número entero"]],
    "pt": [["flows.json, fluxo 1 (id 7): o estado 'promised' não é pledge, commitment nem paid"],
           ["flows.json, fluxo 2 (id 8): versionId não é um número inteiro"]],
}
REFUSED = {
    "en": ["The file was refused and nothing of it was imported.",
           "plan.json: not an FTS flow search (no data.flows list)."],
    "es": ["El archivo fue rechazado y no se importó nada de él.",
           "plan.json: no es una búsqueda de flujos de FTS (no hay lista data.flows)."],
    "pt": ["O arquivo foi recusado e nada dele foi importado.",
           "plan.json: não é uma pesquisa de fluxos do FTS (não há lista data.flows)."],
}
DOCTYPE = {
    "en": "the file declares a DOCTYPE (entities or a DTD): an IATI file has none, and nothing was read",
    "es": "el archivo declara un DOCTYPE (entidades o una DTD): un archivo IATI no tiene ninguno, y no se leyó nada",
    "pt": "o arquivo declara um DOCTYPE (entidades ou uma DTD): um arquivo IATI não tem nenhum, e nada foi lido",
}
LANGUAGES = ["en", "es", "pt"]


def run_of(users, name: str, content: bytes, kind: str = "fts") -> ImportRun:
    run = import_runs.upload_start(user=users["secretariat"], upload=SimpleUploadedFile(name, content), kind=kind)
    jobs.JOBS[kind].call(run.pk)
    run.refresh_from_db()
    return run


def page_of(client, run: ImportRun, language: str):
    return lxml.html.fromstring(client.get(f"/projects/import/{run.kind}/{run.pk}/",
                                           HTTP_ACCEPT_LANGUAGE=language).content)


def problems_of(page, kind: str = "fts") -> list[list[str]]:
    return [[cell.text_content() for cell in row.xpath("td")]
            for row in page.xpath(f"//*[@data-testid='{kind}-run-problems']/tbody/tr")]


def failure_of(page, kind: str = "fts") -> list[str]:
    return [p.text_content() for p in page.xpath(f"//*[@data-testid='{kind}-run-failure']/p")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_fts_runs_refused_flows_are_shown_in_the_readers_language(client_as, users, language):
    run = run_of(users, "flows.json", FLOWS)
    assert (run.state, run.counts["read"], run.counts["refused"]) == ("done", 0, 2)
    # As the site's language said them when the job ran, and how to say them in any other.
    assert run.problems[0] == {
        "source": "flows.json", "identifier": "", "line": 0,
        "message": "flows.json, flujo 1 (id 7): el estado 'promised' no es pledge, commitment ni paid",
        "template": "%(label)s, flow %(position)s (id %(id)s): %(error)s",
        "params": {"label": "flows.json", "position": 1, "id": 7, "error": {
            "template": "status %(value)r is not pledge, commitment or paid", "params": {"value": "promised"}}}}
    page = page_of(client_as(users["secretariat"]), run, language)
    assert problems_of(page) == FLOW_PROBLEMS[language]
    csv = client_as(users["secretariat"]).get(f"/projects/import/fts/{run.pk}/?csv=fts-run-problems",
                                              HTTP_ACCEPT_LANGUAGE=language)
    assert FLOW_PROBLEMS[language][1][0] in csv.content.decode("utf-8-sig")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_fts_page_says_why_in_the_readers_language(client_as, users, language):
    run = run_of(users, "plan.json", b'{"data": {"requirements": []}}')
    assert (run.state, run.failure) == ("failed", "refused")
    assert (run.error, run.error_problem) == (
        "plan.json: no es una búsqueda de flujos de FTS (no hay lista data.flows).",
        {"template": "%(label)s: not an FTS flow search (no data.flows list).", "params": {"label": "plan.json"}})
    page = page_of(client_as(users["secretariat"]), run, language)
    assert failure_of(page) == REFUSED[language]
    assert problems_of(page) == [[REFUSED[language][1]]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_iati_file_says_why_in_the_readers_language(client_as, users, language):
    content = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><iati-activities version="2.03"></iati-activities>'
    run = run_of(users, "dtd.xml", content, kind="iati")
    assert (run.state, run.failure, run.error) == ("failed", "refused", DOCTYPE["en"])
    assert failure_of(page_of(client_as(users["secretariat"]), run, language), "iati")[1] == DOCTYPE[language]


DENIED = {
    "en": ["The account that uploaded the file may no longer import such files.",
           "You may not publish this record (funding flow)."],
    "es": ["La cuenta que cargó el archivo ya no puede importar archivos de este tipo.",
           "No tiene permiso para publicar este registro (flujo de financiamiento)."],
    "pt": ["A conta que enviou o arquivo não pode mais importar arquivos deste tipo.",
           "Você não tem permissão para publicar este registro (fluxo de financiamento)."],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_run_whose_uploader_may_no_longer_import_says_why_in_the_readers_language(client_as, users, language):
    run = import_runs.upload_start(user=users["secretariat"], upload=SimpleUploadedFile("flows.json", FLOWS),
                                   kind="fts")
    # The account's role changed between the upload and the job: here, the run passed to a focal point.
    ImportRun.objects.filter(pk=run.pk).update(started_by=users["focal_col"])
    jobs.JOBS["fts"].call(run.pk)
    run.refresh_from_db()
    assert (run.state, run.failure, run.counts["read"], run.problems) == ("failed", "denied", 0, [])
    assert (run.error, run.error_problem) == (
        "No tiene permiso para publicar este registro (flujo de financiamiento).",
        {"template": "You may not publish this record (%(model)s).",
         "params": {"model": {"template": "funding flow", "params": {}}}})
    assert failure_of(page_of(client_as(users["secretariat"]), run, language)) == DENIED[language]


def test_a_run_stored_before_templates_shows_its_reason_and_problems_as_stored(client_as, users):
    run = ImportRun.objects.create(
        kind="fts", sources=["old.json"], state=ImportRun.State.FAILED, failure=ImportRun.Failure.REFUSED,
        started_by=users["secretariat"], error="old.json: no es JSON (Expecting value).",
        problems=[{"source": "old.json", "identifier": "", "line": 0,
                   "message": "old.json: no es JSON (Expecting value)."}])
    page = page_of(client_as(users["secretariat"]), run, "en")
    assert failure_of(page) == ["The file was refused and nothing of it was imported.",
                                "old.json: no es JSON (Expecting value)."]
    assert problems_of(page) == [["old.json: no es JSON (Expecting value)."]]


def test_a_problem_whose_params_json_cannot_hold_keeps_its_text_only():
    # FTS's JSON may give NaN (Python reads it), which PostgreSQL's jsonb refuses: that problem is kept as its text.
    with translation.override("es"):
        status = Problem.translated(problems.FTS_STATUS, value=float("nan"))
    assert problems.row("f.json", status) == {"source": "f.json", "identifier": "", "line": 0,
                                              "message": "el estado nan no es pledge, commitment ni paid"}
    refused = Problem.translated(problems.FTS_FLOW_REFUSED, label="f.json", position=1, id=9, error=status)
    assert problems.row("f.json", refused)["params"] == {
        "label": "f.json", "position": 1, "id": 9, "error": "el estado nan no es pledge, commitment ni paid"}
