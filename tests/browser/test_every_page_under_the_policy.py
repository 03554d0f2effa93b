"""Issue 15, item 7: every page of every module works under the strict Content-Security-Policy.

The pages are those of the access matrix (tests/access/table.py): every page row the secretariat (signed in
with its second factor) gets with 200, and every one the public gets with 200. Each is opened in Chromium;
a CSP violation (the hook of tests/browser/conftest.py turns each into a console error and fails the test),
any other console error or an uncaught script error fails the test, naming the page. Answers that are not
HTML (CSV, XLSX, PDF, images, feeds), and htmx fragments that are not documents, are fetched with the same
cookies but not rendered.
"""

import pytest

from minga.accounts.models import User
from tests.access.matrix import Row
from tests.access.table import ROWS
from tests.test_query_counts import Setting

pytestmark = pytest.mark.browser


def pages_for(role: str) -> list[Row]:
    from tests.access.matrix import ROLES

    column = ROLES.index(role)
    return [row for row in ROWS if row.kind == "page" and row.method == "GET" and row.expected[column] == 200]


def urls(role: str) -> list[str]:
    from django.test import Client

    from tests.conftest import ROLE_USERNAMES

    users = {key: User.objects.get(username=name) for key, name in ROLE_USERNAMES.items()}
    users["anonymous"] = None
    found = []
    for row in pages_for(role):
        url = row.request(Setting(users=users, client=Client())).url
        if url not in found:
            found.append(url)
    return found


def visit_all(page, paths: list[str]) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(
        f"{page.url}: console error: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))
    for path in paths:
        fetched = page.request.get(path)
        if fetched.status != 200:
            problems.append(f"{path}: {fetched.status}")
            continue
        if not fetched.headers.get("content-type", "").startswith("text/html"):
            continue
        if "<html" not in fetched.text()[:1000].lower():
            continue  # an htmx fragment (a form's <option>s): inserted into a page, never opened as one
        response = page.goto(path)
        if response.status != 200:
            problems.append(f"{path}: {response.status} in the browser")
        page.wait_for_load_state("networkidle")
    return problems


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # a page's request may store a document (the download's)


def test_every_page_of_the_secretariat_works_under_the_policy(open_page, media):
    paths = urls("secretariat")
    assert len(paths) > 80  # the pages of every module, not a handful
    page = open_page("secretaria", "/projects/review/")
    assert visit_all(page, paths) == []


def test_every_public_page_works_under_the_policy(open_page, media):
    paths = urls("anonymous")
    assert len(paths) > 50
    page = open_page()
    assert visit_all(page, paths) == []
