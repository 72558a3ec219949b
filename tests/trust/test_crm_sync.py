"""A council's CRM kept in step with coprod by ``examples/crm_sync.py``, against gunicorn.

The sync client of docs/integrations.md is driven as an integrator would run it: it loads
300 projects and 900 contacts through a proxy that throws away some answers after coprod
has committed them (the client must retry without making anything twice), then follows
the change feed into its mirror while other people change, delete, withdraw, erase and
move records, some of them in transactions held open on purpose. At the end the mirror
must equal an export of the organisation, every event after its cursor applied once in
commit order, and the CRM pushing an erased person again must be refused.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import http.client
import http.server
import importlib.util
import itertools
import json
import pathlib
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from toolkits_core import PluginHost
from toolkits_core.service import (
    EVENT_TYPES,
    FEED_RECORD_TYPES,
    AuditEvent,
    Database,
    LocalFileStore,
    Workspace,
    create_evidence,
    create_key,
    create_organisation,
    erase_participant,
    update_participant,
)

from .conftest import FIGURES, REPOSITORY, serve_with_gunicorn
from .race_app import RACE, RacePlugin


def _load_example() -> ModuleType:
    path = REPOSITORY / "examples" / "crm_sync.py"
    spec = importlib.util.spec_from_file_location("crm_sync", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crm_sync"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


crm_sync = _load_example()

PROJECTS, CONTACTS = 300, 3
OLDER_PROJECTS = 30
"""Pushed by POST and PATCH, as against a coprod without upserts."""
BULK_PROJECTS = 120
"""Then pushed by POST /bulk (where the server has it); the rest by PUT, one by one."""
DROP_EVERY = 37
"""One write in so many has its answer thrown away after coprod committed it."""
RATE_LIMIT = "80/second"
"""Per key and per worker: the load meets the RateLimit headers (and may meet 429)."""
HOLD_SECONDS = 0.8
GIVES_UP_AFTER = 1.0
"""How long the impatient client waits for an answer. Its first attempt is held back by
the proxy until the retry has been answered, so it always times out, however fast or
slow the machine; a retry slower than this on a busy machine times out too, and one
more attempt goes with the same key."""
HELD_AT_MOST = 60.0
"""How long the proxy holds a late original waiting for its retry to be answered."""


@dataclasses.dataclass
class Served:
    url: str
    port: int
    database: Database
    organisation_id: str
    crm_token: str
    crm_key_id: str
    staff_token: str
    dpo_token: str


@pytest.fixture(scope="module")
def served(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with database.session() as session:
        organisation = create_organisation(session, "CRM sync council")
        crm = create_key(session, organisation.id, "crm", ["write"])
        staff = create_key(session, organisation.id, "case workers' app", ["write"])
        dpo = create_key(session, organisation.id, "data protection officer", ["admin"])
        tokens = (crm.token, crm.key.id, staff.token, dpo.token)
    with serve_with_gunicorn(
        database,
        tmp_path_factory.mktemp("crm-sync"),
        "tests.trust.crm_app:crm_app()",
        workers=2,
        threads=4,
        env={"COPROD_RATE_LIMIT": RATE_LIMIT},
    ) as gunicorn:
        yield Served(
            f"http://127.0.0.1:{gunicorn.port}", gunicorn.port, database, organisation.id, *tokens
        )


# A proxy that loses answers -----------------------------------------------------------------

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"}


class DroppingProxy(http.server.ThreadingHTTPServer):
    """Forwards every request to gunicorn; of the writes, the first attempt of every
    ``drop_every``-th Idempotency-Key (and of the first bulk request) has its answer read
    from gunicorn, the write committed, and then thrown away: the client's connection is
    closed without a word."""

    daemon_threads = True

    def __init__(self, upstream_port: int, drop_every: int) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.upstream_port = upstream_port
        self.drop_every = drop_every
        self.lock = threading.Lock()
        self.keys_seen: set[str] = set()
        self.dropped: list[str] = []
        self.retried: dict[str, threading.Event] = {}
        """Per key held back: set once a retry with that key has been answered with success."""
        self.late_answers: list[tuple[str, int, str | None]] = []
        """(key, status, Idempotent-Replayed) of requests that reached coprod late."""
        self.errors: list[BaseException] = []
        """Raised in the proxy's threads, where nothing else would report them."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def holds(self, key: str | None) -> bool:
        """Whether to hold this request back before forwarding it: the first attempt of
        a key marked ``late``, which thus reaches coprod after its client gave up."""
        with self.lock:
            if key is None or ":late-" not in key or key in self.retried:
                return False
            self.retried[key] = threading.Event()
            return True

    def wait_for_retry(self, key: str) -> None:
        """Hold a late original until its client's retry has been answered: it then
        reaches coprod after the retry, whatever the machine's speed."""
        with self.lock:
            retried = self.retried[key]
        if not retried.wait(HELD_AT_MOST):
            error = AssertionError(f"no retry of {key} was answered in {HELD_AT_MOST} s")
            self.errors.append(error)
            raise error

    def note_answered(self, key: str | None, status: int) -> None:
        with self.lock:
            retried = self.retried.get(key) if key is not None and status < 300 else None
        if retried is not None:
            retried.set()

    def drops(self, method: str, key: str | None, status: int) -> bool:
        """Whether to lose this answer: only a write's first, and only if it was done."""
        if method not in {"POST", "PUT", "PATCH"} or key is None:
            return False
        with self.lock:
            if key in self.keys_seen:
                return False
            self.keys_seen.add(key)
            if status >= 300:  # refused (a 429, say): nothing to lose
                return False
            first_bulk = key.endswith(":bulk") and not any(
                k.endswith(":bulk") for k in self.dropped
            )
            if len(self.keys_seen) % self.drop_every and not first_bulk:
                return False
            self.dropped.append(key)
            return True


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server: DroppingProxy

    def setup(self) -> None:
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Thousands of requests need no line each."""

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        sent = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        key = self.headers.get("Idempotency-Key")
        late = self.server.holds(key)
        if late:
            self.server.wait_for_retry(str(key))  # the client times out meanwhile, and retries
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body, headers=sent)
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        if late:
            replayed = answer.getheader("Idempotent-Replayed")
            self.server.late_answers.append((str(key), answer.status, replayed))
            self.close_connection = True  # its client left long ago
            return
        self.server.note_answered(key, answer.status)
        if self.server.drops(self.command, key, answer.status):
            self.close_connection = True  # committed upstream; the client hears nothing
            return
        head = [f"HTTP/1.1 {answer.status} {answer.reason}"]
        head += [f"{k}: {v}" for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
        head.append(f"Content-Length: {len(data)}")
        # One write: headers and body apart would meet Nagle and delayed ACKs (40 ms).
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward  # noqa: N815


@pytest.fixture
def proxy(served: Served) -> Iterator[DroppingProxy]:
    server = DroppingProxy(served.port, DROP_EVERY)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def closing() -> Iterator[contextlib.ExitStack]:
    """Closes the clients and mirrors a test opens, whether it passes or not."""
    with contextlib.ExitStack() as stack:
        yield stack


def opened(stack: contextlib.ExitStack, thing: Any) -> Any:
    stack.callback(thing.close)
    return thing


# The CRM's records and other people's changes ---------------------------------------------


def crm_records() -> list[Any]:
    records: list[Any] = []
    for p in range(PROJECTS):
        records.append(crm_sync.Project(f"proj-{p}", f"p{p}-v1", f"Project {p}", RACE))
        for c, (role, consent) in enumerate(
            [
                ("person_using_services", "given"),
                ("volunteer", "given"),
                ("family_member_or_carer", "not_recorded"),
            ]
        ):
            records.append(
                crm_sync.Contact(
                    f"contact-{p}-{c}",
                    f"proj-{p}",
                    f"c{p}-{c}-v1",
                    role,
                    f"Contact {p}/{c}",
                    consent,
                )
            )
    return records


class Staff:
    """Another system's writes (with its own key), retried as the sync client's are."""

    def __init__(self, served: Served, token: str) -> None:
        self.coprod = crm_sync.Coprod(served.url, token)

    def write(
        self, method: str, path: str, body: Any = None, if_match: str | None = None
    ) -> httpx.Response:
        response = self.coprod.request(
            method,
            f"/api/v1/{path}",
            json_body=body,
            headers={"If-Match": if_match} if if_match else None,
            idempotency_key=str(uuid.uuid4()) if method != "DELETE" else None,
        )
        assert response.status_code < 300, (method, path, response.text)
        return response

    def close(self) -> None:
        self.coprod.close()

    def etag(self, path: str) -> str:
        response = self.coprod.request("GET", f"/api/v1/{path}")
        assert response.status_code == 200, response.text
        return str(response.headers["ETag"])

    def note(self, initiative_id: str, participant_id: str | None = None) -> str:
        body: dict[str, Any] = {"evidence_type": "note", "payload": {"text": "Said at the café"}}
        if participant_id is not None:
            body |= {"participant_id": participant_id, "consent": "given"}
        return str(self.write("POST", f"initiatives/{initiative_id}/evidence", body).json()["id"])


def position_of(cursor: str) -> int:
    """What coprod's cursor holds (opaque to a client; the test may look)."""
    return int(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["position"])


def events_after(database: Database, organisation_id: str, position: int) -> list[str]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            sa.select(AuditEvent.id)
            .where(
                AuditEvent.organisation_id == organisation_id,
                AuditEvent.position > position,
                AuditEvent.record_type.in_(FEED_RECORD_TYPES),
                AuditEvent.event_type.in_(EVENT_TYPES),
            )
            .order_by(AuditEvent.position)
        )
        return [str(row[0]) for row in rows]


def exported(served: Served) -> dict[tuple[str, str], dict[str, Any]]:
    response = httpx.get(
        f"{served.url}/api/v1/export",
        headers={"Authorization": f"Bearer {served.staff_token}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines[-1] == {"type": "end", "records": len(lines) - 2}
    return {
        (line["record_type"], line["record"]["id"]): line["record"]
        for line in lines
        if line["type"] == "record"
    }


def differences(
    mirror: dict[tuple[str, str], dict[str, Any]], export: dict[tuple[str, str], dict[str, Any]]
) -> list[str]:
    """How a mirror differs from the export; an erased record is a stub in the mirror."""
    found = [f"missing from the mirror: {key}" for key in sorted(set(export) - set(mirror))]
    found += [f"not in coprod: {key}" for key in sorted(set(mirror) - set(export))]
    for key in sorted(set(mirror) & set(export)):
        held, real = mirror[key], export[key]
        if held.get("erased"):
            if real.get("erased_at") is None or real.get("external_ref") is not None:
                found.append(f"erased in the mirror, not in coprod: {key}")
        elif held != real:
            found.append(f"differs: {key}: {held} != {real}")
    return found


def test_a_crm_loads_follows_the_feed_and_ends_equal_to_coprod(
    served: Served, proxy: DroppingProxy, tmp_path: pathlib.Path, closing: contextlib.ExitStack
) -> None:
    started = time.monotonic()
    database_name = "SQLite" if served.database.is_sqlite else "PostgreSQL"

    # 1. The initial load, through a proxy that loses answers after the commit. The first
    # projects go as a CRM on an older coprod would send them (POST with external_ref,
    # then PATCH with If-Match), the rest by upsert where the server has them.
    crm = crm_sync.CrmSync(opened(closing, crm_sync.Coprod(proxy.url, served.crm_token)))
    older = crm_sync.CrmSync(
        opened(closing, crm_sync.Coprod(proxy.url, served.crm_token)), upserts=False
    )
    features = crm.coprod.features()
    # The example adapts to a server without them; this server must offer all three, or
    # the branches below that prove them would be skipped without a word.
    assert features == {"idempotency", "upsert", "bulk"}, features
    records = crm_records()
    split = OLDER_PROJECTS * (1 + CONTACTS)
    bulk = BULK_PROJECTS * (1 + CONTACTS) + split
    pushed = older.push(records[:split])
    crm.initiative_ids.update(older.initiative_ids)
    pushed += crm.push_bulk(records[split:bulk])
    bulk_requests = crm.stats.requests
    pushed += crm.push(records[bulk:])
    contact_ids = {
        record.ref: result.record_id
        for record, result in zip(records, pushed, strict=True)
        if isinstance(record, crm_sync.Contact)
    }
    with served.database.engine.connect() as connection:
        counts = {
            table: connection.execute(
                sa.text(
                    f"SELECT count(*), count(DISTINCT external_ref) FROM {table} "
                    "WHERE organisation_id = :o"
                ),
                {"o": served.organisation_id},
            ).one()
            for table in ("initiatives", "participants")
        }
    contacts = PROJECTS * CONTACTS
    assert counts == {"initiatives": (PROJECTS, PROJECTS), "participants": (contacts,) * 2}
    assert proxy.dropped, "no answer was dropped: the retry path went untested"
    for client, sent in ((older, split), (crm, len(records) - split)):
        stats, lost = client.stats, client.stats.retries_after_transport_error
        if "idempotency" in features:  # every lost answer was replayed, nothing redone
            assert stats.replayed == lost, stats
            assert stats.outcomes == {"created": sent}, stats
        elif client.upserts:  # a PUT (or a bulk line) again: 200, the record as sent
            assert stats.outcomes["created"] + stats.outcomes["updated"] == sent, stats
            assert stats.outcomes["updated"] >= lost, stats
        else:  # a POST again: 409 external_ref_taken, naming the record
            assert stats.outcomes["created"] == sent - lost, stats
            assert stats.recovered_by_external_ref == lost, stats
            assert stats.outcomes["unchanged"] == lost, stats
    if "bulk" in features:
        assert any(key.endswith(":bulk") for key in proxy.dropped)
    lost_in_load = sum(c.stats.retries_after_transport_error for c in (older, crm))
    assert lost_in_load == len(proxy.dropped)
    loaded_in = time.monotonic() - started

    # 2. The mirror: a full export, then the feed from the export's cursor, in a thread.
    mirror = opened(closing, crm_sync.Mirror(str(tmp_path / "mirror.sqlite3"), served.crm_key_id))
    puller = crm_sync.CrmSync(
        opened(closing, crm_sync.Coprod(served.url, served.crm_token)), mirror
    )
    assert puller.resync() == len(records) + PROJECTS  # and each one's first stage entry
    start_cursor = mirror.cursor()
    assert start_cursor is not None
    done = threading.Event()
    failures: list[BaseException] = []
    walk = {"applied": 0, "pages": 0}

    def follow() -> None:
        try:
            while True:
                finished = done.is_set()
                walk["applied"] += puller.pull(limit=20, pages=1)
                walk["pages"] += 1
                if finished and puller.pull(limit=20) == 0:
                    return
                time.sleep(0.02)
        except BaseException as error:  # reported below
            failures.append(error)

    follower = threading.Thread(target=follow)
    follower.start()

    # 3. Other people's changes while the walk goes on.
    staff = opened(closing, Staff(served, served.staff_token))
    dpo = opened(closing, Staff(served, served.dpo_token))
    initiative = crm.initiative_ids

    def contact(p: int, c: int) -> str:
        return str(contact_ids[f"contact-{p}-{c}"])

    host = PluginHost.of(("race", RacePlugin(0)))
    note_120 = staff.note(initiative["proj-120"], contact(120, 0))
    note_122 = staff.note(initiative["proj-122"], contact(122, 0))

    def withdraw_and_note(ws: Workspace) -> None:
        update_participant(ws, contact(120, 0), {"consent": "withdrawn"})
        create_evidence(ws, initiative["proj-121"], evidence_type="note", payload={"text": "x"})

    def erase(ws: Workspace) -> None:
        erase_participant(ws, contact(122, 0))

    first_flushed = threading.Event()
    staff_committed = threading.Event()
    closing.callback(staff_committed.set)  # a failure below frees the held transaction

    def hold_open() -> None:
        """Changes made in coprod's own process, each transaction held open on purpose
        while others commit (on PostgreSQL; SQLite's writers wait) and the walk reads."""
        for action in (withdraw_and_note, erase):
            session = served.database.new_session()
            try:
                ws = Workspace(session, served.organisation_id, host, LocalFileStore(tmp_path))
                action(ws)
                session.flush()  # written, not committed
                first_flushed.set()
                if action is withdraw_and_note and not served.database.is_sqlite:
                    # Held until a later write has committed, so that the feed has one
                    # event committed out of write order (checked below). SQLite's
                    # writers wait for this one, so there it is held a while instead.
                    if not staff_committed.wait(30):
                        raise AssertionError("no staff write committed during the hold")
                    time.sleep(HOLD_SECONDS)  # the walk reads on while it is held
                else:
                    time.sleep(HOLD_SECONDS)
                ws.commit()
                FIGURES["crm sync: transactions held open on purpose"] += 1
            except BaseException as error:  # reported below
                failures.append(error)
                first_flushed.set()
            finally:
                session.close()

    holder = threading.Thread(target=hold_open)
    holder.start()
    erased_refs = {"contact-122-0"}
    withdrawn_refs = {"contact-120-0"}
    assert first_flushed.wait(30)  # a write is held: now everyone else writes

    for p in range(4):  # transitions: gather -> decide -> act
        home = initiative[f"proj-{p}"]
        staff.note(home)
        staff_committed.set()
        staff.write(
            "POST",
            f"initiatives/{home}/activities",
            {"activity_type": "meeting", "title": "Walk", "participant_ids": [contact(p, 0)]},
        )
        for stage in ("decide", "act"):
            staff.write("POST", f"initiatives/{home}/transitions", {"to_stage": stage})
    for p in range(10, 30):
        path = f"initiatives/{initiative[f'proj-{p}']}"
        staff.write("PATCH", path, {"title": f"Project {p} (renamed)"}, staff.etag(path))
    for p in range(30, 50):
        staff.write("PATCH", f"participants/{contact(p, 1)}", {"display_name": f"Renamed {p}"})
    for p in range(50, 60):
        staff.note(initiative[f"proj-{p}"], contact(p, 0))
        staff.write("PATCH", f"participants/{contact(p, 0)}", {"consent": "withdrawn"})
        withdrawn_refs.add(f"contact-{p}-0")
    for p in range(60, 66):
        staff.note(initiative[f"proj-{p}"], contact(p, 1))
        dpo.write("POST", f"participants/{contact(p, 1)}/erasure")
        erased_refs.add(f"contact-{p}-1")
    for p in range(70, 80):
        staff.write("DELETE", f"participants/{contact(p, 2)}")
    for p in range(80, 83):
        staff.write("DELETE", f"initiatives/{initiative[f'proj-{p}']}")
    older.initiative_ids.update(crm.initiative_ids)
    for p in range(90, 120):  # the CRM's own changes, which its mirror hears as its own
        renamed = crm_sync.Contact(
            f"contact-{p}-0", f"proj-{p}", f"c{p}-0-v2", "person_using_services", f"C {p}", "given"
        )
        # "unchanged" when the proxy lost a PATCH's answer and, before idempotency, the
        # retry's If-Match was stale: the re-read found the change already made.
        assert (older if p % 2 else crm).push_contact(renamed).outcome in {"updated", "unchanged"}
    # Requests held up in the network past their client's patience: the client retries
    # with the same key, and the original reaches coprod after the retry was answered.
    impatient_stats = []
    for upserting in (False, True):
        impatient = crm_sync.CrmSync(
            opened(closing, crm_sync.Coprod(proxy.url, served.crm_token, timeout=GIVES_UP_AFTER)),
            upserts=upserting,
        )
        impatient.initiative_ids.update(crm.initiative_ids)
        for p in (130, 131) if upserting else (132, 133):
            newcomer = crm_sync.Contact(
                f"contact-{p}-late", f"proj-{p}", f"c{p}-3:late-v1", "volunteer", f"Late {p}"
            )
            assert impatient.push_contact(newcomer).outcome == "created"
        # Each first attempt timed out; a retry slower than GIVES_UP_AFTER adds one.
        assert impatient.stats.retries_after_transport_error >= 2, impatient.stats
        impatient_stats.append(impatient.stats)
    deadline = time.monotonic() + HELD_AT_MOST
    while len(proxy.late_answers) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not proxy.errors, proxy.errors
    assert len(proxy.late_answers) == 4, proxy.late_answers
    if "idempotency" in features:  # each late original heard the retry's answer again
        assert all(
            status == 201 and replayed == "true" for _, status, replayed in proxy.late_answers
        ), proxy.late_answers
    holder.join(30)
    done.set()
    follower.join(120)
    assert not failures, failures
    assert not holder.is_alive(), "the held transactions did not end"
    assert not follower.is_alive()

    # 4. The mirror equals coprod, and heard every event after its cursor once, in order.
    export = exported(served)
    assert differences(mirror.records(), export) == []
    applied = mirror.applied_event_ids()
    assert len(applied) == len(set(applied)), "an event was applied twice"
    assert applied == events_after(
        served.database, served.organisation_id, position_of(start_cursor)
    )
    times = [
        dt.datetime.fromisoformat(row[0])
        for row in mirror.db.execute("SELECT occurred_at FROM applied ORDER BY seq")
    ]
    overtaken = sum(1 for before, after in itertools.pairwise(times) if after < before)
    if not served.database.is_sqlite:  # the held writes committed after later ones
        assert overtaken >= 1, times
    held = mirror.records()
    assert all(
        held["participant", contact(p, 0)]["display_name"] == f"C {p}" for p in range(90, 120)
    )
    own = mirror.db.execute("SELECT count(*) FROM applied WHERE own = 1").fetchone()[0]
    assert own >= 30  # the CRM's renames, marked as its own
    tasks = mirror.tasks()
    erasures = {(t.record_type, t.record_id): t.external_ref for t in tasks if t.task == "erase"}
    assert {ref for (kind, _), ref in erasures.items() if kind == "participant"} == erased_refs
    assert ("evidence", note_122) in erasures
    withdrawals = {
        (t.record_type, t.record_id): t.external_ref for t in tasks if t.task == "consent_withdrawn"
    }
    assert withdrawn_refs <= {
        ref for (kind, _), ref in withdrawals.items() if kind == "participant"
    }
    assert ("evidence", note_120) in withdrawals
    for task in tasks:  # the CRM carries each out, then ticks it off
        mirror.task_done(task)
    assert mirror.tasks() == []

    with served.database.engine.connect() as connection:
        late_made = connection.execute(
            sa.text(
                "SELECT count(*) FROM participants WHERE organisation_id = :o "
                "AND external_ref LIKE 'contact-%-late'"
            ),
            {"o": served.organisation_id},
        ).scalar_one()
    assert late_made == 4  # made once each, however late the first attempt arrived

    # 5. The CRM pushing an erased person again is refused, and says so.
    again = crm_sync.Contact(
        "contact-60-1", "proj-60", "c60-1-v2", "volunteer", "Contact 60/1", "given"
    )
    assert crm.push_contact(again).outcome == "erased"
    refused = crm.coprod.request(
        "POST",
        f"/api/v1/initiatives/{initiative['proj-60']}/participants",
        json_body={"role": "volunteer", "display_name": "X", "external_ref": "contact-60-1"},
        idempotency_key=str(uuid.uuid4()),
    )
    assert (refused.status_code, crm_sync.problem_code(refused)) == (409, "participant_erased")

    # 6. A second mirror that follows the whole feed from its start ends the same.
    whole = opened(closing, crm_sync.Mirror(str(tmp_path / "whole.sqlite3")))
    from_start = crm_sync.CrmSync(
        opened(closing, crm_sync.Coprod(served.url, served.crm_token)), whole
    )
    events_from_start = from_start.pull(limit=100)
    assert differences(whole.records(), exported(served)) == []

    elapsed = time.monotonic() - started
    clients = (crm, older, puller, from_start, staff, dpo)
    stats = [client.coprod.stats for client in clients] + impatient_stats
    FIGURES["crm sync: records loaded"] += len(records)
    FIGURES["crm sync: answers dropped after the commit and retried"] += len(proxy.dropped)
    FIGURES["crm sync: lost answers replayed by Idempotency-Key"] += sum(s.replayed for s in stats)
    FIGURES["crm sync: creates answered external_ref_taken, carried on with the record"] += sum(
        s.recovered_by_external_ref for s in stats
    )
    FIGURES["crm sync: PATCHes re-read after 412 stale_etag"] += sum(
        s.stale_etag_rereads for s in stats
    )
    FIGURES["crm sync: retries (all clients)"] += sum(s.retries for s in stats)
    FIGURES["crm sync: requests (all clients)"] += sum(s.requests for s in stats)
    FIGURES["crm sync: answers 429 retried after Retry-After"] += sum(
        s.retries_after_status.get(429, 0) for s in stats
    )
    FIGURES["crm sync: answers 503 retried after Retry-After"] += sum(
        s.retries_after_status.get(503, 0) for s in stats
    )
    FIGURES["crm sync: events committed out of write order and still applied"] += overtaken
    FIGURES["crm sync: requests for the bulk part of the load"] += bulk_requests
    FIGURES["crm sync: requests reaching coprod after their client gave up"] += len(
        proxy.late_answers
    )
    FIGURES["crm sync: paced waits on RateLimit"] += sum(s.paced_waits for s in stats)
    FIGURES["crm sync: events applied during the walk"] += walk["applied"]
    FIGURES["crm sync: feed pages read during the walk"] += walk["pages"]
    FIGURES["crm sync: events applied from the feed's start"] += events_from_start
    FIGURES[f"crm sync: seconds on {database_name}"] += round(elapsed)
    FIGURES[f"crm sync: seconds loading on {database_name}"] += round(loaded_in)
    FIGURES[f"crm sync: server features {sorted(features) or ['none']}"] += 1


# The client's retry rules, without a server ---------------------------------------------


def test_a_write_is_retried_with_the_same_key_honouring_retry_after() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.ReadTimeout("slow"),
            httpx.Response(
                503,
                headers={"Retry-After": "1", "Content-Type": "application/problem+json"},
                json={"code": "database_unavailable"},
            ),
            httpx.Response(
                409,
                headers={"Retry-After": "1", "Content-Type": "application/problem+json"},
                json={"code": "idempotency_key_in_use"},
            ),
            httpx.Response(
                201,
                json={"id": "ini_1"},
                headers={"ETag": '"ini_1.1"', "Idempotent-Replayed": "true"},
            ),
        ]
    )
    keys: list[str | None] = []
    slept: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers.get("Idempotency-Key"))
        reply = next(answers)
        if isinstance(reply, Exception):
            raise reply
        return reply

    coprod = crm_sync.Coprod(
        "http://coprod.invalid", "k", transport=httpx.MockTransport(answer), sleep=slept.append
    )
    coprod._features = set()
    sync = crm_sync.CrmSync(coprod)
    result = sync.push_project(crm_sync.Project("proj-1", "change-9", "Walks", RACE))
    assert result == crm_sync.Pushed("created", "ini_1", '"ini_1.1"')
    assert keys == ["crm-sync:change-9:post"] * 5
    assert slept[0] == 3
    assert slept[2:] == [1, 1]
    assert coprod.stats.retries == 4
    assert coprod.stats.replayed == 1
    coprod.close()


def test_the_client_waits_out_the_window_when_the_quota_is_nearly_spent() -> None:
    slept: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"items": [], "next_cursor": "c"},
            headers={"RateLimit": '"key";r=1;t=7', "RateLimit-Policy": '"key";q=1200;w=60'},
        )

    coprod = crm_sync.Coprod(
        "http://coprod.invalid", "k", transport=httpx.MockTransport(answer), sleep=slept.append
    )
    coprod.get_json("/api/v1/events")
    assert slept == [7]
    assert coprod.stats.paced_waits == 1
    coprod.close()


def event(number: int, kind: str, record: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"aud_{number}",
        "type": kind,
        "occurred_at": f"2026-12-04T10:00:{number:02}+00:00",
        "record_type": kind.split(".")[0],
        "record_id": "par_1",
        "initiative_id": "ini_1",
        "external_ref": "contact-1",
        "version": None if record is None else record["version"],
        "actor": {"channel": "api", "key_id": "key_crm"},
        "fields": [],
        "record": record,
        **extra,
    }


def test_a_page_is_applied_with_its_cursor_or_not_at_all(tmp_path: pathlib.Path) -> None:
    mirror = crm_sync.Mirror(str(tmp_path / "m.sqlite3"), own_key_id="key_crm")
    person = {"id": "par_1", "initiative_id": "ini_1", "version": 1, "external_ref": "contact-1"}
    first = [event(1, "participant.created", person)]
    assert mirror.apply_page(first, "c1") == 1
    broken = [event(2, "participant.updated", {**person, "version": 2}), {"id": "aud_3"}]
    with pytest.raises(KeyError):
        mirror.apply_page(broken, "c3")
    assert mirror.cursor() == "c1"  # neither the cursor nor the first event of the page
    assert mirror.records()["participant", "par_1"]["version"] == 1
    assert mirror.apply_page(first, "c1") == 0  # a page read again changes nothing
    mirror.apply_page([event(4, "participant.erased", None)], "c4")
    assert mirror.records()["participant", "par_1"] == {
        "id": "par_1",
        "initiative_id": "ini_1",
        "erased": True,
    }
    assert [(t.task, t.external_ref) for t in mirror.tasks()] == [("erase", "contact-1")]
    mirror.close()


def test_an_expired_cursor_means_a_resync_from_an_export(tmp_path: pathlib.Path) -> None:
    asked: list[str] = []
    export = "\n".join(
        json.dumps(line)
        for line in [
            {"type": "export", "cursor": "fresh"},
            {"type": "record", "record_type": "initiative", "record": {"id": "ini_9"}},
            {"type": "end", "records": 1},
        ]
    )

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(f"{request.url.path}?{request.url.query.decode()}")
        if request.url.path.endswith("/export"):
            return httpx.Response(200, text=export + "\n")
        if request.url.params.get("cursor") == "stale":
            return httpx.Response(
                410,
                headers={"Content-Type": "application/problem+json"},
                json={"code": "cursor_expired"},
            )
        return httpx.Response(200, json={"items": [], "next_cursor": "fresh"})

    mirror = crm_sync.Mirror(str(tmp_path / "m.sqlite3"))
    mirror.apply_page([], "stale")
    coprod = crm_sync.Coprod("http://coprod.invalid", "k", transport=httpx.MockTransport(answer))
    assert crm_sync.CrmSync(coprod, mirror).pull() == 0
    assert asked == [
        "/api/v1/events?limit=100&cursor=stale",
        "/api/v1/export?",
        "/api/v1/events?limit=100&cursor=fresh",
    ]
    assert list(mirror.records()) == [("initiative", "ini_9")]
    coprod.close()
    mirror.close()
