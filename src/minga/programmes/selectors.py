"""Reads of the programme catalogue, through the permission module (the public sees published entries)."""

from django.db.models import QuerySet

from minga.accounts import permissions
from minga.programmes.models import Programme, ProgrammeTheme


def programmes(user, *, country: str = "", theme: str = "") -> QuerySet:
    """The visible programmes, by country, theme and code; ``theme`` outside the list matches nothing."""
    found = permissions.visible(user, Programme.objects.all())
    if country:
        found = found.filter(country_id=country)
    if theme:
        found = found.filter(theme=theme if theme in ProgrammeTheme.values else "")
    return found.select_related("country", "runner", "source").order_by("country__name_en", "theme", "code")


def access_programme(user, code: str) -> Programme:
    return permissions.access(user, Programme.objects.select_related("country", "runner", "source"), code=code)


def countries_with_programmes(user) -> list[tuple[str, str, int]]:
    """(ISO3, name, how many visible programmes) of every country with one, by name."""
    counts: dict[str, list] = {}
    for programme in programmes(user):
        row = counts.setdefault(programme.country_id, [programme.country.name, 0])
        row[1] += 1
    return sorted(((iso3, name, n) for iso3, (name, n) in counts.items()), key=lambda row: row[1])
