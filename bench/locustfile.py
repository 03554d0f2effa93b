"""The visitors of the load test (bench/load.py): readers of the public pages, and writers through the API.

Readers browse what a journalist or a donor analyst opens (home, catalogue, a catalogue search, a project,
a country, the funding dashboard, the roadmap, the services directory, a JSON list) and fetch the
stylesheet, a static file served by the same server (the reference). Writers are country focal points
with an API token (``MINGA_LOAD_TOKENS``, comma-separated): each records a draft project and edits it.
A response is a failure unless its status is the one expected; bench/load.py counts them.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, between, constant, events, task

SEARCHES = ["rutas", "niñas", "empleo", "salud", "Cúcuta", "integración", "violencia", "documentación"]
TOKENS = itertools.cycle([token for token in os.environ.get("MINGA_LOAD_TOKENS", "").split(",") if token])
PROJECT_CODES = [code for code in os.environ.get("MINGA_LOAD_PROJECTS", "").split(",") if code]
COUNTRIES = ["COL", "PER", "ECU", "BRA", "CHL"]
STYLESHEET = os.environ.get("MINGA_LOAD_STATIC", "/static/minga/css/minga.css")
HEADERS = {"Accept-Language": "es"}


class Reader(FastHttpUser):
    """A public visitor: pages, a search, the JSON list, and the stylesheet as a browser fetches it."""

    # No pause between requests by default: the test measures what the server can take, not a think time.
    wait_time = constant(float(os.environ.get("MINGA_LOAD_PAUSE", "0")))

    def page(self, path, name):
        self.client.get(path, name=name, headers=HEADERS)

    @task(3)
    def home(self):
        self.page("/", "page: home")

    @task(4)
    def catalogue(self):
        self.page("/projects/", "page: catalogue")

    @task(4)
    def search(self):
        self.page(f"/projects/?q={random.choice(SEARCHES)}", "page: catalogue search")

    @task(3)
    def project(self):
        if PROJECT_CODES:
            self.page(f"/projects/{random.choice(PROJECT_CODES)}/", "page: project")

    @task(2)
    def country(self):
        self.page(f"/countries/{random.choice(COUNTRIES)}/", "page: country")

    @task(2)
    def funding(self):
        self.page("/funding/", "page: funding dashboard")

    @task(1)
    def roadmap(self):
        self.page("/process/roadmap/", "page: roadmap")

    @task(1)
    def services(self):
        self.page("/services/", "page: services")

    @task(1)
    def api_list(self):
        self.page("/api/v1/projects?limit=20", "api: project list")

    @task(4)
    def stylesheet(self):
        self.client.get(STYLESHEET, name="static: stylesheet")


class Writer(FastHttpUser):
    """A country focal point's script: a new draft project, then an edit of it, through the API."""

    fixed_count = int(os.environ.get("MINGA_LOAD_WRITERS", "10"))
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {next(TOKENS)}", "Accept-Language": "es"}
        self.organisation = int(os.environ["MINGA_LOAD_ORGANISATION"])
        self.code = None

    @task
    def write(self):
        if self.code is None:
            payload = {
                "title_es": f"Proyecto de carga {random.randrange(10**9)}",
                "proposing_organisation": self.organisation,
                "themes": [{"vocabulary": "quito-axes", "code": "child-protection", "percentage": 100}],
                "people_total": 100,
                "people": [{"dimension": "population_group", "category": "refugees_migrants", "people": 100}],
            }
            with self.client.post("/api/v1/projects", json=payload, headers=self.headers, name="write: create project",
                                  catch_response=True) as response:
                if response.status_code == 201:
                    self.code = response.json()["code"]
                    self.version = response.json().get("version")
                else:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
            return
        payload = {"summary_es": f"Resumen revisado {random.randrange(10**9)}"}
        if self.version is not None:
            payload["version"] = self.version
        with self.client.patch(f"/api/v1/projects/{self.code}", json=payload, headers=self.headers,
                               name="write: edit project", catch_response=True) as response:
            if response.status_code == 200:
                self.version = response.json().get("version")
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


# Exact percentiles per group (public pages, writes, static file), which locust's per-name table cannot give.
TIMES: dict[str, list[float]] = {}
FAILURES: dict[str, int] = {}


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception=None, **kwargs):
    group = name.split(":", 1)[0]
    TIMES.setdefault(group, []).append(response_time)
    if exception is not None:
        FAILURES[group] = FAILURES.get(group, 0) + 1


@events.quitting.add_listener
def write_groups(environment, **kwargs):
    output = os.environ.get("MINGA_LOAD_OUTPUT")
    if output:
        with open(output, "w", encoding="utf-8") as file:
            json.dump({"times": TIMES, "failures": FAILURES}, file)
