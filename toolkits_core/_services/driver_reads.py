"""SELECTs every request makes, run on the driver's cursor of a SQLAlchemy connection.

SQLAlchemy's execution (its context, its result, its events) costs about twice a short
indexed SELECT itself. A statement that every request runs (the key lookup, a record
shown by id) is compiled once per dialect here and run on the DBAPI cursor of the same
connection, so in the same transaction, with the values converted as SQLAlchemy's own
column types convert them. Whenever something listens to the connection's statements (a
tracer, a test counting them), it goes through SQLAlchemy instead, which tells them. A
driver's error is raised as SQLAlchemy would raise it (so a database that is gone is
still answered 503), and a lost connection is invalidated, as SQLAlchemy would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from toolkits_core._store.driver import (
    Converter,
    converted,
    instrumented,
    on_driver,
    result_converters,
)


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """A SELECT compiled for one dialect: its SQL, the order of its parameters (for a
    driver that takes them by position), and the converters of its columns."""

    sql: str
    positions: tuple[str, ...] | None
    converters: tuple[Converter, ...]

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | Mapping[str, Any]:
        if self.positions is None:
            return values
        return tuple(values[name] for name in self.positions)


_READS = "_coprod_driver_reads"
"""The dialect's attribute holding its compiled reads: they live and go with it."""


def compiled(statement: sa.Select[Any], dialect: sa.Dialect) -> DriverStatement | None:
    """``statement`` compiled for ``dialect`` (once: keep the statement to reuse it), or
    None if its parameters need converting on the way in (then SQLAlchemy runs it)."""
    known: dict[int, tuple[sa.Select[Any], DriverStatement | None]]
    known = dialect.__dict__.setdefault(_READS, {})
    found = known.get(id(statement))
    if found is not None and found[0] is statement:
        return found[1]
    done = statement.compile(dialect=dialect)
    converters = result_converters(statement.selected_columns, dialect)
    driver = None
    if not done._bind_processors and converters is not None:  # else SQLAlchemy converts
        driver = DriverStatement(
            str(done), tuple(done.positiontup or ()) if done.positional else None, converters
        )
    known[id(statement)] = (statement, driver)
    return driver


def first_row(
    connection: sa.Connection, statement: sa.Select[Any], values: Mapping[str, Any]
) -> tuple[Any, ...] | None:
    """The first row ``statement`` reads with ``values``, converted as SQLAlchemy converts
    it, or None: on the driver's cursor unless something listens (see the module)."""
    driver = None if instrumented(connection) else compiled(statement, connection.dialect)
    if driver is None:
        found = connection.execute(statement, values).first()
        return None if found is None else tuple(found)
    return run_first(connection, driver.sql, driver.parameters(values), driver.converters)


def all_rows(
    connection: sa.Connection, statement: sa.Select[Any], values: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """Every row ``statement`` reads with ``values``, converted as SQLAlchemy converts
    them: on the driver's cursor unless something listens (see the module)."""
    driver = None if instrumented(connection) else compiled(statement, connection.dialect)
    if driver is None:
        return [tuple(row) for row in connection.execute(statement, values)]
    converters = driver.converters
    found: list[tuple[Any, ...]] = on_driver(
        connection, driver.sql, driver.parameters(values), lambda cursor: cursor.fetchall()
    )
    if not any(converters):
        return [tuple(row) for row in found]
    return [converted(row, converters) for row in found]


def run_first(
    connection: sa.Connection,
    sql: str,
    parameters: Any,
    converters: tuple[Converter, ...],
) -> tuple[Any, ...] | None:
    """Run ``sql`` on the driver's cursor of ``connection``: its first row, converted."""
    row: tuple[Any, ...] | None = on_driver(
        connection, sql, parameters, lambda cursor: cursor.fetchone()
    )
    return None if row is None else converted(row, converters)
