"""Issue 15, item 1: every role × every page, API operation and ``minga`` command, with the outcome the
table (tests/access/table.py) declares for an object inside and outside the role's scope; 0 unexpected
outcomes, and a page, operation or command without a row fails the suite.

Each row is one test: its request is built once (as the role the table names), then sent as every role,
each in a savepoint rolled back afterwards. ``MINGA_ACCESS_RECORD=1`` prints the observed outcomes as table
rows instead of failing (for drafting a new row: read each outcome against docs/access.md before copying).
"""

import os

import pytest
from django.core.management import get_commands

from minga.api.urls import api
from tests.access.matrix import OPERATOR, ROLES, USER_OPTIONS, client_for, command_options, observe, observe_command
from tests.access.table import ROWS
from tests.test_query_counts import PATTERNS, ROUTES, _openapi_path

pytestmark = pytest.mark.django_db

RECORD = os.environ.get("MINGA_ACCESS_RECORD") == "1"
HTTP_ROWS = [row for row in ROWS if row.kind in ("page", "api")]
CLI_ROWS = [row for row in ROWS if row.kind == "cli"]


@pytest.fixture
def clients(users):
    return {role: client_for(users, role) for role in ROLES}


@pytest.mark.parametrize("row", HTTP_ROWS, ids=lambda row: row.id)
def test_every_role_gets_the_declared_outcome(row, users, clients, media):
    seen, unguarded = observe(row, users, clients)
    assert unguarded == [], "an HTML answer without the strict Content-Security-Policy"
    if RECORD:
        print(f"\nRECORD {row.id} {seen!r}")
        return
    unexpected = {role: f"{expected} expected, {got} seen" for role, expected, got in zip(ROLES, row.expected, seen,
                                                                                          strict=True)
                  if expected != got}
    assert unexpected == {}


@pytest.mark.parametrize("row", CLI_ROWS, ids=lambda row: row.id)
def test_every_role_gets_the_declared_outcome_from_the_commands(row, users, tmp_path):
    if row.request is None:
        assert set(row.expected) == {OPERATOR}, "a command acting as a user needs ``run``"
        # Acting as no user: it must not start to take one without rows that say what each role gets.
        assert command_options(row.name) & set(USER_OPTIONS) == set()
        return
    seen = observe_command(row, tmp_path)
    if RECORD:
        print(f"\nRECORD {row.id} {seen!r}")
        return
    assert dict(zip(ROLES, seen, strict=True)) == dict(zip(ROLES, row.expected, strict=True))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- Every page, operation and command has its row -------------------------------------------------------------

EXCLUDED_NAMESPACES = ("admin:",)  # Django's admin: staff only, Django's own checks (not walked by PATTERNS)


def test_every_url_pattern_has_a_row():
    declared = {row.name for row in HTTP_ROWS}
    named = {name for name, _route in PATTERNS}
    assert sorted(named - declared) == [], "a page without a row in tests/access/table.py"
    assert sorted(declared - named) == [], "a row for a page that no longer exists"


def test_every_api_operation_has_a_row():
    operations = {(method.upper(), path) for path, item in api.get_openapi_schema()["paths"].items()
                  for method in item}
    declared = {(row.method, _openapi_path(ROUTES[row.name])) for row in HTTP_ROWS if row.kind == "api"}
    assert sorted(operations - declared) == [], "an API operation without a row in tests/access/table.py"


def minga_commands() -> set[str]:
    return {name for name, app in get_commands().items() if app.startswith("minga")}


def test_every_minga_command_has_a_row():
    declared = {row.name for row in CLI_ROWS}
    assert sorted(minga_commands() - declared) == [], "a command without a row in tests/access/table.py"
    assert sorted(declared - minga_commands()) == [], "a row for a command that no longer exists"


# --- What the matrix found -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["donor_can", "observer"])
def test_a_role_that_may_create_no_figure_gets_no_figure_form(client_as, users, role, english):
    """The figure form opened (200) for a donor officer and an observer, who may create no population figure
    anywhere; only saving was refused. Now refused as the organisation form is (403), and nothing stored."""
    from minga.reference.models import PopulationFigure

    client = client_as(users[role])
    client.cookies["minga_language"] = "en"
    before = PopulationFigure.all_objects.count()
    page = client.get("/figures/new/?country=COL")
    sent = client.post("/figures/new/", {"country": "COL", "group": "refugees_migrants", "value": "5",
                                         "as_of": "2025-01-01"})
    assert (page.status_code, sent.status_code) == (403, 403)
    assert "You may not create this record (population figure)." in page.content.decode()
    assert PopulationFigure.all_objects.count() == before
