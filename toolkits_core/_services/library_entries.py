"""Taking library entries out, and the SQLite search index that follows them.

An entry leaves the library when its publication is withdrawn, and with the case study
or initiative it was published from. Each goes through the session, so that the audit
log says it was deleted and SQLite's full-text index (``library_search``, a table the
database cannot cascade to) loses its row; PostgreSQL searches an expression index on
the entry itself, which follows it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._services.workspace import Workspace
from toolkits_core._store.models import LibraryEntry


def index_entry(session: Session, entry: LibraryEntry) -> None:
    """Make (or make again) the entry's row in SQLite's search index."""
    if session.get_bind().dialect.name == "postgresql":
        return  # the expression index follows the column
    unindex_entry(session, entry.id)
    session.execute(
        sa.text("INSERT INTO library_search (entry_id, body) VALUES (:id, :body)"),
        {"id": entry.id, "body": entry.search_text},
    )


def unindex_entry(session: Session, entry_id: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        session.execute(
            sa.text("DELETE FROM library_search WHERE entry_id = :id"), {"id": entry_id}
        )


def take_out(ws: Workspace, entry: LibraryEntry) -> None:
    """Delete the entry from the library (logged), and from the search index."""
    unindex_entry(ws.session, entry.id)
    ws.session.delete(entry)


def take_out_published_from(
    ws: Workspace, *, case_study_id: str | None = None, initiative_id: str | None = None
) -> None:
    """Take out what was published from this case study, or from any case study of this
    initiative: before either is deleted, which would otherwise take its entries with
    it unlogged, by the database's cascade."""
    if (case_study_id is None) == (initiative_id is None):
        raise ValueError("name a case study or an initiative, not both nor neither")
    statement = sa.select(LibraryEntry).where(LibraryEntry.organisation_id == ws.organisation_id)
    if case_study_id is not None:
        statement = statement.where(LibraryEntry.case_study_id == case_study_id)
    if initiative_id is not None:
        statement = statement.where(LibraryEntry.initiative_id == initiative_id)
    for entry in ws.session.scalars(statement).all():
        take_out(ws, entry)
    ws.session.flush()  # first: no relationship tells the flush to delete them before it
