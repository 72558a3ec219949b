"""Keyset pagination: page 1000 costs what page 1 costs.

Ids sort in creation order, so a page is "the next ``limit`` rows after this id" and the
cursor only has to carry that id. The cursor is opaque to callers (base64 of a small JSON
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
import json
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session

from toolkits_core._services.errors import FieldProblem, InvalidRequestError
from toolkits_core._store.ids import is_well_formed_id

Record = TypeVar("Record")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_RECORDS_ONLY = "coprod_read_records_only"
_record_types: dict[Mapper[Any], type[tuple[Any, ...]]] = {}


@dataclass(frozen=True, slots=True)
class Page(Generic[Record]):
    items: Sequence[Record]
    next_cursor: str | None


def encode_cursor(after_id: str) -> str:
    raw = json.dumps({"after": after_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The id a cursor continues after; ``InvalidRequestError`` if it is not one of ours.

    A cursor comes back from the client, so it is untrusted: it must decode to exactly
    the document ``encode_cursor`` makes, around an id of the shape ``new_id`` makes.
    Anything else (a NUL or a lone surrogate escaped in the JSON, a huge or non-ASCII
    string, extra members) is refused here, before it can reach a query.
    """
    after: object = None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw.decode("ascii"))
        if isinstance(document, dict) and set(document) == {"after"}:
            after = document["after"]
    except (binascii.Error, ValueError, TypeError):  # UnicodeDecodeError is a ValueError
        after = None
    if (
        not isinstance(after, str)
        or not is_well_formed_id(after)
        or encode_cursor(after) != cursor.rstrip("=")
    ):
        raise InvalidRequestError(
            [
                FieldProblem(
                    "cursor",
                    "Not a cursor this API gave out: use next_cursor as it is.",
                    "invalid_cursor",
                    location="query",
                )
            ]
        )
    return after


def read_records_only(session: Session) -> None:
    """Mark a session that only reads: its pages hold immutable records, not instances."""
    session.info[_RECORDS_ONLY] = True


def paginate(
    session: Session,
    statement: sa.Select[Record],
    id_column: sa.orm.InstrumentedAttribute[str],
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[Record]:
    """One page of ``statement``'s rows in id order, and the cursor of the next if any."""
    if cursor is not None:
        statement = statement.where(id_column > decode_cursor(cursor))
    statement = statement.order_by(id_column).limit(limit + 1)
    mapper = _plain_entity(statement) if session.info.get(_RECORDS_ONLY) else None
    rows: list[Any]
    if mapper is None:
        rows = list(session.scalars(statement).unique())
    else:
        record = _record_type(mapper)
        columns = [attribute.columns[0] for attribute in mapper.column_attrs]
        # On the session's connection: the ORM's layer around it would find no entity.
        found = session.connection().execute(statement.with_only_columns(*columns))
        rows = [record._make(row) for row in found.all()]  # type: ignore[attr-defined]
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id))


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
