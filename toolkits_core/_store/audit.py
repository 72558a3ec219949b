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

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, UOWTransaction

from toolkits_core._store.driver import write
from toolkits_core._store.ids import new_id
from toolkits_core._store.models import (
    Activity,
    ApiKey,
    Assessment,
    AuditEvent,
    CaseStudy,
    ChangeClock,
    EventData,
    Evidence,
    Initiative,
    LibraryEntry,
    OAuthClient,
    Organisation,
    Participant,
    StageEntry,
    WebhookSubscription,
    utc_now,
)
from toolkits_core._store.snapshots import snapshots

ACTOR = "coprod_actor"
NOT_AUDITED_FIELDS = frozenset({"version", "updated_at", "last_used_at"})
"""Bookkeeping that changes with every write or read: listing it would say nothing."""

RECORD_TYPES: dict[type[Any], str] = {
    Organisation: "organisation",
    ApiKey: "api_key",
    OAuthClient: "oauth_client",
    Initiative: "initiative",
    StageEntry: "transition",
    Participant: "participant",
    Activity: "activity",
    Evidence: "evidence",
    Assessment: "assessment",
    CaseStudy: "case_study",
    LibraryEntry: "library_entry",
    WebhookSubscription: "webhook_subscription",
}
"""Every model whose writes are logged, with the name the log gives its records.

A webhook subscription is logged as its admin makes, changes or deletes it: where the
organisation's changes are sent is as much a matter for the log as who holds a key. The
delivery worker's own bookkeeping on it (its cursor, lease and retries) is written with
bulk UPDATEs, which a flush does not see, so it is not; when the worker disables a
subscription, it logs that itself (``webhooks.note_failure``). A library entry is a case
study published to the whole network: created when published, changed when published
again, deleted when taken out of the library."""

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
    """An event about to be written: what happened to which record, and where it lives.

    ``external_ref`` is the record's as the event shows it: for a deletion or an erasure,
    the one it had (the record no longer says). ``event_type`` overrides the type the
    action and record give (``participant.consent_withdrawn`` rather than ``.updated``).
    """

    action: AuditAction
    record_type: str
    record_id: str
    organisation_id: str
    initiative_id: str | None = None
    fields: tuple[str, ...] = ()
    external_ref: str | None = None
    event_type: str | None = None


@dataclass(frozen=True, slots=True)
class _Pending:
    event: Event
    actor: Actor
    occurred_at: dt.datetime


_PENDING = "coprod_pending_events"
_FEED_ACTIONS = {
    AuditAction.CREATED: "created",
    AuditAction.CHANGED: "updated",
    AuditAction.DELETED: "deleted",
    AuditAction.EXPORTED: "exported",
    AuditAction.ERASED: "erased",
}


def event_type_of(event: Event) -> str:
    """The feed's name for an event: ``<record type>.<what happened>``."""
    return event.event_type or f"{event.record_type}.{_FEED_ACTIONS[event.action]}"


def record_events(session: Session, events: Iterable[Event]) -> None:
    """Record events in the session's transaction, as the session's actor.

    They are written when the transaction commits (``_write_at_commit``), each with its
    place in commit order, and not at all if it rolls back.
    """
    actor = actor_of(session)
    now = utc_now()
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    pending.extend(_Pending(event, actor, now) for event in events)


def record_bulk_change(
    session: Session,
    record_type: str,
    record_ids: Iterable[str],
    *,
    organisation_id: str,
    initiative_id: str,
    fields: tuple[str, ...],
    event_type: str | None = None,
) -> None:
    """Log the records a bulk UPDATE changed (it bypasses the flush that logs the rest);
    ``record_ids`` is what its ``RETURNING`` gave."""
    record_events(
        session,
        [
            Event(
                AuditAction.CHANGED,
                record_type,
                record_id,
                organisation_id,
                initiative_id,
                fields,
                event_type=event_type,
            )
            for record_id in list(record_ids)
        ],
    )


def insert_new(session: Session, record: Any) -> None:
    """Insert a new record in one INSERT, and hold it in the session as a flush would
    have left it (persistent, with its defaults), its ``created`` event recorded.

    For the hot creations: the unit of work a flush runs for one new row cost more than
    the rest of its request's Python. Every column is given, with the model's Python
    default where the record has no value (one moment for ``created_at`` and
    ``updated_at``), so that nothing is left to load again. A record the audit log does
    not know, or one already in the session, is flushed as before; so is one written
    inside a savepoint (an upsert's create), since a savepoint rolled back drops what a
    flush added to the session, and would leave a record inserted here behind.
    """
    state = sa.inspect(record)
    if type(record) not in RECORD_TYPES or not state.transient or session.in_nested_transaction():
        session.add(record)
        session.flush()
        return
    session.flush()  # what the session holds goes first, as one flush would order it
    mapper = state.mapper
    now = utc_now()
    values: dict[str, Any] = {}
    held = record.__dict__
    for attribute in mapper.column_attrs:
        [column] = attribute.columns
        if attribute.key in held:
            value = held[attribute.key]
        elif column.key in _NOW_COLUMNS:
            value = now
        else:
            value = _default(column)
        if attribute.key not in held:
            setattr(record, attribute.key, value)
        values[column.key] = value
    write(session.connection(), _inserts(mapper.local_table), values)
    sa.orm.make_transient_to_detached(record)
    session.add(record)
    record_events(session, [_event(AuditAction.CREATED, record)])


_NOW_COLUMNS = frozenset({"created_at", "updated_at"})
_INSERTS: dict[sa.Table, sa.Insert] = {}


def _inserts(table: Any) -> sa.Insert:
    found = _INSERTS.get(table)
    if found is None:
        found = _INSERTS[table] = sa.insert(table)
    return found


def _default(column: Any) -> Any:
    """A column's Python default, as an INSERT without the column would have taken it."""
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)
    raise TypeError(f"{column} has a default only the database knows: flush it instead")


def _event(action: AuditAction, record: Any, fields: Iterable[str] = ()) -> Event:
    organisation_id = record.id if isinstance(record, Organisation) else record.organisation_id
    fields = tuple(fields)
    return Event(
        action,
        RECORD_TYPES[type(record)],
        record.id,
        organisation_id,
        getattr(record, "initiative_id", None)
        or (record.id if isinstance(record, Initiative) else None),
        fields,
        external_ref=getattr(record, "external_ref", None),
        event_type=_special_type(record, fields) if action is AuditAction.CHANGED else None,
    )


def _special_type(record: Any, fields: tuple[str, ...]) -> str | None:
    """The changes integrators are told of by name: consent (to use, or to publish)
    withdrawn, a stage moved."""
    withdrawn = "consent" in fields and getattr(record, "consent", None) == "withdrawn"
    if isinstance(record, Participant | Evidence) and withdrawn:
        return f"{RECORD_TYPES[type(record)]}.consent_withdrawn"
    unpublished = getattr(record, "publication_consent", None) == "withdrawn"
    if (
        isinstance(record, Participant | Evidence)
        and unpublished
        and "publication_consent" in fields
    ):
        return f"{RECORD_TYPES[type(record)]}.publication_consent_withdrawn"
    if isinstance(record, Initiative) and "stage" in fields:
        return "initiative.stage_changed"
    return None


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


_CLOCK = cast(sa.Table, ChangeClock.__table__)
_EVENTS = cast(sa.Table, AuditEvent.__table__)
_DATA = cast(sa.Table, EventData.__table__)
_INSERT_EVENTS = sa.insert(_EVENTS)
_INSERT_DATA = sa.insert(_DATA)
_TAKE_POSITIONS = (
    sa.update(_CLOCK)
    .where(_CLOCK.c.id == 1)
    .values(position=_CLOCK.c.position + sa.bindparam("count"))
    .returning(_CLOCK.c.position)
)


def _write_at_commit(session: Session) -> None:
    """Write the transaction's events, numbered in commit order, just before it commits.

    The change clock's one row is taken for update here, as the last write of the
    transaction, and held until its commit: the next writer takes the following
    positions only after this one's events are visible. So no event ever appears
    behind a position a reader has already been given (the feed is gap-free), at the
    cost of ordering commits, not whole transactions. What each event showed of its
    record is read as the transaction leaves it, which is what a GET would see first.
    """
    session.flush()  # the last changes of the transaction log their events first
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    pending = _without_changes_to_erased(pending)
    shown = snapshots(session, [item.event for item in pending])
    connection = session.connection()
    numbered_by_clock = connection.dialect.name == "postgresql" and len(pending) <= _AT_ONCE
    if numbered_by_clock:
        last = len(pending)  # the database numbers them, in the same order (_numbered)
    else:
        last = write(connection, _TAKE_POSITIONS, {"count": len(pending)}).scalar_one()
    rows, data = [], []
    for position, item in enumerate(pending, start=last - len(pending) + 1):
        event, actor = item.event, item.actor
        event_id = new_id("aud")
        shows = event.action in {AuditAction.CREATED, AuditAction.CHANGED}
        record = shown.get((event.record_type, event.record_id)) if shows else None
        rows.append(
            {
                "id": event_id,
                "organisation_id": event.organisation_id,
                "occurred_at": item.occurred_at,
                "key_id": actor.key_id,
                "channel": actor.channel.value,
                "action": event.action.value,
                "record_type": event.record_type,
                "record_id": event.record_id,
                "initiative_id": event.initiative_id,
                "fields": list(event.fields),
                "position": position,
                "event_type": event_type_of(event),
                "version": record.get("version") if record is not None else None,
            }
        )
        ref = record.get("external_ref") if record is not None else event.external_ref
        if record is not None or ref is not None:
            data.append({"event_id": event_id, "external_ref": ref, "record": record})
    if not numbered_by_clock:
        _insert_rows(connection, _INSERT_EVENTS, rows)
        if data:
            _insert_rows(connection, _INSERT_DATA, data)
        return
    values = {
        f"e{index}_{key}": value
        for index, row in enumerate(rows)
        for key, value in row.items()
        if key != "position"
    }
    values |= {
        f"d{index}_{key}": value for index, row in enumerate(data) for key, value in row.items()
    }
    inserted = write(connection, _numbered(len(rows), len(data)), values)
    if inserted.rowcount != len(rows):
        raise RuntimeError("the change clock has no row: run coprod db upgrade")


def _insert_rows(connection: sa.Connection, insert: sa.Insert, rows: list[dict[str, Any]]) -> None:
    """One row on the driver (the common case: a write with its one event), more at once
    through SQLAlchemy."""
    if len(rows) == 1:
        write(connection, insert, rows[0])
    else:
        connection.execute(insert, rows)


_AT_ONCE = 20
"""On PostgreSQL, up to this many events are numbered and inserted in one statement."""
_NUMBERED: dict[tuple[int, int], sa.Insert] = {}


def _numbered(count: int, shown: int) -> sa.Insert:
    """PostgreSQL: take ``count`` positions from the change clock and insert the events
    with them, and ``shown`` rows of what they showed (``event_data``), in one statement
    (the clock's UPDATE and the data's INSERT as ``WITH``s of the events' INSERT), so that
    the clock's row is held for one round trip until the commit, not one a table.

    The parameters are each event's columns but its position, prefixed ``e0_`` to
    ``e{count - 1}_``; the i-th event takes the i-th of the positions taken, in order, as
    ``_TAKE_POSITIONS`` numbers them; then each data row's, prefixed ``d0_`` to
    ``d{shown - 1}_``. The data's foreign key to its event is checked as the statement
    ends, when the events it names are in.
    """
    found = _NUMBERED.get((count, shown))
    if found is not None:
        return found
    clock = (
        sa.update(_CLOCK)
        .where(_CLOCK.c.id == 1)
        .values(position=_CLOCK.c.position + count)
        .returning(_CLOCK.c.position)
        .cte("clock")
    )
    columns = [column for column in _EVENTS.c if column.key != "position"]
    selects = [
        sa.select(
            *(sa.bindparam(f"e{index}_{column.key}", type_=column.type) for column in columns),
            (clock.c.position - (count - 1 - index)).label("position"),
        ).select_from(clock)
        for index in range(count)
    ]
    rows = selects[0] if count == 1 else sa.union_all(*selects)
    found = (
        sa.insert(_EVENTS)
        .from_select([*(column.key for column in columns), "position"], rows)
        .add_cte(clock)
    )
    if shown:
        # Read from the clock too, so that without its row nothing at all is written and
        # the rowcount below says why (rather than the data's foreign key failing).
        data_rows = [
            sa.select(
                *(sa.bindparam(f"d{index}_{column.key}", type_=column.type) for column in _DATA.c)
            ).select_from(clock)
            for index in range(shown)
        ]
        data = sa.insert(_DATA).from_select(
            [column.key for column in _DATA.c],
            data_rows[0] if shown == 1 else sa.union_all(*data_rows),
        )
        found = found.add_cte(data.cte("shown"))
    _NUMBERED[(count, shown)] = found
    return found


def _without_changes_to_erased(pending: list[_Pending]) -> list[_Pending]:
    """An erasure's own changes (the emptied payload, the name replaced) are its event."""
    erased = {item.event.record_id for item in pending if item.event.action is AuditAction.ERASED}
    if not erased:
        return pending
    return [
        item
        for item in pending
        if item.event.record_id not in erased or item.event.action is not AuditAction.CHANGED
    ]


def install(sessions: Any) -> None:
    """Log the writes of every session the factory ``sessions`` makes."""
    sa.event.listen(sessions, "after_flush", _after_flush)
    sa.event.listen(sessions, "before_commit", _write_at_commit)
    sa.event.listen(sessions, "after_transaction_create", _mark_savepoint)
    sa.event.listen(sessions, "after_soft_rollback", _forget_pending)


_MARKS = "coprod_pending_marks"
"""Session info: how many events were pending when each open savepoint began."""


def _mark_savepoint(session: Session, transaction: Any) -> None:
    if transaction.nested:
        marks: dict[int, int] = session.info.setdefault(_MARKS, {})
        marks[id(transaction)] = len(session.info.get(_PENDING, ()))


def _forget_pending(session: Session, previous: Any) -> None:
    """Forget the events a rollback undid, and only those: a savepoint rolled back (an
    upsert that lost a race for its reference) takes its own events with it, and the
    transaction's earlier changes keep theirs for the commit; any other rollback takes
    them all. (SQLAlchemy tells of every rollback here, savepoints included.)"""
    marks: dict[int, int] = session.info.get(_MARKS, {})
    mark = marks.pop(id(previous), None) if previous.nested else None
    if mark is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)
        return
    pending: list[_Pending] | None = session.info.get(_PENDING)
    if pending is not None:
        del pending[mark:]
