"""The key lookup every request makes: on the driver's cursor, it reads what SQLAlchemy
reads, in the request's own transaction, and fails as SQLAlchemy fails.

``toolkits_core``'s ``authenticate`` runs its SELECT of the key's row on the DBAPI cursor
of the session's connection (SQLAlchemy's execution costs twice the statement), unless
something listens to the engine's statements, when it goes through SQLAlchemy so that
the listener sees it. Both ways must give the same row, and a driver's error must reach
the app as SQLAlchemy's, so that a database that is gone is still answered 503.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from database_failures import assert_database_failure_answered, break_driver_reads_of

from api.context import services
from toolkits_core._services import access, driver_reads
from toolkits_core.service import ApiKey, authenticate


def _key_id(token: str) -> str:
    return token.removeprefix("coprod_").split(".")[0]


def test_the_driver_reads_the_key_row_as_sqlalchemy_reads_it(org, database):
    """Every column the check reads, each set (timestamps, a JSON list of scopes), comes
    back from the driver's cursor converted as SQLAlchemy's own types convert it."""
    key_id = _key_id(org.tokens["admin"])
    moment = dt.datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    with database.session() as session:
        key = session.get(ApiKey, key_id)
        key.expires_at = moment
        key.revoked_at = moment - dt.timedelta(days=1)
        key.last_used_at = moment - dt.timedelta(days=2)
        key.scopes = ["records:read", "admin"]
    with database.engine.connect() as connection:
        assert not driver_reads.instrumented(connection)
        by_driver = access._key_row(connection, key_id)
        by_sqlalchemy = tuple(connection.execute(access._KEY_LOOKUP, {"key_id": key_id}).one())
        assert access._key_row(connection, "key_nobody") is None
    assert by_driver == by_sqlalchemy
    _, _, scopes, expires_at, revoked_at, last_used_at = by_driver
    assert scopes == ["records:read", "admin"]
    assert (expires_at, revoked_at, last_used_at) == (
        moment,
        moment - dt.timedelta(days=1),
        moment - dt.timedelta(days=2),
    )
    assert all(value.tzinfo is dt.UTC for value in (expires_at, revoked_at, last_used_at))


def test_a_listener_on_the_engine_sees_the_key_lookup(make_app, org):
    """A tracer (or a test counting statements) listening to the engine sees the SELECT
    of the key's row, and the answer is the same as without it."""
    app = make_app()
    client = org.api.as_key(org.tokens["read"])
    client.flask_client = app.test_client()
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args):
        seen.append(statement)

    quiet = client.get("initiatives")
    engine = services(app).database.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        heard = client.get("initiatives")
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)
    assert quiet.status_code == heard.status_code == 200
    assert quiet.json == heard.json
    assert any("FROM api_keys" in statement for statement in seen), seen


@pytest.fixture
def broken_lookup(monkeypatch):
    """The key lookup's statement, made to fail in the database (an unknown table)."""
    break_driver_reads_of(monkeypatch, "api_keys", "no_keys")


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(org, database, broken_lookup):
    session = database.new_session()
    try:
        with pytest.raises(sa.exc.DBAPIError) as raised:
            authenticate(session, org.tokens["read"])
        dbapi = database.engine.dialect.loaded_dbapi
        assert isinstance(raised.value.orig, dbapi.Error)
        assert "no_keys" in raised.value.statement
        assert not raised.value.connection_invalidated
    finally:
        session.close()


def test_a_lost_connection_is_invalidated(org, database, broken_lookup, monkeypatch):
    """When the driver's error says the connection is gone, it is dropped from the pool
    (as SQLAlchemy would), so the next request gets a fresh one."""
    monkeypatch.setattr(database.engine.dialect, "is_disconnect", lambda *_args: True)
    session = database.new_session()
    try:
        connection = session.connection()
        with pytest.raises(sa.exc.DBAPIError) as raised:
            authenticate(session, org.tokens["read"])
        assert raised.value.connection_invalidated
        assert connection.invalidated
    finally:
        session.close()


def test_a_database_error_in_the_key_lookup_is_a_problem(org, database, broken_lookup):
    """Over HTTP, the failed lookup is answered as any database failure is: a problem,
    never the driver's exception escaping (on SQLite an OperationalError, so 503)."""
    answer = org.api.get("initiatives")
    assert_database_failure_answered(answer, database)
