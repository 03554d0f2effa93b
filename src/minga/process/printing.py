"""The roadmap's progress report for a plenary, as a PDF in Spanish, Portuguese or English.

The same rows as the roadmap's table (every action by line of work, with its flags on the day), with each
action's milestones and latest progress note. Built with ``minga.common.pdf.html_to_pdf`` (WeasyPrint,
offline) from one self-contained page, as the printable language guide is.
"""

from datetime import date
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from minga.common.languages import LANGUAGES
from minga.common.pdf import html_to_pdf
from minga.process import roadmap
from minga.process.models import Milestone, ProgressUpdate


def report_context(today: date) -> dict:
    rows = roadmap.rows(roadmap.RoadmapFilters(), today)
    ids = [row.action.pk for row in rows]
    milestones: dict[int, list] = {}
    for milestone in Milestone.objects.filter(action_id__in=ids).order_by("due_on", "pk"):
        milestones.setdefault(milestone.action_id, []).append(
            (milestone, roadmap.is_milestone_overdue(milestone, today)))
    latest: dict[int, ProgressUpdate] = {}
    for update in ProgressUpdate.objects.filter(action_id__in=ids).order_by("-on_date", "-pk"):
        latest.setdefault(update.action_id, update)
    groups = [(line, [(row, milestones.get(row.action.pk, []), latest.get(row.action.pk)) for row in line_rows])
              for line, line_rows in roadmap.grouped(rows)]
    counts = {"total": len(rows), "overdue": sum(row.overdue for row in rows),
              "at_risk": sum(row.at_risk for row in rows),
              "illustrative": sum(row.action.is_illustrative for row in rows)}
    return {"groups": groups, "counts": counts, "today": today, "margin": roadmap.AT_RISK_MARGIN}


def report_html(language: str, today: date | None = None) -> str:
    with translation.override(language):
        return render_to_string("process/roadmap_report.html", {
            **report_context(today or timezone.localdate()), "language": language,
            "inline_css": Path(finders.find("minga/css/roadmap-print.css")).read_text(encoding="utf-8")})


def report_pdf(language: str, today: date | None = None) -> bytes:
    if language not in LANGUAGES:
        raise ValueError(f"No report in {language!r}: es, pt or en.")
    return html_to_pdf(report_html(language, today))


def report_filename(language: str) -> str:
    return f"minga-roadmap-progress-{language}.pdf"
