"""Keyset pagination: page 1000 costs what page 1 costs.

Ids sort in creation order, so a page is "the next ``limit`` rows after this id" and the
cursor only has to carry that id. The cursor is opaque to callers (base64 of a small JSON
document) so that its contents can change without breaking them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._services.errors import FieldProblem, InvalidRequestError

Record = TypeVar("Record")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Page(Generic[Record]):
    items: Sequence[Record]
    next_cursor: str | None


def encode_cursor(after_id: str) -> str:
    raw = json.dumps({"after": after_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The id a cursor continues after; ``InvalidRequestError`` if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        after = None
    if not isinstance(after, str) or not after:
        raise InvalidRequestError(
            [
                FieldProblem(
                    "cursor",
                    "Not a cursor this API gave out: use next_cursor as it is.",
                    location="query",
                )
            ]
        )
    return after


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
    rows = list(session.scalars(statement.order_by(id_column).limit(limit + 1)).unique())
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id))  # type: ignore[attr-defined]
