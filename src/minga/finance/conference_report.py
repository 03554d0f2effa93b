"""A conference's follow-up report, as PDF (WeasyPrint, charts as server-drawn SVG) and XLSX, in es, pt or en:
what was pledged, what arrived, where, for what, and the gaps.

The figures are the conference's finance page (``selectors.pages.conference_page``) and, for the gaps, the
dashboard of the conference's year; the report counts nothing anew. The SVG is drawn here (a few bars need
no chart engine): WeasyPrint renders an inline ``<svg>`` as it is, offline.
"""

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import Workbook

from minga.common.pdf import html_to_pdf
from minga.common.text import append_data_row
from minga.finance.selectors.dashboard import DashboardQuery, dashboard
from minga.finance.selectors.funding import FundingFilters, funding_rows
from minga.finance.selectors.pages import conference_page

LANGUAGES = ("es", "pt", "en")
FORMATS = ("pdf", "xlsx")


@dataclass
class ConferenceReport:
    conference: object
    page: object  # pages.FinancePage
    themes: list  # Row per theme
    gaps: list  # PerCapita per country, in the conference's year
    year: int
    made_on: object


def report_data(user, code: str) -> ConferenceReport:
    today = timezone.localdate()
    conference, page = conference_page(user, code, on=today)
    year = conference.starts_on.year
    gaps = dashboard(user, DashboardQuery(filters=FundingFilters(year=year), country_sort="label"), on=today).countries
    return ConferenceReport(conference=conference, page=page,
                            themes=funding_rows(user, "theme", FundingFilters(conference=code)),
                            gaps=[answer for answer in gaps if answer.row.requirement is not None],
                            year=year, made_on=today)


def _bars_svg(donors) -> str:
    """Pledged and disbursed per donor, as horizontal bars: an SVG the PDF shows as it is."""
    from minga.common.formatting import format_money

    width, label_width, bar_height, gap = 520, 190, 10, 8
    widest = max((max(answer.row.pledged, answer.row.disbursed) for answer in donors), default=Decimal(0)) or 1
    scale = (width - label_width - 90) / float(widest)
    parts, y = [], 0
    for answer in donors:
        parts.append(f'<text x="0" y="{y + 14}" font-size="9">{escape(answer.row.label[:40])}</text>')
        for offset, (value, colour) in enumerate(((answer.row.pledged, "#9ecae1"), (answer.row.disbursed, "#08519c"))):
            top = y + 4 + offset * (bar_height + 1)
            parts.append(f'<rect x="{label_width}" y="{top}" width="{float(value) * scale:.1f}" '
                         f'height="{bar_height}" fill="{colour}"/>')
            parts.append(f'<text x="{label_width + float(value) * scale + 4:.1f}" y="{top + 8}" font-size="7">'
                         f'{escape(format_money(value, "USD"))}</text>')
        y += 2 * bar_height + gap + 6
    legend = (f'<rect x="0" y="{y + 2}" width="10" height="8" fill="#9ecae1"/>'
              f'<text x="14" y="{y + 9}" font-size="8">{escape(_("Pledged"))}</text>'
              f'<rect x="90" y="{y + 2}" width="10" height="8" fill="#08519c"/>'
              f'<text x="104" y="{y + 9}" font-size="8">{escape(_("Disbursed"))}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 16}" role="img" '
            f'aria-label="{escape(_("Pledged and disbursed per donor"))}">{"".join(parts)}{legend}</svg>')


def report_pdf(user, code: str, language: str) -> bytes:
    with translation.override(language):
        data = report_data(user, code)
        html = render_to_string("finance/conference_report.html", {
            "report": data, "page": data.page, "found": data.page.found, "headline": data.page.found.headline,
            "language": language, "chart_svg": _bars_svg(data.page.found.donors),
            "inline_css": Path(finders.find("minga/css/guide-print.css")).read_text(encoding="utf-8")})
        return html_to_pdf(html)


def _money(value: Decimal | None):
    return None if value is None else float(value)


def report_xlsx(user, code: str, language: str) -> bytes:
    """The same tables as the PDF, one sheet each, amounts as numbers (US dollars) and headings translated."""
    with translation.override(language):
        data = report_data(user, code)
        page, headline = data.page, data.page.found.headline
        book = Workbook()
        summary = book.active
        summary.title = _("Summary")[:31]
        append_data_row(summary, [_("Follow-up of the conference"), data.conference.label])
        for label, value in ((_("Pledged"), headline.pledged), (_("Committed"), headline.committed),
                             (_("Disbursed"), headline.disbursed), (_("Funding (each sum once)"), headline.funding)):
            append_data_row(summary, [label, _money(value)])
        append_data_row(summary, [_("Disbursed of pledged"), _money(page.fulfilment_percent)])
        append_data_row(summary, [_("Days from pledge to first disbursement (median)"), page.median_days_to_disbursement])
        sheets = (
            (_("Donors"), [_("Donor"), _("Pledged"), _("Committed"), _("Disbursed"), _("Disbursed of pledged")],
             [[a.row.label, _money(a.row.pledged), _money(a.row.committed), _money(a.row.disbursed),
               _money(a.fulfilment_percent)] for a in page.found.donors]),
            (_("Countries"), [_("Country"), _("Pledged"), _("Committed"), _("Disbursed"), _("Funding")],
             [[a.row.label, _money(a.row.pledged), _money(a.row.committed), _money(a.row.disbursed),
               _money(a.row.funding)] for a in page.found.countries]),
            (_("Themes"), [_("Theme"), _("Pledged"), _("Committed"), _("Disbursed"), _("Funding")],
             [[row.label, _money(row.pledged), _money(row.committed), _money(row.disbursed), _money(row.funding)]
              for row in data.themes]),
            (_("Gaps"), [_("Country"), _("Requirement"), _("Funding"), _("Gap"), _("Coverage")],
             [[a.row.label, _money(a.row.requirement), _money(a.row.funding), _money(a.row.gap),
               _money(a.row.coverage)] for a in data.gaps]),
        )
        for title, heading, rows in sheets:
            sheet = book.create_sheet(title[:31])
            append_data_row(sheet, heading)
            for row in rows:
                append_data_row(sheet, row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def report_filename(code: str, language: str, fmt: str) -> str:
    return f"minga-conference-{code}-{language}.{fmt}"
