"""Idempotency-Key: a retried write gets its first answer again and changes nothing more.

Every POST, PUT and PATCH in the served document is tried (so an operation added later is
covered without anyone remembering it): sent twice with one key, the second answer is the
first, replayed, and the organisation's records, files, audit log and change feed are as
the first left them. Around that: a key used with another request, keys of other
credentials and organisations, uploads, refusals, secrets, expiry and a lost answer.
Concurrency over real connections is in tests/trust/test_idempotency_races.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import time
import uuid

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import ApiClient
from sqlalchemy.orm.exc import StaleDataError
from test_every_operation import (
    build_world,
    operations,
    send,
    served_document,
    snapshot,
    upload,
    wav_bytes,
)

import api.idempotency as hooks
import toolkits_core._services.idempotency as kept
from api import create_app
from api.app import ConfigurationError
from toolkits_core.cli import main
from toolkits_core.service import (
    Database,
    create_key,
    create_organisation,
    prune_idempotent_requests,
)

STAR = "coproduction-star"
initiatives_resource = importlib.import_module("api.resources.initiatives")
HEADER = "Idempotency-Key"
TAKING_A_KEY = operations(lambda method, path, operation: method in {"post", "put", "patch"})


def key() -> str:
    return f"retry-{uuid.uuid4()}"


def with_key(value: str, **headers: str) -> dict[str, str]:
    return {HEADER: value, **headers}


def rows(database, organisation_id):
    """The organisation's kept requests, as the database holds them, oldest first."""
    table = kept._TABLE
    with database.engine.connect() as connection:
        return connection.execute(
            sa.select(table)
            .where(table.c.organisation_id == organisation_id)
            .order_by(table.c.created_at)
        ).all()


def lives(row):
    """How long a kept request lives after it was done, in seconds."""
    return (row.expires_at - row.created_at).total_seconds()


def events(client):
    """Every event of the organisation's change feed so far."""
    found, cursor = [], None
    while True:
        query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get("events", query_string=query).json
        found += page["items"]
        if not page["items"]:
            return found
        cursor = page["next_cursor"]


def new_initiative(client, title="Walks", **headers):
    return client.post("initiatives", json={"toolkit": STAR, "title": title}, headers=headers)


def assert_replayed(first, again):
    assert again.status_code == first.status_code, again.get_data(as_text=True)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    for name in ("Content-Type", "Location", "ETag"):
        assert again.headers.get(name) == first.headers.get(name), name


# Every write, retried ---------------------------------------------------------------------


SHOWN_ONCE = {
    "/api/v1/keys",
    "/api/v1/oauth/clients",
    "/api/v1/webhooks",
    "/api/v1/webhooks/{webhook_id}/rotate-secret",
}
"""Writes whose answer holds a secret shown once: kept without it."""


@pytest.mark.parametrize(("method", "path", "operation"), TAKING_A_KEY)
def test_every_write_retried_with_its_key_is_answered_again_and_changes_nothing_more(
    method, path, operation, org, world
):
    client = org.with_scope("admin")
    sent = key()
    first = send(client, method, path, world, headers=with_key(sent))
    assert first.status_code < 500, first.get_data(as_text=True)
    assert "Idempotent-Replayed" not in first.headers
    after_first, feed_after_first = snapshot(org, world), events(client)
    again = send(client, method, path, world, headers=with_key(sent))
    if path in SHOWN_ONCE:  # a new key's, client's or webhook's secret is shown once, never kept
        assert first.status_code in {200, 201}
        assert again.status_code == 409
        assert again.json["code"] == "idempotency_answer_withheld"
        if first.status_code == 201:
            assert first.headers["Location"] in again.json["detail"]
    else:
        assert_replayed(first, again)
    assert snapshot(org, world) == after_first
    assert events(client) == feed_after_first


def test_every_write_and_no_read_or_delete_documents_the_key():
    for path, item in served_document()["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            names = {p["name"] for p in operation.get("parameters", [])}
            # The token endpoint stores no record: a retry simply gets another token.
            writes = method in {"post", "put", "patch"} and path != "/api/v1/oauth/token"
            assert (HEADER in names) == writes, f"{method} {path}"
            if writes:
                assert {"409", "422"} <= set(operation["responses"])
                for status, response in operation["responses"].items():
                    if status.startswith("2"):
                        assert "Idempotent-Replayed" in response["headers"], f"{method} {path}"


# A client cut off after the commit -------------------------------------------------------


def test_a_create_whose_answer_never_arrived_is_made_once_however_often_it_is_retried(
    org, database
):
    api = org.api
    sent = key()
    first = new_initiative(api, **with_key(sent))  # the client never reads this answer
    assert first.status_code == 201
    retries = [new_initiative(api, **with_key(sent)) for _ in range(3)]
    for again in retries:
        assert_replayed(first, again)
    listed = api.get("initiatives").json["items"]
    assert [item["id"] for item in listed] == [first.json["id"]]
    created = [e for e in events(api) if e["type"] == "initiative.created"]
    assert [e["record_id"] for e in created] == [first.json["id"]]
    audit = org.with_scope("admin").get("audit-events").json["items"]
    assert [e["record_id"] for e in audit if e["action"] == "created"].count(first.json["id"]) == 1
    [row] = rows(database, org.id)
    assert (row.method, row.path, row.status) == ("POST", "/api/v1/initiatives", 201)


def test_a_change_retried_keeps_its_first_answer_even_after_a_later_change(org):
    api = org.api
    made = new_initiative(api).json
    sent = key()
    first = api.patch(f"initiatives/{made['id']}", json={"title": "A"}, headers=with_key(sent))
    assert first.status_code == 200
    assert api.patch(f"initiatives/{made['id']}", json={"title": "B"}).status_code == 200
    again = api.patch(f"initiatives/{made['id']}", json={"title": "A"}, headers=with_key(sent))
    assert_replayed(first, again)  # the answer to the request, not the record as it is now
    assert api.get(f"initiatives/{made['id']}").json["title"] == "B"


# The same key for another request ------------------------------------------------------


@pytest.mark.parametrize(
    "other",
    [
        {"json": {"toolkit": STAR, "title": "Something else"}},
        {"json": {"toolkit": STAR, "title": "Walks"}, "headers": {"If-Match": '"x.1"'}},
        {"data": b'{"toolkit": "coproduction-star",  "title": "Walks"}'},  # other bytes
    ],
    ids=["body", "if-match", "same-json-other-bytes"],
)
def test_a_key_sent_again_with_another_request_is_422_and_does_nothing(org, other):
    api = org.api
    sent = key()
    assert new_initiative(api, **with_key(sent)).status_code == 201
    before = api.get("initiatives").json
    options = {k: v for k, v in other.items() if k != "headers"}
    if "data" in options:
        options["content_type"] = "application/json"
    headers = with_key(sent, **other.get("headers", {}))
    response = api.post("initiatives", headers=headers, **options)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "idempotency_key_reused"
    assert "Idempotent-Replayed" not in response.headers
    assert api.get("initiatives").json == before


def test_a_key_sent_again_to_another_operation_is_422(org):
    api = org.api
    sent = key()
    made = new_initiative(api, **with_key(sent)).json
    response = api.patch(f"initiatives/{made['id']}", json={"title": "W"}, headers=with_key(sent))
    assert response.status_code == 422
    assert response.json["code"] == "idempotency_key_reused"
    assert api.get(f"initiatives/{made['id']}").json["title"] == "Walks"


# Whose key it is -------------------------------------------------------------------------


def test_two_keys_of_one_organisation_sending_one_key_each_make_their_own(org, database):
    sent = key()
    by_writer = new_initiative(org.api, **with_key(sent))
    by_admin = new_initiative(org.with_scope("admin"), **with_key(sent))
    assert by_writer.status_code == by_admin.status_code == 201
    assert "Idempotent-Replayed" not in by_admin.headers
    assert by_writer.json["id"] != by_admin.json["id"]
    assert len(org.api.get("initiatives").json["items"]) == 2
    assert len({row.credential_id for row in rows(database, org.id)}) == 2


def test_another_organisation_sending_your_key_never_hears_your_answer(org, other_org):
    sent = key()
    mine = new_initiative(org.api, "Ours", **with_key(sent))
    theirs = new_initiative(other_org.api, "Ours", **with_key(sent))
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json["id"] not in theirs.get_data(as_text=True)
    assert org.id not in theirs.get_data(as_text=True)
    # and with another request under the same key it is their own key that was reused
    clash = other_org.api.post(
        "initiatives", json={"toolkit": STAR, "title": "X"}, headers=with_key(sent)
    )
    assert clash.json["code"] == "idempotency_key_reused"
    assert [i["id"] for i in org.api.get("initiatives").json["items"]] == [mine.json["id"]]


# Uploads -----------------------------------------------------------------------------------


def interview(api):
    made = new_initiative(api).json
    response = api.post(
        f"initiatives/{made['id']}/evidence",
        json={"evidence_type": "audio-interview", "payload": {"caption": "By the canal"}},
    )
    assert response.status_code == 201, response.json
    return response.json


def test_an_upload_retried_with_its_key_is_replayed_whatever_boundary_the_client_picks(org):
    api = org.api
    evidence = interview(api)
    sent = key()
    path = f"evidence/{evidence['id']}/file"
    first = api.put(path, data=upload(), headers=with_key(sent))
    assert first.status_code == 200, first.json
    version = api.get(f"evidence/{evidence['id']}").json["version"]
    # The test client draws a new multipart boundary for every request, as most do.
    again = api.put(path, data=upload(), headers=with_key(sent))
    assert_replayed(first, again)
    assert api.get(f"evidence/{evidence['id']}").json["version"] == version
    other = api.put(path, data=upload(wav_bytes(900)), headers=with_key(sent))
    assert other.status_code == 422
    assert other.json["code"] == "idempotency_key_reused"
    assert api.get(path).data == wav_bytes()


def test_an_upload_past_the_limit_with_a_key_is_413_and_keeps_nothing(make_app, make_org, database):
    small = make_app(MAX_UPLOAD_BYTES=1000)
    org = make_org()
    api = ApiClient(small.test_client(), org.tokens["write"])
    evidence = interview(api)
    too_large = upload(wav_bytes(40_000))  # past the limit and the form's overhead
    response = api.put(f"evidence/{evidence['id']}/file", data=too_large, headers=with_key(key()))
    assert response.status_code == 413
    assert response.json["code"] == "file_too_large"
    assert rows(database, org.id) == []


@pytest.mark.parametrize("size", [1, 100, 64 * 1024 - 5, 64 * 1024 + 7, 3 * 64 * 1024])
def test_the_boundary_is_found_however_the_body_is_cut_into_chunks(size):
    """The canonical hash of a multipart body does not depend on where chunks end."""
    boundary = "b" * 40
    head = f"--{boundary}\r\nX: y\r\n\r\n".encode()
    body = head + b"\x00" * size + f"\r\n--{boundary}--\r\n".encode()
    whole = hashlib.sha256()
    one = hooks._Canonical(whole, boundary)
    one.update(body)
    one.finish()
    for chunk_size in (1, 7, 41, 42, 4096):
        cut = hashlib.sha256()
        canonical = hooks._Canonical(cut, boundary)
        for start in range(0, len(body), chunk_size):
            canonical.update(body[start : start + chunk_size])
        canonical.finish()
        assert cut.hexdigest() == whole.hexdigest(), chunk_size
    expected = hashlib.sha256(body.replace(f"--{boundary}".encode(), b"--BOUNDARY"))
    assert whole.hexdigest() == expected.hexdigest()


# Refusals and failures ---------------------------------------------------------------------


def test_a_refusal_is_answered_again_but_a_corrected_request_needs_a_new_key(org, database):
    api = org.api
    sent = key()
    bad = {"toolkit": "no-such-toolkit", "title": "Walks"}
    first = api.post("initiatives", json=bad, headers=with_key(sent))
    assert first.status_code == 422
    again = api.post("initiatives", json=bad, headers=with_key(sent))
    assert_replayed(first, again)
    corrected = new_initiative(api, **with_key(sent))
    assert corrected.json["code"] == "idempotency_key_reused"
    assert new_initiative(api, **with_key(key())).status_code == 201
    assert [row.status for row in rows(database, org.id)] == [422, 201]


def test_a_request_that_fails_on_the_server_keeps_no_claim_so_a_retry_runs_again(
    org, database, monkeypatch
):
    sent = key()

    def broken(*args, **kwargs):
        raise RuntimeError("the server broke")

    monkeypatch.setattr(initiatives_resource, "create_initiative", broken)
    failed = new_initiative(org.api, **with_key(sent))
    assert failed.status_code == 500
    assert rows(database, org.id) == []
    monkeypatch.undo()
    retried = new_initiative(org.api, **with_key(sent))
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers


def test_a_write_conflict_is_not_kept_so_a_retry_runs_again(org, database, monkeypatch):
    made = new_initiative(org.api).json

    def racing(*args, **kwargs):
        raise StaleDataError("another request changed it first")

    sent = key()
    monkeypatch.setattr(initiatives_resource, "update_initiative", racing)
    lost = org.api.patch(f"initiatives/{made['id']}", json={"title": "B"}, headers=with_key(sent))
    assert (lost.status_code, lost.json["code"]) == (409, "write_conflict")
    assert rows(database, org.id) == []
    monkeypatch.undo()
    again = org.api.patch(f"initiatives/{made['id']}", json={"title": "B"}, headers=with_key(sent))
    assert again.status_code == 200
    assert "Idempotent-Replayed" not in again.headers


# The answer lost between the commit and its saving ---------------------------------------


def test_a_write_whose_answer_was_never_saved_is_never_done_again(org, database, monkeypatch):
    """The process dies after the commit, before the answer is saved (here: the save is
    killed). Retries hear that it is in use, then that its answer was lost; the record is
    made once, and the feed names it, with the key that made it."""
    api = org.api
    sent = key()

    def killed(*args, **kwargs):
        raise SystemExit("the worker died before it saved the answer")

    monkeypatch.setattr(hooks, "save_answer", killed)
    with pytest.raises(SystemExit):
        new_initiative(api, **with_key(sent))
    monkeypatch.undo()
    [claim] = rows(database, org.id)
    assert claim.status is None
    [made] = api.get("initiatives").json["items"]

    busy = new_initiative(api, **with_key(sent))
    assert busy.status_code == 409, busy.json
    assert busy.json["code"] == "idempotency_key_in_use"
    assert int(busy.headers["Retry-After"]) >= 1

    monkeypatch.setattr(kept, "ANSWER_LOST_AFTER", dt.timedelta(0))
    lost = new_initiative(api, **with_key(sent))
    assert lost.status_code == 409, lost.json
    assert lost.json["code"] == "idempotency_answer_lost"
    assert "Idempotent-Replayed" not in lost.headers
    assert [i["id"] for i in api.get("initiatives").json["items"]] == [made["id"]]
    created = [e for e in events(api) if e["type"] == "initiative.created"]
    assert [e["record_id"] for e in created] == [made["id"]]
    key_id = created[0]["actor"]["key_id"]
    assert key_id == claim.credential_id
    assert key_id in lost.json["detail"]


@pytest.mark.parametrize("slow", [False, True])
def test_a_slow_write_is_dated_by_its_commit_so_a_retry_is_not_told_its_answer_was_lost(
    org, database, monkeypatch, slow
):
    """A retry tells a slow save from a lost one by how long ago the write committed: a
    write that took longer than MARK_COMMIT_AFTER is dated again at its commit, a quick
    one keeps its claim's time (at most that much earlier). The pause is long enough
    that a quick write on a busy machine is dated well within it."""
    pause = dt.timedelta(seconds=1.5)
    monkeypatch.setattr(kept, "MARK_COMMIT_AFTER", pause / 3)
    real = initiatives_resource.create_initiative

    def taking_its_time(*args, **kwargs):
        if slow:
            time.sleep(pause.total_seconds())
        return real(*args, **kwargs)

    def killed(*args, **kwargs):
        raise SystemExit("the worker died before it saved the answer")

    monkeypatch.setattr(initiatives_resource, "create_initiative", taking_its_time)
    monkeypatch.setattr(hooks, "save_answer", killed)
    sent_at = dt.datetime.now(dt.UTC)
    with pytest.raises(SystemExit):
        new_initiative(org.api, **with_key(key()))
    [claim] = rows(database, org.id)
    dated = claim.created_at.replace(tzinfo=dt.UTC) - sent_at
    assert (dated >= pause) is slow, dated


# Secrets are never kept --------------------------------------------------------------------


def test_a_new_keys_secret_is_never_kept_and_a_retry_makes_no_second_key(org, database):
    admin = org.with_scope("admin")
    sent = key()
    made = admin.post("keys", json={"name": "CRM", "scopes": ["read"]}, headers=with_key(sent))
    assert made.status_code == 201
    token = made.json["token"]
    again = admin.post("keys", json={"name": "CRM", "scopes": ["read"]}, headers=with_key(sent))
    assert again.status_code == 409
    assert again.json["code"] == "idempotency_answer_withheld"
    assert token not in again.get_data(as_text=True)
    names = [k["name"] for k in admin.get("keys").json["items"]]
    assert names.count("CRM") == 1
    [row] = rows(database, org.id)
    assert (row.status, row.body) == (201, None)
    with database.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT headers FROM idempotent_requests")).all()
    assert all(token not in str(row) for row in stored)


def test_an_answer_naming_a_person_later_erased_is_withheld_but_not_done_again(org, database):
    """Erasure forgets what kept answers said of the person; a retry still does not make
    them again."""
    made = new_initiative(org.api).json
    sent = key()
    body = {"role": "volunteer", "display_name": "Jo Bloggs", "consent": "given"}
    path = f"initiatives/{made['id']}/participants"
    person = org.api.post(path, json=body, headers=with_key(sent))
    assert person.status_code == 201
    other = new_initiative(org.api, "Kept", **with_key(key()))
    erased = org.with_scope("admin").post(f"participants/{person.json['id']}/erasure")
    assert erased.status_code == 200, erased.json
    again = org.api.post(path, json=body, headers=with_key(sent))
    assert (again.status_code, again.json["code"]) == (409, "idempotency_answer_withheld")
    assert "Jo Bloggs" not in again.get_data(as_text=True)
    assert all(b"Jo Bloggs" not in (row.body or b"") for row in rows(database, org.id))
    listed = org.api.get(path).json["items"]
    assert [p["id"] for p in listed] == [person.json["id"]]
    assert other.get_data() in [row.body for row in rows(database, org.id)]


# The header ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["", "   ", "x" * 256, "caf\u00e9", "tab\tinside", "bell\x07"],
    ids=["empty", "spaces", "too-long", "not-ascii", "tab", "control"],
)
def test_a_malformed_key_is_422_on_the_header_and_does_nothing(org, database, value):
    response = org.api.post(
        "initiatives",
        json={"toolkit": STAR, "title": "Walks"},
        headers=[(HEADER, value.encode("utf-8").decode("latin-1"))],
    )
    assert response.status_code == 422, response.json
    [error] = response.json["errors"]
    assert error["location"] == "header"
    assert error["field"] == HEADER
    assert error["code"] == "invalid_idempotency_key"
    assert org.api.get("initiatives").json["items"] == []
    assert rows(database, org.id) == []


@pytest.mark.parametrize("value", ["a", "x" * 255, "a b", '"8e03978e-40d5-43e8"', "~!@#$%^&*()"])
def test_any_printable_ascii_key_up_to_255_characters_is_taken(org, value):
    first = new_initiative(org.api, **with_key(value))
    assert first.status_code == 201
    assert_replayed(first, new_initiative(org.api, **with_key(value)))


def test_reads_and_deletions_ignore_the_key(org, database):
    made = new_initiative(org.api).json
    for value in ("same", "caf\u00e9".encode().decode("latin-1")):
        shown = org.api.get(f"initiatives/{made['id']}", headers=[(HEADER, value)])
        assert shown.status_code == 200
        assert "Idempotent-Replayed" not in shown.headers
    first = org.api.delete(f"initiatives/{made['id']}", headers=with_key("same"))
    assert first.status_code == 204
    again = org.api.delete(f"initiatives/{made['id']}", headers=with_key("same"))
    assert again.status_code == 404  # a DELETE done twice leaves what it left once
    assert rows(database, org.id) == []


def test_a_request_refused_before_it_is_read_does_not_use_the_key(org, database):
    sent = key()
    refused = org.with_scope("read").post(
        "initiatives", json={"toolkit": STAR, "title": "W"}, headers=with_key(sent)
    )
    assert refused.status_code == 403
    unreadable = org.api.post(
        "initiatives", data="{not json", content_type="application/json", headers=with_key(sent)
    )
    assert unreadable.status_code == 400
    assert rows(database, org.id) == []
    assert new_initiative(org.api, **with_key(sent)).status_code == 201


# Expiry --------------------------------------------------------------------------------------


def test_an_expired_key_is_never_used_and_prune_deletes_it(org, database, monkeypatch):
    sent = key()
    first = new_initiative(org.api, **with_key(sent))
    [row] = rows(database, org.id)
    assert lives(row) == pytest.approx(24 * 3600, abs=5)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=24, seconds=1)
    monkeypatch.setattr(kept, "utc_now", lambda: later)
    again = new_initiative(org.api, **with_key(sent))
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert again.json["id"] != first.json["id"]
    [row] = rows(database, org.id)  # the expired one went; this request's is the one kept
    with database.session() as session:
        prune_idempotent_requests(session, now=later)
    assert rows(database, org.id) == [row]
    with database.session() as session:
        prune_idempotent_requests(session, now=later + dt.timedelta(days=1))
    assert rows(database, org.id) == []


def test_coprod_idempotency_prune_deletes_expired_answers_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'prune.sqlite3'}"
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade", "--database-url", url]).exit_code == 0
    database = Database(url)
    with database.session() as session:
        organisation = create_organisation(session, "Prune council")
        key_id = create_key(session, organisation.id, "w", ["write"]).key.id
    now = dt.datetime.now(dt.UTC)
    ages = {"old": now - dt.timedelta(minutes=1), "new": now + dt.timedelta(hours=1)}
    with database.engine.begin() as connection:
        for name, expires in ages.items():
            connection.execute(
                kept._TABLE.insert().values(
                    organisation_id=organisation.id, credential_id=key_id, idempotency_key=name,
                    request_sha256="0" * 64, method="POST", path="/api/v1/initiatives",
                    status=201, headers={}, body=b"{}", created_at=now, expires_at=expires,
                )
            )  # fmt: skip
    result = runner.invoke(main, ["idempotency", "prune", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired idempotent request." in result.output
    with database.engine.connect() as connection:
        left = connection.execute(sa.text("SELECT idempotency_key FROM idempotent_requests"))
        assert left.scalars().all() == ["new"]
    database.dispose()


def test_the_lifetime_is_a_setting(make_app, make_org, database):
    short = make_app(IDEMPOTENCY_HOURS="2")
    org = make_org()
    client = ApiClient(short.test_client(), org.tokens["write"])
    assert new_initiative(client, **with_key(key())).status_code == 201
    [row] = rows(database, org.id)
    assert lives(row) == pytest.approx(2 * 3600, abs=5)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "721"])
def test_a_lifetime_that_is_not_1_to_720_hours_stops_the_app(value, monkeypatch):
    monkeypatch.setenv("COPROD_IDEMPOTENCY_HOURS", value)
    with pytest.raises(ConfigurationError, match="COPROD_IDEMPOTENCY_HOURS"):
        create_app({"DATABASE_URL": "sqlite://", "AUTO_MIGRATE": True})


def test_a_replay_is_readable_from_an_allowed_origin(make_app, make_org):
    crm = "https://crm.example.org"
    allowing = make_app(CORS_ORIGINS=crm)
    org = make_org()
    client = ApiClient(allowing.test_client(), org.tokens["write"])
    sent = key()
    new_initiative(client, **with_key(sent))
    again = new_initiative(client, Origin=crm, **with_key(sent))
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Access-Control-Allow-Origin"] == crm
    assert "Idempotent-Replayed" in again.headers["Access-Control-Expose-Headers"]


@pytest.fixture
def world(org):
    return build_world(org)


def test_a_savepoint_rolled_back_leaves_the_claim_to_commit(app, database):
    """An upsert that loses a race for its reference rolls back only its savepoint; the
    claim stays in the transaction, so its commit is still noted on it (a retry then
    replays instead of hearing 409 and later 'lost')."""
    from api import idempotency

    call = idempotency.IdempotentCall(
        organisation_id="org_x", credential_id="key_x", key="k", fingerprint="f",
        method="PUT", path="/api/v1/initiatives/by-external-ref/crm-1",
    )  # fmt: skip
    session = database.new_session()
    try:
        session.connection()
        held = idempotency._Held(call, dt.datetime.now(dt.UTC))
        session.info[idempotency._FOLLOWED] = held
        session.begin_nested().rollback()
        assert held.pending, "a savepoint's rollback is not the claim's"
        session.rollback()
        assert not held.pending
        assert not held.committed
    finally:
        session.close()
