"""Per-request state: the database session, the caller, and the workspace built from both.

A request holds one session, opened when its key is looked up and closed when it ends:
the key lookup and the view share it, so a request checks out one pooled connection and
pays for one transaction at most.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from toolkits_core import PluginHost
from toolkits_core.service import (
    Actor,
    Caller,
    Channel,
    Database,
    FileStore,
    Workspace,
    act_as,
    read_records_only,
)

EXTENSION = "coprod"
_SESSION = "db_session"
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


def request_session(*, read_only: bool = False) -> Session:
    """The request's one database session (opened on first use, closed when it ends).

    ``read_only`` is for operations that only read (a GET needing the read scope). Their
    lists are then read as immutable records rather than ORM instances
    (``read_records_only``), and on PostgreSQL their statements run in autocommit, so
    each SELECT sees what is committed, as it would inside a READ COMMITTED transaction,
    without the BEGIN and ROLLBACK round trips around them. It only counts when it opens
    the session.
    """
    held = g._get_current_object()  # one lookup of the request's g, not one an access
    session: Session | None = held.get(_SESSION)
    if session is None:
        database = services().database
        session = database.new_session()
        if read_only:
            read_records_only(session)
            if not database.is_sqlite:
                session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        session.info[_READ_ONLY] = read_only
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
        found = held.workspace = Workspace(
            session=session,
            organisation_id=who.organisation_id,
            host=services_.host,
            files=services_.files,
        )
    return found


def close_workspace(_error: BaseException | None = None) -> None:
    """Undo whatever the request left uncommitted, and close its session.

    A read-only request has nothing to undo (and stored no file): closing is enough.
    """
    held = g._get_current_object()
    ws = held.pop("workspace", None)
    session: Session | None = held.pop(_SESSION, None)
    try:
        if ws is not None and not ws.session.info.get(_READ_ONLY):
            ws.abandon()  # after a commit there is nothing left to undo
    finally:
        if session is not None:
            session.close()
