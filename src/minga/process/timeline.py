"""The roadmap's timeline (Gantt-style, by line of work) and board (by status), drawn on the server.

The timeline is SVG whose bars are placed by attributes (``x``, ``width``), never by ``style``: the site's
Content-Security-Policy forbids inline styles. Positions are in thousandths of the span from the earliest
start to the latest due date of the actions shown; an action without both dates gets no bar and says so.
"""

from dataclasses import dataclass
from datetime import date

from minga.process.models import RoadmapStatus
from minga.process.roadmap import ActionRow

SCALE = 1000  # the SVG's width in user units


@dataclass(frozen=True)
class Bar:
    row: ActionRow
    x: int | None = None
    width: int | None = None
    done_width: int | None = None  # the share of the bar its progress fills


@dataclass(frozen=True)
class Span:
    starts_on: date
    ends_on: date
    years: list[tuple[int, int]]  # (year, x) of each 1 January inside the span
    today_x: int | None

    def x_of(self, day: date) -> int:
        total = max((self.ends_on - self.starts_on).days, 1)
        return round((day - self.starts_on).days * SCALE / total)


def span(rows: list[ActionRow], today: date) -> Span | None:
    dated = [row.action for row in rows if row.action.starts_on and row.action.due_on]
    if not dated:
        return None
    first, last = min(action.starts_on for action in dated), max(action.due_on for action in dated)
    found = Span(first, last, [], None)
    years = [(year, found.x_of(date(year, 1, 1))) for year in range(first.year + 1, last.year + 1)]
    return Span(first, last, years, found.x_of(today) if first <= today <= last else None)


def bars(rows: list[ActionRow], found: Span | None) -> list[Bar]:
    result = []
    for row in rows:
        action = row.action
        if found is None or not (action.starts_on and action.due_on):
            result.append(Bar(row))
            continue
        x = found.x_of(action.starts_on)
        width = max(found.x_of(action.due_on) - x, 4)  # a one-day action stays visible
        result.append(Bar(row, x, width, int(width * (action.progress or 0) // 100)))
    return result


def by_status(rows: list[ActionRow]) -> list[tuple[str, str, list[ActionRow]]]:
    """The board's columns: every status in the workflow's order, empty ones included."""
    return [(value, label, [row for row in rows if row.action.status == value])
            for value, label in RoadmapStatus.choices]
