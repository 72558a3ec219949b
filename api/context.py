"""Per-request state: the database session, the caller, and the workspace built from both."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g

from toolkits_core import PluginHost
from toolkits_core.service import (
    Actor,
    Caller,
    Channel,
    Database,
    FileStore,
    Workspace,
    act_as,
)

EXTENSION = "coprod"


@dataclass(frozen=True, slots=True)
class Services:
    """What the app holds for its whole life: the database, the plugins, the file store."""

    database: Database
    host: PluginHost
    files: FileStore
    max_upload_bytes: int


def services(app: Flask | None = None) -> Services:
    found: Services = (app or current_app).extensions[EXTENSION]
    return found


def caller() -> Caller:
    """The authenticated caller of this request (set by ``api.auth``)."""
    found: Caller = g.caller
    return found


def workspace() -> Workspace:
    """The caller's workspace for this request, with a session closed when it ends."""
    if "workspace" not in g:
        held = services()
        session = held.database.new_session()
        act_as(session, Actor(Channel.API, caller().key_id))
        g.workspace = Workspace(
            session=session,
            organisation_id=caller().organisation_id,
            host=held.host,
            files=held.files,
        )
    found: Workspace = g.workspace
    return found


def close_workspace(_error: BaseException | None = None) -> None:
    ws = g.pop("workspace", None)
    if ws is not None:
        try:
            ws.abandon()  # after a commit there is nothing left to undo
        finally:
            ws.session.close()
