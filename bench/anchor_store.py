"""How the anchors reach the database: by hand, or through SQLAlchemy Core.

The honest anchor (``RawStore``) is the least a hand-written app needs: the driver itself
(the standard library's ``sqlite3``, or psycopg 3 with server-side prepared statements),
one connection per thread kept for the thread's life, reads in autocommit (no ``BEGIN``
or ``COMMIT`` around a page), and one transaction around a write. The second anchor
(``CoreStore``) sends the same SQL through SQLAlchemy Core's ``text()``, pooled engine
and transactions, as bench/ did before issue 16: beside the first it shows what the
engine and its row handling cost by themselves.

Both give rows read by attribute (``row.id``) and values as their driver returns them:
SQLite's JSON and times as text, psycopg's JSON loaded and times as ``datetime``. Every
statement is written with ``:name`` parameters; psycopg's are rewritten once per
statement to ``%(name)s``.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import sqlalchemy as sa

_NAMED = re.compile(r"(?<![:\w]):(\w+)")
Params = Mapping[str, Any] | None


class Session(Protocol):
    """What an anchor's endpoint asks of the database inside one request."""

    def all(self, sql: str, params: Params = None) -> list[Any]: ...

    def first(self, sql: str, params: Params = None) -> Any: ...

    def scalar(self, sql: str, params: Params = None) -> Any: ...

    def run(self, sql: str, params: Params = None) -> int:
        """Execute a write; the rows it touched."""
        ...


class Store(Protocol):
    dialect: str
    sqlite: bool
    trace: list[str] | None
    """When a list, every statement sent is appended to it (the bench's one-off check)."""

    def reading(self) -> contextmanager[Session]: ...  # type: ignore[valid-type]

    def writing(self) -> contextmanager[Session]: ...  # type: ignore[valid-type]

    def dispose(self) -> None: ...


COMMITTED = "-- committed"
"""Put in the trace after each committed write transaction (not a statement sent): a
check can count the anchor's commits beside its statements."""


def time_value(sqlite: bool, moment: dt.datetime) -> Any:
    """A UTC moment as the product stores it: naive UTC (text on SQLite)."""
    naive = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else naive


def day_value(sqlite: bool, value: dt.date | None) -> Any:
    if value is None:
        return None
    return value.isoformat() if sqlite else value


def in_list(name: str, values: list[Any]) -> tuple[str, dict[str, Any]]:
    """``(:name_0, :name_1, ...)`` and its parameters: an IN list, as SQLAlchemy expands one."""
    params = {f"{name}_{index}": value for index, value in enumerate(values)}
    return "(" + ", ".join(f":{key}" for key in params) + ")", params


# By hand ---------------------------------------------------------------------------------


_ROW_TYPES: dict[tuple[str, ...], Any] = {}


def _sqlite_row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> Any:
    names = tuple(column[0] for column in cursor.description)
    kind = _ROW_TYPES.get(names)
    if kind is None:
        kind = _ROW_TYPES[names] = collections.namedtuple("Row", names, rename=True)  # type: ignore[misc]
    return kind._make(values)


class _SqliteSession:
    def __init__(self, connection: sqlite3.Connection, trace: list[str] | None) -> None:
        self.connection = connection
        self.trace = trace

    def _execute(self, sql: str, params: Params) -> sqlite3.Cursor:
        if self.trace is not None:
            self.trace.append(sql)
        return self.connection.execute(sql, params or {})

    def all(self, sql: str, params: Params = None) -> list[Any]:
        return self._execute(sql, params).fetchall()

    def first(self, sql: str, params: Params = None) -> Any:
        return self._execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Params = None) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    def run(self, sql: str, params: Params = None) -> int:
        return self._execute(sql, params).rowcount


class _PostgresSession:
    def __init__(self, connection: Any, trace: list[str] | None, sql: dict[str, str]) -> None:
        self.connection = connection
        self.trace = trace
        self.sql = sql

    def _execute(self, sql: str, params: Params) -> Any:
        if self.trace is not None:
            self.trace.append(sql)
        native = self.sql.get(sql)
        if native is None:
            native = self.sql[sql] = _NAMED.sub(r"%(\1)s", sql)
        return self.connection.execute(native, params or {}, prepare=True)

    def all(self, sql: str, params: Params = None) -> list[Any]:
        return list(self._execute(sql, params).fetchall())

    def first(self, sql: str, params: Params = None) -> Any:
        return self._execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Params = None) -> Any:
        row = self._execute(sql, params).fetchone()
        return None if row is None else row[0]

    def run(self, sql: str, params: Params = None) -> int:
        rowcount: int = self._execute(sql, params).rowcount
        return rowcount


class RawStore:
    """The driver by hand: one connection per thread, prepared statements, no pool."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")
        self.dialect = "sqlite" if self.sqlite else "postgresql"
        self.trace: list[str] | None = None
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._pg_sql: dict[str, str] = {}

    def _connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    def _connect(self) -> Any:
        if self.sqlite:
            path = sa.engine.make_url(self.url).database or ":memory:"
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.row_factory = _sqlite_row
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA busy_timeout=5000")
            return connection
        import psycopg
        from psycopg.rows import namedtuple_row

        conninfo = "postgresql://" + self.url.split("://", 1)[1]
        return psycopg.connect(conninfo, autocommit=True, row_factory=namedtuple_row)

    def _session(self, connection: Any) -> Session:
        if self.sqlite:
            return _SqliteSession(connection, self.trace)
        return _PostgresSession(connection, self.trace, self._pg_sql)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Autocommit: each statement on its own, as a hand-written read would send it."""
        yield self._session(self._connection())

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction; on SQLite taken with the write lock (``BEGIN IMMEDIATE``)."""
        connection = self._connection()
        if not self.sqlite:
            with connection.transaction():
                yield self._session(connection)
        else:
            connection.execute("BEGIN IMMEDIATE")
            if self.trace is not None:  # a statement sent, as the product's is counted
                self.trace.append("BEGIN IMMEDIATE")
            try:
                yield self._session(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        if self.trace is not None:
            self.trace.append(COMMITTED)

    def dispose(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()
        self._local = threading.local()


# Through SQLAlchemy Core ------------------------------------------------------------------


def _on_sqlite_connect(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class _CoreSession:
    def __init__(self, connection: sa.Connection, texts: dict[str, sa.TextClause]) -> None:
        self.connection = connection
        self.texts = texts

    def _execute(self, sql: str, params: Params) -> sa.CursorResult[Any]:
        text = self.texts.get(sql)
        if text is None:
            text = self.texts[sql] = sa.text(sql)
        return self.connection.execute(
            text, dict(params or {}), execution_options={"preserve_rowcount": True}
        )

    def all(self, sql: str, params: Params = None) -> list[Any]:
        return list(self._execute(sql, params).all())

    def first(self, sql: str, params: Params = None) -> Any:
        return self._execute(sql, params).first()

    def scalar(self, sql: str, params: Params = None) -> Any:
        return self._execute(sql, params).scalar()

    def run(self, sql: str, params: Params = None) -> int:
        return self._execute(sql, params).rowcount


class CoreStore:
    """The same SQL through SQLAlchemy Core: ``text()``, the pooled engine, transactions."""

    def __init__(self, url: str) -> None:
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        self.engine = sa.create_engine(url)
        self.dialect = self.engine.dialect.name
        self.sqlite = self.dialect == "sqlite"
        self.trace: list[str] | None = None
        self._texts: dict[str, sa.TextClause] = {}
        if self.sqlite:
            sa.event.listen(self.engine, "connect", _on_sqlite_connect)
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if self.trace is not None:
            self.trace.append(statement)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.engine.begin() as connection:
            yield _CoreSession(connection, self._texts)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        with self.engine.begin() as connection:
            if self.sqlite:  # the write lock before the reads the write depends on
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield _CoreSession(connection, self._texts)

    def dispose(self) -> None:
        self.engine.dispose()
