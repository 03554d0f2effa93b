"""What the facet index (``facet_index``) reads of the database: each project as an ``Entry``, and the stamps
that tell whether it changed.

Stamps and the data's date are read in plain SQL, without the ORM's conversions: they are only compared,
and converting 20,000 datetimes costs more than the rest of a search.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection

from minga.portfolio.models import Project, ProjectLocation, ProjectMarker, ProjectPeople, ProjectTheme
from minga.reference.models import LINES_OF_WORK, QUITO_AXES, Organisation, Term

AXES, LINES = QUITO_AXES, LINES_OF_WORK
# Funding-gap ranges offered as a facet (USD), each [minimum, maximum); None is open-ended.
GAP_RANGES: tuple[tuple[int | None, int | None], ...] = (
    (None, 100_000), (100_000, 500_000), (500_000, 1_000_000), (1_000_000, 5_000_000), (5_000_000, None),
)
CHUNK = 900  # keys per IN (…) list, below every database's limit on parameters

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_INTERNED: dict[tuple[str, str], tuple[str, str]] = {}  # one tuple per facet value, shared by every entry


@dataclass(slots=True)
class Entry:
    """One project as the index holds it."""

    stamp: tuple  # (version, updated_at as stored): a different stamp means that the project changed
    live: bool  # not deleted
    keys: tuple[tuple[str, str], ...]  # (facet, value) pairs whose bitsets have this project's bit
    organisation_id: int | None
    tokens: str  # the distinct words of search_text, space-separated
    requested: int | None  # USD cents
    secured: int | None
    gap: int | None
    budget: int | None
    published: int | None  # microseconds since 1970, for the sorts
    created: int | None
    code: str

    def sort_key(self, pk: int, order: tuple[tuple[str, bool], ...]) -> tuple:
        """The key of this project in ``order`` ((field, descending) pairs); empty values last either way."""
        parts = []
        for name, descending in order:
            value = pk if name == "pk" else getattr(self, SORT_FIELDS[name])
            parts.append((1, 0) if value is None else (0, -value if descending else value))
        return tuple(parts)


# Sort fields of ``selectors.SORTS`` and where an entry keeps them (only numbers are sorted descending).
SORT_FIELDS = {"published_at": "published", "created_at": "created", "gap_usd": "gap", "budget_usd": "budget",
               "code": "code"}


def cents(value) -> int | None:
    """USD as whole cents: sums of many are exact, unlike floats."""
    return None if value is None else int((Decimal(value) * 100).to_integral_value())


def microseconds(value) -> int | None:
    """Whole microseconds: exact, where a float would merge two close moments and let the next key decide."""
    return None if value is None else (value - _EPOCH) // _MICROSECOND


def data_key() -> tuple:
    """The date of the data: how many projects and organisations there are, and the latest change of each.

    One statement; the latest changes come back as the database stores them and are only compared,
    except the projects' (a datetime: the next look reads the changes since).
    """
    quote = connection.ops.quote_name
    column = quote(Project._meta.get_field("updated_at").column)
    # Only quoted table and column names from the models go into the text; nothing a visitor sent.
    sql = "SELECT " + ", ".join(  # noqa: S608
        f"(SELECT {aggregate} FROM {quote(model._meta.db_table)})"  # noqa: S608
        for model in (Project, Organisation) for aggregate in ("COUNT(*)", f"MAX({column})"))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        projects, latest, organisations, organisations_latest = cursor.fetchone()
    return projects, as_datetime(latest), organisations, organisations_latest


def as_datetime(value) -> datetime | None:
    """A stored datetime as an aware one (SQLite gives back its text, in UTC)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


def stamps(*, since: datetime | None = None, pks: list[int] | None = None) -> dict[int, tuple]:
    """(version, updated_at as stored) of every project, of those changed since ``since``, or of ``pks``."""
    quote = connection.ops.quote_name
    field = Project._meta.get_field
    sql = (f"SELECT {quote(field('id').column)}, {quote(field('version').column)}, "  # noqa: S608 -- quoted names only; values are parameters
           f"{quote(field('updated_at').column)} FROM {quote(Project._meta.db_table)}")
    params: list = []
    if since is not None:
        sql += f" WHERE {quote(field('updated_at').column)} >= %s"
        params = [connection.ops.adapt_datetimefield_value(since)]
    elif pks is not None:
        sql += f" WHERE {quote(field('id').column)} IN ({', '.join(['%s'] * len(pks))})"
        params = list(pks)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: (version, updated_at) for pk, version, updated_at in cursor.fetchall()}


def organisation_types() -> dict[int, str]:
    return dict(Organisation.all_objects.exclude(organisation_type="").values_list("pk", "organisation_type"))


def term_filters() -> dict[str, tuple[str, str]]:
    """Each term of the two theme facets, by key: the filter that names it (axis or line) and its code."""
    names = {AXES: "axis", LINES: "line"}
    return {str(pk): (names[vocabulary], code) for pk, vocabulary, code in Term.objects.filter(
        vocabulary_id__in=names).values_list("pk", "vocabulary_id", "code")}


def with_organisation_type(entry: Entry, types: dict[int, str]) -> tuple:
    """The entry's keys with the current type of its proposing organisation."""
    kept = tuple(key for key in entry.keys if key[0] != "organisation_type")
    kind = types.get(entry.organisation_id)
    return kept + (_interned("organisation_type", kind),) if entry.live and kind else kept


def load(pks: list[int] | None, types: dict[int, str]) -> dict[int, Entry]:
    """The entries of these projects (all when ``pks`` is None), from the project rows and their parts."""
    if pks is not None and len(pks) > CHUNK:
        found = {}
        for start in range(0, len(pks), CHUNK):
            found.update(load(pks[start:start + CHUNK], types))
        return found
    projects = Project.all_objects.all() if pks is None else Project.all_objects.filter(pk__in=pks)
    # Read before the rows: if a project changes in between, its newer stamp will be seen as a change.
    stamped = stamps(pks=pks)

    def parts(model, *columns, **conditions):
        rows = model.objects.filter(**conditions)
        if pks is not None:
            rows = rows.filter(project_id__in=pks)
        return rows.values_list("project_id", *columns)

    extra: dict[int, set] = {}
    for project_id, country, subdivision in parts(ProjectLocation, "country_id", "subdivision_id"):
        extra.setdefault(project_id, set()).add(("country", country))
        if subdivision:
            extra[project_id].add(("subdivision", subdivision))
    for project_id, term in parts(ProjectTheme, "term_id"):
        extra.setdefault(project_id, set()).add(("term", str(term)))
    for project_id, marker in parts(ProjectMarker, "marker_id", significance__gte=1):
        extra.setdefault(project_id, set()).add(("marker", marker))
    for project_id, group in parts(ProjectPeople, "category", dimension=ProjectPeople.Dimension.POPULATION_GROUP,
                                   people__gt=0):
        extra.setdefault(project_id, set()).add(("group", group))

    entries = {}
    for (pk, deleted_at, status, organisation_id, country_id, requested_amount, requested_usd, secured_usd,
         gap_usd, budget_usd, published_at, created_at, code, search_text) in projects.values_list(
            "pk", "deleted_at", "status", "proposing_organisation_id", "country_id", "requested_amount",
            "requested_usd", "secured_usd", "gap_usd", "budget_usd", "published_at", "created_at", "code",
            "search_text"):
        if pk not in stamped:  # created after the stamps were read: the next look takes it
            continue
        live = deleted_at is None
        gap = cents(gap_usd)
        keys: list[tuple[str, str]] = []
        if live:
            keys = [("live", ""), ("status", status), ("proposer_country", country_id), *sorted(extra.get(pk, ()))]
            if gap is not None:
                keys += [("converted", ""), ("gap_range", gap_range(gap))]
            if (requested_amount is not None and requested_usd is None) or secured_usd is None:
                keys.append(("not_converted", ""))
        entry = Entry(
            stamp=stamped[pk], live=live, keys=tuple(_interned(*key) for key in keys),
            organisation_id=organisation_id, tokens=" ".join(set(search_text.split())) if live else "",
            requested=cents(requested_usd), secured=cents(secured_usd), gap=gap, budget=cents(budget_usd),
            published=microseconds(published_at), created=microseconds(created_at), code=code)
        entry.keys = with_organisation_type(entry, types)
        entries[pk] = entry
    return entries


def gap_range(gap_cents: int) -> str:
    for position, (low, high) in enumerate(GAP_RANGES):
        if (low is None or gap_cents >= low * 100) and (high is None or gap_cents < high * 100):
            return str(position)
    raise AssertionError("GAP_RANGES cover every amount")


def _interned(facet: str, value) -> tuple[str, str]:
    key = (facet, str(value))
    return _INTERNED.setdefault(key, key)
