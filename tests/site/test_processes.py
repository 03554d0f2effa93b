"""Beyond one process: two web servers (gunicorn, as ``minga serve`` starts them) on one database and one
shared cache, as behind a proxy. A write through one is seen at once in the other's pages, cached or not.

Runs on the suite's database engine: a new database in the PostgreSQL cluster under ``make test-postgres``,
SQLite in a file otherwise (docs/deployment.md).
"""

import json
import urllib.request

from deployment import Serving, shell, token  # bench/, on the path by tests/site/conftest.py


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
