"""Issue 11: while a page renders for its tables' CSV (``formatting.machine_values``), a timestamp is written as
the day the page shows, and a form's amount box holds the plain amount (the project form's tables are read from
their fields)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from minga.common import formatting
from minga.common.numbers import format_amount_input


def test_for_a_tables_csv_a_timestamp_is_written_as_the_day_the_page_shows():
    """"My projects" and the review queue show a timestamp's day ("29 nov 2026"); their CSV has that day as an
    ISO date, not the timestamp with its microseconds."""
    moment = datetime(2026, 11, 29, 18, 58, 22, 712563, tzinfo=UTC)
    assert formatting.format_date(moment, form="medium", locale="es") == "29 nov 2026"
    with formatting.machine_values():
        assert formatting.format_date(moment, form="medium") == "2026-11-29"
        assert formatting.format_date(date(2026, 11, 28)) == "2026-11-28"


def test_for_a_tables_csv_a_forms_amount_box_holds_the_plain_amount():
    """The budget-by-year and secured-funding tables of the project form are read from their text boxes: for the
    CSV a box holds 1500000.50, not the reader's "1.500.000,50"."""
    assert format_amount_input(Decimal("1500000.50"), locale="es") == "1.500.000,50"
    with formatting.machine_values():
        assert format_amount_input(Decimal("1500000.50"), locale="es") == "1500000.50"
        assert format_amount_input(Decimal("250000.00")) == "250000.00"
    assert format_amount_input(Decimal("1500000.50"), locale="es") == "1.500.000,50"
