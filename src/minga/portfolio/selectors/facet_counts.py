"""The catalogue's counts in plain SQL: what the facet index answers, read from the database each time.

Chosen with ``MINGA_CATALOGUE_INDEX=sql``, and the way new modules start: no state in the process,
one GROUP BY per facet over the filtered set (through the part tables, each project counted once
per value), one aggregate for the totals and the gap ranges, one ordered slice for the page. It
answers the same ``Found`` as ``FacetIndex.search``: the same counts (over the current result set,
every filter applied, values with no project left out), the same sums in USD cents, the same order.
"""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from minga.portfolio.facet_entries import GAP_RANGES
from minga.portfolio.facet_index import MONEY, Found
from minga.portfolio.models import ProjectLocation, ProjectMarker, ProjectPeople, ProjectTheme
from minga.portfolio.selectors.filters import ProjectFilters, filtered, order_expressions

CONVERTED = Q(gap_usd__isnull=False)  # the gap needs the other two: its three USD figures are known
NOT_CONVERTED = Q(requested_amount__isnull=False, requested_usd__isnull=True) | Q(secured_usd__isnull=True)


def _gap_range(low: int | None, high: int | None) -> Q:
    condition = CONVERTED
    if low is not None:
        condition &= Q(gap_usd__gte=low)
    if high is not None:
        condition &= Q(gap_usd__lt=high)
    return condition


def _cents(value) -> int:
    return int((Decimal(value or 0) * 100).to_integral_value())


def search(visible: QuerySet, filters: ProjectFilters, *, order: list[tuple[str, bool]], offset: int,
           limit: int) -> Found:
    """The projects of ``visible`` that pass ``filters``, counted and paged (as ``FacetIndex.search``)."""
    matching = filtered(visible, filters).order_by()
    keys = matching.values("pk")
    counts: dict[str, dict[str, int]] = {}

    def put(facet: str, rows) -> None:
        found = {str(value): n for value, n in rows if n and value not in (None, "")}
        if found:
            counts[facet] = found

    def per_project(model, column: str, **conditions):
        """How many of the matching projects have each value of ``column`` in their parts of ``model``."""
        return (model.objects.filter(project__in=keys, **conditions).order_by().values_list(column)
                .annotate(n=Count("project", distinct=True)))

    put("status", matching.values_list("status").annotate(n=Count("pk")))
    put("organisation_type", matching.values_list("proposing_organisation__organisation_type")
        .annotate(n=Count("pk")))
    put("country", per_project(ProjectLocation, "country_id"))
    put("subdivision", per_project(ProjectLocation, "subdivision_id", subdivision__isnull=False))
    put("term", per_project(ProjectTheme, "term_id"))
    put("marker", per_project(ProjectMarker, "marker_id", significance__gte=1))
    put("group", per_project(ProjectPeople, "category", dimension=ProjectPeople.Dimension.POPULATION_GROUP,
                             people__gt=0))

    figures = matching.aggregate(
        total=Count("pk"), converted=Count("pk", filter=CONVERTED), not_converted=Count("pk", filter=NOT_CONVERTED),
        **{f"range_{i}": Count("pk", filter=_gap_range(low, high)) for i, (low, high) in enumerate(GAP_RANGES)},
        **{name: Sum(f"{name}_usd", filter=CONVERTED) for name in MONEY})
    put("gap_range", [(str(i), figures[f"range_{i}"]) for i in range(len(GAP_RANGES))])
    for facet in ("converted", "not_converted"):  # counts without values: under "", as the index keys them
        if figures[facet]:
            counts[facet] = {"": figures[facet]}

    page = list(matching.order_by(*order_expressions(order)).values_list("pk", flat=True)[offset:offset + limit])
    return Found(total=figures["total"], counts=counts, sums={name: _cents(figures[name]) for name in MONEY},
                 page=page)
