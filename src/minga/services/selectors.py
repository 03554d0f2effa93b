"""Reads of the service directory: the public search, one service, the provider's own list.

The radius search narrows the rows in SQL by the circle's bounding box on the indexed latitude and
longitude (and by type, population and cost), then keeps those within the radius by the haversine
distance, nearest first. Figures: bench/service_search.py, docs/benchmarks.md.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, NotFound, access, editable, visible
from minga.common.errors import ParameterInvalid
from minga.common.numbers import MAX_COUNT
from minga.common.text import shown_order
from minga.services.models import STALE_AFTER, Service
from minga.services.vocabulary import Population, ServiceType

_PLACE = re.compile(r"^[A-Za-z0-9-]{0,20}$")
EARTH_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_KM / 180
MAX_RADIUS_KM = 500
MAX_RESULTS = 200


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that holds the whole circle (not crossing the antimeridian here)."""
    dlat = radius_km / KM_PER_DEGREE
    cos = math.cos(math.radians(lat))
    dlon = 180.0 if cos < 0.01 else min(180.0, radius_km / (KM_PER_DEGREE * cos))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


@dataclass(frozen=True)
class SearchFilters:
    place: str = ""  # a country (ISO3), a subdivision (ISO 3166-2) or a municipality (p-code)
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    types: tuple[str, ...] = ()
    populations: tuple[str, ...] = ()
    free: bool = False
    open_now: bool = False

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @classmethod
    def from_querydict(cls, query) -> "SearchFilters":
        """Parse a query string; a number that is no number, or out of bounds, names its parameter."""
        def number(name, low, high):
            raw = (query.get(name) or "").strip()
            if not raw:
                return None
            try:  # a coordinate has more decimal places than an amount: bounded here by length and range
                value = float(Decimal(raw)) if len(raw) <= 24 else math.nan
            except InvalidOperation:
                value = math.nan
            if not math.isfinite(value):
                raise ParameterInvalid(name, _("Not a number."))
            if not low <= value <= high:
                raise ParameterInvalid(name, _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high})
            return value

        getlist = query.getlist if hasattr(query, "getlist") else (lambda k: [v for v in [query.get(k)] if v])
        types = tuple(t for t in getlist("type") if t in ServiceType.values)
        populations = tuple(p for p in getlist("population") if p in Population.values)
        latitude, longitude = number("lat", -90, 90), number("lon", -180, 180)
        radius = number("radius", 0.1, MAX_RADIUS_KM)
        place = (query.get("place") or "").strip()
        if not _PLACE.match(place):  # a code: letters, digits and hyphens (never a NUL for PostgreSQL)
            raise ParameterInvalid("place", _("Unknown code: %(codes)s.") % {
                "codes": "".join(c for c in place[:20] if c.isprintable())})
        return cls(place=place, latitude=latitude, longitude=longitude,
                   radius_km=radius if radius is not None else (25.0 if latitude is not None else None),
                   types=types, populations=populations, free=query.get("free") in ("1", "on", "true"),
                   open_now=query.get("open") in ("1", "on", "true"))


@dataclass
class Hit:
    service: Service
    distance_km: float | None
    open_now: bool | None
    stale: bool


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # before the display limit
    truncated: bool = False


def filtered(queryset: QuerySet, filters: SearchFilters) -> QuerySet:
    """The SQL part of the search: place, bounding box, types, populations, cost."""
    if filters.place:
        place = filters.place
        if len(place) == 3 and place.isalpha():
            queryset = queryset.filter(country_id=place.upper())
        elif "-" in place:
            # A region above the working level (the Dominican Republic's, DO-41 Valdesia) holds its provinces'
            # services: the service is placed in the province, the region is its parent.
            code = place.upper()
            queryset = queryset.filter(Q(subdivision_id=code) | Q(subdivision__parent_id=code))
        else:
            queryset = queryset.filter(municipality__pcode=place.upper())
    if filters.has_point:
        south, north, west, east = bounding_box(filters.latitude, filters.longitude, filters.radius_km)
        queryset = queryset.filter(latitude__gte=south, latitude__lte=north, longitude__gte=west,
                                   longitude__lte=east)
    for code in filters.types:
        queryset = queryset.filter(types__contains=f",{code},")
    for code in filters.populations:
        # A service for everyone serves each group too.
        queryset = queryset.filter(Q(populations__contains=f",{code},") | Q(populations__contains=",everyone,"))
    if filters.free:
        queryset = queryset.filter(is_free=True)
    return queryset


def search(user, filters: SearchFilters, *, now: datetime | None = None, today: date | None = None,
           limit: int = MAX_RESULTS) -> SearchResult:
    now = now or timezone.now()
    today = today or timezone.localdate()
    queryset = filtered(visible(user, Service.objects.all()), filters).select_related(
        "provider", "subdivision", "municipality", "country", "project")
    hits = []
    for service in queryset:
        distance = None
        if filters.has_point:
            distance = haversine_km(filters.latitude, filters.longitude, service.latitude, service.longitude)
            if distance > filters.radius_km:
                continue
        is_open = service.is_open_at(now)
        if filters.open_now and not is_open:
            continue
        hits.append(Hit(service, distance, is_open, service.is_stale(today)))
    if filters.has_point:
        hits.sort(key=lambda hit: (hit.distance_km, hit.service.pk))
    return SearchResult(hits=hits[:limit], total=len(hits), truncated=len(hits) > limit)


def radius_ids(queryset: QuerySet, filters: SearchFilters) -> list[int]:
    """Ids within the radius, nearest first, reading only the columns needed (the benchmark's query)."""
    rows = filtered(queryset, filters).values_list("pk", "latitude", "longitude")
    found = []
    for pk, lat, lon in rows:
        distance = haversine_km(filters.latitude, filters.longitude, lat, lon)
        if distance <= filters.radius_km:
            found.append((distance, pk))
    return [pk for _, pk in sorted(found)]


def access_service(user, pk, action: Action | str = Action.VIEW) -> Service:
    if not isinstance(pk, int) or not 0 < pk <= MAX_COUNT:  # beyond any id, and beyond what SQLite can compare
        raise NotFound(f"No service {pk!r}.")
    return access(user, Service.objects.select_related("provider", "country", "subdivision", "municipality",
                                                       "project"), action, pk=pk)


def my_services(user, today: date | None = None) -> list[tuple[Service, bool]]:
    """The services the user may change, the stale ones (not verified for six months) first."""
    today = today or timezone.localdate()
    rows = editable(user, Service.objects.select_related("provider", "subdivision", "municipality"))
    return sorted(((s, s.is_stale(today)) for s in rows), key=lambda row: (not row[1], row[0].name, row[0].pk))


def stale_services(today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return Service.objects.filter(last_verified_on__lt=today - STALE_AFTER).select_related("provider")


def places() -> list[tuple]:
    """The member states and their first-level subdivisions, for the place filter (a country, or one of its parts).

    The working level, not the top of ISO 3166-2: the Dominican Republic's provinces (Azua), not the regions
    ISO puts above them, which a ``place`` code still finds (``filtered``)."""
    from minga.reference.models import Country, Subdivision

    countries = {c.pk: c for c in Country.objects.filter(is_member_state=True)}
    grouped: dict[str, list] = {code: [] for code in countries}
    for subdivision in Subdivision.objects.filter(country_id__in=countries, is_admin1=True).order_by("name"):
        grouped[subdivision.country_id].append(subdivision)
    return sorted(((countries[code], parts) for code, parts in grouped.items()),
                  key=lambda row: shown_order(row[0].name))


def hours_rows(service: Service) -> list[tuple[str, list[dict]]]:
    """The opening hours by day of the week, Monday first (days without a slot left out)."""
    from django.utils.dates import WEEKDAYS

    from minga.services.vocabulary import DAYS

    return [(WEEKDAYS[index], [slot for slot in service.hours if slot["day"] == day]) for index, day in enumerate(DAYS)
            if any(slot["day"] == day for slot in service.hours)]
