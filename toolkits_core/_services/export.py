"""A full export: every record of an organisation (or of one initiative), consistent with
one position of the change feed, read a batch at a time.

A CRM starting a sync loads the export, then follows the feed from the cursor the export
was taken at: every change committed after the export is in the feed after that cursor,
and none before it is. That holds because the records and the cursor are read in one
snapshot of the database (PostgreSQL's ``REPEATABLE READ``; an SQLite read transaction),
and the feed's positions follow commit order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._services.changes import encode_position
from toolkits_core._services.workspace import Workspace
from toolkits_core._store.audit import AuditAction, Event, record_events
from toolkits_core._store.database import Database
from toolkits_core._store.models import (
    Activity,
    Assessment,
    AuditEvent,
    Evidence,
    Initiative,
    Participant,
    StageEntry,
)

BATCH = 500
"""Rows read at a time: the export's memory does not grow with the organisation."""

KINDS: tuple[tuple[str, type[Any]], ...] = (
    ("initiative", Initiative),
    ("transition", StageEntry),
    ("participant", Participant),
    ("activity", Activity),
    ("evidence", Evidence),
    ("assessment", Assessment),
)
"""What an export holds, in this order: a record's initiative comes before it."""


@dataclass(frozen=True, slots=True)
class Export:
    cursor: str
    """The feed cursor the export was taken at: follow the feed from here."""
    records: Iterator[tuple[str, Any]]
    """(record type, record), a batch at a time, until the export is read."""


@contextmanager
def snapshot_session(database: Database) -> Iterator[Session]:
    """A session reading one snapshot of the database until it closes (never writing)."""
    with database.engine.connect() as connection:
        if database.is_sqlite:
            connection.exec_driver_sql("BEGIN")  # WAL: the first read fixes the snapshot
        else:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        session = Session(bind=connection)
        try:
            yield session
        finally:
            session.close()
            connection.rollback()


def log_export(ws: Workspace, initiative_id: str | None) -> None:
    """An export is personal data leaving: the audit log says who took it, and of what."""
    if initiative_id is not None:
        ws.get(Initiative, initiative_id)  # 404 for another organisation's
    record_events(
        ws.session,
        [
            Event(
                AuditAction.EXPORTED,
                "initiative" if initiative_id else "organisation",
                initiative_id or ws.organisation_id,
                ws.organisation_id,
                initiative_id,
                ("export",),
            )
        ],
    )


def export_records(ws: Workspace, initiative_id: str | None = None) -> Export:
    """The records and the feed cursor, read in ``ws``'s session (a ``snapshot_session``)."""
    head = ws.session.execute(
        sa.select(sa.func.max(AuditEvent.position)).where(
            AuditEvent.organisation_id == ws.organisation_id
        )
    ).scalar_one()
    return Export(encode_position(int(head or 0)), _records(ws, initiative_id))


def _records(ws: Workspace, initiative_id: str | None) -> Iterator[tuple[str, Any]]:
    for record_type, model in KINDS:
        statement = ws.select(model)
        if initiative_id is not None:
            column = model.id if model is Initiative else model.initiative_id
            statement = statement.where(column == initiative_id)
        if model is Activity:
            statement = statement.options(sa.orm.selectinload(Activity.participants))
        statement = statement.order_by(model.id).execution_options(yield_per=BATCH)
        for record in ws.session.scalars(statement):
            yield record_type, record
