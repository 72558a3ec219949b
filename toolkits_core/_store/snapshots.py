"""What a change-feed event shows of its record: the record as its transaction left it.

An event keeps its record's columns (and an activity its participants' ids) as a JSON
document, so that a reader of the feed sees each change as a GET just after it would have
shown it, however the record changed since, and even after it is deleted. ``revived``
turns such a document back into an object with the same attributes as the stored
record, for the API to show through the same schema as a GET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from types import SimpleNamespace
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.base import instance_state

from toolkits_core._store.models import (
    Activity,
    Assessment,
    Evidence,
    Initiative,
    Participant,
    StageEntry,
    activity_participants,
)

SHOWN: dict[str, type[Any]] = {
    "initiative": Initiative,
    "transition": StageEntry,
    "participant": Participant,
    "activity": Activity,
    "evidence": Evidence,
    "assessment": Assessment,
}
"""The kinds of record whose events show the record: the ones the feed carries."""

_CHUNK = 500


class _AboutARecord(Protocol):
    @property
    def record_type(self) -> str: ...

    @property
    def record_id(self) -> str: ...

    @property
    def action(self) -> Any: ...


def snapshots(session: Session, events: Iterable[_AboutARecord]) -> dict[tuple[str, str], Any]:
    """Each created or changed record the events name, as a JSON document, by (type, id).

    A record the session still holds, as it was flushed, is read from there; one that a
    bulk UPDATE changed is read from the database, in one query per kind of record. A
    record deleted later in the same transaction has none.
    """
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.record_type in SHOWN and str(event.action) in {"created", "changed"}:
            wanted.setdefault(event.record_type, set()).add(event.record_id)
    found: dict[tuple[str, str], Any] = {}
    for record_type, ids in wanted.items():
        model = SHOWN[record_type]
        mapper: Mapper[Any] = sa.inspect(model)
        unread = []
        for record_id in sorted(ids):
            held = session.identity_map.get(mapper.identity_key_from_primary_key((record_id,)))
            state = instance_state(held) if held is not None else None
            if state is None or state.expired_attributes or state.deleted or state.detached:
                unread.append(record_id)
            else:
                found[record_type, record_id] = _document(
                    {a.key: getattr(held, a.key) for a in mapper.column_attrs}
                )
        for start in range(0, len(unread), _CHUNK):
            table = mapper.local_table
            chunk = unread[start : start + _CHUNK]
            for row in session.connection().execute(sa.select(table).where(table.c.id.in_(chunk))):
                found[record_type, row.id] = _document(row._asdict())
        if model is Activity:
            _add_participant_ids(session, found, ids)
    return found


def _add_participant_ids(
    session: Session, found: dict[tuple[str, str], Any], ids: set[str]
) -> None:
    linked: dict[str, list[str]] = {}
    links = activity_participants
    for start in range(0, len(ids), _CHUNK):
        chunk = sorted(ids)[start : start + _CHUNK]
        for activity_id, participant_id in session.connection().execute(
            sa.select(links.c.activity_id, links.c.participant_id)
            .where(links.c.activity_id.in_(chunk))
            .order_by(links.c.participant_id)
        ):
            linked.setdefault(activity_id, []).append(participant_id)
    for activity_id in ids:
        if ("activity", activity_id) in found:
            found["activity", activity_id]["participant_ids"] = linked.get(activity_id, [])


def _document(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in values.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def revived(record_type: str, document: Mapping[str, Any]) -> SimpleNamespace:
    """An object with the stored record's attributes, its times and dates typed again."""
    values = dict(document)
    for key, parse in _parsers(record_type):
        value = values.get(key)
        if isinstance(value, str):
            values[key] = parse(value)
    return SimpleNamespace(**values)


_PARSERS: dict[str, tuple[tuple[str, Callable[[str], Any]], ...]] = {}


def _parsers(record_type: str) -> tuple[tuple[str, Callable[[str], Any]], ...]:
    """The record type's time and date columns with their parsers, found once.

    Asking the mapper for every column's Python type on every record cost a sixth of a
    feed page; the columns of a model do not change while the process runs.
    """
    found = _PARSERS.get(record_type)
    if found is None:
        mapper: Mapper[Any] = sa.inspect(SHOWN[record_type])
        parsers: list[tuple[str, Callable[[str], Any]]] = []
        for attribute in mapper.column_attrs:
            python_type = _python_type(attribute.columns[0])
            if python_type is dt.datetime:
                parsers.append((attribute.key, dt.datetime.fromisoformat))
            elif python_type is dt.date:
                parsers.append((attribute.key, dt.date.fromisoformat))
        found = _PARSERS[record_type] = tuple(parsers)
    return found


def _python_type(column: sa.ColumnElement[Any]) -> type[Any] | None:
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None
