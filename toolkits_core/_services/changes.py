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
    if after is not None:
        _refuse_expired(ws, after, oldest_kept, retention)
    events = sa.select(AuditEvent, EventData.external_ref, EventData.record).outerjoin(
        EventData, EventData.event_id == AuditEvent.id
    )
    events = events.where(
        AuditEvent.organisation_id == ws.organisation_id,
        AuditEvent.record_type.in_(record_types or FEED_RECORD_TYPES),
        AuditEvent.event_type.in_(event_types or EVENT_TYPES),
    )
    if after is not None:
        events = events.where(AuditEvent.position > after)
    else:
        events = events.where(AuditEvent.occurred_at >= oldest_kept)
    rows = ws.session.execute(events.order_by(AuditEvent.position).limit(limit)).all()
    items = [_change(event, ref, record) for event, ref, record in rows]
    if items:
        last = items[-1].position
    elif after is not None:
        last = after
    else:
        last = _head(ws)
    return ChangePage(items, encode_position(last))


def _change(event: AuditEvent, external_ref: str | None, record: Any) -> Change:
    return Change(
        id=event.id,
        position=event.position,
        event_type=event.event_type,
        occurred_at=event.occurred_at,
        record_type=event.record_type,
        record_id=event.record_id,
        initiative_id=event.initiative_id,
        external_ref=external_ref,
        version=event.version,
        channel=event.channel,
        key_id=event.key_id,
        fields=tuple(event.fields),
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
    ws: Workspace, after: int, oldest_kept: dt.datetime, retention: dt.timedelta
) -> None:
    """410 ``cursor_expired`` for a cursor whose events the feed no longer keeps."""
    reached = ws.session.execute(
        sa.select(AuditEvent.occurred_at)
        .where(AuditEvent.organisation_id == ws.organisation_id, AuditEvent.position <= after)
        .order_by(AuditEvent.position.desc())
        .limit(1)
    ).scalar_one_or_none()
    if reached is not None and reached < oldest_kept:
        raise GoneError(
            "cursor_expired",
            f"This cursor reads on from an event older than the feed keeps "
            f"({retention.days} days): the events after it may be gone. Resynchronise: "
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
