"""Writing the import's many rows without the ORM's INSERT compiler (issue 11, speed).

``bulk_create`` compiles every value of every row through the query compiler, which was the import's
costliest step (44 % of it): here each table's INSERT is built once and its rows go through
``cursor.executemany``, each value prepared by its own field (``get_db_prep_save``) only where the field
changes it (dates, decimals, JSON), so what is stored is exactly what ``bulk_create`` stored.

The rows whose ids are needed (activities, flows, pledges) get them before they are inserted, exactly:
from the table's sequence on PostgreSQL (``nextval``), and on SQLite past the table's ``AUTOINCREMENT``
counter, which no one else can move meanwhile (the batch's transaction holds SQLite's one write lock from
its start: ``transaction_mode`` IMMEDIATE, and the import always writes inside ``transaction.atomic``).
Their history rows (django-simple-history's ``+`` rows), as ``bulk_history_create`` would have written them,
are copied by the database from the rows just inserted.
"""

import json
from decimal import Decimal
from itertools import chain
from operator import itemgetter

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.utils import timezone

# Fields whose Python value is already what the database driver takes (``get_db_prep_save`` changes nothing
# for the values the import gives them): no call per value.
_AS_GIVEN = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "ForeignKey",
             "IntegerField", "OneToOneField", "PositiveIntegerField", "PositiveSmallIntegerField", "TextField"}
# Fields whose prepared value depends on the value alone and whose equal values prepare alike: prepared once
# per distinct value in an insert (a batch's rows share a few dates and one "now").
_MEMOISED = {"DateField", "DateTimeField"}


class JsonText(str):
    """A JSON field's value already serialised, as the field would (``json_text``) or with its objects' keys sorted
    (the same values): stored as it is."""


def json_text(value) -> JsonText:
    """``value`` as a JSON field without an encoder serialises it (``json.dumps``), made ahead (the IATI import's
    reading process makes its records' documents while the writing process stores those before)."""
    return JsonText(json.dumps(value))


class Table:
    """One table's INSERT of the given columns (attribute names), built once, and how each value is prepared."""

    def __init__(self, model: type[Model], attnames: list[str]):
        by_attname = {field.attname: field for field in model._meta.concrete_fields}
        self.model = model
        self.attnames = list(attnames)
        fields = [by_attname[name] for name in self.attnames]
        quote = connection.ops.quote_name
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 -- names from the model only
            quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields),
            ", ".join(["%s"] * len(fields)))
        self.copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields))
        self._prepared = [(index, field, field.get_internal_type()) for index, field in enumerate(fields)
                          if field.get_internal_type() not in _AS_GIVEN]
        # By the literals written into it (``_bound``), and by one row's statement and how many rows it repeats
        # (``_insert_sqlite``): built once each.
        self._statements: dict[tuple, str] = {}

    def insert(self, rows) -> int:
        """Insert ``rows`` (sequences of values in the table's column order); how many were written."""
        database = connections[DEFAULT_DB_ALIAS]  # the connection itself, not its per-thread proxy
        prepared, fields, memo = [], self._prepared, {}
        for row in rows:
            if fields:
                row = list(row)
                for index, field, kind in fields:
                    value = row[index]
                    if value is None and kind != "JSONField":
                        continue  # NULL (a JSON field's None is the JSON ``null``, left to the field)
                    if kind == "DecimalField" and type(value) is Decimal and value.is_finite():
                        continue  # what ``DecimalField`` would give the driver: the same Decimal
                    if type(value) is JsonText:
                        row[index] = _stored_json(value, field, database)
                        continue
                    if kind in _MEMOISED:
                        key = (index, value)
                        found = memo.get(key)
                        if found is None:
                            found = memo[key] = field.get_db_prep_save(value, database)
                        row[index] = found
                    else:
                        row[index] = field.get_db_prep_save(value, database)
            prepared.append(row)
        if prepared:
            with database.cursor() as cursor:
                if database.vendor == "postgresql":
                    # One COPY instead of a statement per row (each bound and sent on its own by executemany):
                    # the same values, adapted by the same psycopg dumpers.
                    with cursor.cursor.copy(self.copy_sql) as copy:
                        for row in prepared:
                            copy.write_row(row)
                    if database.queries_logged:  # seen by the query counts, as an executemany is
                        database.queries_log.append({"sql": f"{len(prepared)} times: {self.copy_sql}", "time": "0.000"})
                else:
                    self._insert_sqlite(cursor, *self._bound(prepared))
        return len(prepared)

    def _insert_sqlite(self, cursor, sql: str, values: list) -> None:
        """Insert ``values`` (the rows' bound values) by ``sql`` (one row's INSERT), many rows per statement.

        Each execution of a statement has SQLite open the table and each of its indexes again; one INSERT of many
        ``VALUES`` rows opens them once. The flows' history rows at 50 MB (a scratch script): 0.53 s one row per
        statement, 0.35 s twenty to fifty, 0.33 s a hundred. Fewer rows go to a statement where their values
        would pass Django's limit of parameters; the rows left over go one per statement.
        """
        width = len(values[0])
        per = min(ROWS_PER_STATEMENT, cursor.db.features.max_query_params // width) if width else ROWS_PER_STATEMENT
        whole = len(values) - len(values) % per
        if whole:
            many = self._statements.get((sql, per))
            if many is None:
                head, _, marks = sql.partition(" VALUES ")
                many = self._statements[(sql, per)] = f"{head} VALUES {', '.join([marks] * per)}"
            cursor.executemany(many, [list(chain.from_iterable(values[start:start + per]))
                                      for start in range(0, whole, per)])
        if whole < len(values):
            cursor.executemany(sql, values[whole:])

    def _bound(self, prepared: list) -> tuple[str, list]:
        """The INSERT for SQLite's ``executemany`` and the values it binds: a column that holds NULL, true or false
        in every row is written into the statement as that literal, and left out of the values bound.

        SQLite's driver binds an int, a float or a text directly, but looks an adapter up for any other value,
        None and the booleans included: seven times the cost of an int (0.23 µs a value), and a flow and its
        history row carry a dozen such columns that are the same in every row of a batch (no pledge, project or
        parent, not deleted, not illustrative). The database stores the same: a NULL, or the integer 1 or 0.
        """
        first = prepared[0]
        literals = {index: _LITERALS[value] for index, value in enumerate(first)
                    if (value is None or value is True or value is False)
                    and all(row[index] is value for row in prepared)}
        if not literals:
            return self.sql, prepared
        key = tuple(literals.items())
        sql = self._statements.get(key)
        if sql is None:
            marks = ", ".join(literals.get(index, "%s") for index in range(len(first)))
            sql = self._statements[key] = f"{self.sql.partition(' VALUES (')[0]} VALUES ({marks})"
        bound = [index for index in range(len(first)) if index not in literals]
        if not bound:
            return sql, [()] * len(prepared)
        if len(bound) == 1:
            return sql, [(row[bound[0]],) for row in prepared]
        return sql, list(map(itemgetter(*bound), prepared))


# The most rows one INSERT writes on SQLite (fewer when their values would pass the database's limit on parameters).
ROWS_PER_STATEMENT = 100

# What ``Table._bound`` writes for a value that is the same in every row (by identity: 1 and 0 are bound as given).
_LITERALS = {None: "NULL", True: "1", False: "0"}


def _stored_json(text: JsonText, field, database):
    """What the database driver takes for JSON already serialised: the text on SQLite (as ``adapt_json_value`` gives
    it), on PostgreSQL the same ``Jsonb`` wrapper Django's backend makes, whose dump is the text itself."""
    if field.encoder is not None:
        raise TypeError(f"{field} has an encoder: its values are not serialised by json_text")
    if database.vendor != "postgresql":
        return text
    from psycopg.types.json import Jsonb

    return Jsonb(text, dumps=str)


_TABLES: dict[tuple, Table] = {}


def table(model: type[Model], attnames) -> Table:
    """The ``Table`` of these columns, built once per process (and database vendor)."""
    key = (model, tuple(attnames), connection.vendor)
    found = _TABLES.get(key)
    if found is None:
        found = _TABLES[key] = Table(model, attnames)
    return found


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, ascending, that no other row has or will be given."""
    if count <= 0:
        return []
    name, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [connection.ops.quote_name(name), column, count])
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"id allocation on {connection.vendor}")
        # AUTOINCREMENT never gives an id again, even one deleted since: start past its counter (and past any id
        # written explicitly, which SQLite also counts). Inserting the rows moves the counter past them.
        quoted = connection.ops.quote_name(name)
        cursor.execute(f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
                       f"COALESCE((SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted}), 0))", [name])
        start = cursor.fetchone()[0]
        return list(range(start + 1, start + count + 1))


class New:
    """A new row's values by attribute name, as a model instance holds them before it is saved (its given values,
    every other field's default), without building the instance: the import makes tens of thousands of them."""

    def __init__(self, model: type[Model], values: dict):
        self.__dict__.update(values)
        self._pk_attname = model._meta.pk.attname

    @property
    def pk(self):
        return getattr(self, self._pk_attname)


_DEFAULTS: dict = {}


def _defaults(model: type[Model]) -> tuple[dict, list, frozenset]:
    """A model's constant defaults (taken once: ``get_default`` gives the same value every time), the fields whose
    default is made anew for each row (a callable or the database's), and every attribute name."""
    found = _DEFAULTS.get(model)
    if found is None:
        constant, made = {}, []
        for field in model._meta.concrete_fields:
            if (field.has_default() and callable(field.default)) or field.has_db_default():
                made.append((field.attname, field))
            else:
                constant[field.attname] = field.get_default()
        found = _DEFAULTS[model] = (constant, made, frozenset(field.attname for field in model._meta.concrete_fields))
    return found


def new(model: type[Model], **given) -> New:
    """``model(**given)``'s values (``given`` by attribute name: ``provider_id``, not ``provider``) as a ``New``."""
    constant, made, names = _defaults(model)
    unknown = given.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    values = constant.copy()
    for attname, field in made:
        if attname not in given:
            values[attname] = field.get_default()
    values.update(given)
    return New(model, values)


def create_with_history(objects: list, model: type[Model], *, user, reason: str, ids_taken: bool = False) -> list:
    """Insert these new, unsaved instances (or ``New`` rows) with ids and their ``+`` history rows; as
    ``bulk_create_with_history`` would.

    Each instance keeps its own ``_change_reason`` in its history row when it has one, else ``reason``.
    ``ids_taken``: each already holds an id from ``allocate_ids`` (others refer to it), kept as it is.
    """
    if not objects:
        return objects
    now = timezone.now()
    fields = list(model._meta.concrete_fields)
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for instance in objects:
                setattr(instance, field.attname, now)
    pk_attname = model._meta.pk.attname
    ids = [getattr(instance, pk_attname) for instance in objects] if ids_taken else allocate_ids(model, len(objects))
    for instance, pk in zip(objects, ids, strict=True):
        setattr(instance, pk_attname, pk)
        if isinstance(instance, Model):
            instance._state.adding = False
            instance._state.db = connection.alias
    attnames = [field.attname for field in fields]
    table(model, attnames).insert([getattr(instance, name) for name in attnames] for instance in objects)
    history_user = user or model.history.model.get_default_history_user(objects[0])
    _copy_into_history(model, ids, [getattr(instance, "_change_reason", None) or reason for instance in objects],
                       date=now, user_id=history_user.pk if history_user is not None else None)
    return objects


def _copy_into_history(model: type[Model], ids: list[int], reasons: list[str], *, date, user_id) -> None:
    """The ``+`` history rows of the rows just inserted with these ids (each with its reason), copied by the database
    from the rows themselves, in one ``INSERT … SELECT``.

    The same values as binding each row's again (what ``bulk_history_create`` stores: the tracked fields as stored,
    then the date, user, reason and type), in the same order of history ids, without a Python value per column (a
    flow's history row binds 25). The reasons go as runs of consecutive ids (a flow's names its activity) in the one
    statement: for the flows' history rows at 50 MB, 0.24 s, against 0.37 s for a statement per run (each execution
    opens the history table and its indexes anew) and 0.47 s for binding every value.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = [quote(field.column) for field in history.tracked_fields]
    pk = quote(model._meta.pk.column)
    runs: list[list] = []  # [first id, last id, reason]
    for pk_value, reason in zip(ids, reasons, strict=True):
        if runs and runs[-1][2] == reason and runs[-1][1] == pk_value - 1:
            runs[-1][1] = pk_value
        else:
            runs.append([pk_value, pk_value, reason])
    table_name = quote(model._meta.db_table)
    if connection.vendor == "postgresql":
        # The runs expanded to one id each, joined by equality to the batch's range of ids: PostgreSQL takes the
        # range by the primary key (without it, BETWEEN against the runs made it scan the whole table).
        source = (f"unnest(%s::bigint[], %s::bigint[], %s::text[]) AS run(first, last, reason) "
                  f"CROSS JOIN LATERAL generate_series(run.first, run.last) AS one(id) "
                  f"JOIN {table_name} AS row ON row.{pk} = one.id WHERE row.{pk} BETWEEN %s AND %s")
        values = [[run[0] for run in runs], [run[1] for run in runs], [run[2] for run in runs], min(ids), max(ids)]
    else:
        # SQLite's CROSS JOIN keeps the runs as the outer loop, each run's rows taken by their rowid range (the other
        # way round it read every run again for each row: 6.5 s at 209 MB against 1.0 s).
        source = (f"(SELECT json_extract(value, '$[0]') AS first, json_extract(value, '$[1]') AS last, "  # noqa: S608
                  f"json_extract(value, '$[2]') AS reason FROM json_each(%s)) AS run "
                  f"CROSS JOIN {table_name} AS row WHERE row.{pk} BETWEEN run.first AND run.last")
        values = [json.dumps(runs)]
    date = history._meta.get_field("history_date").get_db_prep_save(date, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked)}, history_date, "  # noqa: S608
            f"history_user_id, history_change_reason, history_type) "  # names from the models only
            f"SELECT {', '.join(f'row.{column}' for column in tracked)}, %s, %s, run.reason, '+' "
            f"FROM {source} ORDER BY row.{pk}", [date, user_id, *values])
