"""Idempotency keys over real connections: retries at once, cut-off clients, dead workers.

The key is claimed in the write's own transaction, so however retries overlap, one request
does the write and every other hears its answer again (``Idempotent-Replayed: true``) or
that it is still being answered (409 ``idempotency_key_in_use`` with ``Retry-After``);
never a second record, never a second event in the change feed. On PostgreSQL a retry's
claim waits on the primary key until the first request's transaction ends; on SQLite it
waits for the database's write lock, which the first request holds from its claim to its
commit: the outcome is the same, and these tests run on both.

Across processes the key holds too (gunicorn with several workers on one database), and a
worker killed between its commit and saving its answer leaves a claim that stops the
write from ever being done again: the retry hears ``idempotency_answer_lost``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.client as http_client
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

import toolkits_core._services.idempotency as kept
from api.context import services
from toolkits_core._store.sqlite_writers import QueuedConnection
from toolkits_core.service import Database, create_key, create_organisation

from .conftest import (
    FIGURES,
    TOOLKIT,
    DatabaseFaults,
    Http,
    RacersMeet,
    Reply,
    Tenant,
    overlap,
    serve_with_gunicorn,
)
from .idempotency_app import DIE_PREFIX, LOST_AFTER_VARIABLE

ROUNDS = 10
PARTIES = 6
MODES = pytest.mark.parametrize("interleaved", [False, True], ids=["overlapping", "interleaved"])
HEADER = "Idempotency-Key"


def new_key() -> str:
    return f"retry-{uuid.uuid4()}"


def create(client: Http, key: str, title: str = "Walks", toolkit: str = TOOLKIT) -> Reply:
    return client.post("initiatives", {"toolkit": toolkit, "title": title}, headers={HEADER: key})


def initiatives_of(database: Database, organisation_id: str) -> list[str]:
    with database.engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT id FROM initiatives WHERE organisation_id = :o ORDER BY id"),
            {"o": organisation_id},
        )
        return list(found.scalars())


def created_events(client: Http) -> list[str]:
    """The ids of every initiative the organisation's change feed says was created."""
    found: list[str] = []
    cursor = None
    while True:
        path = "events?type=initiative.created&limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(path).json
        found += [item["record_id"] for item in page["items"]]
        if not page["items"]:
            return found
        cursor = page["next_cursor"]


def one_did_it(replies: list[Reply]) -> Reply:
    """The one reply that made the record: every other replays it or says it is in use."""
    made = [r for r in replies if r.status == 201 and "Idempotent-Replayed" not in r.headers]
    assert len(made) == 1, replies
    for reply in replies:
        if reply is made[0]:
            continue
        if reply.status == 201:
            assert reply.headers["Idempotent-Replayed"] == "true", reply
            assert reply.body == made[0].body, reply
            FIGURES["idempotent retries replayed"] += 1
        else:
            assert (reply.status, reply.code) == (409, "idempotency_key_in_use"), reply
            assert int(reply.headers["Retry-After"]) >= 1
            FIGURES["idempotent retries told in use"] += 1
    return made[0]


# Retries at once ----------------------------------------------------------------------------


@MODES
def test_retries_sent_at_once_with_one_key_make_one_record_and_one_event(
    http: Http,
    tenant: Tenant,
    clients: Callable[[int], list[Http]],
    database: Database,
    racers_meet: RacersMeet,
    interleaved: bool,
) -> None:
    racers = clients(PARTIES)
    for _ in range(ROUNDS):
        key = new_key()
        meet = racers_meet(PARTIES) if interleaved else contextlib.nullcontext()
        with meet:
            replies = overlap([functools.partial(create, client, key) for client in racers])
        FIGURES["idempotent concurrent requests"] += len(replies)
        made = one_did_it(replies)
        again = create(http, key)  # once the dust has settled, the answer itself
        assert again.status == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.body == made.body
    records = initiatives_of(database, tenant.id)
    assert len(records) == ROUNDS
    assert sorted(created_events(http)) == records
    FIGURES["idempotent rounds with one record"] += ROUNDS


def test_a_retry_sent_while_the_first_is_still_writing_waits_and_never_writes_twice(
    tenant: Tenant, clients: Callable[[int], list[Http]], trust_app: Flask, database: Database
) -> None:
    """The first request is held inside its transaction, after its claim and before its
    commit, until the retry has sent its own claim: the retry must wait for the first to
    finish (PostgreSQL: on the primary key; SQLite: in the queue for the write lock),
    then hear its answer or that it is in use."""
    first_client, retry_client = clients(2)
    key = new_key()
    holding = threading.Event()
    retry_claims = threading.Event()
    hold = 0.5

    def before_execute(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO initiatives") and not holding.is_set():
            holding.set()  # the first request has claimed its key and is writing
            assert retry_claims.wait(10), "the retry never tried to claim the key"
            time.sleep(hold)  # the retry is now waiting on the claim
        elif statement.startswith("INSERT INTO idempotent_requests") and holding.is_set():
            retry_claims.set()

    enter_queue = QueuedConnection.enter_queue

    def queue_to_claim(connection: QueuedConnection) -> None:
        if holding.is_set():  # SQLite: the retry's claim waits for its turn to write
            retry_claims.set()
        enter_queue(connection)

    engine = services(trust_app).database.engine
    sa.event.listen(engine, "before_cursor_execute", before_execute)
    QueuedConnection.enter_queue = queue_to_claim  # type: ignore[method-assign]
    try:

        def retry() -> tuple[Reply, float]:
            assert holding.wait(10)
            started = time.monotonic()
            return create(retry_client, key), time.monotonic() - started

        first, (again, waited) = overlap([functools.partial(create, first_client, key), retry])
    finally:
        QueuedConnection.enter_queue = enter_queue  # type: ignore[method-assign]
        sa.event.remove(engine, "before_cursor_execute", before_execute)
    assert first.status == 201, first
    assert "Idempotent-Replayed" not in first.headers
    assert waited >= hold * 0.8, f"the retry did not wait for the first ({waited:.2f}s)"
    one_did_it([first, again])
    assert initiatives_of(database, tenant.id) == [first.json["id"]]
    FIGURES["idempotent retries that waited on the claim"] += 1


# A client cut off, a commit whose answer is lost -------------------------------------------


def send_and_hang_up(port: int, token: str, key: str) -> None:
    """Send a create and close the connection without reading the answer."""
    connection = http_client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"toolkit": TOOLKIT, "title": "Cut off"}).encode()
    connection.request(
        "POST",
        "/api/v1/initiatives",
        body=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            HEADER: key,
        },
    )
    connection.close()


def test_a_client_cut_off_after_sending_retries_and_nothing_is_made_twice(
    tenant: Tenant, http: Http, database: Database
) -> None:
    key = new_key()
    send_and_hang_up(tenant.port, tenant.token, key)
    deadline = time.monotonic() + 10
    while not initiatives_of(database, tenant.id):  # the server goes on without the client
        assert time.monotonic() < deadline, "the request was never done"
        time.sleep(0.05)
    deadline = time.monotonic() + 30
    while (reply := create(http, key, "Cut off")).status == 409:
        # Retried until the answer is there, as a client would: the cut-off request is
        # still saving it (slowly, on a busy machine).
        assert reply.code == "idempotency_key_in_use", reply
        assert time.monotonic() < deadline, "the cut-off request never saved its answer"
        time.sleep(0.1)
    assert reply.status == 201, reply
    assert reply.headers["Idempotent-Replayed"] == "true"
    assert initiatives_of(database, tenant.id) == [reply.json["id"]]
    assert created_events(http) == [reply.json["id"]]


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "not-committed"])
def test_a_commit_whose_answer_never_came_back_is_not_done_again_by_its_retry(
    tenant: Tenant,
    http: Http,
    database: Database,
    faults: DatabaseFaults,
    monkeypatch: pytest.MonkeyPatch,
    committed: bool,
) -> None:
    """The database committed (or did not) but the connection dropped before saying so:
    the client hears 503. If the commit happened, the claim committed with it, and the
    retry must not make a second record; if not, the claim went too, and the retry makes
    the first."""
    assert http.get("initiatives").status == 200  # the key's use is noted: the next commit
    key = new_key()  # is the request's own
    faults.commit_answer_lost(monkeypatch, committed=committed)
    failed = create(http, key)
    assert failed.status == 503, failed
    assert faults.fired.is_set()
    if committed:
        [made] = initiatives_of(database, tenant.id)
        busy = create(http, key)
        assert (busy.status, busy.code) == (409, "idempotency_key_in_use"), busy
        monkeypatch.setattr(kept, "ANSWER_LOST_AFTER", dt.timedelta(0))
        lost = create(http, key)
        assert (lost.status, lost.code) == (409, "idempotency_answer_lost"), lost
        assert initiatives_of(database, tenant.id) == [made]
        assert created_events(http) == [made]
    else:
        assert initiatives_of(database, tenant.id) == []
        retried = create(http, key)
        assert retried.status == 201, retried
        assert "Idempotent-Replayed" not in retried.headers
        assert initiatives_of(database, tenant.id) == [retried.json["id"]]


# Across worker processes, and a worker that dies -----------------------------------------

WORKERS, THREADS = 3, 4
LOST_AFTER_MS = 1000
SHIPPED = "coproduction-star"
"""gunicorn's workers load the installed plugins, not the trust toolkit."""


@pytest.fixture(scope="module")
def served(
    database: Database, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, str, str]]:
    """gunicorn with several workers on the suite's database: (port, token, organisation)."""
    with database.session() as session:
        organisation = create_organisation(session, "Idempotency workers council")
        token = create_key(session, organisation.id, "retrier", ["write"]).token
    with serve_with_gunicorn(
        database,
        tmp_path_factory.mktemp("idempotency"),
        "tests.trust.idempotency_app:idempotency_app()",
        workers=WORKERS,
        threads=THREADS,
        env={LOST_AFTER_VARIABLE: str(LOST_AFTER_MS)},
    ) as server:
        yield server.port, token, organisation.id


def test_retries_across_worker_processes_make_one_record(
    served: tuple[int, str, str], database: Database
) -> None:
    port, token, organisation_id = served
    before = initiatives_of(database, organisation_id)
    parties = WORKERS * THREADS
    for _ in range(ROUNDS // 2):
        key = new_key()
        racers = [Http(port, token) for _ in range(parties)]
        try:
            replies = overlap(
                [functools.partial(create, client, key, toolkit=SHIPPED) for client in racers]
            )
        finally:
            for client in racers:
                client.close()
        FIGURES["idempotent concurrent requests across workers"] += len(replies)
        one_did_it(replies)
    assert len(initiatives_of(database, organisation_id)) == len(before) + ROUNDS // 2


def test_a_worker_killed_between_its_commit_and_its_answer_leaves_the_write_done_once(
    served: tuple[int, str, str], database: Database
) -> None:
    port, token, organisation_id = served
    before = set(initiatives_of(database, organisation_id))
    key = f"{DIE_PREFIX}{uuid.uuid4()}"
    doomed = Http(port, token)
    try:
        with pytest.raises((http_client.RemoteDisconnected, ConnectionError)):
            create(doomed, key, "Killed", SHIPPED)
    finally:
        doomed.close()
    FIGURES["faults injected"] += 1
    FIGURES["faults injected: worker killed before saving its answer"] += 1
    made = set(initiatives_of(database, organisation_id)) - before
    assert len(made) == 1, "the write committed before the worker died"

    def retry() -> Reply:
        client = Http(port, token)
        try:
            return create(client, key, "Killed", SHIPPED)
        finally:
            client.close()

    busy = retry()
    assert (busy.status, busy.code) in {
        (409, "idempotency_key_in_use"),
        (409, "idempotency_answer_lost"),
    }, busy
    time.sleep(LOST_AFTER_MS / 1000 + 0.2)
    lost = retry()
    assert (lost.status, lost.code) == (409, "idempotency_answer_lost"), lost
    assert set(initiatives_of(database, organisation_id)) - before == made
    reader = Http(port, token)
    try:
        events = created_events(reader)
    finally:
        reader.close()
    assert set(events) & made == made  # the feed names what the dead worker made
    assert events.count(next(iter(made))) == 1
