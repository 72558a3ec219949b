"""Keyset pagination: page 1000 costs what page 1 costs.

Ids sort in creation order, so a page is "the next ``limit`` rows after this id" and the
cursor only has to carry that id. A list filtered by ``updated_since`` is paged along
``(updated_at, id)`` instead (``by``), with an index of the same columns: walking it then
reads only the rows changed since, however many the table holds, and a row changed again
during the walk comes round again at the end instead of being missed; its cursor carries
the time too. The cursor is opaque to callers (base64 of a small JSON
document) so that its contents can change without breaking them.

A session marked with ``read_records_only`` (the HTTP API marks those of requests that
only read) gets a page of plain entities as immutable records, named tuples of the
entity's column attributes, instead of ORM instances: building and tracking an instance
costs several times what reading its row does, and a page that is only shown needs
neither. A statement with loader options or joins is always loaded by the ORM.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session

from toolkits_core._services.driver_reads import first_row
from toolkits_core._services.errors import FieldProblem, InvalidRequestError
from toolkits_core._store.ids import is_well_formed_id

Record = TypeVar("Record")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_RECORDS_ONLY = "coprod_read_records_only"
_READER = "coprod_reader"
_record_types: dict[Mapper[Any], type[tuple[Any, ...]]] = {}
_BY_ID: dict[Mapper[Any], sa.Select[Any]] = {}


@dataclass(frozen=True, slots=True)
class Page(Generic[Record]):
    items: Sequence[Record]
    next_cursor: str | None


def encode_cursor(after_id: str, at: dt.datetime | None = None) -> str:
    document: dict[str, str] = {"after": after_id}
    if at is not None:
        document["at"] = at.astimezone(dt.UTC).isoformat()
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The id a cursor continues after; ``InvalidRequestError`` if it is not one of ours.

    A cursor comes back from the client, so it is untrusted: it must decode to exactly
    the document ``encode_cursor`` makes, around an id of the shape ``new_id`` makes.
    Anything else (a NUL or a lone surrogate escaped in the JSON, a huge or non-ASCII
    string, extra members) is refused here, before it can reach a query.
    """
    after, at = _decoded(cursor)
    if after is None or at is not None:
        raise _not_ours()
    return after


def decode_timed_cursor(cursor: str) -> tuple[dt.datetime, str]:
    """The (updated_at, id) a cursor of a list paged ``by`` time continues after."""
    after, at = _decoded(cursor)
    if after is None or at is None:
        raise _not_ours()
    return at, after


def _decoded(cursor: str) -> tuple[str | None, dt.datetime | None]:
    after: object = None
    at: object = None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw.decode("ascii"))
        if isinstance(document, dict) and set(document) in ({"after"}, {"after", "at"}):
            after = document["after"]
            if "at" in document:
                at = document["at"] if isinstance(document["at"], str) else None
                at = dt.datetime.fromisoformat(at) if at is not None else None
                after = after if at is not None and at.tzinfo is not None else None
    except (binascii.Error, ValueError, TypeError):  # UnicodeDecodeError is a ValueError
        after = None
    if (
        not isinstance(after, str)
        or not is_well_formed_id(after)
        or encode_cursor(after, at if isinstance(at, dt.datetime) else None) != cursor.rstrip("=")
    ):
        return None, None
    return after, at if isinstance(at, dt.datetime) else None


def _not_ours() -> InvalidRequestError:
    return InvalidRequestError(
        [
            FieldProblem(
                "cursor",
                "Not a cursor this API gave out: use next_cursor as it is.",
                "invalid_cursor",
                location="query",
            )
        ]
    )


def read_records_only(session: Session) -> None:
    """Mark a session that only reads: its pages hold immutable records, not instances."""
    session.info[_RECORDS_ONLY] = True


def reads_records_only(session: Session) -> bool:
    """Whether ``read_records_only`` marked this session."""
    return bool(session.info.get(_RECORDS_ONLY))


def read_on(session: Session, connection: sa.Connection) -> None:
    """Read a read-only session's records on ``connection``, the one it is bound to.

    The HTTP API lends a request that only reads a Core connection, and binds the
    request's session (if its view needs one) to it: the records a page or a single
    read shows are then read on the connection itself, without the session's transaction
    around it (opening one costs more than the SELECT on SQLite). The statements run on
    the same connection either way, so they see what they would have seen.
    """
    session.info[_READER] = connection


def _reading(session: Session) -> sa.Connection:
    """The connection a read-only session's records are read on (``read_on``)."""
    found: sa.Connection | None = session.info.get(_READER)
    return session.connection() if found is None else found


def read_record(
    session: Session, model: type[Record], record_id: str, organisation_id: str
) -> Any | None:
    """One of an organisation's records by id, as the immutable record a page holds, or
    None if it has none with this id.

    For a session that only reads (``read_records_only``) and shows what it reads: one
    SELECT of the entity's columns, built once per model, on the session's connection
    (on its driver's cursor, ``driver_reads``), instead of the ORM's load, identity map
    and instance (a third of what showing a record cost). ``model`` must be a plain
    entity of its own table.
    """
    mapper: Mapper[Any] = sa.inspect(model)
    statement = _BY_ID.get(mapper)
    if statement is None:
        if mapper.inherits is not None:
            raise TypeError(f"{model.__name__} is not read as a record of its own table.")
        columns = {attribute.key: attribute.columns[0] for attribute in mapper.column_attrs}
        statement = _BY_ID[mapper] = sa.select(*columns.values()).where(
            columns["id"] == sa.bindparam("record_id"),
            columns["organisation_id"] == sa.bindparam("organisation_id"),
        )
    row = first_row(
        _reading(session), statement, {"record_id": record_id, "organisation_id": organisation_id}
    )
    return None if row is None else _record_type(mapper)._make(row)  # type: ignore[attr-defined]


def paginate(
    session: Session,
    statement: sa.Select[Record],
    id_column: sa.orm.InstrumentedAttribute[str],
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    by: sa.orm.InstrumentedAttribute[dt.datetime] | None = None,
) -> Page[Record]:
    """One page of ``statement``'s rows in id order (or ``by`` a time, then id), and the
    cursor of the next if any."""
    if by is None:
        if cursor is not None:
            statement = statement.where(id_column > decode_cursor(cursor))
        statement = statement.order_by(id_column).limit(limit + 1)
    else:
        if cursor is not None:
            at, after = decode_timed_cursor(cursor)
            statement = statement.where(sa.tuple_(by, id_column) > sa.tuple_(
                sa.literal(at, by.type), sa.literal(after, id_column.type)))  # fmt: skip
        statement = statement.order_by(by, id_column).limit(limit + 1)
    mapper = _plain_entity(statement) if reads_records_only(session) else None
    rows: list[Any]
    if mapper is None:
        rows = list(session.scalars(statement).unique())
    else:
        rows = _records(_reading(session), statement, mapper)
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    last = rows[-1]
    return Page(rows, encode_cursor(last.id, getattr(last, by.key) if by is not None else None))


def _records(
    connection: sa.Connection, statement: sa.Select[Any], mapper: Mapper[Any]
) -> list[Any]:
    """A page of a plain entity's rows as its immutable records, read on ``connection``.

    The statement runs as it is: on a connection, a SELECT of an entity reads the
    entity's columns as plain rows, without the ORM's loading (and without the cost of
    rebuilding the statement around the columns: three times that of running it). Should
    the columns come back under other names than the record's, they are selected by name.
    """
    record = _record_type(mapper)
    found = connection.execute(statement)
    if tuple(found.keys()) != record._fields:  # type: ignore[attr-defined]
        found.close()
        columns = [attribute.columns[0] for attribute in mapper.column_attrs]
        found = connection.execute(statement.with_only_columns(*columns))
    return [record._make(row) for row in found.all()]  # type: ignore[attr-defined]


def _plain_entity(statement: sa.Select[Any]) -> Mapper[Any] | None:
    """The mapper of a statement that selects one entity from its own table, else None."""
    descriptions = statement.column_descriptions
    if len(descriptions) != 1 or descriptions[0]["expr"] is not descriptions[0]["entity"]:
        return None  # several columns, a column, or an expression: not an entity
    # No loader options, joins or extra FROMs; should SQLAlchemy rename the attributes
    # these live in, the ORM loads the page.
    for part in ("_with_options", "_setup_joins", "_from_obj"):
        if getattr(statement, part, None) != ():
            return None
    mapper: Mapper[Any] = sa.inspect(descriptions[0]["entity"])
    return None if mapper.inherits is not None else mapper


def _record_type(mapper: Mapper[Any]) -> type[tuple[Any, ...]]:
    """A named tuple with the entity's column attributes, such as ``InitiativeRecord``."""
    if mapper not in _record_types:
        names = [attribute.key for attribute in mapper.column_attrs]
        _record_types[mapper] = namedtuple(f"{mapper.class_.__name__}Record", names)
    return _record_types[mapper]
