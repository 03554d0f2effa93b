"""Beyond one process: two web servers (gunicorn, as ``minga serve`` starts them) on one database and one
shared cache, as behind a proxy. A write through one is seen at once in the other's pages, cached or not.

Runs on the suite's database engine: a new database in the PostgreSQL cluster under ``make test-postgres``,
SQLite in a file otherwise (docs/deployment.md).
"""

import json
import os
import re
import signal
import time
import urllib.error
import urllib.parse
import urllib.request

import lxml.html

from deployment import Serving, minga, shell, token  # bench/, on the path by tests/site/conftest.py


def fetch(url: str, *, method="GET", body=None, bearer=None) -> tuple[int, str]:
    headers = {"Accept-Language": "es"}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, method=method, headers=headers,  # noqa: S310 -- loopback
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 -- loopback
        return response.status, response.read().decode()


def test_a_write_through_one_web_process_is_seen_in_the_other_s_cached_page(deployed):
    focal_point = token(deployed, "focal.col", "two processes")
    organisation = shell(deployed, (
        "import json; from minga.reference.selectors import organisation_loaded; "
        "o = organisation_loaded('gov-col'); print(json.dumps({'pk': o.pk, 'version': o.version, 'name': o.name_es}))"))
    page = f"/organisations/{organisation['pk']}/"
    with Serving(deployed, 1) as first, Serving(deployed, 1) as second:
        for _ in range(2):  # the second answer comes from the shared cache
            status, html = fetch(second + page)
            assert status == 200
            assert organisation["name"] in html
            assert "Cancillería de Colombia (prueba)" not in html
        status, body = fetch(f"{first}/api/v1/organisations/{organisation['pk']}", method="PATCH", bearer=focal_point,
                             body={"version": organisation["version"], "name_es": "Cancillería de Colombia (prueba)"})
        assert status == 200, body
        assert json.loads(body)["version"] == organisation["version"] + 1
        status, html = fetch(second + page)
        assert status == 200
        assert "Cancillería de Colombia (prueba)" in html


# --- a job enqueued through one web process, run by a worker, read through the other -------------------------

def iati_document(number: int) -> bytes:
    """One IATI activity of a donor and a partner that no demo record names: a disbursement to Colombia."""
    return f"""<iati-activities version="2.03"><iati-activity default-currency="USD" last-updated-datetime="2024-05-01T00:00:00Z">
  <iati-identifier>XM-MULTI-{number}</iati-identifier>
  <reporting-org ref="XM-MULTI-DONOR-{number}" type="10"><narrative>Fondo Multiproceso {number}</narrative></reporting-org>
  <title><narrative>Two web processes and a worker</narrative></title>
  <participating-org role="1" ref="XM-MULTI-DONOR-{number}" type="10"><narrative>Fondo Multiproceso {number}</narrative></participating-org>
  <participating-org role="4" ref="XM-MULTI-NGO-{number}" type="22"><narrative>Socio Multiproceso {number}</narrative></participating-org>
  <activity-status code="2"/><activity-date type="1" iso-date="2024-01-01"/>
  <recipient-country code="CO"/><sector vocabulary="1" code="15190"/>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-01"/><value value-date="2024-02-01">1234567</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/><value value-date="2024-03-01">765433</value></transaction>
</iati-activity></iati-activities>""".encode()


def secretariat_session(environment: dict) -> str:
    """A session of the demo secretariat past its second factor, as the code page leaves it (sessions are rows
    of the shared database: any web process reads it)."""
    return shell(environment, (
        "import json; from django.test import Client; from django_otp import DEVICE_ID_SESSION_KEY; "
        "from minga.accounts import twofactor; from minga.accounts.models import User; "
        "u = User.objects.get(username='secretaria'); c = Client(); "
        "c.force_login(u, backend='django.contrib.auth.backends.ModelBackend'); s = c.session; "
        "s[DEVICE_ID_SESSION_KEY] = twofactor.confirmed_totp(u).persistent_id; s.save(); "
        "print(json.dumps(s.session_key))"))


def upload_iati(base: str, session: str, name: str, content: bytes) -> str:
    """Upload through the secretariat's page as a browser does (its form, its CSRF token); the run's address."""
    page = urllib.request.Request(f"{base}/projects/import/iati/",  # noqa: S310 -- loopback
                                  headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(page, timeout=60) as response:  # noqa: S310 -- loopback
        assert response.status == 200
        csrf = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
        html = response.read().decode()
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    boundary = "minga-two-processes"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{form_token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="activities"; filename="{name}"\r\n'
            f"Content-Type: application/xml\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    post = urllib.request.Request(f"{base}/projects/import/iati/", method="POST", data=body, headers={  # noqa: S310
        "Cookie": f"sessionid={session}; csrftoken={csrf}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(post, timeout=60)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.read().decode()[-2000:]
        location = answer.headers["Location"]
        assert re.fullmatch(r"/projects/import/iati/\d+/", location)
        return location
    raise AssertionError("the upload was not answered with a redirection to its run")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def progress(base: str, session: str, run: str) -> tuple[str, dict]:
    """The run's state and counts as its progress fragment (what htmx polls) shows them."""
    request = urllib.request.Request(base + run,  # noqa: S310 -- loopback
                                     headers={"Cookie": f"sessionid={session}", "HX-Request": "true"})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 -- loopback
        fragment = lxml.html.fromstring(response.read().decode())
    return (fragment.get("data-state"),
            {cell.get("data-count"): cell.text_content() for cell in fragment.xpath("//dd[@data-count]")})


def organisations(base: str, search: str) -> list[str]:
    """The names the public organisation list shows for a search."""
    status, html = fetch(f"{base}/organisations/?q={urllib.parse.quote(search)}")
    assert status == 200
    return sorted(link.text_content().strip() for link in lxml.html.fromstring(html).xpath(
        "//main//a[contains(@href, '/organisations/')][contains(., 'Multiproceso')]"))


def wait_for(condition, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("not within the time allowed")


DONE = {"read": "1", "created": "1", "updated": "0", "unchanged": "0", "skipped": "0", "invalid": "0",
        "transactions": "2", "flows": "2"}
QUEUED = {"read": "0", "created": "0", "updated": "0", "unchanged": "0", "skipped": "0", "invalid": "0"}


def test_a_job_enqueued_through_one_web_process_is_run_by_a_worker_and_seen_through_the_other(deployed):
    session = secretariat_session(deployed)
    # Two web servers without a worker of their own: the job can only be run by the worker started below.
    with Serving(deployed, 1, "--no-task-worker") as first, Serving(deployed, 1, "--no-task-worker") as second:
        assert organisations(second, "Multiproceso 1") == []
        run = upload_iati(first, session, "multi-1.xml", iati_document(1))
        assert progress(second, session, run) == ("queued", QUEUED)  # the second sees the first's job waiting
        minga(deployed, "worker", "--batch")  # a worker process of its own: the jobs waiting now, then it stops
        assert progress(second, session, run) == ("done", DONE)
        assert progress(first, session, run) == ("done", DONE)
        assert organisations(second, "Multiproceso 1") == ["Fondo Multiproceso 1", "Socio Multiproceso 1"]
        status, body = fetch(f"{second}/api/v1/organisations?q=Multiproceso%201")
        assert status == 200
        donor = next(item for item in json.loads(body)["items"] if item["iati_identifier"] == "XM-MULTI-DONOR-1")
        status, html = fetch(f"{second}/organisations/{donor['id']}/")
        assert status == 200
        page = lxml.html.fromstring(html)
        assert page.xpath("string(//*[@data-testid='organisation-name'])").strip() == "Fondo Multiproceso 1"
        assert "XM-MULTI-DONOR-1" in page.xpath("string(//*[@data-testid='organisation-facts'])")
    job = shell(deployed, (
        "import json; from minga.exchange.models import ImportRun, IatiTransaction; "
        "from django_tasks_db.models import DBTaskResult; "
        f"r = ImportRun.objects.get(pk={run.split('/')[-2]}); j = DBTaskResult.objects.get(pk=r.task_id); "
        "print(json.dumps([j.status, j.return_value, len(j.worker_ids), "
        "sorted(str(t.amount_usd) for t in IatiTransaction.objects.filter(activity__identifier='XM-MULTI-1'))]))"))
    assert job == ["SUCCESSFUL", "done", 1, ["1234567.00", "765433.00"]]


def task_workers(environment: dict) -> list[list]:
    """The job workers' heartbeats: [worker id, pid] of each."""
    return shell(environment, (
        "import json; from minga.site.models import TaskWorker; "
        "print(json.dumps([[w.worker_id, w.pid] for w in TaskWorker.objects.order_by('started_at')]))"))


def test_minga_serve_starts_a_new_job_worker_when_its_worker_is_killed(deployed):
    session = secretariat_session(deployed)
    environment = {**deployed, "MINGA_TASK_WORKER_BACKOFF": "0.5"}
    with Serving(environment, 1) as server:
        [[killed_id, killed_pid]] = wait_for(lambda: task_workers(deployed))
        os.kill(killed_pid, signal.SIGKILL)  # the worker minga serve started (its own process session)
        [[new_id, new_pid]] = wait_for(lambda: [w for w in task_workers(deployed) if w[0] != killed_id])
        assert new_pid != killed_pid
        run = upload_iati(server, session, "multi-2.xml", iati_document(2))
        assert wait_for(lambda: progress(server, session, run)[0] == "done")
        assert progress(server, session, run) == ("done", DONE)
        worker_ids = shell(deployed, (
            "import json; from minga.exchange.models import ImportRun; from django_tasks_db.models import DBTaskResult; "
            f"print(json.dumps(DBTaskResult.objects.get(pk=ImportRun.objects.get(pk={run.split('/')[-2]}).task_id).worker_ids))"))
        assert worker_ids == [new_id]
        assert organisations(server, "Multiproceso 2") == ["Fondo Multiproceso 2", "Socio Multiproceso 2"]
    assert [w[0] for w in task_workers(deployed)] in ([], [killed_id])  # the new one removed its own on exit
