"""The change feed: every change to an organisation's records, in commit order.

It reads the one append-only record of each change that the audit log reads too
(``toolkits_core._store.audit`` writes it in the transaction that makes the change), from
a position a reader was given. Positions are handed out in commit order under the change
clock, so a reader who has been given a cursor can never miss an event committed later
behind it, however long the transaction that made it was open. Each event shows its
record as the change left it, or, for a deletion or an erasure, a tombstone: the id and
the external_ref the record had. What events showed of a person who was erased goes with
the erasure; what any event showed goes when the feed's retention has passed.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

from toolkits_core._services.errors import FieldProblem, GoneError, InvalidRequestError
from toolkits_core._services.workspace import Workspace
from toolkits_core._store.models import AuditEvent, EventData, utc_now
from toolkits_core._store.snapshots import SHOWN

RETENTION_VARIABLE = "COPROD_FEED_RETENTION_DAYS"
DEFAULT_RETENTION = dt.timedelta(days=30)

FEED_RECORD_TYPES = tuple(SHOWN)
"""The records the feed tells of; keys and the organisation are the audit log's alone."""

EVENT_TYPES = tuple(
    sorted(
        {
            *(f"{kind}.{what}" for kind in FEED_RECORD_TYPES for what in ("created", "updated")),
            *(f"{kind}.deleted" for kind in FEED_RECORD_TYPES if kind != "transition"),
            "participant.consent_withdrawn",
            "evidence.consent_withdrawn",
            "participant.publication_consent_withdrawn",
            "evidence.publication_consent_withdrawn",
            "participant.erased",
            "evidence.erased",
            "initiative.stage_changed",
        }
    )
)
"""Every type of event the feed gives (``transition.created`` is a stage move's history
entry; ``initiative.stage_changed`` the initiative it moved)."""

_MAX_POSITION = 2**62


@dataclass(frozen=True, slots=True)
class Change:
    """One event of the feed."""

    id: str
    position: int
    event_type: str
    occurred_at: dt.datetime
    record_type: str
    record_id: str
    initiative_id: str | None
    external_ref: str | None
    version: int | None
    channel: str
    key_id: str | None
    fields: Sequence[str]
    record: dict[str, Any] | None
    """The record as the change left it (None for a tombstone, or once it is gone)."""


@dataclass(frozen=True, slots=True)
class ChangePage:
    items: Sequence[Change]
    next_cursor: str
    """Where to read on from: always given, since the feed goes on."""


def encode_position(position: int) -> str:
    raw = json.dumps({"position": position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_position(cursor: str) -> int:
    """The position a feed cursor reads on from; 422 if it is not one this feed gave."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)["position"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        position = None
    if type(position) is not int or not 0 <= position < _MAX_POSITION:
        raise InvalidRequestError(
            [
                FieldProblem(
                    "cursor",
                    "Not a cursor this feed gave out: use next_cursor as it is, or start "
                    "again without one.",
                    "invalid_cursor",
                    location="query",
                )
            ]
        )
    return position


def list_changes(
    ws: Workspace,
    *,
    limit: int,
    cursor: str | None = None,
    event_types: Sequence[str] = (),
    record_types: Sequence[str] = (),
    retention: dt.timedelta = DEFAULT_RETENTION,
) -> ChangePage:
    """The organisation's events after ``cursor`` (from the oldest kept, without one)."""
    oldest_kept = utc_now() - retention
    after = decode_position(cursor) if cursor is not None else None
    filters = {
        "organisation_id": ws.organisation_id,
        "record_types": list(record_types or FEED_RECORD_TYPES),
        "event_types": list(event_types or EVENT_TYPES),
        "limit": limit,
    }
    if after is not None:
        _refuse_expired(ws, after, filters, oldest_kept, retention)
    # One statement built at import, its compiled form cached by SQLAlchemy; rows read
    # as plain tuples, not ORM entities: a page is read-only, and building the
    # statement and 100 tracked objects per request cost half of the page's time.
    connection = ws.session.connection()
    if after is not None:
        rows = connection.execute(_PAGE_AFTER, {**filters, "after": after})
    else:
        rows = connection.execute(_PAGE_FROM_OLDEST, {**filters, "oldest": oldest_kept})
    items = [_change(row) for row in rows.all()]  # one fetchall, not a fetchone a row
    if items:
        last = items[-1].position
    elif after is not None:
        last = after
    else:
        last = _head(ws)
    return ChangePage(items, encode_position(last))


_EVENTS = cast(sa.Table, AuditEvent.__table__)
_DATA = cast(sa.Table, EventData.__table__)
_COLUMNS = (
    _EVENTS.c.id,
    _EVENTS.c.position,
    _EVENTS.c.event_type,
    _EVENTS.c.occurred_at,
    _EVENTS.c.record_type,
    _EVENTS.c.record_id,
    _EVENTS.c.initiative_id,
    _DATA.c.external_ref,
    _EVENTS.c.version,
    _EVENTS.c.channel,
    _EVENTS.c.key_id,
    _EVENTS.c.fields,
    _DATA.c.record,
)
"""The columns of a page, in the order of ``Change``'s fields."""
_PAGE = (
    sa.select(*_COLUMNS)
    .select_from(_EVENTS.outerjoin(_DATA, _DATA.c.event_id == _EVENTS.c.id))
    .where(
        _EVENTS.c.organisation_id == sa.bindparam("organisation_id"),
        _EVENTS.c.record_type.in_(sa.bindparam("record_types", expanding=True)),
        _EVENTS.c.event_type.in_(sa.bindparam("event_types", expanding=True)),
    )
    .order_by(_EVENTS.c.position)
    .limit(sa.bindparam("limit"))
)
_PAGE_AFTER = _PAGE.where(_EVENTS.c.position > sa.bindparam("after"))
_PAGE_FROM_OLDEST = _PAGE.where(
    _EVENTS.c.occurred_at >= sa.bindparam("oldest", type_=_EVENTS.c.occurred_at.type)
)
_NEXT_AFTER = (
    sa.select(_EVENTS.c.occurred_at)
    .where(
        _EVENTS.c.organisation_id == sa.bindparam("organisation_id"),
        _EVENTS.c.position > sa.bindparam("after"),
    )
    .order_by(_EVENTS.c.position)
    .limit(1)
)
"""When the first event of any kind after a cursor happened: one index step. If it is
within the retention, so is everything after it."""
_NEXT_GIVEN_AFTER = _NEXT_AFTER.where(
    _EVENTS.c.record_type.in_(sa.bindparam("record_types", expanding=True)),
    _EVENTS.c.event_type.in_(sa.bindparam("event_types", expanding=True)),
)
"""When the first event after a cursor that the reader's page would give happened: the
oldest it has still to hear of. The audit log's own events (a key made, a webhook
changed, a case study published) share the table and its positions but are not the
feed's, so they never make a cursor expire. Asked only when the first event of any kind
is older than the retention: with a narrow filter it may read many rows."""


def _change(row: Sequence[Any]) -> Change:
    (id_, position, event_type, occurred_at, record_type, record_id, initiative_id,
     external_ref, version, channel, key_id, fields, record) = row  # fmt: skip
    return Change(
        id=id_,
        position=position,
        event_type=event_type,
        occurred_at=occurred_at,
        record_type=record_type,
        record_id=record_id,
        initiative_id=initiative_id,
        external_ref=external_ref,
        version=version,
        channel=channel,
        key_id=key_id,
        fields=tuple(fields),
        record=record,
    )


def _head(ws: Workspace) -> int:
    """The position of the organisation's last event, or 0: where a new reader starts."""
    last = ws.session.execute(
        sa.select(sa.func.max(AuditEvent.position)).where(
            AuditEvent.organisation_id == ws.organisation_id
        )
    ).scalar_one()
    return int(last or 0)


def _refuse_expired(
    ws: Workspace,
    after: int,
    filters: dict[str, Any],
    oldest_kept: dt.datetime,
    retention: dt.timedelta,
) -> None:
    """410 ``cursor_expired`` for a cursor with events after it that the feed no longer
    keeps in full: the first of them (of those the page's ``filters`` give) is older than
    the retention.

    How old the cursor itself is does not matter: a reader that is up to date in an
    organisation where nothing happened for longer than the retention has missed nothing
    (and an export taken then would give it the same cursor back), and nor has one whose
    cursor is followed only by events it does not read."""
    connection = ws.session.connection()
    values = {"organisation_id": filters["organisation_id"], "after": after}
    pending = connection.execute(_NEXT_AFTER, values).scalar_one_or_none()
    if pending is None or pending >= oldest_kept:
        return
    given = {
        **values,
        "record_types": filters["record_types"],
        "event_types": filters["event_types"],
    }
    pending = connection.execute(_NEXT_GIVEN_AFTER, given).scalar_one_or_none()
    if pending is not None and pending < oldest_kept:
        raise GoneError(
            "cursor_expired",
            f"Events after this cursor are older than the feed keeps in full "
            f"({retention.days} days): what they showed may be gone. Resynchronise: "
            "take a full export (GET /api/v1/export), which gives the cursor to follow "
            "the feed from, or read the feed again without a cursor.",
        )


def forget_expired_event_data(session: sa.orm.Session, retention: dt.timedelta) -> int:
    """Delete what events older than the retention showed of their records; how many.

    The events themselves stay, as the audit log; only their copies of records and
    external references go, so a person's data does not outlive the feed's promise.
    """
    old = sa.select(AuditEvent.id).where(AuditEvent.occurred_at < utc_now() - retention)
    result = session.execute(sa.delete(EventData).where(EventData.event_id.in_(old)))
    return int(cast("sa.CursorResult[Any]", result).rowcount or 0)
