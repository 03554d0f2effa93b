"""The machinery of the access matrix (issue 15, item 1): roles, outcomes, rows and how a row is sent.

The expectations themselves are declared in ``tests/access/table.py``, one row per request and one column
per role; ``tests/access/test_access_matrix.py`` sends every row as every role and compares.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.test import Client

from minga.accounts.services import api_token_create
from tests.conftest import verify_session
from tests.test_query_counts import CASES, Request, Setting, forget_what_is_cached

# The columns of the table, in order: the public, each scoped role of the demo (a country focal point of
# Colombia, the local-government officer of the Alcaldía de Cúcuta, the donor officer of the Government
# of Canada), the observer, and the secretariat signed in with its second factor.
ROLES = ("anonymous", "focal_col", "local_cucuta", "donor_can", "observer", "secretariat")

LOGIN = "login"  # 302 to the sign-in page, with the page asked for as ?next=
TWO_FACTOR = "2fa"  # 302 to the two-factor page
OPERATOR = "operator"  # a command run by whoever holds the server: no user, nothing to refuse (see table.py)
REFUSED = "refused"  # a command that acts as a user refuses (CommandError), nothing stored
DONE = "done"  # a command that acts as a user does its work


@dataclass(frozen=True)
class Row:
    """One request (or command) and the outcome expected for each role in ``ROLES``."""

    kind: str  # "page", "api" (bearer token of the role, none for the public) or "cli"
    name: str  # the URL pattern's name as reverse() knows it, or the command's name
    method: str  # HTTP method; for a command, its first word(s)
    target: str  # the object asked for and whose scope it lies in
    request: Callable[[Setting], Request] | None
    builder: str  # the role whose session builds the request (reads the form it posts)
    expected: tuple

    @property
    def id(self) -> str:
        return f"{self.kind} {self.method} {self.name} [{self.target}]"


def _counted(label: str):
    """The query-count case ``label`` ("METHOD name[ label]"): its request and the role that sends it there."""
    for case in CASES:
        if not case.warm and " ".join(filter(None, (case.method, case.name, case.label))) == label:
            return case
    raise LookupError(f"tests/test_query_counts.py has no case {label!r}")


def _row(kind, name, method, target, request, builder, expected) -> Row:
    assert len(expected) == len(ROLES), f"{name} [{target}]: {len(expected)} outcomes for {len(ROLES)} roles"
    return Row(kind, name, method, target, request, builder, tuple(expected))


def counted(label: str, target: str, *expected) -> Row:
    """A row whose request is the query-count case ``label`` (tests/test_query_counts.py builds it)."""
    case = _counted(label)
    kind = "api" if case.name.startswith("api:") else "page"
    builder = case.caller.removeprefix("token:").removeprefix("pending:")
    return _row(kind, case.name, case.method, target, case.request, builder, expected)


def page(name: str, method: str, target: str, request, *expected, builder: str = "secretariat") -> Row:
    return _row("page", name, method, target, request, builder, expected)


def api(name: str, method: str, target: str, request, *expected, builder: str = "secretariat") -> Row:
    return _row("api", name, method, target, request, builder, expected)


def command(name: str, target: str, *expected, run: Callable | None = None) -> Row:
    """A ``minga`` command; ``run(username_or_None)`` runs it as that role's user and says whether it did its work."""
    return _row("cli", name, name, target, run, "secretariat", expected)


# --- Sending ---------------------------------------------------------------------------------------------


def client_for(users, role: str) -> Client:
    client = Client(raise_request_exception=False)  # a server error is an outcome (500), not a crash
    if role != "anonymous":
        client.force_login(users[role], backend="django.contrib.auth.backends.ModelBackend")
        verify_session(client, users[role])
    return client


def outcome(response):
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.split("?")[0] in ("/accounts/two-factor/", "/accounts/two-factor/enrol/"):
            return TWO_FACTOR
    return response.status_code


def send(client: Client, method: str, request: Request, authorization: str | None):
    headers = {key: value for key, value in request.headers.items() if key.lower() != "authorization"}
    if authorization:
        headers["authorization"] = authorization
    method = method.lower()
    if request.json:
        return getattr(client, method)(request.url, data=json.dumps(request.data), content_type="application/json",
                                       headers=headers)
    if method == "get":
        return client.get(request.url, headers=headers)
    for value in (request.data or {}).values():
        if hasattr(value, "seek"):  # an uploaded file: each role sends it whole, not what the last one left
            value.seek(0)
    return getattr(client, method)(request.url, request.data or {}, headers=headers)


# Pages made to be embedded in another site's page (an iframe): the same policy, but any site may frame them.
EMBEDDABLE = {"programmes:widget"}


def strict_policy(response, name: str) -> bool:
    """Whether the response carries the strict Content-Security-Policy (tests/site/test_web_security.py)."""
    from tests.site.test_web_security import CSP

    expected = CSP - {"frame-ancestors 'none'"} | {"frame-ancestors *"} if name in EMBEDDABLE else CSP
    return set(response.get("Content-Security-Policy", "").split("; ")) == expected


def observe(row: Row, users, clients: dict) -> tuple[tuple, list[str]]:
    """The outcome of ``row`` for every role, each request in a savepoint rolled back afterwards (what one role
    writes is never seen by the next; the database cache's entries go with it), and the roles whose HTML
    answer came without the strict Content-Security-Policy."""
    request = row.request(Setting(users=users, client=clients[row.builder]))
    tokens = {}
    if row.kind == "api":
        tokens = {role: f"Bearer {api_token_create(user=users[role], name='access matrix')[1]}"
                  for role in ROLES if role != "anonymous"}
    seen, unguarded = [], []
    forget_what_is_cached()
    for role in ROLES:
        with transaction.atomic():
            response = send(clients[role] if row.kind == "page" else clients["anonymous"], row.method, request,
                            tokens.get(role))
            transaction.set_rollback(True)
        seen.append(outcome(response))
        if response.get("Content-Type", "").startswith("text/html") and not strict_policy(response, row.name):
            unguarded.append(role)
        if row.method != "GET":
            # The facet index and the compiled guide live in the process and follow the data forwards: a write
            # rolled back takes the data back in time.
            forget_what_is_cached()
    return tuple(seen), unguarded


# --- Commands ----------------------------------------------------------------------------------------------

USERNAMES = {"focal_col": "focal.col", "local_cucuta": "cucuta", "donor_can": "donante.can", "observer": "observador",
             "secretariat": "secretaria", "anonymous": None}
USER_OPTIONS = ("--as-user", "--user")


def command_options(name: str) -> set[str]:
    """Every option string of the command ``name`` and of its sub-commands (``minga import hxl``)."""
    from argparse import _SubParsersAction

    from django.core.management import get_commands, load_command_class

    parser = load_command_class(get_commands()[name], name).create_parser("minga", name)
    options, parsers = set(), [parser]
    while parsers:
        current = parsers.pop()
        for action in current._actions:
            options.update(action.option_strings)
            if isinstance(action, _SubParsersAction):
                parsers.extend(action.choices.values())
    return options


def run_command(*args, **options) -> str:
    """``DONE`` if the command ran through, ``REFUSED`` if it stopped with an error (CommandError, or the argument
    parser's refusal of a missing user), with nothing stored either way (the savepoint is rolled back)."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    try:
        call_command(*args, stdout=StringIO(), stderr=StringIO(), **options)
    except CommandError:
        return REFUSED
    return DONE


def _as(option: str, username: str | None) -> list[str]:
    return [option, username] if username else []


def municipalities_import(subdivision: str, pcode: str):
    """``minga import_municipalities FILE --as-user NAME``: one municipality in ``subdivision``."""
    def run(username, folder):
        path = folder / "municipalities.csv"
        path.write_text(f"pcode,name,subdivision,parent_pcode,admin_level\n{pcode},Prueba,{subdivision},,2\n",
                        encoding="utf-8")
        return run_command("import_municipalities", str(path), *_as("--as-user", username))
    return run


def territories_import(country: str, subdivision: str, pcode: str):
    """``minga import territories FILE --user NAME``: one municipality in ``subdivision``."""
    def run(username, folder):
        path = folder / "territories.csv"
        path.write_text("pcode,name,subdivision,parent_pcode,admin_level,country,latitude,longitude\n"
                        f"{pcode},Prueba,{subdivision},,2,{country},,\n", encoding="utf-8")
        return run_command("import_territories", str(path), *_as("--user", username))
    return run


def hxl_figures_import(country: str):
    """``minga import hxl FILE --as-user NAME``: a population figure of ``country`` (a table with HXL hashtags)."""
    def run(username, folder):
        path = folder / "people.csv"
        path.write_text(f"País,Fecha,Personas\n#country+code,#date,#affected+refugees\n{country},2024-06-30,1000\n",
                        encoding="utf-8")
        return run_command("import", "hxl", str(path), *_as("--as-user", username))
    return run


def draft_export(code: str):
    """``minga export csv --status draft [--as-user NAME]``: ``DONE`` if the draft ``code`` is in the file,
    ``"left out"`` if not: the export holds what the user may see."""
    def run(username, folder):
        output = folder / "projects.csv"
        outcome = run_command("export", "csv", "--status", "draft", "--output", str(output),
                              *_as("--as-user", username))
        if outcome != DONE:
            return outcome
        return DONE if code in output.read_text(encoding="utf-8") else "left out"
    return run


def observe_command(row: Row, folder) -> tuple:
    seen = []
    for role in ROLES:
        with transaction.atomic():
            seen.append(row.request(USERNAMES[role], folder))
            transaction.set_rollback(True)
    return tuple(seen)
