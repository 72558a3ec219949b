"""A webhook receiver for tests: an HTTP server on loopback that keeps what it was sent.

In a test it runs in a thread (``Receiver``); for the fault tests it runs as its own
process (``python tests/webhook_receiver.py --port N --secret whsec_... --log FILE``), which
verifies every signature with the ``standardwebhooks`` package, as a council's receiver
would, and writes one JSON line per request it was sent.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    def document(self) -> Any:
        return json.loads(self.body)


def verifies(secret: str, received: Received) -> bool:
    try:
        Webhook(secret).verify(received.body, received.headers)
    except WebhookVerificationError:
        return False
    return True


@dataclass
class Receiver:
    """A receiver in a thread; ``answers`` are the statuses to give, in turn (then 200)."""

    answers: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    respond: Callable[[Received], int] | None = None
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with lock:
                    if owner.respond is not None:
                        status = owner.respond(Received(headers, body, 0))
                    else:
                        status = owner.answers.pop(0) if owner.answers else 200
                    owner.received.append(Received(headers, body, status))
                self.send_response(status)
                for name, value in owner.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--fail-first", type=int, default=0, help="500 to the first N requests")
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds between logging and answering"
    )
    options = parser.parse_args()
    webhook = Webhook(options.secret)
    lock = threading.Lock()
    failures_left = [options.fail_first]
    log = open(options.log, "a", encoding="utf-8")  # noqa: SIM115

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                webhook.verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
            with lock:
                status = 200 if verified else 401
                if verified and failures_left[0] > 0:
                    failures_left[0] -= 1
                    status = 500
                line = {
                    "id": headers.get("webhook-id"),
                    "verified": verified,
                    "status": status,
                    "body": body.decode(),
                }
                log.write(json.dumps(line) + "\n")
                log.flush()
            time.sleep(options.delay)  # a worker killed now has sent it, unacknowledged
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", options.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
