"""The change feed's events for what the seeder writes in bulk, as the recorder would write them.

The seeder bypasses the session (and so ``toolkits_core._store.audit``'s recorder), so it
writes each seeded record's events itself: ``initiative.created`` with its first stage
entry's ``transition.created``, a ``transition.created`` and an
``initiative.stage_changed`` for every later stage, ``participant.created``,
``activity.created`` (showing its participants' ids), ``evidence.created`` and, for the
evidence the seeder dates as changed later, ``evidence.updated``. Each event has what the
recorder gives it: the caller's key over the API, the record's version just after the
change, and an ``event_data`` row with the record as that change left it (the core's own
``_document``, so times and dates are written exactly as the recorder writes them).

Positions follow the events' times, as commit order would, after whatever the core's
services already recorded (the organisations and their keys), and the change clock is
moved past the last one, so that the product's next write numbers on from there.

The events are produced while the rows stream to the database, time-ordered through a
heap (evidence comes oldest first; the rest is small), and spilled to a temporary file in
position order, so memory stays flat at a million rows; the file is then loaded into
``audit_events`` and ``event_data`` like every other table.
"""

from __future__ import annotations

import datetime as dt
import heapq
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper

from toolkits_core._store.ids import new_id
from toolkits_core._store.snapshots import SHOWN, _document
from toolkits_core.service import Database

SPILL_BATCH = 10_000

_EventRow = tuple[dt.datetime, int, dict[str, Any], dict[str, Any] | None]


def snapshot(record_type: str, row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The record as the recorder's event shows it: every column attribute, as JSON."""
    mapper: Mapper[Any] = sa.inspect(SHOWN[record_type])
    values = {**row, **changes}
    return _document(
        {attribute.key: values.get(attribute.columns[0].name) for attribute in mapper.column_attrs}
    )


class EventLog:
    """Events in time order, numbered from after the clock, spilled to a file."""

    def __init__(self, key_ids: dict[str, str], clock: int) -> None:
        self.key_ids = key_ids
        self.first = clock + 1
        self.position = clock
        self._heap: list[_EventRow] = []
        self._sequence = 0
        # closed by close(), after the loads have read it twice
        self._spill: IO[bytes] = tempfile.TemporaryFile(prefix="coprod-bench-events-")  # noqa: SIM115
        self._batch: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
        self.by_type: dict[str, int] = {}

    def add(
        self,
        moment: dt.datetime,
        action: str,
        record_type: str,
        record: dict[str, Any],
        *,
        event_type: str,
        fields: Iterable[str] = (),
    ) -> None:
        """An event at ``moment`` about ``record`` (a snapshot), held until its turn."""
        organisation_id = record["organisation_id"]
        event = {
            "organisation_id": organisation_id,
            "occurred_at": moment,
            "key_id": self.key_ids[organisation_id],
            "channel": "api",
            "action": action,
            "record_type": record_type,
            "record_id": record["id"],
            "initiative_id": record.get("initiative_id")
            or (record["id"] if record_type == "initiative" else None),
            "fields": list(fields),
            "event_type": event_type,
            "version": record.get("version"),
        }
        data = {"external_ref": record.get("external_ref"), "record": record}
        self._sequence += 1
        heapq.heappush(self._heap, (moment, self._sequence, event, data))

    def release_until(self, moment: dt.datetime | None) -> None:
        """Number and spill every held event up to ``moment`` (all, for None)."""
        while self._heap and (moment is None or self._heap[0][0] <= moment):
            _, _, event, data = heapq.heappop(self._heap)
            self.position += 1
            event_id = new_id("aud")  # ids rise with positions, as the recorder's do
            event["id"] = event_id
            event["position"] = self.position
            if data is not None:
                data["event_id"] = event_id
            self.by_type[event["event_type"]] = self.by_type.get(event["event_type"], 0) + 1
            self._batch.append((event, data))
            if len(self._batch) >= SPILL_BATCH:
                self._write_batch()

    def _write_batch(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._spill, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch = []

    def finish(self) -> int:
        """Spill the rest; how many events there are."""
        self.release_until(None)
        self._write_batch()
        return self.position - self.first + 1

    def _read(self) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
        self._spill.seek(0)
        while True:
            try:
                batch = pickle.load(self._spill)
            except EOFError:
                return
            yield from batch

    def events(self) -> Iterator[dict[str, Any]]:
        for event, _ in self._read():
            yield event

    def data(self) -> Iterator[dict[str, Any]]:
        for _, data in self._read():
            if data is not None:
                yield data

    def close(self) -> None:
        self._spill.close()


def clock_position(database: Database) -> int:
    with database.engine.connect() as connection:
        value = connection.execute(
            sa.text("SELECT position FROM change_clock WHERE id = 1")
        ).scalar_one()
    return int(value)


def move_clock(database: Database, position: int) -> None:
    """The clock at the last seeded position: the product's next write numbers on from it."""
    with database.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE change_clock SET position = :position WHERE id = 1"),
            {"position": position},
        )


def feed_cursors(database: Database, organisation_id: str, page: int, deep: int) -> dict[str, Any]:
    """The caller's event count, and the positions the deep and the recent pages read after.

    The deep page starts after the caller's ``deep``-th event (or earlier in a small
    database); the recent one leaves one full page and a half before the head.
    """
    with database.engine.connect() as connection:
        count = connection.execute(
            sa.text("SELECT count(*) FROM audit_events WHERE organisation_id = :org"),
            {"org": organisation_id},
        ).scalar_one()
        total = connection.execute(sa.text("SELECT count(*) FROM audit_events")).scalar_one()

        def position_at(offset: int) -> int:
            value = connection.execute(
                sa.text(
                    "SELECT position FROM audit_events WHERE organisation_id = :org "
                    "ORDER BY position LIMIT 1 OFFSET :offset"
                ),
                {"org": organisation_id, "offset": max(offset, 0)},
            ).scalar_one()
            return int(value)

        deep_offset = min(deep, max(count - 3 * page, 0))
        recent_offset = max(count - page * 3 // 2, 0)
        return {
            "feed_events": int(count),
            "feed_events_all": int(total),
            "feed_deep_after": position_at(deep_offset),
            "feed_recent_after": position_at(recent_offset),
        }
