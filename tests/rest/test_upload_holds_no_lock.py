"""An upload holds no lock while its bytes arrive: other requests write meanwhile.

A large recording sent over a council's uplink takes minutes. Its checks are made before
the bytes are read and again, on what is then current, once they are stored; in between
the request holds no transaction. On SQLite, where a write transaction locks the whole
database, holding one through the upload made every other write wait for it and then
fail with 503; on PostgreSQL it kept the initiative's row locked, so a change to it waited.

Each test pauses an upload half way through its body, does something else, then lets it
finish. Every test runs on the local folder and on object storage.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import ApiClient
from test_evidence_files import (
    MiB,
    big_wav,
    new_evidence,
    new_initiative,
    refused,
    stored_paths,
    upload_form,
    wav_bytes,
)

from api.context import services

PAUSE_AT = 2 * MiB
"""Past the first MiB, which the form's parser reads before the upload's checks run."""
MOST_PAUSE = 30.0
"""A regression makes the other request wait for the upload: it then ends the test, late."""


@pytest.fixture(scope="module")
def app(make_app, file_store_settings):
    """The app on each file store in turn."""
    return make_app(**file_store_settings)


@pytest.fixture
def interview(api):
    """An audio interview without its file yet, and the path of its file."""
    created = new_evidence(api, new_initiative(api))
    return created, f"evidence/{created.json['id']}/file"


class PausedBody:
    """An upload's body that stops at ``pause_at`` until told to go on."""

    def __init__(self, body: bytes, pause_at: int = PAUSE_AT) -> None:
        self._body = body
        self._pause_at = pause_at
        self._position = 0
        self.reached = threading.Event()
        self.resume = threading.Event()

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        """(werkzeug's test client measures the body by seeking to its end and back.)"""
        self._position = offset + (len(self._body) if whence == 2 else 0)
        return self._position

    def read(self, size: int = -1, /) -> bytes:
        if self._position >= self._pause_at and not self.resume.is_set():
            self.reached.set()
            self.resume.wait(MOST_PAUSE)
        end = len(self._body) if size < 0 else self._position + size
        if self._position < self._pause_at <= end and not self.resume.is_set():
            end = self._pause_at
        chunk = self._body[self._position : end]
        self._position += len(chunk)
        return chunk


@pytest.fixture
def paused_upload(app: Any, org: Any) -> Iterator[Callable[..., tuple[PausedBody, dict]]]:
    """Start an upload in a thread of its own; it stops half way (``reached``) until
    ``resume`` is set. The dict holds its answer once the thread is joined."""
    threads: list[tuple[threading.Thread, PausedBody]] = []

    def start(path: str, content: bytes, pause_at: int = PAUSE_AT) -> tuple[PausedBody, dict]:
        body, kind = upload_form(content)
        paused, answer = PausedBody(body, pause_at), {}
        uploader = ApiClient(app.test_client(), org.tokens["write"])

        def send() -> None:
            answer["response"] = uploader.put(
                path, input_stream=paused, content_length=len(body), content_type=kind
            )

        thread = threading.Thread(target=send, daemon=True)
        thread.start()
        threads.append((thread, paused))
        while not paused.reached.wait(0.05):
            assert thread.is_alive(), f"the upload ended before its pause: {answer}"
        return paused, answer

    yield start
    for thread, paused in threads:
        paused.resume.set()
        thread.join(MOST_PAUSE)


def finish(paused: PausedBody, answer: dict) -> Any:
    paused.resume.set()
    for _ in range(int(MOST_PAUSE * 10)):
        if "response" in answer:
            return answer["response"]
        time.sleep(0.1)
    raise AssertionError("the upload did not finish")


def test_other_writes_go_on_while_an_upload_arrives(api, interview, paused_upload):
    created, path = interview
    initiative = created.json["initiative_id"]
    content = big_wav(4)
    paused, answer = paused_upload(path, content)

    started = time.monotonic()
    other = api.post("initiatives", json={"toolkit": "coproduction-star", "title": "Allotments"})
    assert other.status_code == 201, other.get_data(as_text=True)
    renamed = api.patch(f"initiatives/{initiative}", json={"title": "Walks by the canal"})
    assert renamed.status_code == 200, renamed.get_data(as_text=True)
    assert time.monotonic() - started < 5, "neither write waited for the upload"

    uploaded = finish(paused, answer)
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)
    assert uploaded.json["file"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert api.get(path).get_data() == content


def test_an_initiative_closed_during_the_upload_refuses_it_and_keeps_nothing(
    api,
    app,
    org,
    interview,
    paused_upload,
):
    created, path = interview
    initiative = created.json["initiative_id"]
    paused, answer = paused_upload(path, big_wav(4))

    closed = api.patch(f"initiatives/{initiative}", json={"status": "archived"})
    assert closed.status_code == 200, closed.get_data(as_text=True)

    refused(finish(paused, answer), 409, "initiative_archived")
    evidence = api.get(f"evidence/{created.json['id']}")
    assert evidence.json["file"] is None
    assert evidence.headers["ETag"] == created.headers["ETag"]
    assert stored_paths(app, org.id) == set(), "the bytes stored for it are deleted again"


def test_a_file_stored_during_the_upload_refuses_the_upload_that_ends_last(
    api,
    app,
    org,
    interview,
    paused_upload,
):
    """Both were sent to replace no file; the one stored first is kept, and the other,
    which would silently replace a file its sender never saw, is refused (409), its
    bytes deleted again."""
    _, path = interview
    paused, answer = paused_upload(path, big_wav(4))

    quick = wav_bytes(600)
    body, kind = upload_form(quick)
    first = api.put(path, data=body, content_type=kind)
    assert first.status_code == 200, first.get_data(as_text=True)

    refused(finish(paused, answer), 409, "write_conflict")
    assert api.get(path).get_data() == quick
    digest = hashlib.sha256(quick).hexdigest()
    assert {name for _, name in stored_paths(app, org.id)} == {digest}, (
        "only the file a row names is kept"
    )


@pytest.mark.parametrize(
    "pause_at",
    [40, PAUSE_AT],
    ids=["in the form's head, before the view", "in its file, after its checks"],
)
def test_no_transaction_or_connection_is_held_while_an_upload_arrives(
    database, app, api, interview, paused_upload, pause_at
):
    """On PostgreSQL an open transaction keeps its locks (a migration's ALTER TABLE waits
    for them, and every request after it); and a connection held by each slow upload
    would soon empty the pool. An upload waiting on its bytes holds neither."""
    _, path = interview

    def open_transactions() -> set[int]:
        """The sessions idle in a transaction (PostgreSQL): another test's may be left."""
        if database.engine.dialect.name != "postgresql":
            return set()
        with database.engine.connect() as connection:
            return set(
                connection.execute(
                    sa.text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
                    )
                ).scalars()
            )

    before = open_transactions()
    paused, answer = paused_upload(path, big_wav(4), pause_at)
    assert services(app).database.engine.pool.checkedout() == 0, "no connection is held"
    assert open_transactions() - before == set(), "the paused upload holds no transaction"
    assert finish(paused, answer).status_code == 200


def test_a_stale_if_match_after_a_change_during_the_upload_is_412(
    api, app, org, interview, paused_upload
):
    """If-Match named the evidence as it was when the upload began: a change made to it
    while the bytes arrive makes that stale, and the upload is refused with 412."""
    created, path = interview
    body, kind = upload_form(big_wav(4))
    paused = PausedBody(body)
    uploader = ApiClient(app.test_client(), org.tokens["write"])
    answer: dict = {}

    def send() -> None:
        answer["response"] = uploader.put(
            path,
            input_stream=paused,
            content_length=len(body),
            content_type=kind,
            headers={"If-Match": created.headers["ETag"]},
        )

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    assert paused.reached.wait(MOST_PAUSE)
    changed = api.patch(
        f"evidence/{created.json['id']}", json={"payload": {"caption": "By the lock gates"}}
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    refused(finish(paused, answer), 412, "stale_etag")
    thread.join(MOST_PAUSE)
    assert api.get(f"evidence/{created.json['id']}").json["file"] is None
    assert stored_paths(app, org.id) == set()
