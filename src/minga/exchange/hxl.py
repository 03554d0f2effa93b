"""Projects as CSV with an HXL hashtag row (https://hxlstandard.org), for HDX and libhxl.

Shape: row 1 holds human headers in the reader's language, row 2 the HXL hashtags, then one row
per project **and first-level territory** (a country, or one ISO 3166-2 subdivision with the
municipalities named in it). HXL tools select, count and map on the value of one cell: libhxl's
``select "#adm1+code=CO-NSA"``, ``count "#country+code"`` and HDX Quick Charts' maps on
``#adm1+code`` work only if each cell holds one code. This is the "who does what where" (3W)
long form HDX expects. Consequences, stated so that no one double counts:

- a project in two subdivisions has two rows; its own values (budget, people, markers…) repeat
  on each, so that a row kept by a filter is complete. Sum money or people over distinct
  ``#activity+code`` values, or weight by the share columns (``#meta+share+country+pct``,
  ``#meta+share+adm1+pct``: the territory's share of the project at that level, 0-100);
- a regional project, or one with no territory, has one row with empty territory cells;
- cells that may hold several values (axes, lines of work, municipalities, funders, SDG
  targets) join them with "|": select those with a regular expression (``#sector+code~gender``).

Numbers are plain decimals with a point and no thousands separator (1500000.00), dates ISO 8601,
so that any locale reads them. A USD amount that could not be converted is left empty and the
row's ``#meta+note`` says "not converted" (``#meta+conversion`` says why): never a zero.

Encoding: UTF-8 with a byte-order mark. Excel decides a CSV's encoding from the BOM and without
it shows "Cúcuta" as "CÃºcuta"; Python reads it with ``utf-8-sig`` and libhxl finds the hashtag
row regardless, because the BOM only precedes the human header row above it.
"""

import csv
import io
from datetime import date
from decimal import Decimal

from minga.exchange import projects as flat

BOM = "\ufeff"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def projects_csv(projects) -> str:
    """The whole CSV text (BOM included) for ``projects`` (a queryset; parts are prefetched here)."""
    markers = flat.export_markers()
    columns = flat.columns(markers, per_territory=True)
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in columns])
    writer.writerow([column.hxl for column in columns])
    for row in flat.rows_by_territory(flat.with_parts(projects), markers):
        writer.writerow([_cell(row[column.key]) for column in columns])
    return buffer.getvalue()
