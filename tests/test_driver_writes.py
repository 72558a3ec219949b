"""Writes sent on the driver's cursor store exactly what SQLAlchemy's execute stores.

Every write's hot statements (its claim, its row, its answer, its event) skip
SQLAlchemy's execution and go to the driver (``toolkits_core._store.driver``). What
they store must not differ by a byte from what SQLAlchemy would have stored, on either
database: the column types' conversions (JSON, times) are SQLAlchemy's own, the row
counts and returned values are the driver's, and an error is SQLAlchemy's error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from toolkits_core._store import driver
from toolkits_core.service import Database

METADATA = sa.MetaData()
NOTES = sa.Table(
    "driver_write_notes",
    METADATA,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("body", sa.JSON),
    sa.Column("written_at", sa.DateTime(timezone=True)),
    sa.Column("day", sa.Date),
    sa.Column("count", sa.Integer),
    sa.Column("kind", sa.String(20), default=lambda: "computed"),
)
INSERT = sa.insert(NOTES)
BUMP = (
    sa.update(NOTES)
    .where(NOTES.c.id == sa.bindparam("this_id"))
    .values(count=NOTES.c.count + sa.bindparam("by"))
    .returning(NOTES.c.count)
)
VALUES: dict[str, Any] = {
    "body": {"quote": "We were listened to — at last", "scores": [1, 2.5, None], "ok": True},
    "written_at": dt.datetime(2026, 12, 5, 11, 30, 1, 123456, tzinfo=dt.UTC),
    "day": dt.date(2026, 3, 3),
    "count": 1,
    "kind": "given",
}


@pytest.fixture
def connection(database: Database) -> Iterator[sa.Connection]:
    METADATA.create_all(database.engine)
    try:
        with database.engine.connect() as connection:
            connection.begin()
            yield connection
            connection.rollback()
    finally:
        METADATA.drop_all(database.engine)


def _stored(connection: sa.Connection, note_id: str) -> tuple[Any, ...]:
    """The row as the database holds it, read past SQLAlchemy's conversions."""
    sql = "SELECT body, written_at, day, count, kind FROM driver_write_notes WHERE id = "
    marker = "?" if connection.dialect.name == "sqlite" else "%(id)s"
    parameters: Any = (note_id,) if connection.dialect.name == "sqlite" else {"id": note_id}
    return tuple(connection.exec_driver_sql(sql + marker, parameters).one())


def test_a_row_written_on_the_driver_is_stored_as_sqlalchemy_stores_it(
    connection: sa.Connection,
) -> None:
    assert driver.compiled_write(INSERT, connection.dialect, frozenset({"id", *VALUES}))
    written = driver.write(connection, INSERT, {"id": "on-driver", **VALUES})
    connection.execute(INSERT, {"id": "through-sqlalchemy", **VALUES})
    assert written.rowcount == 1
    assert _stored(connection, "on-driver") == _stored(connection, "through-sqlalchemy")
    read = connection.execute(sa.select(NOTES).where(NOTES.c.id == "on-driver")).one()
    assert read.body == VALUES["body"]
    assert read.day == VALUES["day"]


def test_an_update_returns_its_values_converted_and_counts_its_rows(
    connection: sa.Connection,
) -> None:
    driver.write(connection, INSERT, {"id": "n1", **VALUES})
    assert driver.compiled_write(BUMP, connection.dialect, frozenset({"this_id", "by"}))
    bumped = driver.write(connection, BUMP, {"this_id": "n1", "by": 41})
    assert (bumped.rowcount, bumped.scalar_one()) == (1, 42)
    missing = driver.write(connection, BUMP, {"this_id": "nobody", "by": 1})
    assert (missing.rowcount, missing.rows) == (0, [])


def test_an_insert_that_does_nothing_counts_no_row(connection: sa.Connection) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    claim = dialect.insert(NOTES).on_conflict_do_nothing(index_elements=["id"])
    first = driver.write(connection, claim, {"id": "taken", **VALUES})
    again = driver.write(connection, claim, {"id": "taken", **VALUES, "count": 2})
    assert (first.rowcount, again.rowcount) == (1, 0)
    assert connection.execute(sa.select(NOTES.c.count)).scalar_one() == 1


def test_a_refused_write_raises_sqlalchemys_error(connection: sa.Connection) -> None:
    driver.write(connection, INSERT, {"id": "twice", **VALUES})
    with pytest.raises(sa.exc.IntegrityError):
        driver.write(connection, INSERT, {"id": "twice", **VALUES})


def test_a_connection_something_listens_to_writes_through_sqlalchemy(
    connection: sa.Connection,
) -> None:
    heard: list[str] = []

    def listen(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        heard.append(statement)

    sa.event.listen(connection, "before_cursor_execute", listen)
    try:
        driver.write(connection, INSERT, {"id": "heard", **VALUES})
    finally:
        sa.event.remove(connection, "before_cursor_execute", listen)
    assert [statement.split()[:3] for statement in heard] == [
        ["INSERT", "INTO", "driver_write_notes"]
    ]


def test_a_default_to_compute_is_left_to_sqlalchemy(connection: sa.Connection) -> None:
    """A column left out whose default is Python's: SQLAlchemy computes it."""
    values = {key: value for key, value in VALUES.items() if key != "kind"}
    assert driver.compiled_write(INSERT, connection.dialect, frozenset({"id", *values})) is None
    assert driver.write(connection, INSERT, {"id": "defaulted", **values}).rowcount == 1
    assert _stored(connection, "defaulted")[-1] == "computed"
