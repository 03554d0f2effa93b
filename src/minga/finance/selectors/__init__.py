"""Reads about conferences and pledges."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from minga.accounts import permissions
from minga.finance.models import Conference, ConferenceFigure, Pledge


def conferences_with_figures() -> QuerySet:
    return (Conference.objects.select_related("host_country")
            .prefetch_related("organisers",
                              Prefetch("figures", queryset=ConferenceFigure.objects.select_related("source")),
                              Prefetch("pledges", queryset=Pledge.objects.select_related("donor", "source")
                                       .order_by("-amount_usd")))
            .order_by("starts_on"))


@dataclass
class ConferenceHeadline:
    conference: Conference
    headline: ConferenceFigure | None
    others: list = field(default_factory=list)


def conference_headlines() -> list[ConferenceHeadline]:
    """Each conference with the figure to lead with: the latest reported total, else what was announced."""
    order = {"later": 0, "exact": 1, "approximate": 2, "on_the_day": 3, "more_than": 4}
    rows = []
    for conference in conferences_with_figures():
        figures = list(conference.figures.all())
        totals = sorted((f for f in figures if f.kind in ("total", "announced")),
                        key=lambda f: order.get(f.qualifier, 9))
        headline = totals[0] if totals else None
        rows.append(ConferenceHeadline(conference, headline, [f for f in figures if f is not headline]))
    return rows


def pledges_of(user, organisation) -> list[Pledge]:
    """What ``organisation`` pledged, conference by conference, each with its source."""
    queryset = Pledge.objects.filter(donor=organisation).select_related("conference", "source")
    return list(permissions.visible(user, queryset).order_by("conference__starts_on", "pk"))
