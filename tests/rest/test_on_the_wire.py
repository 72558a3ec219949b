"""Limits that hold on a real socket, under the servers coprod runs on.

A test client hands the app a whole body; a real server hands it a socket. A body sent
``Transfer-Encoding: chunked`` has no ``Content-Length`` to check, so the limit must hold
while it is read: before, 2 MiB and 8 MiB chunked JSON bodies were stored (201) and a
60 MiB one was read in full before a 400. Each test runs against werkzeug's threaded
server (``coprod serve``) and gunicorn with the shipped configuration
(``-c python:api.gunicorn_conf``), the production server, whose own refusals (a request
line too long, a NUL in a header) must be problem documents too. Without gunicorn
installed its half is skipped, saying so.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import importlib.util
import json
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ports import free_port
from werkzeug.serving import WSGIRequestHandler, make_server

from api.hygiene import MAX_JSON_BYTES, MAX_UPLOAD_PARTS, MULTIPART_OVERHEAD

MiB = 1024 * 1024
UPLOAD_LIMIT = 2 * MiB
"""The servers here take files up to 2 MiB, so that a body past it is cheap to send."""
STAR = "coproduction-star"
HEAD = b'{"toolkit": "coproduction-star", "title": "Walks", "summary": "'
GUNICORN_MISSING = importlib.util.find_spec("gunicorn") is None


# Counting what the app reads -------------------------------------------------------------


class CountingInput:
    """``wsgi.input``, counting the bytes the app takes from it."""

    def __init__(self, stream: Any, counts: list[int]) -> None:
        self._stream = stream
        self._counts = counts
        counts.append(0)

    def _add(self, size: int) -> None:
        self._counts[-1] += size

    def read(self, *args: Any) -> bytes:
        data = self._stream.read(*args)
        self._add(len(data))
        return data

    def readline(self, *args: Any) -> bytes:
        data = self._stream.readline(*args)
        self._add(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        size = self._stream.readinto(buffer) or 0
        self._add(size)
        return size


class ReadCounter:
    """WSGI middleware keeping, request by request, how many body bytes the app read."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.counts: list[int] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ["wsgi.input"] = CountingInput(environ["wsgi.input"], self.counts)
        return self.app(environ, start_response)


# The servers ------------------------------------------------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """The test log needs no line a request."""


@dataclasses.dataclass
class Server:
    name: str
    port: int
    reads: ReadCounter | None  # None: in another process, only the client side is seen


@pytest.fixture(scope="module")
def werkzeug_server(make_app: Callable[..., Any]) -> Iterator[Server]:
    app = make_app(MAX_UPLOAD_BYTES=UPLOAD_LIMIT)
    counter = ReadCounter(app.wsgi_app)
    app.wsgi_app = counter
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="wire-server", daemon=True)
    thread.start()
    yield Server("werkzeug", server.server_port, counter)
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="module")
def gunicorn_server(database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if GUNICORN_MISSING:
        pytest.skip("gunicorn is not installed (pip install '.[server]'): its half is skipped")
    from gunicorn.config import Config

    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:api.gunicorn_conf"]
    command += ["-w", "1", "--threads", "2", "-b", f"127.0.0.1:{port}"]
    if "control_socket_disable" in Config().settings:  # gunicorn 25.1 and later
        command.append("--no-control-socket")
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    environ = {
        **os.environ,
        "COPROD_DATABASE_URL": database.url,
        "COPROD_FILES_DIR": str(tmp_path_factory.mktemp("gunicorn-files")),
        "COPROD_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "api:create_app()"], env=environ, stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield Server("gunicorn", port, None)
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(params=["werkzeug", "gunicorn"])
def server(request: pytest.FixtureRequest) -> Server:
    found: Server = request.getfixturevalue(f"{request.param}_server")
    return found


# Sending a body as it is sent: chunk by chunk, stopping when the server has answered -----


@dataclasses.dataclass
class Sent:
    status: int
    body: Any
    bytes_sent: int
    """What the client had sent when the answer came (or when the server stopped reading)."""


def post_chunked(
    port: int,
    path: str,
    token: str,
    chunks: Iterator[bytes],
    content_type: str,
    method: str = "POST",
) -> Sent:
    """Send ``chunks`` with http.client's chunked encoding until the server answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.connect()
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for chunk in chunks:
            if select.select([connection.sock], [], [], 0)[0]:
                return  # the server has answered (or closed): stop sending
            yield chunk
            sent += len(chunk)

    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    # If the server stopped reading and closed, its answer is still there to be read.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        connection.request(method, path, body=body(), headers=headers, encode_chunked=True)
    try:
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    return Sent(response.status, json.loads(raw) if raw else None, sent)


def json_chunks(total: int, step: int = 64 * 1024) -> Iterator[bytes]:
    """A JSON initiative whose summary makes the body ``total`` bytes long."""
    yield HEAD
    left = total - len(HEAD) - 2
    while left > 0:
        yield b"x" * min(step, left)
        left -= step
    yield b'"}'


def wav_bytes(samples: int) -> bytes:
    data = b"\x00\x00" * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def multipart_chunks(content: bytes, boundary: str, step: int = 64 * 1024) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="walk.wav"\r\nContent-Type: audio/wav\r\n\r\n'
    ).encode()
    for start in range(0, len(content), step):
        yield content[start : start + step]
    yield f"\r\n--{boundary}--\r\n".encode()


def initiatives_of(org: Any) -> list[str]:
    return [item["id"] for item in org.api.get("initiatives").json["items"]]


# JSON bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2 * MiB, 8 * MiB], ids=["2MiB", "8MiB"])
def test_a_chunked_json_body_over_the_limit_is_413_and_stores_nothing(server, org, size):
    sent = post_chunked(
        server.port,
        "/api/v1/initiatives",
        org.tokens["write"],
        json_chunks(size),
        "application/json",
    )
    assert sent.status == 413, sent
    assert sent.body["code"] == "body_too_large"
    assert sent.body["max_bytes"] == MAX_JSON_BYTES
    assert initiatives_of(org) == []


def test_a_huge_chunked_body_is_refused_once_the_limit_is_read(server, org):
    """60 MiB sent: the answer comes after a little more than 1 MiB is read."""
    started = time.monotonic()
    sent = post_chunked(
        server.port,
        "/api/v1/initiatives",
        org.tokens["write"],
        json_chunks(60 * MiB),
        "application/json",
    )
    assert sent.status == 413, sent
    assert sent.body["code"] == "body_too_large"
    # The client had sent what fits in the sockets' buffers, far from all of it.
    assert sent.bytes_sent < 16 * MiB, sent.bytes_sent
    if server.reads is not None:
        assert server.reads.counts[-1] <= MAX_JSON_BYTES + 64 * 1024, server.reads.counts[-1]
    assert time.monotonic() - started < 30
    assert initiatives_of(org) == []


def test_a_chunked_json_body_within_the_limit_is_read_whole(server, org):
    size = MAX_JSON_BYTES - 1024
    sent = post_chunked(
        server.port,
        "/api/v1/initiatives",
        org.tokens["write"],
        json_chunks(size),
        "application/json",
    )
    # Everything was read, and judged by its fields: the summary is too long (5000 at most).
    assert sent.status == 422, sent
    assert [e["field"] for e in sent.body["errors"]] == ["summary"]
    small = post_chunked(
        server.port,
        "/api/v1/initiatives",
        org.tokens["write"],
        json_chunks(300),
        "application/json",
    )
    assert small.status == 201, small
    assert initiatives_of(org) == [small.body["id"]]


# Uploads ---------------------------------------------------------------------------------


def _evidence_expecting_a_file(org: Any) -> str:
    initiative = org.api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    return org.api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "audio-interview", "payload": {"caption": "Canal path"}},
    ).json["id"]


def test_a_chunked_upload_over_the_limit_is_413_after_little_more_than_the_limit(server, org):
    evidence = _evidence_expecting_a_file(org)
    boundary = uuid.uuid4().hex
    sent = post_chunked(
        server.port,
        f"/api/v1/evidence/{evidence}/file",
        org.tokens["write"],
        multipart_chunks(wav_bytes(30 * MiB), boundary),
        f"multipart/form-data; boundary={boundary}",
        method="PUT",
    )
    assert sent.status == 413, sent
    assert sent.body["code"] == "file_too_large"
    assert sent.body["max_bytes"] == UPLOAD_LIMIT
    assert sent.bytes_sent < 20 * MiB, sent.bytes_sent
    if server.reads is not None:
        assert server.reads.counts[-1] <= UPLOAD_LIMIT + MULTIPART_OVERHEAD + 64 * 1024
    assert org.api.get(f"evidence/{evidence}").json["file"] is None


def test_a_chunked_upload_within_the_limit_is_stored(server, org):
    evidence = _evidence_expecting_a_file(org)
    boundary = uuid.uuid4().hex
    audio = wav_bytes(400_000)  # 800 KB
    sent = post_chunked(
        server.port,
        f"/api/v1/evidence/{evidence}/file",
        org.tokens["write"],
        multipart_chunks(audio, boundary),
        f"multipart/form-data; boundary={boundary}",
        method="PUT",
    )
    assert sent.status == 200, sent
    assert sent.body["file"]["size"] == len(audio)


def test_an_upload_of_thousands_of_parts_is_too_many_parts_not_too_large(server, org):
    evidence = _evidence_expecting_a_file(org)
    boundary = uuid.uuid4().hex

    def parts() -> Iterator[bytes]:
        for number in range(5000):
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="p{number}"\r\n\r\nx\r\n'
            ).encode()
        yield f"--{boundary}--\r\n".encode()

    sent = post_chunked(
        server.port,
        f"/api/v1/evidence/{evidence}/file",
        org.tokens["write"],
        parts(),
        f"multipart/form-data; boundary={boundary}",
        method="PUT",
    )
    assert sent.status == 413, sent
    assert sent.body["code"] == "too_many_parts"
    assert sent.body["max_parts"] == MAX_UPLOAD_PARTS
    assert str(MAX_UPLOAD_PARTS) in sent.body["detail"]


# Broken framing, and what gunicorn refuses itself -----------------------------------------


def raw_exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes no well-behaved client would, and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def request_bytes(target: str, *headers: bytes) -> bytes:
    return (
        b"\r\n".join(
            [
                f"GET {target} HTTP/1.1".encode(),
                b"Host: coprod.test",
                *headers,
                b"Connection: close",
            ]
        )
        + b"\r\n\r\n"
    )


GUNICORN_REFUSALS = [
    pytest.param(
        request_bytes("/api/v1/initiatives?external_ref=" + "x" * 9000),
        414,
        "request_line_too_long",
        id="request-line-over-8190",
    ),
    pytest.param(
        request_bytes("/api/v1/initiatives", b"X-Note: a\x00b"), 400, "malformed_request", id="nul"
    ),
    pytest.param(
        request_bytes("/api/v1/initiatives", b"X-Note: a\x01b"),
        400,
        "malformed_request",
        id="control-character",
    ),
    pytest.param(
        request_bytes("/api/v1/initiatives", b"X-Note: " + b"x" * 9000),
        431,
        "request_headers_too_large",
        id="header-too-long",
    ),
]


BROKEN_CHUNKS = [
    pytest.param(b"zz\r\n", id="chunk-size-not-hex"),
    pytest.param(b"3\r\nabcdef\r\n0\r\n\r\n", id="chunk-longer-than-its-size"),
]


@pytest.mark.parametrize("framing", BROKEN_CHUNKS)
@pytest.mark.parametrize("path", ["initiatives", "evidence/{evidence}/file"])
def test_a_body_whose_chunks_are_broken_is_400_unreadable_body(server, org, framing, path):
    """gunicorn raised its own parse error from inside the app's read: a 500."""
    evidence = _evidence_expecting_a_file(org)
    method, content_type = ("POST", "application/json")
    if "file" in path:
        method, content_type = ("PUT", "multipart/form-data; boundary=b")
    head = (
        f"{method} /api/v1/{path.format(evidence=evidence)} HTTP/1.1\r\nHost: coprod.test\r\n"
        f"Authorization: Bearer {org.tokens['write']}\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    answer, headers, body = raw_exchange(server.port, head.encode() + framing)
    assert answer == 400, body
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["code"] == "unreadable_body"
    assert len(initiatives_of(org)) == 1  # the one holding the evidence
    assert org.api.get(f"evidence/{evidence}").json["file"] is None


@pytest.mark.parametrize(("request_", "status", "code"), GUNICORN_REFUSALS)
def test_what_gunicorn_refuses_itself_is_a_problem_document(
    gunicorn_server, request_, status, code
):
    answer, headers, body = raw_exchange(gunicorn_server.port, request_)
    assert answer == status, body
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status
    assert problem["code"] == code
    assert problem["type"] == f"urn:coprod:problem:{code}"
    assert problem["detail"]
    assert int(headers["content-length"]) == len(body)


def test_gunicorn_reads_request_lines_up_to_8190_bytes(gunicorn_server, org):
    """gunicorn's default stops at 4094; a list filtered by a long external_ref fits now."""
    target = "/api/v1/initiatives?external_ref=" + "x" * 150 + "&limit=1&cursor=" + "y" * 7000
    answer, headers, body = raw_exchange(
        gunicorn_server.port,
        request_bytes(target, f"Authorization: Bearer {org.tokens['read']}".encode()),
    )
    assert len(target) > 4094
    assert answer == 422, body  # read, then judged: the cursor is too long
    assert headers["content-type"] == "application/problem+json"
