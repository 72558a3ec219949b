"""Search within an organisation: ``q`` on the lists of initiatives, activities and evidence.

A record is found by the words people wrote in it: an initiative by its title and
summary, an activity by its title, description and outcomes, a piece of evidence by
every string in its payload (a note's or quote's text, a story, a transcript, a caption).
The indexes are full text on either database: PostgreSQL's expression GIN indexes over
``to_tsvector`` (``json_to_tsvector`` for payloads), and on SQLite an FTS5 table that
triggers keep in step with every write, including bulk updates and cascades.

What the search may find is what the list may show: it only narrows a list, so its
organisation, initiative, consent and other filters apply unchanged (evidence whose
consent is withdrawn, or whose person was erased, is never listed, so never found).
Erasure empties a payload, which takes its words out of the index in the same
transaction; on SQLite ``forget_erased_text`` also merges the index so that no old
segment keeps them.

The caller's text is only ever words: anything but letters and digits separates them,
and the words are passed as plain terms (``plainto_tsquery``; quoted FTS5 strings), so
no quote, ``NEAR``, ``*``, column filter or parenthesis of theirs reaches the engine.
Every word must be there (AND), after stemming (``walks`` finds ``walk``).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._store.models import Activity, Evidence, Initiative

Statement = TypeVar("Statement", bound=sa.Select[Any])

QUERY_LENGTH = 200
"""The most characters ``q`` may have."""

_WORD = re.compile(r"\w+", re.UNICODE)
_SQLITE_SEARCH = "record_search"
_SQLITE_KEYS = "record_search_keys"
# Word for word the expressions of migration 0015's indexes: PostgreSQL uses an expression
# index only for a query that spells the same expression.
_POSTGRESQL_DOCUMENTS: dict[type[Any], str] = {
    Initiative: "to_tsvector('english', initiatives.title || ' ' || initiatives.summary)",
    Activity: "to_tsvector('english', activities.title || ' ' || activities.description "
    "|| ' ' || activities.outcomes)",
    Evidence: "json_to_tsvector('english', evidence.payload, '[\"string\"]')",
}


def words_of(text: str) -> list[str]:
    """The words of a search: runs of letters and digits, whatever else was typed."""
    return _WORD.findall(text)


def matching_text(
    session: Session, statement: Statement, model: type[Any], q: str | None
) -> Statement:
    """``statement`` narrowed to the records of ``model`` holding every word of ``q``.

    ``q`` None leaves the statement as it is; a ``q`` with no words finds nothing.
    """
    if q is None:
        return statement
    words = words_of(q)
    if not words:
        return statement.where(sa.false())
    if session.get_bind().dialect.name == "postgresql":
        document: sa.ColumnElement[Any] = sa.literal_column(_POSTGRESQL_DOCUMENTS[model])
        query = sa.func.plainto_tsquery(sa.literal_column("'english'"), " ".join(words))
        return statement.where(document.op("@@")(query))
    found = sa.text(
        f"SELECT record_id FROM {_SQLITE_KEYS} WHERE id IN "
        f"(SELECT rowid FROM {_SQLITE_SEARCH} WHERE {_SQLITE_SEARCH} MATCH :query)"
    )
    terms = " ".join(f'"{word}"' for word in words)
    return statement.where(model.id.in_(found.bindparams(query=terms).columns(record_id=sa.String)))


def forget_erased_text(session: Session) -> None:
    """Merge SQLite's full-text index, so that text just emptied by an erasure is gone
    from every segment of it and not only marked deleted. (PostgreSQL drops the dead
    index entries with the dead rows, at the next vacuum.)"""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            sa.text(f"INSERT INTO {_SQLITE_SEARCH} ({_SQLITE_SEARCH}) VALUES ('optimize')")
        )
