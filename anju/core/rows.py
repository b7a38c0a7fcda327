"""Reading and adding single rows on the busiest paths with SQL built once per model.

A registration through the API reads the device's user, the region and then writes a case, its
parties, a timeline row and an audit row; building each of those queries afresh in Django's ORM cost
more than running them. These helpers keep the ORM's meaning: `insert` prepares every value as
Model.save does (`pre_save`, then `get_db_prep_save`), so defaults, auto_now_add and JSON encoding
behave the same, and `load` turns a row into an object through the same converters a queryset
applies. They send no model signals (the platform listens to none) and refuse models that
customise their placeholders.

On PostgreSQL these fixed statements go through `cursor()`: bound on the server and prepared once
per connection, which took PostgreSQL's CPU per registration from 4.1 to 2.7 ms (bench/create_api.py).
Other queries keep Django's client-side binding, under which a query may carry more than 65,535
parameters (a cascade delete over 100,000 cases does).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations

# PostgreSQL's limit on the parameters of one bound statement.
MAX_BOUND_PARAMETERS = 65_535


def cursor(parameters: int = 0, *, numbered: bool = False):
    """A cursor for a statement whose SQL is fixed: on PostgreSQL, unless `?prepared=off` (for a
    pooler that cannot keep them), bound on the server so that psycopg prepares it after its second
    use on a connection; elsewhere, or with more parameters than a bound statement may carry, the
    usual cursor. `numbered`: the statement's only placeholders are `%s` (the INSERTs built here),
    so they may be turned into PostgreSQL's `$1, $2…` once per statement (`_numbered`)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if (
        conn.vendor != "postgresql"
        or conn.settings_dict["OPTIONS"].get("prepare_threshold") is None
        or parameters > MAX_BOUND_PARAMETERS
    ):
        return conn.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What `conn.cursor()` does, with the server-binding class in place of the connection's default.
    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        return conn._prepare_cursor(
            (_numbered_cursor() if numbered else ServerBindingCursor)(conn.connection)
        )


@cache
def _numbered_cursor() -> type:
    """A server-binding cursor for statements written with `%s` only. psycopg turns a statement's
    placeholders into `$1, $2…` with a regular expression each time it runs when it has more than
    50 parameters (it keeps only short statements' conversions, for ORMs' statements of every
    length); an event's report (its row and three more in one statement, about 75 values) spent
    about as much in that as in sending it. This cursor takes the converted statement from
    `_numbered` and hands it to psycopg's RawCursor, which converts nothing. Django's cursor wrapper
    still sees, logs and counts the statement as written."""
    import psycopg
    from django.db.backends.postgresql.base import CursorMixin

    class NumberedCursor(CursorMixin, psycopg.RawCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(_numbered(query), params, **kwargs)

    return NumberedCursor


@lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("a numbered statement has no placeholder but %s")
    return "".join(f"{part}${number}" for number, part in enumerate(parts[:-1], start=1)) + parts[-1]


def analyze(*tables: type[models.Model], vacuum: bool = False) -> None:
    """Refresh the planner's statistics of tables that a bulk load just grew. Until autovacuum
    gets round to it, PostgreSQL plans a freshly loaded million-case table as if it were empty:
    after `anju seed` the list page took 970 ms instead of 12 (bench/disputes_list.py). `vacuum`
    also marks the new pages all-visible, so index-only scans work at once; it cannot run inside
    a transaction, and is skipped there."""
    conn = connections[DEFAULT_DB_ALIAS]
    verb = "ANALYZE"
    if conn.vendor == "postgresql" and vacuum and not conn.in_atomic_block:
        verb = "VACUUM ANALYZE"
    with conn.cursor() as c:
        for model in tables:
            c.execute(f"{verb} {conn.ops.quote_name(model._meta.db_table)}")


@cache
def _statement(
    model: type[models.Model], rows: int, returns: bool, keyed: bool = False
) -> tuple[str, tuple[models.Field, ...]]:
    """The INSERT of `rows` rows; `keyed`: the objects come with their automatic keys."""
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if keyed or not (f.primary_key and f.db_returning))
    if any(hasattr(f, "get_placeholder") or f.generated for f in fields):
        raise TypeError(f"{meta.label} has fields that need Django's own INSERT")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join("%s" for _ in fields) + ")"
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)}"  # noqa: S608
    if returns:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return sql, fields


# What `get_prep_value` of these fields gives back unchanged: a value of exactly these types.
_KEPT_AS_THEY_ARE = {
    models.CharField.get_prep_value: (str,),
    models.TextField.get_prep_value: (str,),
    models.BooleanField.get_prep_value: (bool,),
    models.IntegerField.get_prep_value: (int,),
}


# A date's and a time's own steps (pre_save: the steps of the class that defines it).
_DATES = {
    cls.pre_save: (cls.pre_save, cls.get_prep_value, cls.get_db_prep_value)
    for cls in (models.DateField, models.DateTimeField)
}


def _kept_types(field: models.Field) -> tuple[type, ...]:
    """The types of value that this field's `pre_save` and `get_db_prep_save` hand to the database
    as they are (a text for a CharField, an integer for a key): `insert` passes those, and None,
    without the calls (an event's row is prepared in 50 µs where the calls took 125). Empty for
    any field that may change a value, including every subclass that overrides a step."""
    cls = type(field)
    if isinstance(field, models.ForeignKey):
        features = connection.features
        if (
            cls.get_db_prep_save is not models.ForeignKey.get_db_prep_save
            or features.interprets_empty_strings_as_nulls
        ):
            return ()
        return _kept_types(field.target_field)
    if cls.get_db_prep_save is not models.Field.get_db_prep_save:
        return ()
    if cls.pre_save in _DATES and not (field.auto_now or field.auto_now_add):
        # A date or time left empty is stored as NULL by every backend.
        steps = (cls.pre_save, cls.get_prep_value, cls.get_db_prep_value)
        return (type(None),) if steps in _DATES.values() else ()
    if cls.pre_save is not models.Field.pre_save:
        return ()
    prep_value = cls.get_db_prep_value
    if prep_value is not models.Field.get_db_prep_value and not (
        # An automatic key's: the same once the backend's check of the value leaves it alone.
        prep_value is models.fields.AutoFieldMixin.get_db_prep_value
        and type(connection.ops).validate_autopk_value is BaseDatabaseOperations.validate_autopk_value
    ):
        return ()
    return _KEPT_AS_THEY_ARE.get(cls.get_prep_value, ())


@cache
def _preparation(
    model: type[models.Model], returns: bool, keyed: bool
) -> tuple[tuple[models.Field, str, tuple], ...]:
    return tuple((f, f.attname, _kept_types(f)) for f in _statement(model, 1, returns, keyed)[1])


def _prepared(model: type[models.Model], objs, returns: bool, keyed: bool, conn) -> list:
    """The statement's parameters, as Model.save prepares them (`pre_save`, then
    `get_db_prep_save`)."""
    params = []
    for obj in objs:
        for field, attname, kept in _preparation(model, returns, keyed):
            if kept:
                value = getattr(obj, attname)
                if value is None or type(value) in kept:
                    params.append(value)
                    continue
            params.append(field.get_db_prep_save(field.pre_save(obj, True), conn))
    return params


def _returns_key(model: type[models.Model]) -> bool:
    return model._meta.pk.db_returning and connection.features.can_return_columns_from_insert


# The INSERTs `together` holds back: (model, objects, SQL, parameters, keys read back, keys given),
# in the order they came.
_held: ContextVar[list | None] = ContextVar("rows_held", default=None)
# Set while `at_once` holds the inserts of a block outside a transaction: they must all go in one
# statement, which is then the only thing that makes them all or none.
_one_statement: ContextVar[bool] = ContextVar("rows_one_statement", default=False)


@contextmanager
def together() -> Iterator[None]:
    """Send the `insert`s made inside as one statement when the block ends (on PostgreSQL, inside a
    transaction; elsewhere each is sent at once, as outside the block): a report writes its timeline
    row, its audit row and what another app keeps about it with one round trip instead of three.
    The objects get their primary keys when the block ends, so nothing inside may read them back
    or point at them (unless they were given their keys beforehand: `insert` keeps a key it is
    given); a model inserted twice sends what is held first, so each table's keys keep the order
    the rows came in; a block inside another adds to the outer one's. If the block raises, nothing
    held is sent (the transaction it is in rolls back)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql" or not conn.in_atomic_block or _held.get() is not None:
        yield
        return
    yield from _holding()


def _holding() -> Iterator[None]:
    held: list = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    _send(held)


@contextmanager
def at_once() -> Iterator[None]:
    """The `insert`s of the block written all or none, with as few round trips as may be. On
    PostgreSQL outside a transaction they go as one statement in autocommit: a statement is atomic
    by itself, so no BEGIN and COMMIT of their own (two round trips and Django's transaction
    handling fewer); each model may then come once, and rows that name another row of the block
    need its key given beforehand. Elsewhere, and inside a transaction, a transaction (a savepoint)
    around `together`. Nothing in the block may read the rows back; if it raises, nothing is
    written."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "postgresql" or conn.in_atomic_block or _held.get() is not None:
        with transaction.atomic(), together():
            yield
        return
    token = _one_statement.set(True)
    try:
        yield from _holding()
    finally:
        _one_statement.reset(token)


@cache
def _together_statement(parts: tuple[tuple[type[models.Model], int, bool, bool], ...]) -> str:
    """One statement for several INSERTs: each a data-modifying WITH, their keys read back as one
    array each (in the order of the rows, as `insert` reads a multi-row statement's)."""
    quote = connection.ops.quote_name
    withs, keys = [], []
    for number, (model, rows, returns, keyed) in enumerate(parts):
        withs.append(f"i{number} AS ({_statement(model, rows, returns, keyed)[0]})")
        if returns:
            keys.append(f"ARRAY(SELECT {quote(model._meta.pk.column)} FROM i{number})")  # noqa: S608
    return f"WITH {', '.join(withs)} SELECT {', '.join(keys) or '1'}"


def _send(held: list) -> None:
    if not held:
        return
    if len(held) == 1:
        model, objs, sql, params, returns, keyed = held[0]
        _execute(model, objs, sql, params, returns, keyed)
        return
    parts = tuple((model, len(objs), returns, keyed) for model, objs, _, _, returns, keyed in held)
    params = [value for _, _, _, values, _, _ in held for value in values]
    conn = connections[DEFAULT_DB_ALIAS]
    with cursor(len(params), numbered=True) as c:
        c.execute(_together_statement(parts), params)
        keys = iter(c.fetchone())
    for model, objs, _, _, returns, _ in held:
        if returns:
            for obj, key in zip(objs, next(keys), strict=True):
                setattr(obj, model._meta.pk.attname, key)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = conn.alias


def insert(*objs: models.Model) -> None:
    """Add new objects of one model as rows, in one statement, and give them their primary keys,
    like `obj.save()` for each (inside `together`, when the block ends). Objects given their
    automatic keys beforehand (all of them or none) keep them."""
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model or not obj._state.adding for obj in objs):
        raise ValueError("insert() adds new objects of one model")
    automatic = model._meta.pk.db_returning
    keyed = automatic and objs[0].pk is not None
    if keyed and any(obj.pk is None for obj in objs[1:]):
        raise ValueError("insert() adds objects all given their keys or none")
    returns = not keyed and _returns_key(model)
    if not returns and automatic and not keyed and len(objs) > 1:
        for obj in objs:  # without RETURNING only the last key of a statement can be read
            insert(obj)
        return
    sql = _statement(model, len(objs), returns, keyed)[0]
    # The connection itself, not the `connection` proxy: each attribute read through the proxy
    # looks the connection up again, and the fields read it many times per row.
    conn = connections[DEFAULT_DB_ALIAS]
    params = _prepared(model, objs, returns, keyed, conn)
    held = _held.get()
    if held is not None:
        if any(entry[0] is model for entry in held):
            if _one_statement.get():
                raise ValueError(f"at_once() writes {model._meta.label} once: it has one statement")
            _send(held)  # the rows held of this model first: its keys follow the order of the rows
            held.clear()
        held.append((model, objs, sql, params, returns, keyed))
        return
    _execute(model, objs, sql, params, returns, keyed)


def _execute(
    model: type[models.Model], objs, sql: str, params: list, returns: bool, keyed: bool = False
) -> None:
    conn = connections[DEFAULT_DB_ALIAS]
    with cursor(len(params), numbered=True) as c:
        c.execute(sql, params)
        if returns:
            for obj, (key,) in zip(objs, c.fetchall(), strict=True):
                setattr(obj, model._meta.pk.attname, key)
        elif model._meta.pk.db_returning and not keyed:
            key = conn.ops.last_insert_id(c, model._meta.db_table, model._meta.pk.column)
            setattr(objs[0], model._meta.pk.attname, key)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = conn.alias


@cache
def _update_statement(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, list[models.Field]]:
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"UPDATE {table} SET {columns} WHERE {key} = %s", fields  # noqa: S608


def update(obj: models.Model, *names: str) -> None:
    """Write the named fields of a saved object, like `obj.save(update_fields=names)`."""
    sql, fields = _update_statement(type(obj), names)
    conn = connections[DEFAULT_DB_ALIAS]
    params = [f.get_db_prep_save(f.pre_save(obj, False), conn) for f in fields]
    with cursor() as c:
        c.execute(sql, [*params, obj.pk])


@cache
def _loaders(model: type[models.Model]) -> tuple[list[str], list[tuple[Any, list]]]:
    table = model._meta.db_table
    converters = []
    for field in model._meta.concrete_fields:
        col = field.get_col(table)
        converters.append((col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
    return [f.attname for f in model._meta.concrete_fields], converters


def columns(model: type[models.Model], alias: str = "") -> str:
    """The model's columns in the order `load` expects them, for a SELECT written by hand."""
    quote = connection.ops.quote_name
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + quote(f.column) for f in model._meta.concrete_fields)


def load(model: type[models.Model], values) -> models.Model:
    """The object for a row read with `columns(model)`, converted as a queryset converts it."""
    names, converters = _loaders(model)
    conn = connections[DEFAULT_DB_ALIAS]
    converted = []
    for value, (col, functions) in zip(values, converters, strict=True):
        for function in functions:
            value = function(value, col, conn)
        converted.append(value)
    return model.from_db(conn.alias, names, converted)


@cache
def _select_by_key(model: type[models.Model]) -> str:
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT {columns(model)} FROM {table} WHERE {key} = %s"  # noqa: S608


def by_key(model: type[models.Model], key) -> models.Model | None:
    """The row with this primary key (already converted with the key field's to_python), or None."""
    with cursor() as c:
        c.execute(_select_by_key(model), [key])
        row = c.fetchone()
    return None if row is None else load(model, row)
