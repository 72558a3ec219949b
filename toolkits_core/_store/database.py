"""The database handle: where the data lives, whether its schema is current, and sessions.

SQLite in a file is the embedded default, so that coprod runs with nothing else
installed; ``COPROD_DATABASE_URL`` points it at PostgreSQL for production. Alembic owns
the schema: ``coprod db upgrade`` runs the migrations shipped in this package.
"""

from __future__ import annotations

import json
import json.scanner
import os
import pathlib
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.orm import Session, sessionmaker

from toolkits_core._store import audit
from toolkits_core._store.sqlite_writers import QueuedConnection

DATABASE_URL_VARIABLE = "COPROD_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///coprod.sqlite3"


class DatabaseUnusableError(RuntimeError):
    """The database cannot be used as it is; the message says what to do about it."""


class SchemaNotCurrentError(DatabaseUnusableError):
    """The database's schema is not at the migrations' head: someone must upgrade it."""


class DriverMissingError(DatabaseUnusableError):
    """The URL names a database whose Python driver is not installed."""


def database_url(url: str | None = None) -> str:
    """The URL given, else ``COPROD_DATABASE_URL``, else the embedded SQLite file.

    ``postgresql://`` URLs are read as psycopg 3 URLs, so the URL a PostgreSQL server's
    documentation gives works as it is.
    """
    chosen = url or os.environ.get(DATABASE_URL_VARIABLE) or DEFAULT_DATABASE_URL
    if chosen.startswith(("postgresql://", "postgres://")):
        chosen = "postgresql+psycopg://" + chosen.split("://", 1)[1]
    return chosen


_scan_json = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def load_json(text: str | bytes) -> Any:
    """``json.loads``, minus the guesswork it does around the UTF-8 that drivers send.

    JSON columns are read for every row of a list (an evidence page holds 150 of them),
    and on PostgreSQL they arrive as bytes, which ``json.loads`` first scans for a byte
    order mark and UTF-16 or UTF-32 patterns a UTF-8 database never sends, then trims of
    whitespace the stored documents do not have. The value is parsed by the same scanner;
    anything else (such as a document with surrounding whitespace, or no document at all)
    goes to ``json.loads`` itself, so the result, or the error, is always its own.
    """
    if isinstance(text, str):  # SQLite's text: the scanner, without loads' two regex trims
        try:
            value, end = _scan_json(text, 0)
        except (StopIteration, ValueError):
            return json.loads(text)
        if end == len(text):
            return value
        return json.loads(text)
    if isinstance(text, bytes) and not text.startswith(b"\xef\xbb\xbf") and 0 not in text[:4]:
        decoded = text.decode("utf-8", "surrogatepass")
        try:
            value, end = _scan_json(decoded, 0)
        except (StopIteration, ValueError):
            return json.loads(text)
        if end == len(decoded):
            return value
    return json.loads(text)


def _on_sqlite_connect(connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked, and without WAL a reader blocks a writer.
    if isinstance(connection, QueuedConnection):
        path = connection.execute("PRAGMA database_list").fetchone()[2]
        if path:  # a file, which other threads and processes write to as well
            connection.writer_path = os.path.realpath(path)
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def begin_write_transaction(connection: sa.Connection) -> None:
    """On SQLite, take the write lock now (``BEGIN IMMEDIATE``), if no transaction is open.

    SQLite takes one writer at a time, but only from a transaction's first write: what
    a request reads before that may change under it. Taking the lock before the reads a
    write depends on makes them current until the commit. Writers wait for it in a
    queue, the threads of a process and then the processes (``sqlite_writers``).
    PostgreSQL locks rows instead, so this does nothing there.
    """
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.dbapi_connection
    if driver is None or driver.in_transaction:
        return
    queued = isinstance(driver, QueuedConnection)
    if queued:
        driver.enter_queue()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if queued:
            driver.leave_queue()
        raise


def transaction_has_written(connection: sa.Connection) -> bool:
    """Whether the connection's open transaction has written or locked anything.

    SQLite opens a transaction only to write (``BEGIN IMMEDIATE``, or the first change);
    PostgreSQL gives a transaction an id once it writes or locks a row (``FOR SHARE``,
    ``FOR UPDATE``), and not before.
    """
    if not connection.in_transaction():
        return False
    if connection.dialect.name == "sqlite":
        driver = connection.connection.dbapi_connection
        return bool(driver is not None and driver.in_transaction)
    if connection.dialect.name == "postgresql":
        assigned = connection.exec_driver_sql("SELECT txid_current_if_assigned()").scalar()
        return assigned is not None
    return True  # a database this cannot ask: assume it has


class Database:
    """An engine, a session factory and the migrations, for one database URL."""

    def __init__(self, url: str | None = None, **engine_options: Any) -> None:
        self.url = database_url(url)
        engine_options.setdefault("json_deserializer", load_json)
        if self.url.startswith("sqlite"):  # its writers queue (sqlite_writers)
            engine_options["connect_args"] = {
                "factory": QueuedConnection,
                **engine_options.get("connect_args", {}),
            }
        try:
            self.engine = sa.create_engine(self.url, **engine_options)
        except (sa.exc.ArgumentError, ValueError) as error:
            raise DatabaseUnusableError(
                f"{DATABASE_URL_VARIABLE} (or --database-url) is not a database URL coprod "
                "can use: give sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/NAME."
            ) from error
        except ModuleNotFoundError as error:
            shown = sa.engine.make_url(self.url).render_as_string(hide_password=True)
            raise DriverMissingError(
                f"The database {shown} needs the Python package {error.name!r}, which is not "
                "installed. For PostgreSQL install coprod with its extra: "
                "pip install 'coprod[postgresql]' (from a checkout: pip install '.[postgresql]')."
            ) from error
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _on_sqlite_connect)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        audit.install(self._sessions)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_file(self) -> pathlib.Path | None:
        """The file of an SQLite database kept in one (None for PostgreSQL or in memory)."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in {None, "", ":memory:"}:
            return None
        return pathlib.Path(str(url.database))

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def new_session(self, bind: sa.Connection | None = None) -> Session:
        """A session the caller commits and closes (the HTTP API keeps one per request);
        ``bind``: on that connection, not one of its own from the pool, and in charge of
        its transaction (committing the session commits it, as for a session of its own)."""
        if bind is None:
            return self._sessions()
        return self._sessions(bind=bind, join_transaction_mode="control_fully")

    # The schema ------------------------------------------------------------------

    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(files("toolkits_core") / "migrations"))
        config.attributes["engine"] = self.engine
        return config

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def is_current(self) -> bool:
        return self.current_revision() == self.head_revision()

    def upgrade(self) -> tuple[str | None, str | None]:
        """Migrate to the newest schema; returns the revisions before and after."""
        before = self.current_revision()
        command.upgrade(self._alembic_config(), "head")
        return before, self.current_revision()

    def require_current(self) -> None:
        """Raise ``SchemaNotCurrentError`` saying what to run when the schema is behind."""
        current, head = self.current_revision(), self.head_revision()
        if current == head:
            return
        state = "has no coprod tables" if current is None else f"is at revision {current}"
        command = (  # a hidden password would not log in: then point at the variable
            "`coprod db upgrade`"
            if self.engine.url.password
            else f"`coprod db upgrade --database-url {self.display_url}`"
        )
        raise SchemaNotCurrentError(
            f"The database {self.display_url} {state}; this coprod needs revision {head}. "
            f"Run {command} (or with {DATABASE_URL_VARIABLE} set as for the server) and "
            "start again."
        )

    def dispose(self) -> None:
        self.engine.dispose()
