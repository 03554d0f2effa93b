"""Projects as CSV with an HXL hashtag row (https://hxlstandard.org), for HDX and libhxl.

One row per project and first-level territory (the download and the file, ``minga.common.hxl.csv_bytes``:
UTF-8 with a byte-order mark, as every CSV of Minga); the shape and why
it is so are in docs/exchange.md ("HXL CSV"). Text that a spreadsheet would run as a formula
("=…", "+…", "-…", "@…") gets a single quote before it (``minga.common.text.csv_text``); numbers
stay numbers, negative ones included.
"""

import csv
import io
from datetime import date
from decimal import Decimal

from minga.common.text import csv_text
from minga.exchange import projects as flat


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return csv_text(str(value))


def projects_csv(projects) -> str:
    """The whole CSV text for ``projects`` (a queryset; parts are prefetched here)."""
    markers = flat.export_markers()
    columns = flat.columns(markers, per_territory=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in columns])
    writer.writerow([column.hxl for column in columns])
    for row in flat.rows_by_territory(flat.with_parts(projects), markers):
        writer.writerow([_cell(row[column.key]) for column in columns])
    return buffer.getvalue()
