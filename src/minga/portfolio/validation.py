"""Checks that span a project's parts, run before anything is written.

Errors are keyed by the field path the user filled (``locations``, ``themes[quito-axes]``,
``people_total``, ``budget_years``…) so that a form, the API and the bulk upload can each say
exactly where the problem is. A draft may be incomplete; a submission must be complete.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from minga.common.languages import LANGUAGES
from minga.common.text import control_characters, control_characters_message, has_visible_text
from minga.portfolio.models import PopulationGroup, ProjectPeople, SexAge
from minga.portfolio.proposers import PROPOSER_TYPES
from minga.reference.currencies import is_active_currency
from minga.reference.models import LINES_OF_WORK, QUITO_AXES, Marker

HUNDRED = Decimal("100")
THEME_VOCABULARIES = (QUITO_AXES, LINES_OF_WORK)


class ProjectInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{key}: {' '.join(messages)}" for key, messages in errors.items()))


def _total(rows, key="percentage") -> Decimal:
    return sum((Decimal(row[key]) for row in rows), Decimal(0))


def check(data, *, complete: bool, marker_count: int | None = None) -> dict[str, list[str]]:
    """The problems of ``data`` (a ``ProjectInput`` or a mapping of its given fields), by field path.

    ``marker_count``, the number of cross-cutting markers, is counted here unless a caller that checks
    many projects at once (my projects) counts it once for all.
    """
    errors: dict[str, list[str]] = defaultdict(list)

    def add(key, message):
        errors[key].append(message)

    _check_text(data, add)
    # A title of zero-width spaces is no title: "visible" text counts.
    if not any(has_visible_text(data.get(f"title_{code}")) for code in LANGUAGES):
        add("title", _("Give a title in at least one language."))
    start, end = data.get("planned_start"), data.get("planned_end")
    if start and end and end < start:
        add("planned_end", _("The planned end is before the planned start."))

    organisation = data.get("proposing_organisation")
    if organisation is not None and organisation.organisation_type not in PROPOSER_TYPES:
        add("proposing_organisation", _("Projects are proposed by a member-state government body or a local government."))
    if organisation is not None and organisation.country_id and not organisation.country.is_member_state:
        add("proposing_organisation", _("The proposing organisation must belong to a member state."))

    _check_locations(data, add)
    _check_themes(data, add)
    _check_markers(data, add)
    _check_people(data, add)
    _check_money(data, add)
    _check_participants(data, add)
    _check_currencies(data, add)
    _check_dates(data, add)

    if complete:
        for key, message in _missing_for_submission(data, marker_count):
            add(key, message)
    return dict(errors)


# Text of the parts, by kind of part: what people type into them.
PART_TEXTS = {"contacts": ("name", "position", "email", "phone"), "participants": ("role",),
              "people": ("category",), "funding": ("currency",)}


def _check_text(data, add):
    """Every text field and text of a part: no control character (``common.text.control_characters``)."""
    from minga.portfolio.inputs.fields import TEXT_FIELDS  # here: the inputs package imports this module

    def refuse(key, value):
        found = control_characters(value) if isinstance(value, str) else []
        if found:
            add(key, control_characters_message(found))

    for key in TEXT_FIELDS:
        refuse(key, data.get(key))
    for part, names in PART_TEXTS.items():
        for position, row in enumerate(data.get(part) or [], start=1):
            for name in names:
                refuse(f"{part}[{position}].{name}", row.get(name))


def _check_currencies(data, add):
    def refuse(key, code):
        if code and not control_characters(code) and not is_active_currency(str(code).upper()):
            add(key, _("“%(code)s” is not an ISO 4217 currency code in use: write one such as COP, USD or EUR.")
                % {"code": code})

    refuse("budget_currency", data.get("budget_currency"))
    for position, row in enumerate(data.get("funding") or [], start=1):
        refuse(f"funding[{position}].currency", row.get("currency"))


def _date_window() -> tuple[date, date]:
    """The dates a project may give (``MINGA_DATE_MIN_YEAR`` to ``MINGA_DATE_MAX_YEAR``)."""
    return date(settings.MINGA_DATE_MIN_YEAR, 1, 1), date(settings.MINGA_DATE_MAX_YEAR, 12, 31)


def _check_dates(data, add):
    from minga.portfolio.inputs.fields import DATE_FIELDS  # here: the inputs package imports this module

    first, last = _date_window()
    outside = _("Give a date from %(first)s to %(last)s.") % {"first": first.isoformat(), "last": last.isoformat()}
    for key in DATE_FIELDS:
        value = data.get(key)
        if isinstance(value, date) and not first <= value <= last:
            add(key, outside)
    for position, row in enumerate(data.get("funding") or [], start=1):
        value = row.get("value_date")
        if isinstance(value, date) and not first <= value <= last:
            add(f"funding[{position}].value_date", outside)
    for position, row in enumerate(data.get("budget_years") or [], start=1):
        year = row.get("year")
        if isinstance(year, int) and not first.year <= year <= last.year:
            add(f"budget_years[{position}].year", _("Give a year from %(first)s to %(last)s.") % {
                "first": first.year, "last": last.year})


def _check_locations(data, add):
    locations = data.get("locations") or []
    if data.get("is_regional") and locations:
        add("locations", _("A regional project names no territories; untick “regional” to name them."))
        return
    by_level = defaultdict(list)
    seen = set()
    for position, row in enumerate(locations, start=1):
        country, subdivision, municipality = row.get("country"), row.get("subdivision"), row.get("municipality")
        key = (getattr(country, "pk", None), getattr(subdivision, "pk", None), getattr(municipality, "pk", None))
        if key in seen:
            add(f"locations[{position}]", _("This territory is listed twice."))
        seen.add(key)
        if subdivision is not None and country is not None and subdivision.country_id != country.pk:
            add(f"locations[{position}]", _("%(unit)s is not in %(country)s.") % {"unit": subdivision.name, "country": country.name})
        if municipality is not None and subdivision is not None and municipality.subdivision_id != subdivision.pk:
            add(f"locations[{position}]", _("%(unit)s is not in %(parent)s.") % {"unit": municipality.name, "parent": subdivision.name})
        level = "municipality" if municipality is not None else "subdivision" if subdivision is not None else "country"
        by_level[level].append(row)
    labels = {"country": _("countries"), "subdivision": _("subdivisions"), "municipality": _("municipalities")}
    for level, rows in by_level.items():
        total = _total(rows)
        if total != HUNDRED:
            add("locations", _("The shares of the %(level)s total %(total)s%%, not 100%%.") % {
                "level": labels[level], "total": f"{total.normalize():f}"})


def _check_themes(data, add):
    by_vocabulary = defaultdict(list)
    seen = set()
    for position, row in enumerate(data.get("themes") or [], start=1):
        term = row["term"]
        if term.pk in seen:  # one row per theme (a unique constraint): say so before the database does
            add(f"themes[{position}]", _("This theme is listed twice."))
            continue
        seen.add(term.pk)
        if term.vocabulary_id not in THEME_VOCABULARIES:
            add(f"themes[{position}]", _("“%(term)s” is not a Quito Process axis or line of work.") % {"term": term})
            continue
        by_vocabulary[term.vocabulary_id].append(row)
    for vocabulary, rows in by_vocabulary.items():
        total = _total(rows)
        if total != HUNDRED:
            add(f"themes[{vocabulary}]", _("The shares in “%(vocabulary)s” total %(total)s%%, not 100%%.") % {
                "vocabulary": rows[0]["term"].vocabulary.label, "total": f"{total.normalize():f}"})


def _check_markers(data, add):
    seen = set()
    for row in data.get("markers") or []:
        if row["marker"].pk in seen:
            add("markers", _("“%(marker)s” is given twice.") % {"marker": row["marker"]})
        seen.add(row["marker"].pk)
        if row["significance"] not in (0, 1, 2):
            add("markers", _("Significance is 0, 1 or 2."))


def _check_people(data, add):
    total = data.get("people_total")
    rows = data.get("people") or []
    valid = {ProjectPeople.Dimension.POPULATION_GROUP: set(PopulationGroup.values),
             ProjectPeople.Dimension.SEX_AGE: set(SexAge.values)}
    seen = set()
    for position, row in enumerate(rows, start=1):
        if (row["dimension"], row["category"]) in seen:  # one row per category (a unique constraint)
            add(f"people[{position}]", _("This category is listed twice."))
        seen.add((row["dimension"], row["category"]))
    sums = {}
    for dimension, categories in valid.items():
        dimension_rows = [row for row in rows if row["dimension"] == dimension]
        for row in dimension_rows:
            if row["category"] not in categories:
                add("people", _("Unknown category “%(category)s”.") % {"category": row["category"]})
        if dimension_rows:
            sums[dimension] = sum(int(row["people"]) for row in dimension_rows)
    # One whole sentence per breakdown, so that each language can word it its own way.
    messages = {
        ProjectPeople.Dimension.POPULATION_GROUP: _(
            "People by population group add up to %(sum)s, not to the total of %(total)s."),
        ProjectPeople.Dimension.SEX_AGE: _("People by sex and age add up to %(sum)s, not to the total of %(total)s."),
    }
    for dimension, value in sums.items():
        if total is not None and value != total:
            add(f"people[{dimension}]", messages[dimension] % {"sum": value, "total": total})
    disabilities = data.get("people_with_disabilities")
    if disabilities is not None and total is not None and disabilities > total:
        add("people_with_disabilities", _("More persons with disabilities than people served."))


def _check_participants(data, add):
    seen = set()
    for position, row in enumerate(data.get("participants") or [], start=1):
        key = (getattr(row["organisation"], "pk", None), row["role"])
        if key in seen:  # one row per organisation and role (a unique constraint)
            add(f"participants[{position}]", _("This organisation is listed twice in this role."))
        seen.add(key)


def _check_money(data, add):
    amount, currency = data.get("budget_amount"), data.get("budget_currency")
    if amount is not None and not currency:
        add("budget_currency", _("Give the budget's currency."))
    if amount is not None and not data.get("budget_value_date"):
        add("budget_value_date", _("Give the date whose exchange rate converts the budget."))
    requested = data.get("requested_amount")
    if requested is not None and amount is not None and requested > amount:
        add("requested_amount", _("More is requested than the whole budget."))
    years = data.get("budget_years") or []
    if len({row["year"] for row in years}) != len(years):
        add("budget_years", _("A year is listed twice."))
    if years and amount is not None:
        total = sum((Decimal(row["amount"]) for row in years), Decimal(0))
        if total != Decimal(amount):
            add("budget_years", _("The yearly amounts add up to %(sum)s, not to the budget of %(budget)s.") % {
                "sum": f"{total:f}", "budget": f"{Decimal(amount):f}"})
    start, end = data.get("planned_start"), data.get("planned_end")
    if years and start and end:
        outside = sorted(row["year"] for row in years if not start.year <= row["year"] <= end.year)
        if outside:
            add("budget_years", _("Years outside the planned dates: %(years)s.") % {
                "years": ", ".join(str(year) for year in outside)})


def _missing_for_submission(data, marker_count: int | None):
    required = {
        "proposing_organisation": _("Name the proposing organisation."),
        "planned_start": _("Give the planned start."),
        "planned_end": _("Give the planned end."),
        "budget_amount": _("Give the total budget."),
        "requested_amount": _("Say how much is requested from the Group of Friends."),
        "people_total": _("Say how many people the project serves."),
    }
    for key, message in required.items():
        if data.get(key) in (None, ""):
            yield key, message
    if not any(has_visible_text(data.get(f"summary_{code}")) for code in LANGUAGES):
        yield "summary", _("Give a summary in at least one language.")
    if not data.get("is_regional") and not data.get("locations"):
        yield "locations", _("Name at least one territory, or mark the project as regional.")
    if not any(row["term"].vocabulary_id == QUITO_AXES for row in data.get("themes") or []):
        yield "themes", _("Choose at least one Quito Process axis.")
    if len(data.get("markers") or []) != (Marker.objects.count() if marker_count is None else marker_count):
        yield "markers", _("Give the significance of each of the four cross-cutting approaches.")
    if not data.get("budget_years"):
        yield "budget_years", _("Break the budget down by year.")
