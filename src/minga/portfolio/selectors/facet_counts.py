"""The catalogue's counts in plain SQL: what the facet index answers, read from the database each time.

Chosen with ``MINGA_CATALOGUE_INDEX=sql``, and the way new modules start: no state in the process,
one GROUP BY per facet (through the part tables, each project counted once per value), one aggregate
for the totals and the gap ranges, one ordered slice for the page. It answers the same ``Found`` as
``FacetIndex.search``: the same counts (each facet's values counted without that facet's own filter,
with every other one: how many results ticking the value would give; values with no project left
out), the same sums in USD cents, the same order.
"""

from dataclasses import replace
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from minga.portfolio.facet_entries import AXES, GAP_RANGES, LINES
from minga.portfolio.facet_index import MONEY, Found
from minga.portfolio.models import ProjectLocation, ProjectMarker, ProjectPeople, ProjectTheme
from minga.portfolio.selectors.filters import ProjectFilters, filtered, order_expressions

CONVERTED = Q(gap_usd__isnull=False)  # the gap needs the other two: its three USD figures are known
NOT_CONVERTED = Q(requested_amount__isnull=False, requested_usd__isnull=True) | Q(secured_usd__isnull=True)
# What "left out" means for each facet's own filter: the filters' fields set back to nothing.
OWN_FILTER = {"status": {"status": []}, "organisation_type": {"organisation_type": []},
              "country": {"country": []}, "subdivision": {"subdivision": []}, "axis": {"axis": []},
              "line": {"line": []}, "marker": {"marker": []}, "group": {"group": []},
              "gap": {"gap_min": None, "gap_max": None}}


def _gap_range(low: int | None, high: int | None) -> Q:
    condition = CONVERTED
    if low is not None:
        condition &= Q(gap_usd__gte=low)
    if high is not None:
        condition &= Q(gap_usd__lt=high)
    return condition


def _cents(value) -> int:
    return int((Decimal(value or 0) * 100).to_integral_value())


def _gap_filter(filters: ProjectFilters) -> Q:
    """The gap filter as a condition (as ``filters.filtered`` states it), for counting inside one aggregate."""
    condition = Q(pk__isnull=False)  # every project, when no gap is asked for
    if filters.gap_min is not None:
        condition &= Q(gap_usd__gte=filters.gap_min)
    if filters.gap_max is not None:
        condition &= Q(gap_usd__lte=filters.gap_max)
    return condition


def search(visible: QuerySet, filters: ProjectFilters, *, order: list[tuple[str, bool]], offset: int,
           limit: int) -> Found:
    """The projects of ``visible`` that pass ``filters``, counted and paged (as ``FacetIndex.search``)."""
    matching = filtered(visible, filters).order_by()

    def without(facet: str) -> QuerySet:
        """The projects that pass every filter but ``facet``'s own (the result itself when it has none)."""
        cleared = replace(filters, **OWN_FILTER[facet])
        return matching if cleared == filters else filtered(visible, cleared).order_by()

    counts: dict[str, dict[str, int]] = {}

    def put(facet: str, rows) -> None:
        found = {str(value): n for value, n in rows if n and value not in (None, "")}
        if found:
            counts[facet] = found

    def per_project(model, column: str, facet: str, **conditions):
        """How many projects that pass all but ``facet``'s filter have each value of ``column`` in ``model``."""
        return (model.objects.filter(project__in=without(facet).values("pk"), **conditions).order_by()
                .values_list(column).annotate(n=Count("project", distinct=True)))

    put("status", without("status").values_list("status").annotate(n=Count("pk")))
    put("organisation_type", without("organisation_type").values_list("proposing_organisation__organisation_type")
        .annotate(n=Count("pk")))
    put("country", per_project(ProjectLocation, "country_id", "country"))
    put("subdivision", per_project(ProjectLocation, "subdivision_id", "subdivision", subdivision__isnull=False))
    # The two theme facets share the table: an axis is counted without the axis filter, a line of work
    # without the line filter (a term of another vocabulary, which no facet shows, over the result).
    if filters.axis or filters.line:
        axis, line = Q(term__vocabulary_id=AXES), Q(term__vocabulary_id=LINES)
        terms = (ProjectTheme.objects.filter(
            (axis & Q(project__in=without("axis").values("pk")))
            | (line & Q(project__in=without("line").values("pk")))
            | (~axis & ~line & Q(project__in=matching.values("pk"))))
            .order_by().values_list("term_id").annotate(n=Count("project", distinct=True)))
    else:
        terms = per_project(ProjectTheme, "term_id", "axis")
    put("term", terms)
    put("marker", per_project(ProjectMarker, "marker_id", "marker", significance__gte=1))
    put("group", per_project(ProjectPeople, "category", "group", dimension=ProjectPeople.Dimension.POPULATION_GROUP,
                             people__gt=0))

    # One aggregate over the projects that pass all but the gap filter: the ranges count those, the totals
    # and sums only those the gap filter keeps.
    kept = _gap_filter(filters)
    figures = without("gap").aggregate(
        total=Count("pk", filter=kept), converted=Count("pk", filter=CONVERTED & kept),
        not_converted=Count("pk", filter=NOT_CONVERTED & kept),
        **{f"range_{i}": Count("pk", filter=_gap_range(low, high)) for i, (low, high) in enumerate(GAP_RANGES)},
        **{name: Sum(f"{name}_usd", filter=CONVERTED & kept) for name in MONEY})
    put("gap_range", [(str(i), figures[f"range_{i}"]) for i in range(len(GAP_RANGES))])
    for facet in ("converted", "not_converted"):  # counts without values: under "", as the index keys them
        if figures[facet]:
            counts[facet] = {"": figures[facet]}

    page = list(matching.order_by(*order_expressions(order)).values_list("pk", flat=True)[offset:offset + limit])
    return Found(total=figures["total"], counts=counts, sums={name: _cents(figures[name]) for name in MONEY},
                 page=page)
