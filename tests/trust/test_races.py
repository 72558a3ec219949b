"""The race harness: every write that depends on another record's state, raced against
every change to that state, under gunicorn with several worker processes.

A write is valid only given the state of records it does not change: evidence may be
public only while its person's consent stands, nothing may be recorded in an archived
initiative, a transition's rules read the initiative's evidence and who has consented.
``SECURITY.md`` lists each such dependency and the lock that orders it; each pair below
runs ``COPROD_RACE_ROUNDS`` rounds (200 by default) and then checks, in the database, the
invariant the lock keeps. Most rounds release the two sides together. Every tenth round
forces the worst order instead: the dependent write runs on the ``race-held`` toolkit,
whose plugin holds it for ``COPROD_RACE_HOLD_MS`` after it has read the state, and the
state change is sent while it is held. Without the lock, that round breaks the invariant
every time; with it, the state change waits for the write, or the write sees the change.

It runs on SQLite (a file, gunicorn's workers as separate processes) and on PostgreSQL,
and prints how many rounds it ran per pair and how many violations it found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
import sqlalchemy as sa

from toolkits_core.service import (
    Activity,
    Assessment,
    AuditEvent,
    Database,
    Evidence,
    Initiative,
    Participant,
    StageEntry,
    create_key,
    create_organisation,
)

from .conftest import FIGURES, Http, Reply, overlap, serve_with_gunicorn
from .race_app import HELD, HOLD_VARIABLE, RACE

ROUNDS = int(os.environ.get("COPROD_RACE_ROUNDS", "200"))
HELD_EVERY = 10
HOLD_MS = 80
WORKERS, THREADS = 3, 4

RETRYABLE = {
    (409, "write_conflict"): "race write conflicts (retryable)",
    (503, "database_unavailable"): "race answers 503 (SQLite busy past its timeout, retryable)",
}
"""What a racer may hear when the database breaks a deadlock, or SQLite's busy wait runs
out: nothing saved, retry. Safe for every invariant, so counted, not refused."""


@dataclasses.dataclass
class Harness:
    port: int
    database: Database
    write_token: str
    admin_token: str
    clients: list[Http] = dataclasses.field(default_factory=list)

    def client(self, *, admin: bool = False) -> Http:
        # Connected by its first request: gunicorn's threads wait on an idle connection,
        # so racers connected early would keep the set-up's requests waiting.
        made = Http(self.port, self.admin_token if admin else self.write_token)
        self.clients.append(made)
        return made

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def row(self, model: type[Any], record_id: str) -> Any:
        with self.database.engine.connect() as connection:
            table = model.__table__
            return connection.execute(sa.select(table).where(table.c.id == record_id)).one_or_none()

    def rows(self, model: type[Any], **equal: Any) -> list[Any]:
        with self.database.engine.connect() as connection:
            table = model.__table__
            statement = sa.select(table)
            for column, value in equal.items():
                statement = statement.where(table.c[column] == value)
            return list(connection.execute(statement))


@pytest.fixture(scope="module")
def harness(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    with database.session() as session:
        organisation = create_organisation(session, "Race harness council")
        write = create_key(session, organisation.id, "racer", ["write"]).token
        admin = create_key(session, organisation.id, "erasing racer", ["admin"]).token
    with serve_with_gunicorn(
        database,
        tmp_path_factory.mktemp("races"),
        "tests.trust.race_app:race_app()",
        workers=WORKERS,
        threads=THREADS,
        env={HOLD_VARIABLE: str(HOLD_MS)},
    ) as served:
        made = Harness(served.port, database, write, admin)
        yield made
        made.close()


# Building what each round races on --------------------------------------------------------


def created(reply: Reply) -> dict[str, Any]:
    assert reply.status == 201, reply
    return dict(reply.json)


def initiative(http: Http, held: bool) -> str:
    body = {"toolkit": HELD if held else RACE, "title": "Race"}
    return str(created(http.post("initiatives", body))["id"])


def participant(http: Http, initiative_id: str) -> str:
    body = {"role": "person_using_services", "display_name": "Racer", "consent": "given"}
    return str(created(http.post(f"initiatives/{initiative_id}/participants", body))["id"])


def activity(http: Http, initiative_id: str, *people: str) -> str:
    body = {"activity_type": "meeting", "title": "Meet", "participant_ids": list(people)}
    return str(created(http.post(f"initiatives/{initiative_id}/activities", body))["id"])


def note(text: str, **fields: Any) -> dict[str, Any]:
    return {"evidence_type": "note", "payload": {"text": text}, **fields}


def evidence(http: Http, initiative_id: str, **fields: Any) -> str:
    reply = http.post(f"initiatives/{initiative_id}/evidence", note("recorded before", **fields))
    return str(created(reply)["id"])


def ready_to_decide(http: Http, held: bool) -> tuple[str, str, str]:
    """An initiative whose rule for Decide is met: (initiative, person, their note)."""
    found = initiative(http, held)
    person = participant(http, found)
    activity(http, found, person)
    return found, person, evidence(http, found)


# Racing -----------------------------------------------------------------------------------


def later(seconds: float, action: Callable[[], Reply]) -> Callable[[], Reply]:
    def run() -> Reply:
        time.sleep(seconds)
        return action()

    return run


def race(
    dependent: Sequence[Callable[[], Reply]], change: Callable[[], Reply], held: bool
) -> tuple[list[Reply], Reply]:
    """The dependent writes and the state change, released together; when ``held``, the
    change is sent while the dependent writes are held after reading the state."""
    if held:
        change = later(HOLD_MS / 2000, change)
    *replies, changed = overlap([*dependent, change])
    FIGURES["race requests"] += len(dependent) + 1
    return replies, changed


def unexpected(replies: Sequence[Reply], *allowed: tuple[int, str | None]) -> list[str]:
    """The replies that no order of the two sides could give."""
    bad = []
    for reply in replies:
        if (reply.status, reply.code) in allowed or (reply.status, None) in allowed:
            continue
        if (reply.status, reply.code) in RETRYABLE:
            FIGURES[RETRYABLE[reply.status, reply.code]] += 1
            continue
        bad.append(f"unexpected answer {reply!r}")
    return bad


def when(value: Any) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# The pairs: each round returns the violations it found --------------------------------------


@dataclasses.dataclass(frozen=True)
class Pair:
    name: str
    dependent: str
    change: str
    run_round: Callable[[Harness, bool], list[str]]
    counts_as: int = 1
    """How many dependent writes a round races against the change (each its own pair)."""


def withdrawal_against_evidence_created(h: Harness, held: bool) -> list[str]:
    http, racers = h.client(), [h.client() for _ in range(4)]
    found = initiative(http, held)
    person = participant(http, found)
    body = note("I agreed", participant_id=person, consent="given", visibility="public")
    creates = [functools.partial(c.post, f"initiatives/{found}/evidence", body) for c in racers[:3]]
    withdraw = functools.partial(
        racers[3].patch, f"participants/{person}", {"consent": "withdrawn"}
    )
    replies, withdrawn = race(creates, withdraw, held)
    bad = unexpected([withdrawn], (200, None))
    bad += unexpected(replies, (201, None), (422, "invalid_request"))
    for row in h.rows(Evidence, participant_id=person):
        if row.consent != "withdrawn" or row.visibility == "public":
            bad.append(f"evidence {row.id} is {row.consent}/{row.visibility} after a withdrawal")
    return bad


def withdrawal_against_evidence_changed(h: Harness, held: bool) -> list[str]:
    http, racers = h.client(), [h.client() for _ in range(2)]
    found = initiative(http, held)
    person = participant(http, found)
    piece = evidence(http, found, participant_id=person, consent="given")
    change = {"visibility": "public", "consent": "given", "payload": {"text": "made public"}}
    replies, withdrawn = race(
        [functools.partial(racers[0].patch, f"evidence/{piece}", change)],
        functools.partial(racers[1].patch, f"participants/{person}", {"consent": "withdrawn"}),
        held,
    )
    bad = unexpected([withdrawn], (200, None))
    bad += unexpected(replies, (200, None), (412, None), (422, "invalid_request"))
    row = h.row(Evidence, piece)
    if row.consent != "withdrawn" or row.visibility == "public":
        bad.append(f"evidence {piece} is {row.consent}/{row.visibility} after a withdrawal")
    return bad


def erasure_against_evidence_created(h: Harness, held: bool) -> list[str]:
    http, racers = h.client(), [h.client() for _ in range(3)]
    eraser = h.client(admin=True)
    found = initiative(http, held)
    person = participant(http, found)
    body = note("Jane Roe said this", participant_id=person)
    creates = [functools.partial(c.post, f"initiatives/{found}/evidence", body) for c in racers]
    replies, erased = race(
        creates, functools.partial(eraser.post, f"participants/{person}/erasure"), held
    )
    bad = unexpected([erased], (200, None))
    bad += unexpected(replies, (201, None), (422, "invalid_request"))
    for row in h.rows(Evidence, participant_id=person):
        if row.erased_at is None or row.payload:
            bad.append(f"evidence {row.id} kept {row.payload} after its person was erased")
    return bad


def erasure_against_evidence_changed(h: Harness, held: bool) -> list[str]:
    http, racer, eraser = h.client(), h.client(), h.client(admin=True)
    found = initiative(http, held)
    person = participant(http, found)
    piece = evidence(http, found, participant_id=person)
    replies, erased = race(
        [
            functools.partial(
                racer.patch, f"evidence/{piece}", {"payload": {"text": "Jane Roe 2 said this"}}
            )
        ],
        functools.partial(eraser.post, f"participants/{person}/erasure"),
        held,
    )
    bad = unexpected([erased], (200, None))
    bad += unexpected(
        replies, (200, None), (412, None), (409, "evidence_erased"), (422, "invalid_request")
    )
    row = h.row(Evidence, piece)
    if row.erased_at is None or row.payload:
        bad.append(f"evidence {piece} kept {row.payload} after its person was erased")
    return bad


def archive_against_records_created(h: Harness, held: bool) -> list[str]:
    http, racers = h.client(), [h.client() for _ in range(5)]
    found = initiative(http, held)
    person = participant(http, found)
    collection = f"initiatives/{found}"
    creates = [
        functools.partial(racers[0].post, f"{collection}/evidence", note("late")),
        functools.partial(
            racers[1].post,
            f"{collection}/participants",
            {"role": "volunteer", "display_name": "Late", "consent": "given"},
        ),
        functools.partial(
            racers[2].post,
            f"{collection}/activities",
            {"activity_type": "meeting", "title": "Late", "participant_ids": [person]},
        ),
        functools.partial(
            racers[3].post,
            f"{collection}/assessments",
            {"scale": "two-point", "perspective": "professional", "ratings": {"voice": 2}},
        ),
    ]
    archive = functools.partial(racers[4].patch, collection, {"status": "archived"})
    replies, archived = race(creates, archive, held)
    bad = unexpected([archived], (200, None))
    bad += unexpected(replies, (201, None), (409, "initiative_archived"))
    archived_at = when(h.row(Initiative, found).updated_at)
    for model in (Evidence, Participant, Activity, Assessment):
        for row in h.rows(model, initiative_id=found):
            if when(row.created_at) > archived_at:
                bad.append(f"{model.__name__} {row.id} was added after the archive committed")
    return bad


def _transition_against(
    h: Harness, held: bool, change: Callable[[Http, str, str], Reply]
) -> tuple[list[str], str, str, str, Reply]:
    http, racers = h.client(), [h.client() for _ in range(2)]
    found, person, piece = ready_to_decide(http, held)
    replies, _changed = race(
        [
            functools.partial(
                racers[0].post, f"initiatives/{found}/transitions", {"to_stage": "decide"}
            )
        ],
        functools.partial(change, racers[1], person, piece),
        held,
    )
    bad = unexpected(replies, (201, None), (409, "transition_refused"))
    return bad, found, person, piece, replies[0]


def _moved_at(h: Harness, initiative_id: str) -> dt.datetime | None:
    entries = h.rows(StageEntry, initiative_id=initiative_id, stage="decide")
    return when(entries[0].entered_at) if entries else None


def evidence_deleted_against_transition(h: Harness, held: bool) -> list[str]:
    bad, found, _person, piece, _moved = _transition_against(
        h, held, lambda c, _p, e: c.delete(f"evidence/{e}")
    )
    moved_at = _moved_at(h, found)
    deletions = h.rows(AuditEvent, record_id=piece, action="deleted")
    if not deletions:
        bad.append(f"evidence {piece} was not deleted")
    elif moved_at is not None and when(deletions[0].occurred_at) < moved_at:
        bad.append(f"{found} moved on counting evidence deleted before the move")
    return bad


def withdrawal_against_transition(h: Harness, held: bool) -> list[str]:
    bad, found, person, _piece, _moved = _transition_against(
        h, held, lambda c, p, _e: c.patch(f"participants/{p}", {"consent": "withdrawn"})
    )
    moved_at = _moved_at(h, found)
    withdrawn_at = when(h.row(Participant, person).consent_recorded_at)
    if moved_at is not None and withdrawn_at < moved_at:
        bad.append(f"{found} moved on counting a person who had withdrawn before the move")
    return bad


def participant_deleted_against_evidence_created(h: Harness, held: bool) -> list[str]:
    http, racers = h.client(), [h.client() for _ in range(3)]
    found = initiative(http, held)
    person = participant(http, found)
    body = note("said by someone who leaves", participant_id=person)
    creates = [functools.partial(c.post, f"initiatives/{found}/evidence", body) for c in racers[:2]]
    replies, deleted = race(
        creates, functools.partial(racers[2].delete, f"participants/{person}"), held
    )
    bad = unexpected([deleted], (204, None))
    bad += unexpected(replies, (201, None), (422, "invalid_request"))
    for reply in replies:
        if reply.status == 201:
            row = h.row(Evidence, reply.json["id"])
            if row.participant_id is None and row.version == 1:
                bad.append(f"evidence {row.id} lost its participant without a new version")
    return bad


def activity_deleted_against_evidence_created(h: Harness, held: bool) -> list[str]:
    http, racers = h.client(), [h.client() for _ in range(3)]
    found = initiative(http, held)
    meeting = activity(http, found)
    body = note("said at a meeting that goes", activity_id=meeting)
    creates = [functools.partial(c.post, f"initiatives/{found}/evidence", body) for c in racers[:2]]
    replies, deleted = race(
        creates, functools.partial(racers[2].delete, f"activities/{meeting}"), held
    )
    bad = unexpected([deleted], (204, None))
    bad += unexpected(replies, (201, None), (422, "invalid_request"))
    for reply in replies:
        if reply.status == 201:
            row = h.row(Evidence, reply.json["id"])
            if row.activity_id is None and row.version == 1:
                bad.append(f"evidence {row.id} lost its activity without a new version")
    return bad


def activity_moved_against_evidence_created(h: Harness, held: bool) -> list[str]:
    http, racers = h.client(), [h.client() for _ in range(3)]
    found, _person, _piece = ready_to_decide(http, held)
    created(http.post(f"initiatives/{found}/transitions", {"to_stage": "decide"}))
    meeting = str(
        created(
            http.post(
                f"initiatives/{found}/activities",
                {"activity_type": "meeting", "title": "Meet", "stage": "gather"},
            )
        )["id"]
    )
    body = note("said at the meeting", activity_id=meeting)
    creates = [functools.partial(c.post, f"initiatives/{found}/evidence", body) for c in racers[:2]]
    replies, moved = race(
        creates,
        functools.partial(racers[2].patch, f"activities/{meeting}", {"stage": "decide"}),
        held,
    )
    bad = unexpected([moved], (200, None))
    bad += unexpected(replies, (201, None))
    moved_at = when(h.row(Activity, meeting).updated_at)
    for reply in replies:
        if reply.status == 201 and moved.status == 200:
            row = h.row(Evidence, reply.json["id"])
            if when(row.created_at) > moved_at and row.stage != "decide":
                bad.append(f"evidence {row.id} took the stage its activity had left")
    return bad


PAIRS = [
    Pair("withdrawal/evidence created", "create evidence", "withdraw consent",
         withdrawal_against_evidence_created),
    Pair("withdrawal/evidence changed", "change evidence", "withdraw consent",
         withdrawal_against_evidence_changed),
    Pair("erasure/evidence created", "create evidence", "erase the participant",
         erasure_against_evidence_created),
    Pair("erasure/evidence changed", "change evidence", "erase the participant",
         erasure_against_evidence_changed),
    Pair("archive/records created", "create evidence, participant, activity, assessment",
         "archive the initiative", archive_against_records_created, counts_as=4),
    Pair("evidence deleted/transition", "transition", "delete the evidence it counts",
         evidence_deleted_against_transition),
    Pair("withdrawal/transition", "transition", "withdraw the consent it counts",
         withdrawal_against_transition),
    Pair("participant deleted/evidence created", "create evidence", "delete the participant",
         participant_deleted_against_evidence_created),
    Pair("activity deleted/evidence created", "create evidence", "delete the activity",
         activity_deleted_against_evidence_created),
    Pair("activity moved/evidence created", "create evidence", "move the activity's stage",
         activity_moved_against_evidence_created),
]  # fmt: skip


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.name for pair in PAIRS])
def test_a_write_and_a_change_to_the_state_it_depends_on_never_both_act_on_old_state(
    harness: Harness, pair: Pair
) -> None:
    violations: list[str] = []
    started = time.monotonic()
    for number in range(ROUNDS):
        held = number % HELD_EVERY == HELD_EVERY - 1
        violations += [f"round {number}{' (held)' if held else ''}: {v}"
                       for v in pair.run_round(harness, held)]  # fmt: skip
        harness.close()
        harness.clients.clear()
    FIGURES[f"race rounds: {pair.name}"] += ROUNDS
    FIGURES["race rounds, forced into the worst order"] += ROUNDS // HELD_EVERY
    FIGURES["race pairs"] += pair.counts_as
    FIGURES["race rounds per pair, summed"] += ROUNDS * pair.counts_as
    FIGURES["race violations"] += len(violations)
    FIGURES[f"race seconds: {pair.name}"] += round(time.monotonic() - started)
    assert not violations, "\n".join(violations[:20])
