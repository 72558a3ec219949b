"""A request that only reads borrows one Core connection, not an ORM session of its own.

The key is looked up on it, the session a view needs is bound to it, and records shown by
id are read on its driver's cursor (``toolkits_core._services.driver_reads``). What must
hold whatever the path: one connection per request, given back when it ends; a database
error answered as a problem (503 when SQLite says it is unusable); a session a read view
opens commits what it writes.
"""

from __future__ import annotations

import contextlib
from collections import namedtuple
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from database_failures import assert_database_failure_answered, break_driver_reads_of

from api.auth import identify_caller
from api.context import close_workspace, reading_connection, request_session, services
from toolkits_core._services import driver_reads, pagination
from toolkits_core.service import Initiative, Workspace, list_initiatives

STAR = "coproduction-star"


def new_initiative(api) -> str:
    made = api.post("initiatives", json={"toolkit": STAR, "title": "Walk and talk"})
    assert made.status_code == 201, made.json
    initiative_id: str = made.json["id"]
    return initiative_id


@contextlib.contextmanager
def pool_use(app) -> Iterator[list[str]]:
    """Each checkout and checkin of the app's connection pool, in order."""
    seen: list[str] = []
    pool = services(app).database.engine.pool

    def checked_out(*_args):
        seen.append("out")

    def checked_in(*_args):
        seen.append("in")

    sa.event.listen(pool, "checkout", checked_out)
    sa.event.listen(pool, "checkin", checked_in)
    try:
        yield seen
    finally:
        sa.event.remove(pool, "checkout", checked_out)
        sa.event.remove(pool, "checkin", checked_in)


@pytest.mark.parametrize(
    "path",
    [
        "initiatives/{initiative}",
        "initiatives",
        "initiatives/{initiative}/progress",  # a view that loads through the ORM session
        "initiatives/{initiative}/activities",
    ],
)
def test_a_read_checks_out_one_connection_and_gives_it_back(path, org, app):
    initiative = new_initiative(org.api)
    reader = org.with_scope("read")
    assert reader.get("initiatives").status_code == 200  # the key's use is recorded
    with pool_use(app) as seen:
        answer = reader.get(path.format(initiative=initiative))
    assert answer.status_code == 200, answer.json
    assert seen == ["out", "in"]


def test_a_record_read_on_the_driver_equals_what_sqlalchemy_reads(org, app):
    """The same answer, byte for byte, with a listener on the engine (which sends the
    reads through SQLAlchemy) and without."""
    initiative = new_initiative(org.api)
    reader = org.with_scope("read")
    quiet = reader.get(f"initiatives/{initiative}")
    engine = services(app).database.engine
    heard: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        heard.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        loud = reader.get(f"initiatives/{initiative}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert quiet.status_code == loud.status_code == 200
    assert quiet.get_data() == loud.get_data()
    assert quiet.headers["ETag"] == loud.headers["ETag"]
    assert any("FROM initiatives" in statement for statement in heard), heard


@pytest.fixture
def broken_record_read(monkeypatch):
    """The read of an initiative by id, made to fail in the database (an unknown table)."""
    break_driver_reads_of(monkeypatch, "initiatives", "no_initiatives")


def test_a_database_error_in_a_record_read_is_a_problem(org, database, broken_record_read):
    initiative = new_initiative(org.api)
    answer = org.with_scope("read").get(f"initiatives/{initiative}")
    assert_database_failure_answered(answer, database)


def test_a_lost_connection_in_a_record_read_is_invalidated(
    database, broken_record_read, monkeypatch
):
    """When the driver says the connection is gone, it leaves the pool: the next request
    gets a fresh one."""
    monkeypatch.setattr(database.engine.dialect, "is_disconnect", lambda *_args: True)
    everyone = sa.select(sa.literal_column("id")).select_from(sa.table("initiatives"))
    with database.engine.connect() as connection:
        with pytest.raises(sa.exc.DBAPIError) as raised:
            driver_reads.first_row(connection, everyone, {})
        assert raised.value.connection_invalidated
        assert connection.invalidated
        dbapi = database.engine.dialect.loaded_dbapi
        assert isinstance(raised.value.orig, dbapi.Error)
        assert "no_initiatives" in raised.value.statement


def test_a_session_bound_to_a_borrowed_connection_commits_what_it_writes(org, app):
    """A read view that opens the request's session gets one bound to the connection the
    request borrowed, in charge of its transaction: its commit is a commit."""
    initiative = new_initiative(org.api)
    reader = org.with_scope("read")
    token = org.tokens["read"]
    with app.test_request_context(
        f"/api/v1/initiatives/{initiative}", headers={"Authorization": f"Bearer {token}"}
    ):
        identify_caller()
        borrowed = reading_connection()
        borrowed.execute(sa.text("SELECT 1"))  # the connection has begun, as SQLAlchemy sees it
        session = request_session()
        assert session.get_bind() is borrowed
        session.connection().execute(
            sa.text("UPDATE initiatives SET title = 'Changed' WHERE id = :id"),
            {"id": initiative},
        )
        session.commit()
        close_workspace()
    assert reader.get(f"initiatives/{initiative}").json["title"] == "Changed"


def test_a_page_read_whose_columns_come_back_under_other_names_is_read_by_position(
    org, app, monkeypatch
):
    """Should a SELECT of an entity ever name its columns otherwise than its record's
    fields, the page is read again with the columns selected one by one: each record
    still holds its own values, in their places."""
    initiative = new_initiative(org.api)
    listed = [item["id"] for item in org.with_scope("read").get("initiatives").json["items"]]
    mapper = sa.inspect(Initiative)
    fields = pagination._record_type(mapper)._fields
    renamed = namedtuple("InitiativeRecord", [f"{name}_" for name in fields])  # type: ignore[misc]
    renamed.id = property(lambda record: record.id_)  # for the page's cursor
    monkeypatch.setitem(pagination._record_types, mapper, renamed)
    with app.test_request_context():
        reading_connection()
        ws = Workspace(request_session(), org.id, services(app).host, services(app).files)
        try:
            page = list_initiatives(ws, limit=10)
        finally:
            close_workspace()
    assert [record.id_ for record in page.items] == listed
    assert initiative in listed
