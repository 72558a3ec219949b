"""Per-request state: the database session, the caller, and the workspace built from both.

A request holds one session, opened when its key is looked up and closed when it ends:
the key lookup and the view share it, so a request checks out one pooled connection and
pays for one transaction at most. A request that only reads (``reading_connection``)
borrows a Core connection instead, and its session, if its view needs one, is bound to
that connection: opening and closing an ORM session's transaction costs three times
what checking out a connection does, and a read needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from api.after_answer import after_answer
from toolkits_core import PluginHost
from toolkits_core.service import (
    Actor,
    Caller,
    Channel,
    Database,
    FileStore,
    Workspace,
    act_as,
    read_on,
    read_records_only,
    run_after_answer,
)

EXTENSION = "coprod"
_SESSION = "db_session"
_CONNECTION = "db_connection"
_READ_ONLY = "coprod_read_only"


@dataclass(frozen=True, slots=True)
class Services:
    """What the app holds for its whole life: the database, the plugins, the file store."""

    database: Database
    host: PluginHost
    files: FileStore
    max_upload_bytes: int
    presign_seconds: int | None = None
    """How long a download's signed URL lasts; None: the API streams downloads itself."""


def services(app: Flask | None = None) -> Services:
    found: Services = (app or current_app).extensions[EXTENSION]
    return found


def caller() -> Caller:
    """The authenticated caller of this request (set by ``api.auth``)."""
    found: Caller = g.caller
    return found


def reading_connection() -> sa.Connection:
    """The Core connection a request that only reads borrows (a GET needing the read
    scope): checked out on first use, given back when the request ends.

    The key is looked up on it, and the request's session is bound to it
    (``request_session``), whose pages and records are then read as immutable records
    (``read_records_only``) on the connection itself (``read_on``). On PostgreSQL it
    runs in autocommit, so each SELECT sees what is committed, as it would inside a READ
    COMMITTED transaction, without the BEGIN and ROLLBACK round trips around it; on
    SQLite the driver begins no transaction for a SELECT, as for a session's.
    """
    held = g._get_current_object()  # one lookup of the request's g, not one an access
    connection: sa.Connection | None = held.get(_CONNECTION)
    if connection is None:
        database = services().database
        connection = database.engine.connect()
        setattr(held, _CONNECTION, connection)  # closed when the request ends, whatever
        if not database.is_sqlite:
            connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


def give_back_reading_connection() -> None:
    """Give back the ``reading_connection`` this request borrowed, before any session is
    bound to it: a request that writes borrows one only to look its key up."""
    held = g._get_current_object()
    if held.get(_SESSION) is None:
        connection: sa.Connection | None = held.pop(_CONNECTION, None)
        if connection is not None:
            connection.close()


def request_session() -> Session:
    """The request's one database session (opened on first use, closed when it ends).

    In a request that borrowed a ``reading_connection``, the session is bound to it and
    marked to read its lists and records as immutable records (``read_records_only``).
    """
    held = g._get_current_object()
    session: Session | None = held.get(_SESSION)
    if session is None:
        database = services().database
        reader: sa.Connection | None = held.get(_CONNECTION)
        if reader is None:
            session = database.new_session()
        else:
            session = database.new_session(bind=reader)
            read_records_only(session)
            read_on(session, reader)
        session.info[_READ_ONLY] = reader is not None
        setattr(held, _SESSION, session)
    return session


def workspace() -> Workspace:
    """The caller's workspace for this request, on the request's session."""
    found: Workspace | None = g.get("workspace")  # one lookup: dumps ask for it per record
    if found is None:
        held = g._get_current_object()
        services_ = services()
        session = request_session()
        who: Caller = held.caller
        act_as(session, Actor(Channel.API, who.key_id))
        run_after_answer(session, after_answer)
        found = held.workspace = Workspace(
            session=session,
            organisation_id=who.organisation_id,
            host=services_.host,
            files=services_.files,
        )
    return found


def close_workspace(_error: BaseException | None = None) -> None:
    """Undo whatever the request left uncommitted, close its session, and give back the
    connection it borrowed, if it only read.

    A read-only request has nothing to undo (and stored no file): closing is enough.
    """
    held = g._get_current_object()
    ws = held.pop("workspace", None)
    session: Session | None = held.pop(_SESSION, None)
    connection: sa.Connection | None = held.pop(_CONNECTION, None)
    try:
        if ws is not None and not ws.session.info.get(_READ_ONLY):
            ws.abandon()  # after a commit there is nothing left to undo
    finally:
        try:
            if session is not None:
                session.close()
        finally:
            if connection is not None:
                connection.close()  # back to the pool, which rolls back what is left
