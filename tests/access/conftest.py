"""Prints the size of the access matrix at the end of a run that collected it (docs/access.md quotes it)."""

MATRIX_SIZE: dict[str, int] = {}


def pytest_collection_modifyitems(items):
    if any(item.nodeid.startswith("tests/access/") for item in items):
        from tests.access.matrix import ROLES
        from tests.access.table import ROWS
        from tests.test_query_counts import PATTERNS

        MATRIX_SIZE.update(
            roles=len(ROLES), patterns=len(PATTERNS),
            page_rows=sum(row.kind == "page" for row in ROWS), api_rows=sum(row.kind == "api" for row in ROWS),
            cli_rows=sum(row.kind == "cli" for row in ROWS),
            commands=len({row.name for row in ROWS if row.kind == "cli"}))


def pytest_terminal_summary(terminalreporter):
    if MATRIX_SIZE:
        size = MATRIX_SIZE
        cases = (size["page_rows"] + size["api_rows"] + size["cli_rows"]) * size["roles"]
        terminalreporter.write_line(
            f"access matrix: {size['roles']} roles × ({size['page_rows']} page rows over {size['patterns']} URL "
            f"patterns + {size['api_rows']} API rows + {size['cli_rows']} command rows over {size['commands']} "
            f"commands) = {cases} outcomes")
