"""Evidence files in S3-compatible object storage, against moto's S3 server on loopback.

What only object storage has: files sent in parts, versions a bucket keeps, signed
download URLs, an endpoint that fails or a network that drops mid-upload, and the
``coprod files`` commands that sweep orphans and move a local folder into a bucket. The
behaviour both stores share is tested on both in test_evidence_files.py and
tests/trust/test_crash_safety.py.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import io
import os
import secrets
import struct
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from conftest import ApiClient, stored_entries, stored_name

from api.cli import main
from api.context import EXTENSION, services
from toolkits_core._services.workspace import Workspace
from toolkits_core._store.ids import new_id
from toolkits_core.service import (
    FileEntry,
    FileStoreError,
    LocalFileStore,
    ObjectFileStore,
    check_store,
)

STAR = "coproduction-star"
MiB = 1024 * 1024


def wav_bytes(samples: int = 400, level: int = 0) -> bytes:
    data = struct.pack("<h", level) * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data"
    return header + struct.pack("<I", len(data)) + data


def big_wav(mebibytes: int) -> bytes:
    """A valid WAV of about this size whose samples vary, so parts differ."""
    noise = secrets.token_bytes(MiB)
    body = (noise * mebibytes)[: mebibytes * MiB - 44]
    header = b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data"
    return header + struct.pack("<I", len(body)) + body


def part(content: bytes, name: str = "interview.wav") -> dict:
    return {"file": (io.BytesIO(content), name, "audio/wav")}


def put_big(api: ApiClient, path: str, content: bytes):
    """An upload sent as one body in memory: werkzeug's test client would encode a big
    ``data`` dict into a temporary file it never closes."""
    boundary = secrets.token_hex(8)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return api.put(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def refused(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code, response.json
    return response.json


@pytest.fixture(scope="module")
def versioned_url(object_store) -> str:
    return f"s3://{object_store.new_bucket(versioned=True)}/evidence"


@pytest.fixture(scope="module")
def app(make_app, versioned_url):
    """The app on a bucket that keeps every version of every object."""
    return make_app(FILES_URL=versioned_url)


def new_interview(api: ApiClient, participant: bool = False) -> tuple[str, str, str | None]:
    """An audio interview (of a consenting participant, if asked): (initiative, evidence,
    participant)."""
    ini = ok(api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}), 201)["id"]
    walker = None
    body = {"evidence_type": "audio-interview", "payload": {"caption": "By the canal"}}
    if participant:
        walker = ok(
            api.post(
                f"initiatives/{ini}/participants",
                json={"role": "person_using_services", "display_name": "M", "consent": "given"},
            ),
            201,
        )["id"]
        body |= {"participant_id": walker, "consent": "given"}
    evidence = ok(api.post(f"initiatives/{ini}/evidence", json=body), 201)["id"]
    return ini, evidence, walker


def versions_under(store: ObjectFileStore, organisation_id: str) -> list[str]:
    """Every version and delete marker the bucket keeps for an organisation's files, by key."""
    answer = store.client.list_object_versions(
        Bucket=store.bucket, Prefix=f"{store.prefix}{organisation_id}/"
    )
    return [v["Key"] for v in [*answer.get("Versions", []), *answer.get("DeleteMarkers", [])]]


def test_a_replaced_file_leaves_no_old_version_in_a_versioned_bucket(app, org):
    _, evidence, _ = new_interview(org.api)
    path = f"evidence/{evidence}/file"
    ok(org.api.put(path, data=part(wav_bytes(level=1))))
    second = ok(org.api.put(path, data=part(wav_bytes(level=2))))["file"]["sha256"]
    store = services(app).files
    name = stored_name(app, evidence)
    assert name.startswith(f"{second}.")
    assert versions_under(store, org.id) == [f"{store.prefix}{org.id}/{evidence}/{name}"]
    ok(org.api.delete(path))
    assert versions_under(store, org.id) == [], "no noncurrent version, no delete marker"


def test_erasure_removes_the_recording_and_every_version_of_it(app, org):
    _, evidence, walker = new_interview(org.api, participant=True)
    path = f"evidence/{evidence}/file"
    ok(org.api.put(path, data=part(wav_bytes(level=3))))
    ok(org.api.put(path, data=part(wav_bytes(level=4))))
    store = services(app).files
    assert versions_under(store, org.id)
    ok(org.with_scope("admin").post(f"participants/{walker}/erasure"))
    assert versions_under(store, org.id) == [], "the erased person's voice is gone for good"
    assert stored_entries(app, org.id) == set()


@pytest.fixture(scope="module")
def parts_app(make_app, versioned_url):
    """The app on a store that sends every file over one part (8 MiB) in parts, as it
    sends files over 100 MiB: the multipart path, without uploads that large."""
    return with_store(
        make_app(FILES_URL=versioned_url), ObjectFileStore(versioned_url, single_put_bytes=0)
    )


def test_a_failed_upload_never_takes_the_file_of_a_retry_of_the_same_bytes(app, org, monkeypatch):
    """Two uploads of the same file to one piece of evidence (a client's retry after a
    timeout) on two machines: the first fails after storing its bytes, and its clean-up
    finds no row naming them just before the retry commits. Each upload's object has a
    name of its own, so the clean-up deletes only what the failed one wrote, and the
    retry's committed row keeps its file. (With one name for the same bytes, the
    clean-up deleted the retry's file: a committed record without its file.)"""
    _, evidence, _ = new_interview(org.api)
    path = f"evidence/{evidence}/file"
    content = wav_bytes(level=7)
    store = services(app).files
    real_put, real_named = store.put, Workspace._named
    cues = {"put": 1, "named": 1}
    elsewhere = ThreadPoolExecutor(1)  # another request: a context of its own

    def put_then_change_the_evidence(*args, **kwargs):
        stored = real_put(*args, **kwargs)
        if cues.pop("put", 0):  # the first upload's bytes are stored; meanwhile an edit
            edit = {"payload": {"caption": "Moved"}}
            ok(elsewhere.submit(org.api.patch, f"evidence/{evidence}", json=edit).result())
        return stored

    def read_then_let_the_retry_commit(self, *args, **kwargs):
        named = real_named(self, *args, **kwargs)
        if cues.pop("named", 0):  # the failed upload's clean-up has looked: the retry lands
            ok(elsewhere.submit(org.api.put, path, data=part(content)).result())
        return named

    monkeypatch.setattr(store, "put", put_then_change_the_evidence)
    monkeypatch.setattr(Workspace, "_named", read_then_let_the_retry_commit)
    refused(org.api.put(path, data=part(content)), 409, "write_conflict")
    assert cues == {}, "the upload failed after storing its bytes, and the retry landed"

    download = org.api.get(path)
    assert download.status_code == 200, download.get_data(as_text=True)
    assert download.get_data() == content
    kept = {(entry.evidence_id, entry.name) for entry in store.entries(org.id)}
    assert kept == {(evidence, stored_name(app, evidence))}, "the failed upload's went"


def test_the_same_bytes_again_keep_the_object_the_evidence_has(app, org):
    """An upload that changes nothing leaves the file where it was, so a signed URL
    handed out for it still works; the new upload's own object goes."""
    _, evidence, _ = new_interview(org.api)
    path = f"evidence/{evidence}/file"
    first = ok(org.api.put(path, data=part(wav_bytes(level=3))))["file"]
    name = stored_name(app, evidence)
    again = ok(org.api.put(path, data=part(wav_bytes(level=3), name="again.wav")))["file"]
    assert (again["sha256"], again["name"]) == (first["sha256"], "again.wav")
    assert stored_name(app, evidence) == name
    store = services(app).files
    assert [entry.name for entry in store.entries(org.id)] == [name]
    assert versions_under(store, org.id) == [f"{store.prefix}{org.id}/{evidence}/{name}"]
    assert org.api.get(path).get_data() == wav_bytes(level=3)


def test_the_same_bytes_again_mend_a_file_the_store_lost(app, org):
    """A file missing from the store (a lifecycle rule, a restore from an older backup)
    answers 500 file_missing, which tells the client to upload it again: that upload
    stores it afresh rather than keeping the name of the file that is gone."""
    _, evidence, _ = new_interview(org.api)
    path = f"evidence/{evidence}/file"
    ok(org.api.put(path, data=part(wav_bytes(level=4))))
    lost = stored_name(app, evidence)
    services(app).files.delete(org.id, evidence, lost)
    refused(org.api.get(path), 500, "file_missing")
    ok(org.api.put(path, data=part(wav_bytes(level=4))))
    assert stored_name(app, evidence) != lost
    assert org.api.get(path).get_data() == wav_bytes(level=4)
    assert stored_entries(app, org.id) == {
        (evidence, hashlib.sha256(wav_bytes(level=4)).hexdigest())
    }


def initiative_with_files(api: ApiClient, files: int) -> str:
    """An initiative whose evidence holds this many files (audio interviews)."""
    initiative = ok(api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}), 201)["id"]
    body = {"evidence_type": "audio-interview", "payload": {"caption": "By the canal"}}
    for level in range(files):
        evidence = ok(api.post(f"initiatives/{initiative}/evidence", json=body), 201)["id"]
        ok(api.put(f"evidence/{evidence}/file", data=part(wav_bytes(level=level))))
    return initiative


def test_an_initiative_deleted_with_its_files_deletes_them_at_once(app, org, monkeypatch):
    """Each object-store delete is a request: a deleted initiative's files go several at
    a time, not one round trip after another. Here each delete waits until all six have
    been asked for, which only deletes sent together get past."""
    initiative = initiative_with_files(org.api, 6)
    store = services(app).files
    real_delete, together = store.delete, threading.Barrier(6, timeout=10)

    def delete_once_all_are_asked(*args):
        together.wait()
        real_delete(*args)

    monkeypatch.setattr(store, "delete", delete_once_all_are_asked)
    assert org.api.delete(f"initiatives/{initiative}").status_code == 204
    assert not together.broken
    assert stored_entries(app, org.id) == set()


def test_where_no_thread_can_start_the_files_are_deleted_one_by_one(app, org, monkeypatch):
    """A process at its thread limit (or shutting down) still deletes the files after the
    commit it made, rather than answering 500 for a write that is saved."""
    from toolkits_core._services import workspace

    initiative = initiative_with_files(org.api, 3)

    def no_threads(*_args, **_kwargs):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(workspace, "ThreadPoolExecutor", no_threads)
    assert org.api.delete(f"initiatives/{initiative}").status_code == 204
    assert stored_entries(app, org.id) == set()


def test_a_large_file_goes_up_in_parts_and_comes_back_whole_and_in_ranges(parts_app, org):
    api = ApiClient(parts_app.test_client(), org.tokens["write"])
    _, evidence, _ = new_interview(api)
    path = f"evidence/{evidence}/file"
    content = big_wav(20)  # more than two parts of 8 MiB
    stored = ok(put_big(api, path, content))["file"]
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert stored["size"] == len(content)
    assert stored_entries(parts_app, org.id) == {(evidence, stored["sha256"])}, "nothing else"
    store = services(parts_app).files
    head = store.client.head_object(
        Bucket=store.bucket,
        Key=f"{store.prefix}{org.id}/{evidence}/{stored_name(parts_app, evidence)}",
    )
    assert head["ETag"].endswith('-3"'), "sent as three parts"
    whole = api.get(path)
    assert whole.status_code == 200
    assert whole.get_data() == content
    middle = api.get(path, headers={"Range": "bytes=9000000-9000099"})
    assert middle.status_code == 206
    assert middle.headers["Content-Range"] == f"bytes 9000000-9000099/{len(content)}"
    assert middle.get_data() == content[9000000:9000100]
    tail = api.get(path, headers={"Range": "bytes=-10"})
    assert tail.get_data() == content[-10:]


def test_a_file_read_to_its_end_reads_again_from_any_byte_and_a_short_body_fails(
    object_store,
):
    """A download reads the store's body as it comes; after the last byte the file can
    still be read from any byte (a ranged GET), and a body shorter than the object's size
    is an error, never a file handed out short."""
    from toolkits_core._services.object_files import ObjectReader

    store = ObjectFileStore(
        f"s3://{object_store.bucket}/reader-{secrets.token_hex(3)}", client=object_store.client()
    )
    organisation, evidence = "org_" + "a" * 26, "evi_" + "b" * 26
    content = secrets.token_bytes(3 * MiB + 5)
    stored = store.put(organisation, evidence, io.BytesIO(content), 4 * MiB)
    with store.open(organisation, evidence, stored.name) as reader:
        chunks = []
        while chunk := reader.read(MiB):
            chunks.append(chunk)
        assert b"".join(chunks) == content
        assert [len(chunk) for chunk in chunks] == [MiB, MiB, MiB, 5]
        reader.seek(1000)
        assert reader.read(10) == content[1000:1010]
        reader.seek(-5, io.SEEK_END)
        assert reader.read() == content[-5:]
        assert reader.read() == b""

    key = f"{store.prefix}{organisation}/{evidence}/{stored.name}"
    body = store.client.get_object(Bucket=store.bucket, Key=key)["Body"]
    short = ObjectReader(store.client, store.bucket, key, len(content) + 10, body)
    assert short.read() == content, "what the store sent"
    with pytest.raises(FileStoreError, match="too few bytes"):
        short.read()
    short.close()


def upload_form(content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


def unfinished_uploads(store: ObjectFileStore, organisation_id: str) -> list[str]:
    answer = store.client.list_multipart_uploads(
        Bucket=store.bucket, Prefix=f"{store.prefix}{organisation_id}/"
    )
    return [upload["Key"] for upload in answer.get("Uploads", [])]


def test_a_file_of_several_parts_is_written_once_under_its_digest(parts_app, org):
    """Straight to its key: no temporary object (not even as a version the bucket keeps)
    and no upload left unfinished."""
    api = ApiClient(parts_app.test_client(), org.tokens["write"])
    _, evidence, _ = new_interview(api)
    content = big_wav(12)
    stored = ok(put_big(api, f"evidence/{evidence}/file", content))["file"]
    digest = hashlib.sha256(content).hexdigest()
    assert stored["sha256"] == digest
    store = services(parts_app).files
    key = f"{store.prefix}{org.id}/{evidence}/{stored_name(parts_app, evidence)}"
    assert key.startswith(f"{store.prefix}{org.id}/{evidence}/{digest}.")
    assert versions_under(store, org.id) == [key], "one version of one object, ever"
    assert unfinished_uploads(store, org.id) == []
    head = store.client.head_object(Bucket=store.bucket, Key=key)
    assert head["ContentLength"] == len(content)
    assert head["ETag"].endswith('-2"'), "the ETag of an upload of two parts, not of a copy"


def test_a_file_up_to_100_mib_is_sent_in_one_request(app, org):
    """Spooled, then sent whole (with its SHA-256 for S3 to check, which a file sent in
    parts cannot carry; moto keeps no record of that check to assert here)."""
    _, evidence, _ = new_interview(org.api)
    content = big_wav(12)
    stored = ok(put_big(org.api, f"evidence/{evidence}/file", content))["file"]
    digest = hashlib.sha256(content)
    assert stored["sha256"] == digest.hexdigest()
    store = services(app).files
    key = f"{store.prefix}{org.id}/{evidence}/{stored_name(app, evidence)}"
    assert key.startswith(f"{store.prefix}{org.id}/{evidence}/{digest.hexdigest()}.")
    assert versions_under(store, org.id) == [key]
    assert unfinished_uploads(store, org.id) == []
    head = store.client.head_object(Bucket=store.bucket, Key=key)
    assert "-" not in head["ETag"], "one request, not parts"
    assert head["ContentLength"] == len(content)
    assert org.api.get(f"evidence/{evidence}/file").get_data() == content


def signed_requests(store: ObjectFileStore) -> list[dict[str, str]]:
    """The headers of every request the store's client sends from now on, as sent."""
    sent: list[dict[str, str]] = []

    def keep(request, **_):
        sent.append({k.lower(): v.decode() if isinstance(v, bytes) else v
                     for k, v in request.headers.items()})  # fmt: skip

    store.client.meta.events.register("before-send.s3", keep)
    return sent


def signed_headers(headers: dict[str, str]) -> list[str]:
    return headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")


def test_a_file_sent_whole_is_signed_by_its_checksum_and_a_part_by_its_body(app, parts_app, org):
    """The SHA-256 that names a file sent in one request is sent as its signed
    x-amz-checksum-sha256, which the store checks the body against: botocore does not
    hash the body a second time to sign it. A part of a multipart upload carries only
    botocore's CRC32, which proves nothing against a changed body, so its body stays
    signed."""
    whole = signed_requests(services(app).files)
    _, evidence, _ = new_interview(org.api)
    content = big_wav(1)
    ok(put_big(org.api, f"evidence/{evidence}/file", content))
    (put,) = [h for h in whole if "x-amz-checksum-sha256" in h]
    digest = hashlib.sha256(content).digest()
    assert put["x-amz-checksum-sha256"] == base64.b64encode(digest).decode()
    assert "x-amz-checksum-sha256" in signed_headers(put)
    assert put["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"

    in_parts = signed_requests(services(parts_app).files)
    api = ApiClient(parts_app.test_client(), org.tokens["write"])
    _, evidence, _ = new_interview(api)
    content = big_wav(9)
    ok(put_big(api, f"evidence/{evidence}/file", content))
    parts = [h for h in in_parts if h.get("content-length") and int(h["content-length"]) >= MiB]
    assert len(parts) == 2
    signed = {h["x-amz-content-sha256"] for h in parts}
    assert signed == {hashlib.sha256(content[: 8 * MiB]).hexdigest(),
                      hashlib.sha256(content[8 * MiB :]).hexdigest()}  # fmt: skip


@pytest.mark.parametrize("way", ["over the limit", "client gone"])
def test_an_upload_refused_or_cut_mid_body_leaves_no_object_no_parts_and_no_row(
    make_app, versioned_url, org, way
):
    """Past one part of the body, whether the limit refuses it or the client goes: the
    bucket keeps nothing of it (no object, no version, no unfinished upload) and the
    record is unchanged."""
    app = make_app(FILES_URL=versioned_url, MAX_UPLOAD_BYTES=10 * MiB)
    api = ApiClient(app.test_client(), org.tokens["write"])
    _, evidence, _ = new_interview(api)
    before = api.get(f"evidence/{evidence}")
    path = f"evidence/{evidence}/file"
    body, kind = upload_form(big_wav(12))
    if way == "over the limit":
        response = api.put(
            path,
            input_stream=io.BytesIO(body),
            headers={"Content-Type": kind, "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )
        refused(response, 413, "file_too_large")
    else:
        cut = io.BytesIO(body[: 9 * MiB])
        response = api.put(path, input_stream=cut, content_length=len(body), content_type=kind)
        refused(response, 400, "unreadable_body")
    store = services(app).files
    assert versions_under(store, org.id) == []
    assert unfinished_uploads(store, org.id) == []
    after = api.get(f"evidence/{evidence}")
    assert after.json == before.json
    assert after.headers["ETag"] == before.headers["ETag"]
    refused(api.get(path), 404, "no_file")


# Signed download URLs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def presigning(make_app, versioned_url):
    return make_app(FILES_URL=versioned_url, FILES_PRESIGN="1", FILES_PRESIGN_SECONDS=30)


def test_a_signed_download_keeps_the_attachment_and_type_promises(presigning, org):
    _, evidence, _ = new_interview(org.api)
    path = f"evidence/{evidence}/file"
    content = wav_bytes(level=5)
    ok(org.api.put(path, data=part(content, "Café walk.wav")))
    api = ApiClient(presigning.test_client(), org.tokens["read"])
    answer = api.get(path)
    assert answer.status_code == 307
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in answer.headers["Cache-Control"]
    assert answer.headers["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    url = answer.headers["Location"]
    assert "X-Amz-Expires=30" in url
    with urllib.request.urlopen(url) as fetched:
        assert fetched.read() == content
        assert fetched.headers["Content-Type"] == "audio/wav"
        disposition = fetched.headers["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert "filename*=UTF-8''Caf%C3%A9%20walk.wav" in disposition
    ranged = urllib.request.Request(url, headers={"Range": "bytes=0-3"})
    with urllib.request.urlopen(ranged) as fetched:
        assert fetched.status == 206
        assert fetched.read() == b"RIFF"


def test_a_signed_download_answers_conditions_and_refusals_itself(presigning, org):
    _, evidence, walker = new_interview(org.api, participant=True)
    path = f"evidence/{evidence}/file"
    content = wav_bytes(level=6)
    etag = f'"{hashlib.sha256(content).hexdigest()}"'
    ok(org.api.put(path, data=part(content)))
    api = ApiClient(presigning.test_client(), org.tokens["write"])
    assert api.get(path, headers={"If-None-Match": etag}).status_code == 304
    refused(api.get(path, headers={"If-Match": '"stale"'}), 412, "stale_etag")
    ok(api.patch(f"participants/{walker}", json={"consent": "withdrawn"}))
    answer = refused(api.get(path), 409, "consent_withdrawn")
    assert "Location" not in answer


@pytest.mark.parametrize(
    ("variables", "signed_for"),
    [
        ({"AWS_REGION": "eu-west-2"}, "eu-west-2"),  # what the other AWS SDKs read
        ({"AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-2"}, "eu-west-1"),
    ],
)
def test_a_signed_url_is_signed_for_the_region_the_operator_set(
    object_store, monkeypatch, variables, signed_for
):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")  # no profile's region either
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    store = ObjectFileStore(f"s3://{object_store.bucket}/regions")
    url = store.download_url(
        new_id("org"), new_id("evd"), "0" * 64, media_type="audio/wav",
        disposition="attachment", seconds=30,
    )  # fmt: skip
    assert url is not None
    assert f"%2F{signed_for}%2Fs3%2Faws4_request" in url


def test_signing_downloads_needs_object_storage(make_app, tmp_path, object_store):
    from api.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="COPROD_FILES_PRESIGN"):
        make_app(FILES_DIR=str(tmp_path), FILES_PRESIGN="1")
    with pytest.raises(ConfigurationError, match="FILES_PRESIGN_SECONDS is '0'"):
        make_app(FILES_URL="s3://b/p", FILES_PRESIGN="1", FILES_PRESIGN_SECONDS="0")
    with pytest.raises(ConfigurationError, match="COPROD_FILES_URL"):
        make_app(FILES_URL="ftp://example.org/files")


# An endpoint that fails, a network that drops -------------------------------------------


def with_store(app, store):
    """The app, answering from another store (one reached through a faulty endpoint)."""
    app.extensions[EXTENSION] = dataclasses.replace(services(app), files=store)
    return app


def test_an_endpoint_answering_500_is_a_503_problem_for_uploads_and_downloads(
    make_app, object_store, versioned_url, org
):
    from object_store import failing_endpoint

    _, evidence, _ = new_interview(org.api)
    path = f"evidence/{evidence}/file"
    kept = ok(org.api.put(path, data=part(wav_bytes(level=7))))
    with failing_endpoint() as endpoint:
        store = ObjectFileStore(versioned_url, client=object_store.client(endpoint, attempts=2))
        broken = with_store(make_app(FILES_URL=versioned_url), store)
        api = ApiClient(broken.test_client(), org.tokens["write"])
        upload = refused(
            api.put(path, data=part(wav_bytes(level=8))), 503, "file_store_unavailable"
        )
        assert upload["status"] == 503
        refused(api.get(path), 503, "file_store_unavailable")
        assert int(api.get(path).headers["Retry-After"]) > 0
    assert ok(org.api.get(f"evidence/{evidence}"))["file"] == kept["file"], "the row is as it was"
    assert org.api.get(path).get_data() == wav_bytes(level=7)


def run_coprod(*arguments: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(arguments), env=env, catch_exceptions=False)


def test_a_connection_cut_mid_upload_keeps_nothing_and_gc_sweeps_the_parts(
    make_app, object_store, database, org
):
    from object_store import CuttingProxy

    url = f"s3://{object_store.bucket}/cut-{secrets.token_hex(3)}"
    _, evidence, _ = new_interview(org.api)
    path = f"evidence/{evidence}/file"
    proxy = CuttingProxy(int(object_store.endpoint.rsplit(":", 1)[1]))
    try:
        store = ObjectFileStore(
            url, client=object_store.client(proxy.endpoint, attempts=2), single_put_bytes=0
        )
        app = with_store(make_app(FILES_URL=url), store)
        api = ApiClient(app.test_client(), org.tokens["write"])
        before = ok(api.get(f"evidence/{evidence}"))
        content = big_wav(20)
        proxy.arm(cut_after=12 * MiB)  # after the first part, inside the second
        refused(put_big(api, path, content), 503, "file_store_unavailable")
        assert proxy.cuts > 0
        proxy.disarm()
        assert ok(api.get(f"evidence/{evidence}")) == before
        refused(api.get(path), 404, "no_file")
        left = [entry for entry in store.entries(org.id)]
        assert all(entry.sha256 is None for entry in left), "no object under a digest"

        swept = run_coprod(
            "files", "gc", "--older-than", "0", "--files-url", url, "--database-url", database.url
        )
        assert swept.exit_code == 0, swept.output
        assert f"Removed {len(left)} orphan" in swept.output
        assert list(store.entries(org.id)) == []
        assert store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", []) == []

        stored = ok(put_big(api, path, content))["file"]
        assert stored["sha256"] == hashlib.sha256(content).hexdigest()
        assert api.get(path).get_data() == content
    finally:
        proxy.close()


# coprod files gc and migrate ---------------------------------------------------------------


@pytest.fixture
def store_app(make_app, file_store_settings):
    return make_app(**file_store_settings)


def store_options(app) -> list[str]:
    store = services(app).files
    if isinstance(store, ObjectFileStore):
        return ["--files-url", store.url()]
    assert isinstance(store, LocalFileStore)
    return ["--files-url", "", "--files-dir", str(store.root)]


def test_gc_removes_only_old_files_no_record_names_and_a_dry_run_removes_none(
    store_app, database, make_org
):
    org = make_org("Sweeping council")
    api = ApiClient(store_app.test_client(), org.tokens["write"])
    _, evidence, _ = new_interview(api)
    named = ok(api.put(f"evidence/{evidence}/file", data=part(wav_bytes(level=9))))["file"]
    store = services(store_app).files
    # What a process killed between storing a file and committing its row leaves behind:
    orphan = store.put(org.id, evidence, io.BytesIO(wav_bytes(level=10)), 10**6)
    options = [*store_options(store_app), "--database-url", database.url]
    if not isinstance(store, ObjectFileStore):
        (store.root / org.id / evidence / ".upload-x1y2z3").write_bytes(b"half a file")

    young = run_coprod("files", "gc", *options)  # the default interval: an hour
    assert young.exit_code == 0, young.output
    assert "Removed 0 orphans" in young.output
    if isinstance(store, ObjectFileStore):
        # moto says every multipart upload was started in 2010, so its age is tested on
        # files only; an unfinished upload of AWS says when it was started.
        key = f"{store.prefix}{org.id}/{evidence}/.upload-0123456789abcdef"
        store.client.create_multipart_upload(Bucket=store.bucket, Key=key)
    assert len(stored_entries(store_app, org.id)) == 3
    dry = run_coprod("files", "gc", "--dry-run", "--older-than", "0", *options)
    assert dry.exit_code == 0, dry.output
    assert dry.output.count("would remove ") == 2
    assert orphan.sha256 in dry.output
    assert named["sha256"] not in dry.output
    assert len(stored_entries(store_app, org.id)) == 3, "a dry run removes nothing"

    swept = run_coprod("files", "gc", "--older-than", "0", *options)
    assert swept.exit_code == 0, swept.output
    assert "Removed 2 orphans" in swept.output
    assert stored_entries(store_app, org.id) == {(evidence, named["sha256"])}
    assert api.get(f"evidence/{evidence}/file").get_data() == wav_bytes(level=9)


def test_gc_takes_a_file_a_delete_cut_short_left_behind_its_marker(
    make_app, object_store, database, make_org
):
    """On a bucket that keeps versions, a delete adds a marker and then deletes the
    versions: stopped in between (a store error, a killed worker), the file is hidden but
    kept, and no row names it. gc lists versions, so it finds it once it is old enough,
    and takes its versions and its marker; the file a row names stays."""
    url = f"s3://{object_store.new_bucket(versioned=True)}/evidence"
    swept_app = make_app(FILES_URL=url)
    org = make_org("Hidden files council")
    api = ApiClient(swept_app.test_client(), org.tokens["write"])
    _, evidence, _ = new_interview(api)
    path = f"evidence/{evidence}/file"
    ok(api.put(path, data=part(wav_bytes(level=21))))
    store = services(swept_app).files
    kept = f"{store.prefix}{org.id}/{evidence}/{stored_name(swept_app, evidence)}"
    orphan = store.put(org.id, evidence, io.BytesIO(wav_bytes(level=22)), 10**6)
    hidden = f"{store.prefix}{org.id}/{evidence}/{orphan.name}"
    store.client.delete_object(Bucket=store.bucket, Key=hidden)  # the marker, and no more
    assert sorted(versions_under(store, org.id)) == sorted([kept, hidden, hidden])
    options = ["--files-url", url, "--database-url", database.url]

    young = run_coprod("files", "gc", *options)  # the default interval: an hour
    assert "Removed 0 orphans" in young.output, young.output
    dry = run_coprod("files", "gc", "--dry-run", "--older-than", "0", *options)
    assert dry.exit_code == 0, dry.output
    assert dry.output.count("would remove ") == 1
    assert f"{orphan.name}  file behind a delete marker" in dry.output
    swept = run_coprod("files", "gc", "--older-than", "0", *options)
    assert swept.exit_code == 0, swept.output
    assert "Removed 1 orphan " in swept.output
    assert versions_under(store, org.id) == [kept], "no version and no marker of it left"
    assert api.get(path).get_data() == wav_bytes(level=21)


class ListedVersions:
    """A client whose version listing answers the pages given, as S3 pages it: by key,
    versions and delete markers apart, a key's versions split across pages at will."""

    def __init__(self, pages: list[dict]) -> None:
        self.pages = pages
        self.meta = SimpleNamespace(events=SimpleNamespace(register=lambda *_: None))
        self.deleted: list[dict] = []

    def delete_object(self, **asked: str) -> dict:
        self.deleted.append(asked)
        return {}

    def get_paginator(self, operation: str) -> SimpleNamespace:
        pages = self.pages if operation == "list_object_versions" else []
        return SimpleNamespace(paginate=lambda **_: iter(pages))


def test_a_keys_versions_listed_over_two_pages_are_one_file_and_markers_alone_none():
    place = f"{new_id('org')}/{new_id('evd')}/"
    first, second, gone = (f"files/{place}{c * 64}.{c * 16}" for c in "abc")
    at = [dt.datetime(2026, 12, 1, hour, tzinfo=dt.UTC) for hour in range(6)]

    def version(key: str, when: int, size: int, latest: bool = False) -> dict:
        return {"Key": key, "LastModified": at[when], "Size": size, "IsLatest": latest}

    def marker(key: str, when: int, latest: bool = True) -> dict:
        return {"Key": key, "LastModified": at[when], "IsLatest": latest}

    store = ObjectFileStore(
        "s3://bucket/files",
        client=ListedVersions(
            [
                {"Versions": [version(first, 1, 10, latest=True), version(second, 0, 20)]},
                {
                    "Versions": [version(second, 2, 30)],
                    "DeleteMarkers": [marker(second, 3), marker(gone, 5)],
                },
            ]
        ),
    )
    listed = list(store.entries())
    assert [(e.name, e.size, e.modified, e.hidden) for e in listed] == [
        (first.rsplit("/", 1)[1], 10, at[1], False),
        (second.rsplit("/", 1)[1], 30, at[3], True),  # its newest version; its marker's time
    ], "one entry a key, hidden behind its marker; a key with a marker only keeps no file"


def test_gc_adds_no_delete_marker_for_a_file_another_sweep_took_first():
    """A file two sweeps found at once: the second finds no version left, and deletes
    nothing (on a bucket that keeps versions, S3 answers a delete of a key that is gone
    with a new delete marker, which nothing would list or take again)."""
    client = ListedVersions([])  # every version gone
    store = ObjectFileStore("s3://bucket/files", client=client)
    place = (new_id("org"), new_id("evd"), f"{'d' * 64}.{'e' * 16}")
    entry = FileEntry(*place, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), 10)
    assert store.remove(entry) is False
    assert client.deleted == []


def test_migrate_copies_a_local_folder_into_object_storage_checking_every_digest(
    make_app, object_store, database, tmp_path, make_org
):
    local = make_app(FILES_DIR=str(tmp_path / "files"))
    org = make_org("Moving council")
    api = ApiClient(local.test_client(), org.tokens["write"])
    contents = {}
    for level in (11, 12, 13):
        _, evidence, _ = new_interview(api)
        ok(api.put(f"evidence/{evidence}/file", data=part(wav_bytes(level=level))))
        contents[evidence] = wav_bytes(level=level)
    target = f"s3://{object_store.bucket}/moved-{secrets.token_hex(3)}"

    moved = run_coprod("files", "migrate", "--to", target, "--files-dir", str(tmp_path / "files"))
    assert moved.exit_code == 0, moved.output
    assert "Copied and checked 3 files" in moved.output
    remote = make_app(FILES_URL=target)
    api = ApiClient(remote.test_client(), org.tokens["read"])
    for evidence, content in contents.items():
        assert api.get(f"evidence/{evidence}/file").get_data() == content
    assert stored_entries(remote, org.id) == stored_entries(local, org.id)
    # Moved files keep their names (their digests), which their rows give; a file
    # uploaded since gets a name of its upload's own, and the one it replaced goes.
    replaced, *kept = contents
    writer = ApiClient(remote.test_client(), org.tokens["write"])
    ok(writer.put(f"evidence/{replaced}/file", data=part(wav_bytes(level=14))))
    entries = list(services(remote).files.entries(org.id))
    assert len(entries) == 3, "the replaced file is gone"
    names = {entry.evidence_id: entry.name for entry in entries}
    assert names[replaced].startswith(hashlib.sha256(wav_bytes(level=14)).hexdigest() + ".")
    assert [names[evidence] for evidence in kept] == [
        hashlib.sha256(contents[evidence]).hexdigest() for evidence in kept
    ]
    assert writer.get(f"evidence/{replaced}/file").get_data() == wav_bytes(level=14)

    # A file whose bytes no longer match their digest is reported, not copied.
    broken = next(iter(services(local).files.entries(org.id)))
    (tmp_path / "files" / org.id / broken.evidence_id / broken.name).write_bytes(b"bit rot")
    again = run_coprod(
        "files", "migrate", "--to", target + "-2", "--files-dir", str(tmp_path / "files")
    )
    assert again.exit_code == 1
    assert "do not match" in again.output
    assert "Copied and checked 2 files" in again.output


def test_the_object_store_is_reached_through_the_standard_aws_settings(object_store):
    """No coprod setting for the endpoint or the keys: boto3's own, as every AWS tool."""
    assert os.environ["AWS_ENDPOINT_URL"] == object_store.endpoint
    store = ObjectFileStore(f"s3://{object_store.bucket}/plain")
    assert store.put("org_" + "1" * 26, "evi_" + "1" * 26, io.BytesIO(b"x"), 10).size == 1


def test_without_the_s3_extra_the_app_says_how_to_install_it(make_app, monkeypatch):
    from api.settings import ConfigurationError

    monkeypatch.setitem(sys.modules, "boto3", None)  # as if coprod[s3] were not installed
    with pytest.raises(ConfigurationError, match=r"pip install 'coprod\[s3\]'"):
        make_app(FILES_URL="s3://evidence/coprod")


# coprod files check -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("presign", "signed"),
    [
        ("1", "ok"),
        ("0", "not used: COPROD_FILES_PRESIGN is off, so the API streams downloads"),
    ],
)
def test_files_check_does_what_the_api_does_and_leaves_nothing_behind(
    object_store, presign, signed
):
    prefix = f"check-{secrets.token_hex(4)}"
    checked = run_coprod(
        "files", "check", "--files-url", f"s3://{object_store.bucket}/{prefix}",
        env={"COPROD_FILES_PRESIGN": presign},
    )  # fmt: skip
    assert checked.exit_code == 0, checked.output
    steps = checked.output.splitlines()[1:-1]
    assert steps == [
        "  store a file: ok",
        "  list it: ok",
        "  read it back: ok",
        f"  fetch it through a signed URL: {signed}",
        "  delete it: ok",
    ]
    assert checked.output.rstrip().endswith("The file store is ready.")
    left = object_store.client().list_object_versions(Bucket=object_store.bucket, Prefix=prefix)
    assert not left.get("Versions")
    assert not left.get("DeleteMarkers")


def test_files_check_says_the_bucket_is_missing_and_fails(object_store):
    checked = run_coprod("files", "check", "--files-url", "s3://no-such-coprod-bucket/files")
    assert checked.exit_code == 1
    assert "store a file: FAILED" in checked.output
    assert "NoSuchBucket" in checked.output
    assert "create it (coprod does not)" in checked.output
    assert "list it" not in checked.output  # it stops at the first step that fails


def test_files_check_names_an_endpoint_that_does_not_answer(object_store, monkeypatch):
    from ports import free_port

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    checked = run_coprod("files", "check", "--files-url", f"s3://{object_store.bucket}/x")
    assert checked.exit_code == 1
    assert "check AWS_ENDPOINT_URL" in checked.output


def test_files_check_fails_when_a_signed_url_is_refused_and_deletes_its_file(object_store):
    """A URL signed for the wrong region passes every other step (boto3 follows the
    store's redirects for its own requests), and fails only a client's download."""
    prefix = f"check-{secrets.token_hex(4)}"
    store = ObjectFileStore(f"s3://{object_store.bucket}/{prefix}")
    store.download_url = lambda *_args, **_options: f"{object_store.endpoint}/nowhere/x"
    steps = list(check_store(store, presign=True))
    assert [step.name for step in steps] == [
        "store a file", "list it", "read it back", "fetch it through a signed URL"
    ]  # fmt: skip
    assert steps[-1].problem is not None
    assert "HTTP Error 404" in steps[-1].problem
    left = object_store.client().list_object_versions(Bucket=object_store.bucket, Prefix=prefix)
    assert not left.get("Versions")  # it stopped, then deleted what it stored
