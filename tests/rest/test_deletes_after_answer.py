"""An object store's deletes after a commit wait until the answer is sent.

A file replaced, removed, or left by a deleted piece of evidence or initiative is no
longer named by any row once the write commits; deleting it is a request to the store
(three on a bucket that keeps versions), tens of milliseconds each on S3. The client
needs none of that to go on, so the API sends its answer first and deletes afterwards,
when the server closes the response it sent. An erasure deletes before it answers: its
answer vouches that the person's recordings are gone. A folder's deletes are a file
removed each, made under the rows' locks, and stay before the answer too.

A response read with ``buffered=False`` is one the server has sent but not yet closed:
what is left for after the answer runs when the test closes it, as a server does.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import stored_entries, stored_name
from test_evidence_files import new_evidence, new_initiative, upload_form, wav_bytes
from test_object_store import new_interview, versions_under
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.test import EnvironBuilder

from api.after_answer import after_answer
from api.context import services
from toolkits_core.service import FileStoreError


@pytest.fixture(scope="module")
def app(make_app, object_store):
    """The app on a bucket that keeps every version, so each delete is several requests."""
    return make_app(FILES_URL=f"s3://{object_store.new_bucket(versioned=True)}/evidence")


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json() if status != 204 else None


def interview_with_file(
    api: Any, level: int = 1, initiative: str | None = None, **body: Any
) -> str:
    """A piece of evidence holding a file (in a new initiative unless given one): its id."""
    initiative = initiative or new_initiative(api)
    body = {"evidence_type": "audio-interview", "payload": {"caption": "c"}, **body}
    evidence = ok(api.post(f"initiatives/{initiative}/evidence", json=body), 201)["id"]
    ok(api.put(f"evidence/{evidence}/file", data={"file": (wav(level), "walk.wav")}))
    return str(evidence)


def wav(level: int) -> io.BytesIO:
    return io.BytesIO(wav_bytes(level=level))


def held(app: Any, org: Any) -> set[str]:
    """The evidence ids whose files the store keeps (each at most once)."""
    return {evidence for evidence, _ in stored_entries(app, org.id)}


REMOVALS = {
    "a file replaced": lambda api, evidence: api.put(
        f"evidence/{evidence}/file",
        data={"file": (wav(9), "walk.wav")},
        buffered=False,
    ),
    "a file removed": lambda api, evidence: api.delete(f"evidence/{evidence}/file", buffered=False),
    "a piece of evidence deleted": lambda api, evidence: api.delete(
        f"evidence/{evidence}", buffered=False
    ),
}


@pytest.mark.parametrize("removal", REMOVALS, ids=list(REMOVALS))
def test_the_file_a_write_leaves_unnamed_goes_once_its_answer_is_sent(app, org, removal):
    evidence = interview_with_file(org.api)
    before = stored_entries(app, org.id)
    answer = REMOVALS[removal](org.api, evidence)
    assert answer.status_code in (200, 204), answer.get_data(as_text=True)
    assert before <= stored_entries(app, org.id), "answered before the store was asked"
    answer.close()  # as the server does once the answer is sent
    after = stored_entries(app, org.id)
    assert not before & after, "the file no row names is gone once the answer is sent"


def test_a_deleted_initiative_answers_before_its_files_go(app, org):
    initiative = new_initiative(org.api)
    for level in range(3):
        evidence = new_evidence(org.api, initiative).json["id"]
        ok(org.api.put(f"evidence/{evidence}/file", data={"file": (wav(level), "w.wav")}))
    assert len(stored_entries(app, org.id)) == 3
    answer = org.api.delete(f"initiatives/{initiative}", buffered=False)
    assert answer.status_code == 204
    assert len(stored_entries(app, org.id)) == 3
    answer.close()
    assert stored_entries(app, org.id) == set()


def test_an_erasure_deletes_the_persons_recordings_before_it_answers(app, org):
    walker, evidence = erasable_interview(org.api, level=2)
    assert held(app, org) == {evidence}
    answer = org.with_scope("admin").post(f"participants/{walker}/erasure", buffered=False)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert stored_entries(app, org.id) == set(), "gone when the erasure answers, not after"
    answer.close()


def test_a_folder_deletes_before_it_answers(make_app, tmp_path, make_org):
    folder = make_app(FILES_DIR=str(tmp_path / "files"))
    org = make_org("Folder council")
    api = type(org.api)(folder.test_client(), org.tokens["write"])
    evidence = interview_with_file(api)
    first = stored_entries(folder, org.id)
    answer = api.put(
        f"evidence/{evidence}/file", data={"file": (wav(5), "walk.wav")}, buffered=False
    )
    assert answer.status_code == 200
    assert not first & stored_entries(folder, org.id), "a folder's delete is made at once"
    answer.close()


def test_a_delete_that_fails_after_the_answer_is_logged_and_the_answer_stands(
    app, org, monkeypatch, caplog
):
    evidence = interview_with_file(org.api, level=3)
    before = stored_entries(app, org.id)
    store = services(app).files

    def refuse(*_args: Any) -> None:
        raise FileStoreError("the store is down")

    monkeypatch.setattr(store, "delete", refuse)
    caplog.set_level(logging.WARNING, logger="toolkits_core.files")
    answer = ok(org.api.delete(f"evidence/{evidence}/file"))
    assert answer["file"] is None, "the removal is committed and answered"
    assert before == stored_entries(app, org.id), "left for coprod files gc"
    assert "left file" in caplog.text, "the log says a file was left behind"
    assert evidence in caplog.text, "and whose it is"


def test_work_left_outside_a_request_runs_at_once():
    ran: list[str] = []
    after_answer(lambda: ran.append("done"))
    assert ran == ["done"]


def test_work_that_fails_after_the_answer_is_logged_and_the_rest_still_runs(make_app, caplog):
    app = make_app()
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("a fault after the answer")

    @app.get("/test-after-answer")
    def leave_work() -> str:
        after_answer(broken)
        after_answer(lambda: ran.append("second"))
        return "answered"

    caplog.set_level(logging.ERROR, logger="api.after_answer")
    answer = app.test_client().get("/test-after-answer")
    assert answer.get_data(as_text=True) == "answered"
    assert ran == ["second"]
    assert "a fault after the answer" in caplog.text


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """The test log needs no line a request."""


@pytest.fixture
def served(app: Any) -> Iterator[int]:
    """The app behind werkzeug's threaded server on a loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="after-answer", daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(10)


def test_over_the_wire_the_client_has_its_answer_while_the_store_is_still_deleting(
    app, org, served, monkeypatch
):
    """A real server: the replacement's answer reaches the client while the delete of the
    file before is held inside the store; the file goes once it is let through."""
    evidence = interview_with_file(org.api, level=4)
    before = stored_entries(app, org.id)
    store = services(app).files
    real_delete, asked, go_on = store.delete, threading.Event(), threading.Event()

    def held_delete(*args: Any) -> None:
        asked.set()
        assert go_on.wait(30), "the test never let the delete through"
        real_delete(*args)

    monkeypatch.setattr(store, "delete", held_delete)
    body, kind = upload_form(wav_bytes(level=6))
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    try:
        connection.request(
            "PUT",
            f"/api/v1/evidence/{evidence}/file",
            body=body,
            headers={"Authorization": f"Bearer {org.tokens['write']}", "Content-Type": kind},
        )
        answer = connection.getresponse()
        sent = json.loads(answer.read())
        assert answer.status == 200, sent
        assert asked.wait(30), "the delete of the file before was asked for"
        assert before <= stored_entries(app, org.id), "answered while the delete was held"
    finally:
        go_on.set()
        connection.close()
    for _ in range(300):
        if not before & stored_entries(app, org.id):
            break
        threading.Event().wait(0.05)
    assert not before & stored_entries(app, org.id), "the file before went after the answer"
    assert sent["file"]["sha256"] in {name for _, name in stored_entries(app, org.id)}


def test_an_object_named_by_its_digest_alone_is_deleted_before_the_answer(app, org):
    """An object moved from a folder (``coprod files migrate``), or written by a release
    before upload tokens, is named by its digest alone: the same bytes sent again just
    after the answer would be given that name again, so a late delete could take them."""
    evidence = interview_with_file(org.api, level=11)
    store = services(app).files
    token_name = stored_name(app, evidence)
    digest = token_name.split(".")[0]
    old_key = f"{store.prefix}{org.id}/{evidence}/{token_name}"
    store.client.copy_object(
        Bucket=store.bucket,
        Key=f"{store.prefix}{org.id}/{evidence}/{digest}",
        CopySource={"Bucket": store.bucket, "Key": old_key},
    )
    store.delete(org.id, evidence, token_name)
    with services(app).database.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE evidence SET file_stored_as = NULL WHERE id = :id"), {"id": evidence}
        )
    assert stored_name(app, evidence) == digest
    answer = org.api.delete(f"evidence/{evidence}/file", buffered=False)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert stored_entries(app, org.id) == set(), "gone when the removal answers"
    answer.close()


def test_a_draining_process_finishes_the_work_handed_over_then_runs_it_where_it_is_left(
    monkeypatch,
):
    from api import after_answer as module

    monkeypatch.setattr(module, "_pool", None)
    monkeypatch.setattr(module, "_drained", False)
    started, go_on, ran = threading.Event(), threading.Event(), []

    def slow() -> None:
        started.set()
        go_on.wait(10)
        ran.append(threading.current_thread().name)

    module._hand_over([slow], on_its_thread=False)
    assert started.wait(10)
    threading.Timer(0.2, go_on.set).start()
    module.drain()
    assert len(ran) == 1, "the drain waited for the work handed over"
    assert ran[0].startswith("after-answer"), "done on the process's threads"
    module._hand_over([lambda: ran.append(threading.current_thread().name)], False)
    assert ran[-1] == threading.current_thread().name, "after the drain, where it is left"


def test_the_work_runs_though_the_responses_own_close_fails(make_app, caplog):
    app = make_app()
    ran: list[str] = []

    @app.get("/test-close-fails")
    def close_fails() -> Any:
        after_answer(lambda: ran.append("done"))
        response = app.make_response("answered")

        def broken() -> None:
            raise RuntimeError("a close that fails")

        response.call_on_close(broken)
        return response

    with pytest.raises(RuntimeError, match="a close that fails"):
        app.test_client().get("/test-close-fails")
    assert ran == ["done"]


def test_the_server_closing_the_sent_response_does_not_wait_for_the_work(make_app):
    """gunicorn reads a kept-alive connection's next request only once the last response
    is closed: the close hands the work over and returns, so a client that sends one
    request after another on one connection never waits for the deletes."""
    app = make_app()
    go_on, ran = threading.Event(), []

    @app.get("/test-slow-work")
    def slow_work() -> str:
        after_answer(lambda: ran.append(go_on.wait(10)))
        return "answered"

    started: list[str] = []
    environ = EnvironBuilder(path="/test-slow-work").get_environ()
    body = app.wsgi_app(environ, lambda status, _headers: started.append(status))
    assert b"".join(body) == b"answered"
    body.close()  # as the server does once the answer is sent
    assert ran == [], "the close returned while the work still waits"
    go_on.set()
    for _ in range(200):
        if ran:
            break
        threading.Event().wait(0.05)
    assert ran == [True], "and the work ran afterwards"
    assert started == ["200 OK"]


def erasable_interview(api: Any, level: int) -> tuple[str, str]:
    """An audio interview of a consenting participant, holding a file: (participant, evidence)."""
    _, evidence, walker = new_interview(api, participant=True)
    ok(api.put(f"evidence/{evidence}/file", data={"file": (wav(level), "walk.wav")}))
    return str(walker), str(evidence)


def test_an_erasure_also_takes_a_file_whose_delete_is_still_waiting(app, org):
    """The person's recording was replaced a moment ago, and its delete waits for that
    answer to be sent: the erasure does not leave it to that delete."""
    walker, evidence = erasable_interview(org.api, level=12)
    replaced = org.api.put(
        f"evidence/{evidence}/file", data={"file": (wav(13), "walk.wav")}, buffered=False
    )
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    assert len(stored_entries(app, org.id)) == 2, "the first recording's delete still waits"
    erased = org.with_scope("admin").post(f"participants/{walker}/erasure", buffered=False)
    assert erased.status_code == 200, erased.get_data(as_text=True)
    assert stored_entries(app, org.id) == set(), "both recordings gone when it answers"
    replaced.close()
    erased.close()
    assert stored_entries(app, org.id) == set()


def copy_of_its_file(app: Any, org: Any, evidence: str, token: str) -> str:
    """A copy of the evidence's object under another upload's token, as an upload whose
    row was never committed leaves it: its key."""
    store = services(app).files
    name = stored_name(app, evidence)
    place = f"{store.prefix}{org.id}/{evidence}/"
    key = f"{place}{name.split('.')[0]}.{token}"
    store.client.copy_object(
        Bucket=store.bucket, Key=key, CopySource={"Bucket": store.bucket, "Key": place + name}
    )
    return key


def test_an_erasure_takes_what_a_crash_left_of_the_persons_files(app, org):
    """A machine killed between a commit and its delete leaves an object no row names,
    which gc would take only after its interval: the erasure takes it at once."""
    walker, evidence = erasable_interview(org.api, level=14)
    store = services(app).files
    copy_of_its_file(app, org, evidence, token="0" * 16)
    assert len(list(store.entries(org.id, evidence))) == 2, "its file, and one a crash left"
    other = interview_with_file(org.api, level=15)  # someone else's, kept
    ok(org.with_scope("admin").post(f"participants/{walker}/erasure"))
    assert held(app, org) == {other}, "nothing of the erased person's evidence is left"


def test_an_erasure_takes_a_version_a_delete_cut_short_left_behind_its_marker(app, org):
    """On a bucket that keeps versions, a delete adds a marker and then deletes the
    versions: stopped in between (the store failing, the machine killed), the recording
    is hidden but kept. The erasure finds it by its versions and takes them all."""
    walker, evidence = erasable_interview(org.api, level=17)
    store = services(app).files
    hidden = copy_of_its_file(app, org, evidence, token="2" * 16)
    store.client.delete_object(Bucket=store.bucket, Key=hidden)  # the marker, and no more
    assert hidden in versions_under(store, org.id), "kept behind its delete marker"
    ok(org.with_scope("admin").post(f"participants/{walker}/erasure"))
    assert versions_under(store, org.id) == [], "no version, no marker of the person's left"


def test_in_a_folder_an_erasure_takes_what_a_crash_left_too(make_app, tmp_path, make_org):
    folder = make_app(FILES_DIR=str(tmp_path / "files"))
    org = make_org("Folder council")
    api = type(org.api)(folder.test_client(), org.tokens["write"])
    walker, evidence = erasable_interview(api, level=16)
    kept = tmp_path / "files" / org.id / evidence
    (kept / ("f" * 64)).write_bytes(b"left by a crash")
    sending = kept / ".upload-in-progress"
    sending.write_bytes(b"an upload still being sent")
    assert len(stored_entries(folder, org.id)) == 3
    ok(api.as_key(org.tokens["admin"]).post(f"participants/{walker}/erasure"))
    assert stored_entries(folder, org.id) == {(evidence, sending.name)}, (
        "every finished file gone; an upload still being sent is its request's to delete"
    )


def test_past_what_may_wait_the_serving_thread_does_its_own_work(monkeypatch):
    """A store that has stopped answering must not pile up work without end."""
    from api import after_answer as module

    full = threading.BoundedSemaphore(1)
    full.acquire()
    monkeypatch.setattr(module, "_room", full)
    ran: list[str] = []
    module._hand_over([lambda: ran.append(threading.current_thread().name)], False)
    assert ran == [threading.current_thread().name]


def test_work_whose_thread_could_not_start_is_done_once_and_makes_room_once(monkeypatch):
    """Python queues work before it starts a thread for it: when the thread cannot start,
    the work is done where it is, and not again if a thread comes to it later."""
    from api import after_answer as module

    queued: list[Any] = []

    class NoThread:
        def submit(self, handed: Any) -> None:
            queued.append(handed)
            raise RuntimeError("can't start new thread")

    room = threading.BoundedSemaphore(2)
    monkeypatch.setattr(module, "_room", room)
    monkeypatch.setattr(module, "_threads", NoThread)
    ran: list[str] = []
    module._hand_over([lambda: ran.append("done")], False)
    queued[0]()  # a thread coming to it after all
    assert ran == ["done"]
    assert room.acquire(blocking=False)
    assert room.acquire(blocking=False), "its room given back, once"


def test_only_a_worker_drains_as_it_exits_never_gunicorns_master(monkeypatch):
    import os
    import types

    from api import after_answer, gunicorn_conf

    drained: list[bool] = []
    monkeypatch.setattr(after_answer, "drain", lambda: drained.append(True))
    gunicorn_conf.worker_exit(None, types.SimpleNamespace(pid=os.getpid() + 1))
    assert drained == [], "the master reporting a worker already gone"
    gunicorn_conf.worker_exit(None, types.SimpleNamespace(pid=os.getpid()))
    assert drained == [True]
