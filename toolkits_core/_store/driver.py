"""Statements every write runs, sent on the driver's cursor of a SQLAlchemy connection.

SQLAlchemy's execution (its context, its result, its events) costs about twice a short
statement itself, and on SQLite a write's statements run while it holds the one write
lock: every other writer waits for them. The INSERTs and UPDATEs each write makes (the
claim of its ``Idempotency-Key``, the new row, its answer, its event) are compiled once
per dialect here and sent on the DBAPI cursor of the same connection, so in the same
transaction, with the values converted by the column types as SQLAlchemy's own execute
converts them (``DefaultExecutionContext._init_compiled``). A statement this cannot
send as SQLAlchemy would (one with Python-side defaults to compute, expanding
parameters, several rows at once) goes through SQLAlchemy, as does every statement while
something listens to the connection's statements (a tracer, a test counting them). A
driver's error is raised as SQLAlchemy would raise it, so an integrity error is still an
``IntegrityError`` and a database that is gone is still answered 503, and a lost
connection is invalidated, as SQLAlchemy would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import sqlalchemy as sa

T = TypeVar("T")
Processor = Callable[[Any], Any]
Converter = Processor | None
"""How SQLAlchemy converts a column's values as it reads them (None: as they come)."""


def instrumented(connection: sa.Connection) -> bool:
    """Whether anything listens to the statements run on ``connection``, or logs them
    (``echo``), or they are to be rewritten (a schema translate map): SQLAlchemy runs
    them then."""
    events = connection.dispatch
    return bool(
        events.before_cursor_execute
        or events.after_cursor_execute
        or connection._echo  # the engine's echo, as execute reads it
        or connection.get_execution_options().get("schema_translate_map")
    )


def on_driver(connection: sa.Connection, sql: str, parameters: Any, fetch: Callable[[Any], T]) -> T:
    """Run ``sql`` on the driver's cursor of ``connection``; what ``fetch`` takes of the
    cursor. A driver's error is raised as SQLAlchemy raises it (see the module)."""
    dialect = connection.dialect
    driver = connection.connection
    try:
        cursor = driver.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, parameters)
            return fetch(cursor)
        finally:
            cursor.close()
    except dialect.loaded_dbapi.Error as error:
        lost = dialect.is_disconnect(error, driver.dbapi_connection, None)
        if lost:
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(
            sql,
            parameters,
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=dialect,
        ) from error


def converted(row: Iterable[Any], converters: tuple[Converter, ...]) -> tuple[Any, ...]:
    """A row from the driver, each value converted as SQLAlchemy converts its column's."""
    return tuple(
        value if convert is None else convert(value)
        for value, convert in zip(row, converters, strict=True)
    )


@dataclass(frozen=True, slots=True)
class Written:
    """What a write statement did: the rows it wrote and the rows it returned."""

    rowcount: int
    rows: list[tuple[Any, ...]]

    def scalar_one(self) -> Any:
        [(value, *_rest)] = self.rows
        return value


@dataclass(frozen=True, slots=True)
class DriverWrite:
    """An INSERT or UPDATE compiled for one dialect and one set of values' names."""

    compiled: sa.sql.compiler.SQLCompiler
    sql: str
    processors: Mapping[str, Processor]
    escaped: Mapping[str, str]
    returns: tuple[Converter, ...]

    def parameters(self, values: Mapping[str, Any], sequence: Callable[[Any], Any]) -> Any:
        """The values as the driver takes them, converted as SQLAlchemy converts them."""
        given = self.compiled.construct_params(values, escape_names=False)
        processors = self.processors
        if self.compiled.positional:
            return sequence(
                [
                    processors[key](given[key]) if key in processors else given[key]
                    for key in self.compiled.positiontup or ()
                ]
            )
        escaped = self.escaped
        return {
            escaped.get(key, key): processors[key](value) if key in processors else value
            for key, value in given.items()
        }


_WRITES = "_coprod_driver_writes"
"""The dialect's attribute holding its compiled writes: they live and go with it."""


def compiled_write(
    statement: sa.Insert | sa.Update, dialect: sa.Dialect, names: frozenset[str]
) -> DriverWrite | None:
    """``statement`` compiled for ``dialect`` and values named ``names`` (once: keep the
    statement to reuse it), or None where SQLAlchemy must run it (see the module)."""
    known: dict[tuple[int, frozenset[str]], tuple[Any, DriverWrite | None]]
    known = dialect.__dict__.setdefault(_WRITES, {})
    found = known.get((id(statement), names))
    if found is not None and found[0] is statement:
        return found[1]
    done = statement.compile(dialect=dialect, column_keys=sorted(names))
    driver = None
    processors = done._bind_processors  # as SQLAlchemy's execute converts them
    if not (
        done.insert_prefetch
        or done.update_prefetch
        or done.literal_execute_params
        or done.post_compile_params
        or not all(callable(item) for item in processors.values())  # tuples' elements
    ):
        returning = cast("tuple[sa.ColumnElement[Any], ...]", statement._returning)
        converters = result_converters(returning, dialect)
        if converters is not None:
            driver = DriverWrite(
                done,
                done.string,
                cast("Mapping[str, Processor]", processors),
                done.escaped_bind_names or {},
                converters,
            )
    known[(id(statement), names)] = (statement, driver)
    return driver


def result_converters(
    columns: Iterable[sa.ColumnElement[Any]], dialect: sa.Dialect
) -> tuple[Converter, ...] | None:
    """How SQLAlchemy converts each column's values as it reads them, or None where a
    type needs what only a cursor's description says (PostgreSQL's numerics): then
    SQLAlchemy reads them itself."""
    try:
        return tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )
    except Exception:  # any type that cannot say so without a cursor
        return None


def write(
    connection: sa.Connection, statement: sa.Insert | sa.Update, values: Mapping[str, Any]
) -> Written:
    """Run the INSERT or UPDATE ``statement`` with one row's ``values``: on the driver's
    cursor unless something listens, or SQLAlchemy must run it (see the module)."""
    driver = None
    if connection.in_transaction() and not instrumented(connection):
        driver = compiled_write(statement, connection.dialect, frozenset(values))
    if driver is None:
        result = connection.execute(
            statement, dict(values), execution_options={"preserve_rowcount": True}
        )
        rows = [tuple(row) for row in result] if result.returns_rows else []
        return Written(max(int(result.rowcount or 0), 0), rows)
    parameters = driver.parameters(values, connection.dialect.execute_sequence_format)
    returns = driver.returns

    def fetch(cursor: Any) -> Written:
        rows = [converted(row, returns) for row in cursor.fetchall()] if returns else []
        return Written(max(int(cursor.rowcount or 0), 0), rows)

    return on_driver(connection, driver.sql, parameters, fetch)
