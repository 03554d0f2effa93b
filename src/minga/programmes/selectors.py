"""Reads of the programme catalogue, through the permission module (the public sees published entries)."""

from minga.accounts import permissions
from minga.common.text import shown_order, sorted_as_shown
from minga.programmes.models import Programme, ProgrammeTheme


def programmes(user, *, country: str = "", theme: str = "") -> list[Programme]:
    """The visible programmes, by country (its name as the reader reads it), theme and code; ``theme`` outside the
    list matches nothing."""
    found = permissions.visible(user, Programme.objects.all())
    if country:
        found = found.filter(country_id=country)
    if theme:
        found = found.filter(theme=theme if theme in ProgrammeTheme.values else "")
    found = found.select_related("country", "runner", "source").order_by("theme", "code")
    return sorted(found, key=lambda programme: shown_order(programme.country.name))  # stable: theme, code within


def access_programme(user, code: str) -> Programme:
    return permissions.access(user, Programme.objects.select_related("country", "runner", "source"), code=code)


def countries_with_programmes(user) -> list[tuple[str, str, int]]:
    """(ISO3, name, how many visible programmes) of every country with one, by name."""
    counts: dict[str, list] = {}
    for programme in programmes(user):
        row = counts.setdefault(programme.country_id, [programme.country.name, 0])
        row[1] += 1
    return sorted_as_shown(((iso3, name, n) for iso3, (name, n) in counts.items()), lambda row: row[1])
