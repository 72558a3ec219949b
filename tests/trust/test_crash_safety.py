"""Faults part-way through a write: every write is one transaction, and files follow rows.

Each test injects one fault where a real one happens (a database connection that dies
between two statements of a write, a database that cannot be reached at all, a commit
whose answer is lost, a file store that refuses, a plugin that raises), then checks the
database, table by table, and the file store: no half record, no orphan file, no row
naming a missing file. The client always gets a problem document, never a bare 500 page,
and the next request works.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from conftest import bytes_named
from flask import Flask

from api.context import EXTENSION, services
from toolkits_core import PluginHost
from toolkits_core.service import Database, ObjectFileStore

from .conftest import (
    FIGURES,
    TOOLKIT,
    DatabaseFaults,
    Http,
    Reply,
    Tenant,
    TrustPlugin,
    rows_of,
    serve_live,
    stored_files,
    wav_bytes,
)

NEW_AUDIO, OLD_AUDIO = wav_bytes(level=7), wav_bytes(level=3)


def created(reply: Reply) -> dict[str, Any]:
    assert reply.status == 201, reply
    return dict(reply.json)


def new_initiative(http: Http) -> dict[str, Any]:
    return created(http.post("initiatives", {"toolkit": TOOLKIT, "title": "Walks"}))


def new_interview(http: Http, initiative: dict[str, Any]) -> dict[str, Any]:
    return created(
        http.post(
            f"initiatives/{initiative['id']}/evidence",
            {"evidence_type": "interview", "payload": {"caption": "By the canal"}},
        )
    )


def database_unavailable(reply: Reply) -> None:
    """The answer to a request the database failed: a 503 problem, with nothing internal."""
    assert reply.status == 503, reply
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.code == "database_unavailable"
    assert reply.json["type"] == "urn:coprod:problem:database_unavailable"
    assert int(reply.headers["Retry-After"]) > 0
    assert b"Traceback" not in reply.body
    assert b"sqlalchemy" not in reply.body.lower()
    assert b"psycopg" not in reply.body.lower()


@pytest.fixture(scope="module")
def trust_app(
    make_app: Callable[..., Flask], trust_plugin: TrustPlugin, file_store_settings: dict[str, str]
) -> Flask:
    """The trust app on each file store in turn: every fault here is met on both."""
    return make_app(PLUGIN_HOST=PluginHost.of(("trust", trust_plugin)), **file_store_settings)


@pytest.fixture(scope="module")
def live_port(trust_app: Flask) -> Iterator[int]:
    with serve_live(trust_app) as port:
        yield port


@dataclass
class Stored:
    """What an organisation has in the database and the file store at one moment."""

    rows: dict[str, list[tuple[Any, ...]]]
    files: set[tuple[str, str]]


@pytest.fixture
def stored(database: Database, trust_app: Flask, tenant: Tenant) -> Callable[[], Stored]:
    return lambda: Stored(rows_of(database, tenant.id), stored_files(trust_app, tenant.id))


# Uploads: the file is stored, then the row write fails --------------------------------------


@pytest.mark.parametrize("replacing", [False, True], ids=["first-file", "replacing-a-file"])
def test_an_upload_whose_row_write_fails_leaves_no_file_and_the_row_as_it_was(
    http: Http,
    faults: DatabaseFaults,
    stored: Callable[[], Stored],
    replacing: bool,
) -> None:
    interview = new_interview(http, new_initiative(http))
    path = f"evidence/{interview['id']}/file"
    if replacing:
        assert http.upload(path, OLD_AUDIO).status == 200
    before = stored()
    faults.connection_dies_at("UPDATE evidence")
    database_unavailable(http.upload(path, NEW_AUDIO))
    assert faults.fired.is_set()
    assert stored() == before, "the failed upload left a file or changed a row"
    faults.remove()
    download = http.get(path)
    if replacing:
        assert download.body == OLD_AUDIO
    else:
        assert (download.status, download.code) == (404, "no_file")
    assert http.upload(path, NEW_AUDIO).status == 200, "the next request must work"
    assert http.get(path).body == NEW_AUDIO


def test_an_upload_when_the_database_goes_for_good_still_leaves_no_file(
    http: Http, faults: DatabaseFaults, stored: Callable[[], Stored]
) -> None:
    """The request cannot even ask the database whether a row names its file; it never
    tried to commit, so none can, and the file goes."""
    interview = new_interview(http, new_initiative(http))
    path = f"evidence/{interview['id']}/file"
    before = stored()
    faults.connection_dies_at("UPDATE evidence", then_unreachable=True)
    database_unavailable(http.upload(path, NEW_AUDIO))
    database_unavailable(http.get(path))
    faults.back()
    assert stored() == before
    assert http.upload(path, NEW_AUDIO).status == 200
    assert http.get(path).body == NEW_AUDIO


def test_the_same_bytes_uploaded_again_as_the_database_goes_keep_the_file_its_row_names(
    http: Http, faults: DatabaseFaults, stored: Callable[[], Stored]
) -> None:
    """The bytes are the file the committed row already names: the failed request must not
    delete them on its way out, even without the database to ask."""
    interview = new_interview(http, new_initiative(http))
    path = f"evidence/{interview['id']}/file"
    assert http.upload(path, OLD_AUDIO).status == 200
    before = stored()
    faults.connection_dies_at("UPDATE evidence", then_unreachable=True)
    database_unavailable(http.upload(path, OLD_AUDIO))
    faults.back()
    assert stored() == before
    assert http.get(path).body == OLD_AUDIO


def test_an_upload_whose_commit_never_reached_the_database_leaves_no_file(
    http: Http,
    faults: DatabaseFaults,
    stored: Callable[[], Stored],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    interview = new_interview(http, new_initiative(http))
    path = f"evidence/{interview['id']}/file"
    before = stored()
    faults.commit_answer_lost(monkeypatch, committed=False)
    database_unavailable(http.upload(path, NEW_AUDIO))
    assert faults.fired.is_set()
    assert stored() == before
    assert http.get(path).code == "no_file"


@pytest.mark.parametrize("database_stays_away", [False, True], ids=["back", "gone"])
def test_an_upload_committed_though_its_answer_was_lost_keeps_its_file(
    http: Http,
    faults: DatabaseFaults,
    stored: Callable[[], Stored],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    database_stays_away: bool,
) -> None:
    """The ambiguous failure: the server committed, the client heard 503. The row names
    the file, so the file must stay: if the database can be asked, because it says so; if
    it cannot, because a commit was tried and an orphan is better than a row without its
    file. Either way the client can read back what happened."""
    interview = new_interview(http, new_initiative(http))
    path = f"evidence/{interview['id']}/file"
    faults.commit_answer_lost(monkeypatch, committed=True, then_unreachable=database_stays_away)
    with caplog.at_level(logging.WARNING, logger="toolkits_core.files"):
        database_unavailable(http.upload(path, NEW_AUDIO))
    faults.back()
    digest = hashlib.sha256(NEW_AUDIO).hexdigest()
    assert stored().files == {(interview["id"], digest)}
    evidence = http.get(f"evidence/{interview['id']}").json
    assert evidence["file"]["sha256"] == digest
    assert http.get(path).body == NEW_AUDIO
    kept_warnings = [r for r in caplog.records if digest in r.getMessage()]
    assert bool(kept_warnings) == database_stays_away


def test_a_file_store_that_fails_mid_upload_keeps_nothing(
    trust_app: Flask,
    http: Http,
    stored: Callable[[], Stored],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """A full disk under the local folder; an object store answering 500 to everything."""
    interview = new_interview(http, new_initiative(http))
    path = f"evidence/{interview['id']}/file"
    before = stored()
    store = services(trust_app).files
    FIGURES["faults injected"] += 1
    if isinstance(store, ObjectFileStore):
        FIGURES["faults injected: object store answering 500"] += 1
        server = request.getfixturevalue("object_store")
        endpoint = request.getfixturevalue("failing_store_endpoint")
        failing = dataclasses.replace(
            services(trust_app),
            files=ObjectFileStore(store.url(), client=server.client(endpoint, attempts=2)),
        )
        monkeypatch.setitem(trust_app.extensions, EXTENSION, failing)
        expected = (503, "file_store_unavailable")
    else:

        def disk_full(_descriptor: int) -> None:
            FIGURES["faults injected: file store full"] += 1
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("toolkits_core._services.local_files.os.fsync", disk_full)
        expected = (500, "internal_server_error")
    reply = http.upload(path, NEW_AUDIO)
    assert (reply.status, reply.code) == expected, reply
    monkeypatch.undo()
    assert stored() == before, "no temporary file and no row change"
    assert http.upload(path, NEW_AUDIO).status == 200


@pytest.fixture(scope="module")
def failing_store_endpoint() -> Iterator[str]:
    from object_store import failing_endpoint

    with failing_endpoint() as endpoint:
        yield endpoint


# The database gone between two statements of one write ------------------------------------


@dataclass(frozen=True)
class Write:
    """A write of several statements, and the statement the connection dies at."""

    name: str
    prepare: Callable[[Http], dict[str, Any]]
    send: Callable[[Http, dict[str, Any]], Reply]
    dies_at: str
    succeeds_with: int


def _with_participant(http: Http) -> dict[str, Any]:
    initiative = new_initiative(http)
    participant = created(
        http.post(
            f"initiatives/{initiative['id']}/participants",
            {"role": "person_using_services", "display_name": "Ann", "consent": "given"},
        )
    )
    return {"initiative": initiative, "participant": participant}


def _with_public_quote(http: Http) -> dict[str, Any]:
    made = _with_participant(http)
    created(
        http.post(
            f"initiatives/{made['initiative']['id']}/evidence",
            {
                "evidence_type": "note",
                "payload": {"text": "The bench by the canal is where we stop."},
                "participant_id": made["participant"]["id"],
                "consent": "given",
                "visibility": "public",
            },
        )
    )
    return made


def _with_filed_interview(http: Http) -> dict[str, Any]:
    initiative = new_initiative(http)
    interview = new_interview(http, initiative)
    assert http.upload(f"evidence/{interview['id']}/file", OLD_AUDIO).status == 200
    return {"initiative": initiative, "interview": interview}


WRITES = [
    Write(
        "an initiative without its start in the history",
        lambda http: {},
        lambda http, _made: http.post("initiatives", {"toolkit": TOOLKIT, "title": "Walks"}),
        "INSERT INTO stage_entries",
        201,
    ),
    Write(
        "an activity without its participant links",
        _with_participant,
        lambda http, made: http.post(
            f"initiatives/{made['initiative']['id']}/activities",
            {
                "activity_type": "meeting",
                "title": "First walk",
                "participant_ids": [made["participant"]["id"]],
            },
        ),
        "INSERT INTO activity_participants",
        201,
    ),
    Write(
        "a stage moved without its history entry",
        lambda http: {"initiative": new_initiative(http)},
        lambda http, made: http.post(
            f"initiatives/{made['initiative']['id']}/transitions", {"to_stage": "second"}
        ),
        "INSERT INTO stage_entries",
        201,
    ),
    Write(
        "a withdrawal of consent that hid the evidence but kept the participant's consent",
        _with_public_quote,
        lambda http, made: http.patch(
            f"participants/{made['participant']['id']}", {"consent": "withdrawn"}
        ),
        "UPDATE participants",
        200,
    ),
    Write(
        "a participant's deletion that unlinked their activities but kept them",
        _with_participant,
        lambda http, made: http.delete(f"participants/{made['participant']['id']}"),
        "DELETE FROM participants",
        204,
    ),
    Write(
        "an evidence row deleted without its file, or its file without the row",
        _with_filed_interview,
        lambda http, made: http.delete(f"evidence/{made['interview']['id']}"),
        "DELETE FROM evidence",
        204,
    ),
    Write(
        "an initiative deleted without its files, or its files without it",
        _with_filed_interview,
        lambda http, made: http.delete(f"initiatives/{made['initiative']['id']}"),
        "DELETE FROM initiatives",
        204,
    ),
]


@pytest.mark.parametrize("write", WRITES, ids=[f"{w.dies_at}: {w.name}" for w in WRITES])
def test_the_database_lost_mid_write_leaves_no_half_record(
    http: Http, faults: DatabaseFaults, stored: Callable[[], Stored], write: Write
) -> None:
    made = write.prepare(http)
    before = stored()
    faults.connection_dies_at(write.dies_at)
    database_unavailable(write.send(http, made))
    assert faults.fired.is_set(), f"no statement started with {write.dies_at!r}"
    assert stored() == before, f"half a write was kept: {write.name}"
    faults.remove()
    assert write.send(http, made).status == write.succeeds_with, "the next request must work"


def test_a_request_while_the_database_is_unreachable_is_a_503_problem(
    http: Http, faults: DatabaseFaults
) -> None:
    initiative = new_initiative(http)
    faults.unreachable_now()
    database_unavailable(http.get("initiatives"))
    database_unavailable(http.patch(f"initiatives/{initiative['id']}", {"title": "Renamed"}))
    faults.back()
    assert http.get(f"initiatives/{initiative['id']}").json["title"] == "Walks"


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.SerializationFailure("could not serialize access"),
    ],
    ids=["deadlock", "serialization-failure"],
)
def test_a_transaction_postgresql_aborts_to_break_a_clash_is_a_write_conflict(
    postgresql_only: None,
    http: Http,
    faults: DatabaseFaults,
    stored: Callable[[], Stored],
    error: Exception,
) -> None:
    """A clash between writes, not an outage: 409 write_conflict (read again and retry)."""
    initiative = new_initiative(http)
    before = stored()
    faults.statement_fails_with(error, "UPDATE initiatives")
    reply = http.patch(f"initiatives/{initiative['id']}", {"title": "Renamed"})
    assert faults.fired.is_set()
    assert (reply.status, reply.code) == (409, "write_conflict"), reply
    assert stored() == before


# A plugin that raises part-way through a write -----------------------------------------


def test_a_plugin_failing_while_evidence_is_checked_writes_nothing(
    http: Http, failing_plugin: TrustPlugin, stored: Callable[[], Stored]
) -> None:
    initiative = new_initiative(http)
    note = created(
        http.post(
            f"initiatives/{initiative['id']}/evidence",
            {"evidence_type": "note", "payload": {"text": "First"}},
        )
    )
    before = stored()
    failing_plugin.failing.add("coprod_validate_evidence")
    for reply in (
        http.post(
            f"initiatives/{initiative['id']}/evidence",
            {"evidence_type": "note", "payload": {"text": "Second"}},
        ),
        http.patch(f"evidence/{note['id']}", {"payload": {"text": "Changed"}}),
    ):
        assert (reply.status, reply.code) == (500, "internal_server_error"), reply
        assert b"Traceback" not in reply.body
    assert stored() == before
    failing_plugin.failing.clear()
    assert http.patch(f"evidence/{note['id']}", {"payload": {"text": "Changed"}}).status == 200


def test_a_plugin_failing_while_a_transition_is_decided_moves_nothing(
    http: Http, failing_plugin: TrustPlugin, stored: Callable[[], Stored]
) -> None:
    initiative = new_initiative(http)
    before = stored()
    failing_plugin.failing.add("coprod_transition_blockers")
    path = f"initiatives/{initiative['id']}/transitions"
    reply = http.post(path, {"to_stage": "second"})
    assert (reply.status, reply.code) == (500, "internal_server_error"), reply
    assert stored() == before
    failing_plugin.failing.clear()
    assert http.post(path, {"to_stage": "second"}).status == 201


# A file that cannot be removed after its row is gone --------------------------------------


@pytest.fixture
def undeletable_files(trust_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """The file store refuses every deletion; returns the digests of the files it was
    asked to delete."""
    asked: list[str] = []

    def refuse(_organisation_id: str, _evidence_id: str, name: str) -> None:
        asked.append(bytes_named(name))
        FIGURES["faults injected"] += 1
        FIGURES["faults injected: file deletion refused"] += 1
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(services(trust_app).files, "delete", refuse)
    return lambda: asked


REMOVALS = {
    "delete the evidence": lambda http, evidence: http.delete(f"evidence/{evidence}"),
    "delete its file": lambda http, evidence: http.delete(f"evidence/{evidence}/file"),
    "replace its file": lambda http, evidence: http.upload(f"evidence/{evidence}/file", NEW_AUDIO),
}


@pytest.mark.parametrize("removal", list(REMOVALS))
def test_a_file_that_cannot_be_removed_after_the_commit_is_logged_not_failed(
    http: Http,
    stored: Callable[[], Stored],
    undeletable_files: Callable[[], list[str]],
    caplog: pytest.LogCaptureFixture,
    removal: str,
) -> None:
    interview = _with_filed_interview(http)["interview"]
    old = hashlib.sha256(OLD_AUDIO).hexdigest()
    with caplog.at_level(logging.WARNING, logger="toolkits_core.files"):
        reply = REMOVALS[removal](http, interview["id"])
        # On object storage the delete is made once the answer is sent: it may be made,
        # and logged, a moment after the client has read the answer.
        deadline = time.monotonic() + 10
        while old not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.01)
    assert reply.status in {200, 204}, reply
    assert undeletable_files() == [old]
    assert (interview["id"], old) in stored().files, "the refused file is still there"
    logged = [r.getMessage() for r in caplog.records if old in r.getMessage()]
    assert len(logged) == 1, caplog.text
    assert interview["id"] in logged[0]
    after = http.get(f"evidence/{interview['id']}")
    if removal == "delete the evidence":
        assert after.status == 404
    elif removal == "delete its file":
        assert after.json["file"] is None
    else:
        assert after.json["file"]["sha256"] == hashlib.sha256(NEW_AUDIO).hexdigest()
