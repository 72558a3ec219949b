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

import dataclasses
import datetime as dt
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
from toolkits_core.service import IdempotentCall, KeyState, StoredAnswer, claim_key, save_answer

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


def answer_of(answer: dict, within: float = MOST_PAUSE) -> Any:
    """The answer a request sent in a thread of its own puts in ``answer``, once it has."""
    for _ in range(int(within * 10)):
        if "response" in answer:
            return answer["response"]
        time.sleep(0.1)
    raise AssertionError(f"no answer within {within} s")


def finish(paused: PausedBody, answer: dict) -> Any:
    paused.resume.set()
    return answer_of(answer)


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
    before = open_transactions(database)
    paused, answer = paused_upload(path, big_wav(4), pause_at)
    assert services(app).database.engine.pool.checkedout() == 0, "no connection is held"
    assert open_transactions(database) - before == set(), "the paused upload holds none"
    assert finish(paused, answer).status_code == 200


def open_transactions(database: Any) -> set[int]:
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


class StorePause:
    """The app's file store, its first ``put`` stopped once the file is stored, until told
    to go on; any other ``put`` goes straight through."""

    def __init__(self, put: Callable[..., Any]) -> None:
        self._put = put
        self._calls = 0
        self.reached = threading.Event()
        self.resume = threading.Event()

    def put(self, *args: Any, **kwargs: Any) -> Any:
        stored = self._put(*args, **kwargs)
        self._calls += 1
        if self._calls == 1:
            self.reached.set()
            self.resume.wait(MOST_PAUSE)
        return stored


@pytest.fixture
def store_pause(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[StorePause]:
    store = services(app).files
    pause = StorePause(store.put)
    monkeypatch.setattr(store, "put", pause.put)
    yield pause
    pause.resume.set()


def send_with_key(app: Any, org: Any, path: str, content: bytes, key: str) -> dict:
    """Upload ``content`` with an Idempotency-Key in a thread of its own; the dict holds
    its answer (``response``) once it has one."""
    body, kind = upload_form(content)
    uploader = ApiClient(app.test_client(), org.tokens["write"])
    answer: dict = {}

    def send() -> None:
        answer["response"] = uploader.put(
            path, data=body, content_type=kind, headers={"Idempotency-Key": key}
        )

    threading.Thread(target=send, daemon=True).start()
    return answer


def test_an_upload_with_an_idempotency_key_holds_no_lock_while_its_file_is_stored(
    database, app, api, org, interview, store_pause
):
    """A key is claimed with the upload's write, once its file is stored, not before: the
    claim is a write, and on SQLite a write holds the whole database (every other writer
    waited for the store, and past its patience failed with 503); on PostgreSQL it held a
    transaction open through a transfer that can take minutes."""
    _, path = interview
    content = big_wav(2)
    before = open_transactions(database)
    answer = send_with_key(app, org, path, content, "walk-recording-1")
    assert store_pause.reached.wait(MOST_PAUSE)

    started = time.monotonic()
    other = api.post("initiatives", json={"toolkit": "coproduction-star", "title": "Allotments"})
    assert other.status_code == 201, other.get_data(as_text=True)
    assert time.monotonic() - started < 5, "the write did not wait for the file store"
    assert open_transactions(database) - before == set(), "the upload holds no transaction"

    store_pause.resume.set()
    uploaded = answer_of(answer)
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)
    assert "Idempotent-Replayed" not in uploaded.headers
    body, kind = upload_form(content)
    again = api.put(
        path, data=body, content_type=kind, headers={"Idempotency-Key": "walk-recording-1"}
    )
    assert again.status_code == 200, again.get_data(as_text=True)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == uploaded.json
    digest = hashlib.sha256(content).hexdigest()
    assert stored_paths(app, org.id) == {(uploaded.json["id"], digest)}


def test_two_sends_of_one_upload_with_one_key_record_it_once_and_keep_one_file(
    app, api, org, interview, store_pause
):
    """A client's retry of an upload still being stored (its first send timed out on the
    client's side, say) is stored too, since neither has claimed the key yet; the first to
    record its file claims the key, and the other hears its answer and deletes its own
    copy of the bytes. Either way the file is recorded once and kept once."""
    created, path = interview
    content = big_wav(2)
    first = send_with_key(app, org, path, content, "walk-recording-2")
    assert store_pause.reached.wait(MOST_PAUSE)

    retry = answer_of(send_with_key(app, org, path, content, "walk-recording-2"), within=10)
    assert retry.status_code == 200, retry.get_data(as_text=True)
    assert "Idempotent-Replayed" not in retry.headers

    store_pause.resume.set()
    replayed = answer_of(first)
    assert replayed.status_code == 200, replayed.get_data(as_text=True)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json == retry.json
    evidence = api.get(f"evidence/{created.json['id']}")
    assert evidence.headers["ETag"] == retry.headers["ETag"], "recorded once"
    digest = hashlib.sha256(content).hexdigest()
    assert stored_paths(app, org.id) == {(created.json["id"], digest)}, "the other copy is gone"


@pytest.fixture
def upload_calls(monkeypatch: pytest.MonkeyPatch) -> list[IdempotentCall]:
    """The keyed requests each upload looked its key up for, in order."""
    from api import idempotency

    calls: list[IdempotentCall] = []
    look_up = idempotency.look_up_claim

    def noting(connection: Any, call: IdempotentCall, now: Any = None) -> Any:
        calls.append(call)
        return look_up(connection, call, now)

    monkeypatch.setattr(idempotency, "look_up_claim", noting)
    return calls


def test_an_upload_whose_key_was_claimed_while_its_file_was_stored_commits_nothing(
    app, api, org, interview, store_pause, upload_calls
):
    """The claim made with the upload's write finds the key taken (another send of the
    same upload, answered meanwhile): the write is not committed, its file is deleted, and
    the answer is the other send's."""
    created, path = interview
    answer = send_with_key(app, org, path, big_wav(2), "walk-recording-3")
    assert store_pause.reached.wait(MOST_PAUSE)
    kept = StoredAnswer(200, {"Content-Type": "application/json"}, b'{"sent": "first"}')
    with services(app).database.session() as session:
        assert claim_key(session, upload_calls[0], dt.timedelta(hours=1)).state is KeyState.CLAIMED
        session.commit()
        assert save_answer(session, upload_calls[0], kept)
        session.commit()

    store_pause.resume.set()
    replayed = answer_of(answer)
    assert replayed.status_code == 200, replayed.get_data(as_text=True)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.get_data() == kept.body
    evidence = api.get(f"evidence/{created.json['id']}")
    assert evidence.json["file"] is None
    assert evidence.headers["ETag"] == created.headers["ETag"], "nothing was committed"
    assert stored_paths(app, org.id) == set(), "its file is deleted again"


@pytest.mark.parametrize("refusal", ["no such evidence", "a stale If-Match"])
def test_a_refused_upload_with_a_key_keeps_its_refusal_for_its_retries(
    api, app, org, interview, refusal
):
    """An upload refused before it records anything (nothing claimed its key) keeps its
    refusal as any request does, and a retry hears it again."""
    created, path = interview
    headers = {"Idempotency-Key": f"refused: {refusal}"}
    if refusal == "no such evidence":
        path, status, code = "evidence/evd_00000000000000000000000000/file", 404, "not_found"
    else:
        headers["If-Match"] = created.headers["ETag"]
        changed = api.patch(f"evidence/{created.json['id']}", json={"payload": {"caption": "x"}})
        assert changed.status_code == 200, changed.get_data(as_text=True)
        status, code = 412, "stale_etag"
    body, kind = upload_form(wav_bytes(600))
    refused(api.put(path, data=body, content_type=kind, headers=headers), status, code)
    again = api.put(path, data=body, content_type=kind, headers=headers)
    refused(again, status, code)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert stored_paths(app, org.id) == set()


def test_an_upload_waiting_for_its_key_holds_no_lock_that_other_writes_need(
    database, app, api, org, interview, store_pause, upload_calls
):
    """An upload's key is claimed before its write locks anything: when another request of
    the same caller holds the same key (a key sent again with another request), the upload
    waits for it holding nothing else, and is then refused as reusing the key. Claimed
    at the commit instead, it waited holding the change clock, which every write in the
    database takes as it commits."""
    if database.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: a claim not yet committed holds the database's write lock")
    _, path = interview
    answer = send_with_key(app, org, path, big_wav(2), "walk-recording-4")
    assert store_pause.reached.wait(MOST_PAUSE)
    other = dataclasses.replace(
        upload_calls[0], fingerprint="0" * 64, method="POST", path="/api/v1/initiatives"
    )
    holder = database.new_session()
    try:
        assert claim_key(holder, other, dt.timedelta(hours=1)).state is KeyState.CLAIMED
        store_pause.resume.set()
        time.sleep(0.5)
        assert "response" not in answer, "the upload waits for the key's other claim"
        unrelated: dict = {}
        writer = ApiClient(app.test_client(), org.tokens["write"])
        create = threading.Thread(
            target=lambda: unrelated.update(
                response=writer.post(
                    "initiatives", json={"toolkit": "coproduction-star", "title": "Pond"}
                )
            ),
            daemon=True,
        )
        create.start()
        create.join(3)
        holder.commit()
    finally:
        holder.close()
    assert "response" in unrelated, "the write waited for the upload's claim"
    assert unrelated["response"].status_code == 201, unrelated["response"].get_data(as_text=True)
    refused(answer_of(answer), 422, "idempotency_key_reused")
    assert stored_paths(app, org.id) == set()
