"""A real S3 endpoint on loopback for the tests: moto in server mode, and two faulty ones.

The object store is tested over HTTP, as it is used: boto3 talks to moto's server on a
free port exactly as it would to AWS, MinIO or Ceph. ``FailingEndpoint`` answers every
request 500, as a store in trouble does; ``CuttingProxy`` passes the bytes through to
moto until it is told to cut, then drops every connection part-way, as a network does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ports import free_port

ACCESS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


@dataclasses.dataclass
class ObjectStoreServer:
    endpoint: str
    bucket: str

    def client(self, endpoint: str | None = None, attempts: int = 3) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=endpoint or self.endpoint,
            aws_access_key_id=ACCESS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=ACCESS["AWS_SECRET_ACCESS_KEY"],
            region_name=ACCESS["AWS_REGION"],
            config=Config(
                retries={"mode": "standard", "max_attempts": attempts},
                signature_version="s3v4",
                connect_timeout=2,
                read_timeout=10,
            ),
        )

    def new_bucket(self, versioned: bool = False) -> str:
        name = f"coprod-{secrets.token_hex(6)}"
        client = self.client()
        client.create_bucket(Bucket=name)
        if versioned:
            client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        return name

    def environment(self) -> dict[str, str]:
        """What a process needs to reach this endpoint through boto3's own settings."""
        return {**ACCESS, "AWS_ENDPOINT_URL": self.endpoint}


@contextlib.contextmanager
def moto_server() -> Iterator[ObjectStoreServer]:
    """moto's S3 in server mode on a free loopback port, until the block ends."""
    from moto.server import ThreadedMotoServer

    # moto keeps each object in a spooled temporary file that goes to disk past this size
    # and is never closed when the object goes: keep them in memory, so that no warning of
    # an unclosed file turns up in whichever test runs when they are collected.
    os.environ.setdefault("MOTO_S3_DEFAULT_KEY_BUFFER_SIZE", str(512 * 1024 * 1024))
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    # moto's requests are logged by werkzeug, a line each, naming the keys (the digests):
    # the tests that look for a digest in the log must not find moto's lines.
    requests_log = logging.getLogger("werkzeug")
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    server.start()
    try:
        found = ObjectStoreServer(f"http://127.0.0.1:{port}", "")
        found.bucket = found.new_bucket()
        yield found
    finally:
        server.stop()
        requests_log.setLevel(level)


class _Failing(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _fail(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>'
            b"<Message>We encountered an internal error. Please try again.</Message></Error>"
        )
        self.send_response(500)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _fail  # noqa: N815 - http.server names

    def log_message(self, *_args: Any) -> None:
        """Quiet."""


@contextlib.contextmanager
def failing_endpoint() -> Iterator[str]:
    """An S3 endpoint that answers every request 500 InternalError."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class CuttingProxy:
    """A TCP proxy to an endpoint that cuts every connection once ``cut_after`` bytes of
    requests have gone through it since ``arm``, until ``disarm``: a network gone mid-upload."""

    def __init__(self, target_port: int) -> None:
        self._target = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._budget: int | None = None
        self.cuts = 0
        self._open: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def arm(self, cut_after: int) -> None:
        with self._lock:
            self._budget = cut_after

    def disarm(self) -> None:
        with self._lock:
            self._budget = None

    def _spend(self, count: int) -> bool:
        """Whether ``count`` more request bytes may pass."""
        with self._lock:
            if self._budget is None:
                return True
            self._budget -= count
            if self._budget < 0:
                self._budget = 0
                self.cuts += 1
                return False
            return True

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self._target))
            except OSError:
                client.close()
                continue
            self._open |= {client, upstream}
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, request: bool) -> None:
        try:
            while data := source.recv(65536):
                if request and not self._spend(len(data)):
                    break
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self._listener.close()
        for end in list(self._open):
            with contextlib.suppress(OSError):
                end.close()
