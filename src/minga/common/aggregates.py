"""Aggregates the databases disagree on.

``ExactSum`` adds big integers exactly on both engines. PostgreSQL's ``SUM`` of a bigint is a numeric, exact
whatever the total; SQLite's stops with "integer overflow" past 2**63. Amounts kept in millionths reach that
soon in currencies of large nominal values (a few hundred flows of five million dollars written in
guaraníes), so on SQLite the sum is made by a Python aggregate on Python's unbounded integers and returned as
text, which the reader turns back into an integer (``int(value)`` takes an int, a Decimal or that text).
"""

from django.db.models import BigIntegerField, Sum

SQLITE_FUNCTION = "MINGA_EXACT_SUM"


class _PythonSum:
    def __init__(self):
        self.total = None

    def step(self, value):
        if value is not None:
            self.total = (self.total or 0) + int(value)

    def finalize(self):
        return None if self.total is None else str(self.total)


class ExactSum(Sum):
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        # Cheap and idempotent; registering it here covers every connection, however it was opened.
        connection.connection.create_aggregate(SQLITE_FUNCTION, 1, _PythonSum)
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)
