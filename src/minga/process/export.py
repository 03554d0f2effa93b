"""The roadmap table as CSV or XLSX: the rows the page shows, with its filters, as data never formulas.

Text starting like a formula ("=", "+", "-", "@", …) is neutralised as ``minga.common.text`` says:
a quote before it in the CSV, a string cell with Excel's quote prefix in the XLSX.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from minga.common.hxl import header_rows
from minga.common.text import append_data_row, csv_text
from minga.process.roadmap import ActionRow


def header() -> list[str]:
    return [_("Line of work"), _("Code"), _("Action"), _("Lead organisation"), _("Status"), _("Progress (%)"),
            _("Starts"), _("Due"), _("Overdue"), _("At risk"), _("Illustrative"), _("Source"), _("Source address")]


# The HXL hashtag of each column of ``header()``, in its order (minga.common.hxl).
HASHTAGS = ["#sector+name+line", "#activity+code", "#activity+name", "#org+name+lead", "#status+name",
            "#indicator+progress+pct", "#date+start", "#date+end", "#status+overdue", "#status+at_risk",
            "#meta+illustrative", "#meta+source", "#meta+source+url"]


def values(row: ActionRow) -> list:
    action = row.action
    yes, no = _("yes"), _("no")
    return [action.line.label, action.code, action.label,
            action.lead_organisation.name if action.lead_organisation else "", action.get_status_display(),
            action.progress_number, action.starts_on, action.due_on, yes if row.overdue else no,
            yes if row.at_risk else no, yes if action.is_illustrative else no, action.source.title, action.source.url]


def _text(value) -> str:
    if value is None:
        return ""
    return csv_text(value.isoformat() if hasattr(value, "isoformat") else str(value))


def as_csv(rows: list[ActionRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(header_rows(header(), HASHTAGS))
    for row in rows:
        writer.writerow([_text(value) for value in values(row)])
    return buffer.getvalue()


def as_xlsx(rows: list[ActionRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Roadmap")[:31]
    for line in [header(), *(values(row) for row in rows)]:
        append_data_row(sheet, line)  # text stays text, never a formula (minga.common.text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
