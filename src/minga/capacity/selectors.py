"""Reads of the capacity-development kit: the library (current and older versions), the deliveries, and the
coverage of the priority municipalities (which ones had a training, how many officials by role and sex).

Coverage counts the deliveries given in a priority municipality; a municipality without any is listed with
nothing reached, never left out. Sums are exact integers over the deliveries that are not deleted.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.capacity.models import ROLES, SEXES, KitResource, PriorityMunicipality, TrainingDelivery
from minga.common.text import sorted_as_shown
from minga.reference.models import Country, Municipality, Organisation

COUNTS = tuple(name for name, _label in SEXES) + tuple(name for name, _label in ROLES)


@dataclass(frozen=True)
class LibraryEntry:
    current: KitResource
    older: list[KitResource]


def library(language: str = "") -> list[LibraryEntry]:
    """One entry per resource and language: its highest version, with the older versions kept under it."""
    found = KitResource.objects.select_related("line").order_by("series", "language", "-edition")
    if language:
        found = found.filter(language=language)
    entries: dict[tuple[str, str], list[KitResource]] = {}
    for resource in found:
        entries.setdefault((resource.series, resource.language), []).append(resource)
    return [LibraryEntry(current=versions[0], older=versions[1:]) for versions in entries.values()]


def series_choices() -> list[tuple[str, str]]:
    """Each resource of the library once, by the title of its latest version (in any language)."""
    titles: dict[str, str] = {}
    for series, title in KitResource.objects.order_by("series", "-edition", "language").values_list("series", "title"):
        titles.setdefault(series, title)
    return sorted(titles.items(), key=lambda item: item[1].casefold())


def priorities() -> list[PriorityMunicipality]:
    return list(PriorityMunicipality.objects.select_related("municipality__subdivision__country")
                .order_by("municipality__subdivision__country_id", "municipality__name"))


def countries_with_municipalities() -> list[Country]:
    """The countries whose municipalities Minga holds: the first choice of the priority form."""
    held = Municipality.objects.values("subdivision__country_id")
    return sorted_as_shown(Country.objects.filter(iso3__in=held), lambda country: country.name)


def municipalities_of(country: str) -> QuerySet:
    """The municipalities of one country (none for no country), by name, those on the list left out."""
    listed = PriorityMunicipality.objects.values("municipality_id")
    return (Municipality.objects.filter(subdivision__country_id=country).exclude(pk__in=listed)
            .select_related("subdivision").order_by("name", "pk"))


def current_modules() -> QuerySet:
    """The modules a delivery may name: the current version of each, in every language."""
    current_ids = [entry.current.pk for entry in library() if entry.current.kind == "module"]
    return KitResource.objects.filter(pk__in=current_ids).order_by("series", "language")


def deliveries(user) -> QuerySet:
    return (permissions.visible(user, TrainingDelivery.objects.all())
            .select_related("municipality__subdivision__country", "organiser", "action")
            .order_by("-delivered_on", "-pk"))


def access_delivery(user, pk, action: Action | str = Action.VIEW) -> TrainingDelivery:
    queryset = TrainingDelivery.objects.select_related("municipality__subdivision__country", "organiser", "action")
    return permissions.access(user, queryset, action, pk=pk)


def municipalities_for(user) -> QuerySet:
    """The municipalities the user may record a training in (an officer: their own; the secretariat: all)."""
    found = Municipality.objects.select_related("subdivision").order_by("subdivision__country_id", "name")
    if permissions.actor_for(user).is_secretariat:
        return found
    allowed = [municipality.pk for municipality in found
               if permissions.can(user, Action.CREATE, TrainingDelivery(municipality=municipality))]
    return found.filter(pk__in=allowed)


def organisers() -> QuerySet:
    return Organisation.objects.filter(awaiting_approval=False).order_by("name")


@dataclass
class CoverageRow:
    municipality: Municipality
    deliveries: int = 0
    last_on: object = None
    illustrative: bool = False  # on the list, or counting a training, only as the demo's made-up record
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))

    @property
    def reached(self) -> bool:
        return self.deliveries > 0

    @property
    def participants(self) -> int:
        return sum(self.counts[name] for name, _label in SEXES)

    @property
    def by_role(self) -> list[int]:
        return [self.counts[name] for name, _label in ROLES]

    @property
    def by_sex(self) -> list[int]:
        return [self.counts[name] for name, _label in SEXES]


@dataclass(frozen=True)
class Coverage:
    rows: list[CoverageRow]
    totals: CoverageRow | None

    @property
    def reached(self) -> int:
        return sum(1 for row in self.rows if row.reached)

    @property
    def percent(self) -> int | None:
        """The share of priority municipalities reached, in whole percent (None for an empty list)."""
        return self.reached * 100 // len(self.rows) if self.rows else None


def coverage(*, action_id: int | None = None) -> Coverage:
    """Every priority municipality with its deliveries (only those of ``action_id`` when given)."""
    priorities = list(PriorityMunicipality.objects.select_related("municipality__subdivision__country")
                      .order_by("municipality__subdivision__country_id", "municipality__name"))
    rows = {priority.municipality_id: CoverageRow(priority.municipality, illustrative=priority.is_illustrative)
            for priority in priorities}
    found = TrainingDelivery.objects.filter(municipality_id__in=rows)
    if action_id is not None:
        found = found.filter(action_id=action_id)
    total = CoverageRow(municipality=None)
    for delivery in found.only("municipality_id", "delivered_on", "is_illustrative", *COUNTS):
        row = rows[delivery.municipality_id]
        row.illustrative = row.illustrative or delivery.is_illustrative
        for target in (row, total):
            target.deliveries += 1
            target.last_on = max(filter(None, (target.last_on, delivery.delivered_on)))
            for name in COUNTS:
                target.counts[name] += getattr(delivery, name)
    return Coverage(rows=list(rows.values()), totals=total if rows else None)


def per_subdivision(rows: list[CoverageRow]) -> dict[str, dict[str, int]]:
    """Officials trained in the priority municipalities, per country and first-level subdivision."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        subdivision = row.municipality.subdivision
        found[subdivision.country_id][subdivision.code] += row.participants
    return {country: dict(values) for country, values in found.items()}
