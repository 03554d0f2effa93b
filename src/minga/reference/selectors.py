"""Reads of reference data, with the permission module's visibility applied."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.common.languages import LANGUAGES
from minga.common.text import normalise_name, refuse_control_characters, sorted_as_shown
from minga.reference.models import (
    Country,
    Marker,
    Municipality,
    Organisation,
    PopulationFigure,
    PopulationGroup,
    Region,
    RegionalFigure,
    Subdivision,
    Vocabulary,
)


def member_states() -> QuerySet:
    return Country.objects.filter(is_member_state=True)


def process_countries() -> QuerySet:
    """The 13 member states and the country of origin."""
    return Country.objects.filter(Q(is_member_state=True) | Q(is_origin=True))


def countries_as_shown(countries) -> list[Country]:
    """``countries`` in the order of their name in the reader's language, accents and case aside: in Spanish
    "República Dominicana" between "Perú" and "Uruguay", not where "Dominican Republic" puts it."""
    return sorted_as_shown(countries, lambda country: country.name)


def process_countries_with_counts() -> list[Country]:
    """The member states by name as the reader reads it, then the country of origin."""
    counted = process_countries().annotate(
        admin1_count=Count("subdivisions", filter=Q(subdivisions__is_admin1=True), distinct=True))
    return sorted(countries_as_shown(counted), key=lambda country: not country.is_member_state)


def organisation_loaded(key: str) -> Organisation:
    """An organisation the platform loaded (reference or demo data), by its load key (``gov-can``), which
    survives any edit; deleted ones too."""
    return Organisation.all_objects.get(load_key=f"organisation:{key}")


def access_organisation(user, pk, action: Action | str = Action.VIEW, *, include_deleted: bool = False
                        ) -> Organisation:
    """The organisation ``pk``, for pages and the API alike: ``permissions.NotFound`` (404) when there is
    none or the user may not see it, ``PermissionDenied`` (403) when they may see it but not do ``action``.
    Deleted ones are looked at only with ``include_deleted`` (the page, where the secretariat restores them)."""
    queryset = Organisation.all_objects.select_related("country", "subdivision", "municipality", "parent")
    return permissions.access(user, queryset, action, include_deleted=include_deleted, pk=pk)


def access_population_figure(user, pk, action: Action | str = Action.VIEW) -> PopulationFigure:
    """The population figure ``pk``, as ``access_organisation`` answers: 404 when hidden, 403 when refused."""
    queryset = PopulationFigure.all_objects.select_related("country", "subdivision", "source")
    return permissions.access(user, queryset, action, pk=pk)


def subdivisions_of(country: Country) -> QuerySet:
    return Subdivision.objects.filter(country=country).select_related("parent").order_by("-is_admin1", "name")


def population_figures_visible(user, **filters) -> QuerySet:
    queryset = PopulationFigure.objects.filter(**filters).select_related("country", "subdivision", "source")
    return permissions.visible(user, queryset)


@dataclass
class HostCountryFigure:
    country: Country
    figure: PopulationFigure


def latest_people_per_host_country(user, *, group=PopulationGroup.REFUGEES_AND_MIGRANTS) -> list[HostCountryFigure]:
    """For each member state, its newest visible country-level figure for ``group``, largest first.

    Newest by date, not largest: a country whose population fell must show the fall.
    """
    figures = population_figures_visible(user, group=group, subdivision__isnull=True,
                                         country__is_member_state=True).order_by("country_id", "-as_of", "-pk")
    latest = {}
    for figure in figures:
        latest.setdefault(figure.country_id, figure)
    return sorted((HostCountryFigure(f.country, f) for f in latest.values()),
                  key=lambda row: row.figure.value, reverse=True)


def regional_totals(*, group=PopulationGroup.REFUGEES_AND_MIGRANTS) -> list[RegionalFigure]:
    """The newest total the source publishes for each region (worldwide first), with its source: shown
    instead of a sum of country figures of different dates and precisions."""
    latest = {}
    for figure in (RegionalFigure.objects.filter(group=group).select_related("source")
                   .order_by("region", "-as_of", "-pk")):
        latest.setdefault(figure.region, figure)
    return [latest[region] for region in Region.values if region in latest]


def organisations_filtered(user, *, query: str = "", country: str = "", role: str = "",
                           organisation_type: str = "", include_deleted: bool = False) -> QuerySet:
    # Named as the query string names them; a control character is refused (TextInvalid), never sent to the database.
    for parameter, value in (("q", query), ("country", country), ("role", role), ("type", organisation_type)):
        refuse_control_characters(parameter, value)
    queryset = Organisation.all_objects.all() if include_deleted else Organisation.objects.all()
    queryset = permissions.visible(user, queryset, include_deleted=include_deleted)
    if query:
        # Any language's name or acronym: "UE", "EU" and "União Europeia" all find the European Union.
        names = Q(iati_identifier__icontains=query)
        for field in ("name", "acronym", *(f"{f}_{code}" for f in ("name", "acronym") for code in LANGUAGES)):
            names |= Q(**{f"{field}__icontains": query})
        queryset = queryset.filter(names)
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if role:
        queryset = queryset.filter(roles__role=role)
    if organisation_type:
        queryset = queryset.filter(organisation_type=organisation_type)
    return queryset.select_related("country", "parent").prefetch_related("roles").distinct()


def group_of_friends() -> QuerySet:
    return (Organisation.objects.filter(roles__role="group_of_friends")
            .select_related("country").prefetch_related("roles").order_by("roles__since_year", "name"))


def vocabularies_with_terms() -> QuerySet:
    return Vocabulary.objects.annotate(term_count=Count("terms")).select_related("source").order_by("code")


def markers() -> QuerySet:
    return Marker.objects.all()


# Territories picked by name in the project forms: each list narrowed by the unit above and by what is typed.
MAX_FILTER_TEXT = 100  # characters of a name being typed; longer text is no name


def _named(units, query: str) -> list:
    """The units whose name holds ``query``, accents, case and runs of spaces aside ("cuc" finds "Cúcuta")."""
    wanted = normalise_name(query[:MAX_FILTER_TEXT])
    return [unit for unit in units if wanted in normalise_name(unit.name)] if wanted else list(units)


def member_subdivisions(country: str, query: str = "") -> list[Subdivision]:
    """The subdivisions of the member state coded ``country`` (ISO alpha-3) by name; none without a country."""
    for parameter, value in (("country", country), ("q", query)):
        refuse_control_characters(parameter, value)
    if not country:
        return []
    return _named(Subdivision.objects.filter(country_id=country.upper(), country__is_member_state=True)
                  .order_by("name"), query)


def member_municipalities(subdivision: str, query: str = "") -> list[Municipality]:
    """The municipalities of the member-state subdivision coded ``subdivision`` by name; none without one."""
    for parameter, value in (("subdivision", subdivision), ("q", query)):
        refuse_control_characters(parameter, value)
    if not subdivision:
        return []
    return _named(Municipality.objects.filter(subdivision_id=subdivision.upper(),
                                              subdivision__country__is_member_state=True).order_by("name"), query)
