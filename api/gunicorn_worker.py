"""gunicorn's threaded worker, answering the requests it refuses itself as problems.

gunicorn refuses some requests before coprod sees them (a request line or headers past
its limits, a NUL or another character not allowed in a header, a malformed chunk) and
answers them with an HTML page. An integrator's client expects every error under /api as
``application/problem+json`` with a stable ``code``; this worker keeps gunicorn's own
judgement (which status, what is logged) and only changes what is written back.
"""

from __future__ import annotations

import json
import socket
from typing import Any

from gunicorn import util  # type: ignore[import-untyped]
from gunicorn.workers.gthread import ThreadWorker  # type: ignore[import-untyped]

PROBLEM_TYPE_PREFIX = "urn:coprod:problem:"

PROBLEMS = {
    400: (
        "malformed_request",
        "The request is not valid HTTP/1.1 (its request line, a header, or the framing "
        "of its body), so it was not read. Header values must not hold NUL or other "
        "control characters.",
    ),
    403: ("forbidden", "The request was refused before it was read."),
    414: (
        "request_line_too_long",
        "The request line (method, path and query) is longer than this server reads. "
        "Shorten the query: filter with fewer or shorter values.",
    ),
    417: ("expectation_failed", "The server cannot meet the request's Expect header."),
    431: (
        "request_headers_too_large",
        "The request has more headers, or longer ones, than this server reads.",
    ),
    500: (
        "internal_server_error",
        "Something went wrong on the server; nothing was saved. It has been logged.",
    ),
    501: (
        "not_implemented",
        "The request's Transfer-Encoding is not one this server reads (chunked is).",
    ),
}


class _WrittenPage:
    """The client socket, except that what gunicorn writes to it is kept, not sent."""

    def __init__(self, client: socket.socket) -> None:
        self._client = client
        self.written = b""

    def sendall(self, data: bytes) -> None:
        self.written += data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def problem_answer(status: int, reason: str) -> bytes:
    """The whole HTTP answer for a request gunicorn refused with ``status``."""
    code, detail = PROBLEMS.get(status, PROBLEMS[400 if status < 500 else 500])
    body = json.dumps(
        {
            "type": f"{PROBLEM_TYPE_PREFIX}{code}",
            "title": reason,
            "status": status,
            "detail": detail,
            "code": code,
        },
        indent=2,
        sort_keys=True,
    ).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body) + 1}\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body + b"\n"


class ProblemThreadWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, whose own refusals are problem documents, not HTML."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        page = _WrittenPage(client)
        # gunicorn decides the status, logs and writes its access line; its page is kept.
        super().handle_error(req, page, addr, exc)
        status_line = page.written.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        try:
            status, reason = int(status_line[1]), status_line[2]
        except (IndexError, ValueError):
            status, reason = 500, "Internal Server Error"
        try:
            util.write_nonblock(client, problem_answer(status, reason))
        except Exception:  # the client is gone, as gunicorn's own page would find it
            self.log.debug("Failed to send error message.")
