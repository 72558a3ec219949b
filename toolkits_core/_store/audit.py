"""The audit log's recorder: every flush writes an event per record it creates, changes or
deletes, in the same transaction as the write itself.

It listens on the session factory, so no service can forget to call it: a write that
commits has its events, and a write that rolls back has none. Bulk ``UPDATE`` statements
bypass the flush, so the services that run one report the rows it touched with
``record_events``. Who acted is the session's actor (``act_as``): the API sets the
caller's key, the command line says so, and anything else is recorded as ``system``.

Events name records and the fields that changed, never the values, so that an erasure
leaves no copy of a person's data in the log.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, UOWTransaction

from toolkits_core._store.ids import new_id
from toolkits_core._store.models import (
    Activity,
    ApiKey,
    Assessment,
    AuditEvent,
    Evidence,
    Initiative,
    Organisation,
    Participant,
    StageEntry,
    utc_now,
)

ACTOR = "coprod_actor"
NOT_AUDITED_FIELDS = frozenset({"version", "updated_at", "last_used_at"})
"""Bookkeeping that changes with every write or read: listing it would say nothing."""

RECORD_TYPES: dict[type[Any], str] = {
    Organisation: "organisation",
    ApiKey: "api_key",
    Initiative: "initiative",
    StageEntry: "transition",
    Participant: "participant",
    Activity: "activity",
    Evidence: "evidence",
    Assessment: "assessment",
}
"""Every model whose writes are logged, with the name the log gives its records."""

RECORD_TYPE_NAMES = tuple(RECORD_TYPES.values())

SHOWN_FIELD_NAMES = {"participants": "participant_ids", "secret_sha256": "secret"}


class AuditAction(enum.StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"
    EXPORTED = "exported"
    ERASED = "erased"


class Channel(enum.StrEnum):
    API = "api"
    CLI = "cli"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is writing through a session: a key over the API, or an operator."""

    channel: Channel
    key_id: str | None = None


SYSTEM = Actor(Channel.SYSTEM)


def act_as(session: Session, actor: Actor) -> None:
    """Record this session's writes as ``actor``'s."""
    session.info[ACTOR] = actor


def actor_of(session: Session) -> Actor:
    found: Actor = session.info.get(ACTOR, SYSTEM)
    return found


@dataclass(frozen=True, slots=True)
class Event:
    """An event about to be written: what happened to which record, and where it lives."""

    action: AuditAction
    record_type: str
    record_id: str
    organisation_id: str
    initiative_id: str | None = None
    fields: tuple[str, ...] = ()


def record_events(session: Session, events: Iterable[Event]) -> None:
    """Write events in the session's transaction, as the session's actor."""
    actor = actor_of(session)
    now = utc_now()
    rows = [
        {
            "id": new_id("aud"),
            "organisation_id": event.organisation_id,
            "occurred_at": now,
            "key_id": actor.key_id,
            "channel": actor.channel.value,
            "action": event.action.value,
            "record_type": event.record_type,
            "record_id": event.record_id,
            "initiative_id": event.initiative_id,
            "fields": list(event.fields),
        }
        for event in events
    ]
    if rows:
        # Core, not the ORM: this also runs inside a flush, which must not start another.
        session.connection().execute(sa.insert(cast(sa.Table, AuditEvent.__table__)), rows)


def record_bulk_change(
    session: Session,
    record_type: str,
    record_ids: Iterable[str],
    *,
    organisation_id: str,
    initiative_id: str,
    fields: tuple[str, ...],
) -> None:
    """Log the records a bulk UPDATE changed (it bypasses the flush that logs the rest);
    ``record_ids`` is what its ``RETURNING`` gave."""
    record_events(
        session,
        [
            Event(
                AuditAction.CHANGED, record_type, record_id, organisation_id, initiative_id, fields
            )
            for record_id in list(record_ids)
        ],
    )


def _event(action: AuditAction, record: Any, fields: Iterable[str] = ()) -> Event:
    organisation_id = record.id if isinstance(record, Organisation) else record.organisation_id
    return Event(
        action,
        RECORD_TYPES[type(record)],
        record.id,
        organisation_id,
        getattr(record, "initiative_id", None)
        or (record.id if isinstance(record, Initiative) else None),
        tuple(fields),
    )


def _changed_fields(record: Any) -> list[str]:
    state = sa.inspect(record)
    return sorted(
        SHOWN_FIELD_NAMES.get(attribute.key, attribute.key)
        for attribute in state.attrs
        if attribute.key not in NOT_AUDITED_FIELDS and attribute.history.has_changes()
    )


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    events: list[Event] = []
    for record in session.new:
        if type(record) in RECORD_TYPES:
            events.append(_event(AuditAction.CREATED, record))
    for record in session.dirty:
        if type(record) in RECORD_TYPES:
            fields = _changed_fields(record)
            if fields:
                events.append(_event(AuditAction.CHANGED, record, fields))
    for record in session.deleted:
        if type(record) in RECORD_TYPES:
            events.append(_event(AuditAction.DELETED, record))
    record_events(session, sorted(events, key=lambda event: event.record_id))


def install(sessions: Any) -> None:
    """Log the writes of every session the factory ``sessions`` makes."""
    sa.event.listen(sessions, "after_flush", _after_flush)
