"""``minga report funding`` and ``GET /api/v1/funding``: the same rows, parsed and written in one place.

By country and by donor, for the public and the secretariat, the rows are read from the totals the writes
keep (``selectors.totals``: a few queries whatever the number of flows), as the dashboard reads them;
by subdivision, conference, theme or year (no kept cells answer those exactly: the cells keep no subdivision,
split no pledge over its earmarks, and keep no two of the year, conference and theme together) and for an officer
who also sees their own drafts, from one aggregate query over the flows (``funding_sql.funding_rows_sql``). All
give exactly ``funding_rows``' rows (tests/finance/test_report.py, tests/finance/test_funding_sql.py).
"""

import csv
import io
import json

from django.utils.translation import gettext as _

from minga.common.errors import ParameterInvalid
from minga.common.numbers import parse_count
from minga.common.text import csv_text
from minga.finance.selectors import totals
from minga.finance.selectors.funding import DIMENSIONS, FundingFilters, Row
from minga.finance.selectors.funding_sql import funding_rows_sql

FORMATS = ("table", "json", "csv")
# The keys, in its order; then what the rows also say (what was committed, pledges not converted).
KEYS = ("key", "label", "pledged_usd", "funding_usd", "disbursed_usd", "requirement_usd", "gap_usd", "unconverted",
        "committed_usd", "unconverted_pledged")


# The HXL hashtag of each column (minga.common.hxl); the key and label columns follow the dimension.
HASHTAGS = {"pledged_usd": "#value+pledged+usd", "funding_usd": "#value+funding+total+usd",
            "disbursed_usd": "#value+funding+disbursed+usd", "requirement_usd": "#value+funding+required+usd",
            "gap_usd": "#value+funding+gap+usd", "unconverted": "#value+funding+unconverted",
            "committed_usd": "#value+funding+committed+usd", "unconverted_pledged": "#value+pledged+unconverted"}
DIMENSION_HASHTAGS = {"country": ("#country+code", "#country+name"), "subdivision": ("#adm1+code", "#adm1+name"),
                      "donor": ("#org+code+funder", "#org+name+funder"), "conference": ("#event+code", "#event+name"),
                      "theme": ("#sector+code", "#sector+name"), "year": ("#date+year", "#date+year+label")}


def hashtags(by: str) -> dict[str, str]:
    """The HXL hashtags of the report's CSV columns for rows by ``by``."""
    code, name = DIMENSION_HASHTAGS[by]
    return {"key": code, "label": name, **HASHTAGS}


def report_filters(*, by, year) -> tuple[str, FundingFilters]:
    """The dimension and filters asked for, or ``ParameterInvalid`` naming the parameter."""
    if by not in DIMENSIONS:
        raise ParameterInvalid("by", _("One of: %(choices)s.") % {"choices": ", ".join(DIMENSIONS)})
    return by, FundingFilters(year=parse_count(year, field="year", minimum=1990, maximum=2100))


def report_funding_rows(user, by: str, filters: FundingFilters) -> list[Row]:
    """``funding_rows(user, by, filters)``, from the kept totals where they answer it."""
    view = totals.view_of(user)
    if view is not None and by in totals.BY:
        return totals.funding_rows_kept(view, by, filters)
    return funding_rows_sql(user, by, filters)


def report_rows(user, *, by: str, year=None) -> list[dict]:
    by, filters = report_filters(by=by, year=year)
    return [{key: row[key] for key in KEYS} for row in (r.as_dict() for r in report_funding_rows(user, by, filters))]


def unconverted_text(amounts: dict) -> str:
    return "; ".join(f"{amount} {currency}" for currency, amount in amounts.items())


def render(rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(KEYS)
        for row in rows:
            writer.writerow([csv_text(unconverted_text(row[key])) if isinstance(row[key], dict) else
                             "" if row[key] is None else csv_text(row[key]) if isinstance(row[key], str) else
                             row[key] for key in KEYS])
        return out.getvalue()
    columns = ("key", "label", "pledged_usd", "funding_usd", "disbursed_usd", "requirement_usd", "gap_usd",
               "unconverted")
    lines = [list(columns)]
    for row in rows:
        lines.append([unconverted_text(row[c]) if isinstance(row[c], dict) else
                      ("—" if row[c] is None else f"{float(row[c]):,.2f}" if c.endswith("_usd") else row[c])
                      for c in columns])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(columns))]
    numeric = {i for i, c in enumerate(columns) if c.endswith("_usd")}
    return "\n".join("  ".join(str(cell).rjust(widths[i]) if i in numeric else str(cell).ljust(widths[i])
                               for i, cell in enumerate(line)).rstrip() for line in lines) + "\n"
