"""Prints the size of the access matrix at the end of a run that collected it (docs/access.md quotes it)."""

MATRIX_SIZE: dict[str, int] = {}


def pytest_collection_modifyitems(items):
    if any(item.nodeid.startswith("tests/access/") for item in items):
        from minga.api.urls import api
        from tests.access.matrix import ROLES
        from tests.access.table import ROWS

        def kind(name):
            return [row for row in ROWS if row.kind == name]

        MATRIX_SIZE.update(
            roles=len(ROLES), rows=len(ROWS), pages=len(kind("page")), page_names=len({r.name for r in kind("page")}),
            apis=len(kind("api")), operations=sum(len(item) for item in api.get_openapi_schema()["paths"].values()),
            commands=len(kind("cli")), command_names=len({r.name for r in kind("cli")}))


def pytest_terminal_summary(terminalreporter):
    if MATRIX_SIZE:
        size = MATRIX_SIZE
        terminalreporter.write_line(
            f"access matrix: {size['roles']} roles × {size['rows']} rows ({size['pages']} page requests over "
            f"{size['page_names']} URL patterns, {size['apis']} API requests over {size['operations']} operations, "
            f"{size['commands']} command runs over {size['command_names']} commands) = "
            f"{size['roles'] * size['rows']} outcomes")
