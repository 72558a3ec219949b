"""What gunicorn, the production server, answers on a real socket with the shipped settings.

gunicorn refuses some requests before coprod sees them, and answered those with its own
HTML pages, and its default stops request lines at 4094 bytes. Served with the shipped
configuration (``-c python:api.gunicorn_conf``), a request line may be 8190 bytes long,
and what gunicorn refuses itself (a request line too long, a NUL in a header) is a
problem document like every other error. Without gunicorn installed these tests are
skipped, saying so.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

MiB = 1024 * 1024
UPLOAD_LIMIT = 2 * MiB
"""The servers here take files up to 2 MiB, so that a body past it is cheap to send."""
GUNICORN_MISSING = importlib.util.find_spec("gunicorn") is None


@dataclasses.dataclass
class Server:
    name: str
    port: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def gunicorn_server(database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if GUNICORN_MISSING:
        pytest.skip("gunicorn is not installed (pip install '.[server]'): its half is skipped")
    from gunicorn.config import Config

    port = _free_port()
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
        yield Server("gunicorn", port)
    finally:
        process.terminate()
        process.wait(30)


# What gunicorn refuses itself ------------------------------------------------------------


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
