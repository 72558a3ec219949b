"""Webhook delivery under faults, with real processes: gunicorn serving, concurrent
clients writing, worker processes delivering, one of them killed with SIGKILL mid-run and
started again, and a receiver process that verifies every signature with the
``standardwebhooks`` package.

What a council relies on: every event arrives at least once; each subscription's events
arrive in the feed's order; the only duplicates are re-sends of an event already
received, with the same ``webhook-id`` (so the receiver can drop them); a receiver that
answers 500 and then 200 gets the retry; a receiver down for the whole run has its
subscription disabled, with the reason and the log of attempts. On PostgreSQL: 1,000
changes and two workers (the issue's test); on SQLite a smaller run with one worker.
"""

from __future__ import annotations

import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from ports import free_port

from toolkits_core.service import (
    Database,
    WebhookSubscription,
    create_key,
    create_organisation,
)

from .conftest import FIGURES, REPOSITORY, Http, serve_with_gunicorn

RECEIVER = REPOSITORY / "tests" / "webhook_receiver.py"


def worker_environment(database: Database) -> dict[str, str]:
    return {
        **os.environ,
        "COPROD_DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "COPROD_WEBHOOKS_ALLOW_PRIVATE": "1",
        "COPROD_WEBHOOKS_RETRY_BASE": "0.2",
        "COPROD_WEBHOOKS_RETRY_MAX": "1",
        "COPROD_WEBHOOKS_GIVE_UP_AFTER": "6",
        "COPROD_WEBHOOKS_LEASE": "3",
        "COPROD_WEBHOOKS_POLL": "0.1",
        "COPROD_WEBHOOKS_TIMEOUT": "5",
    }


class Processes:
    """Child processes started by the test, each stopped at the end by its own id."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        self.outputs: list[Any] = []

    def start(
        self, command: list[str], env: dict[str, str], log: pathlib.Path
    ) -> subprocess.Popen[bytes]:
        out = log.open("ab")
        self.outputs.append(out)
        process = subprocess.Popen(command, env=env, cwd=REPOSITORY, stdout=out, stderr=out)
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        for out in self.outputs:
            out.close()


@pytest.fixture
def processes() -> Iterator[Processes]:
    found = Processes()
    yield found
    found.stop_all()


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def delivering_worker(
    database: Database, subscription_id: str, running: list[subprocess.Popen[bytes]]
) -> subprocess.Popen[bytes]:
    """The worker process holding the subscription's lease now: the one to kill mid-run."""
    by_pid = {process.pid: process for process in running}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with database.session() as session:
            owner = session.execute(
                sa.select(WebhookSubscription.lease_owner).where(
                    WebhookSubscription.id == subscription_id
                )
            ).scalar_one()
        pid = int(owner.split(":")[1]) if owner else None
        if pid in by_pid:
            return by_pid[pid]
        time.sleep(0.01)
    raise AssertionError("no worker took the subscription")


def read_log(path: pathlib.Path) -> list[dict]:
    """The receiver's complete lines so far.

    The test polls this while the receiver is still writing, so the text read can end
    part-way through a line; that fragment is left for the next poll, where it is whole.
    """
    if not path.exists():
        return []
    complete, _, _partial = path.read_text().rpartition("\n")
    return [json.loads(line) for line in complete.splitlines() if line.strip()]


def feed_ids(ask: Callable[[str], Any]) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        query = "?limit=100" + (f"&cursor={cursor}" if cursor else "")
        page = ask(f"events{query}")
        ids += [item["id"] for item in page["items"]]
        if not page["items"]:
            return ids
        cursor = page["next_cursor"]


def test_every_event_arrives_in_order_through_a_killed_worker_retries_and_an_outage(
    database: Database, tmp_path: pathlib.Path, processes: Processes
) -> None:
    on_postgresql = not database.is_sqlite
    changes, writers, workers = (1000, 8, 2) if on_postgresql else (160, 4, 1)
    with database.session() as session:
        organisation = create_organisation(session, "Webhook fault council")
        admin_token = create_key(session, organisation.id, "admin", ["admin"]).token
    ports = {name: free_port() for name in ("steady", "flaky", "down")}
    with serve_with_gunicorn(
        database, tmp_path, "api:create_app()", workers=2, threads=4,
        env={"COPROD_WEBHOOKS_ALLOW_PRIVATE": "1"},
    ) as gunicorn:  # fmt: skip

        def admin(path: str, body: Any = None) -> Any:
            """One request on a connection of its own (gunicorn closes idle ones)."""
            http = Http(gunicorn.port, admin_token).connect()
            try:
                reply = http.get(path) if body is None else http.post(path, body)
            finally:
                http.close()
            assert reply.status in {200, 201}, reply
            return reply.json

        made = {}
        for name, types in (("steady", ["*"]), ("flaky", ["initiative.created"]),
                            ("down", ["initiative.created"])):  # fmt: skip
            made[name] = admin(
                "webhooks",
                {"url": f"http://127.0.0.1:{ports[name]}/hook", "event_types": types},
            )
        logs = {name: tmp_path / f"{name}.jsonl" for name in ("steady", "flaky")}
        for name, extra in (("steady", ["--delay", "0.03"]), ("flaky", ["--fail-first", "1"])):
            processes.start(
                [sys.executable, str(RECEIVER), "--port", str(ports[name]),
                 "--secret", made[name]["secret"], "--log", str(logs[name]), *extra],
                dict(os.environ), tmp_path / f"{name}-receiver.out",
            )  # fmt: skip
            wait_for_port(ports[name])
        env = worker_environment(database)
        coprod = str(pathlib.Path(sys.executable).with_name("coprod"))
        running = [
            processes.start([coprod, "webhooks", "work"], env, tmp_path / f"worker{n}.out")
            for n in range(workers)
        ]

        done = threading.Event()
        errors: list[str] = []
        written = [0]
        lock = threading.Lock()

        def write(share: int) -> None:
            http = Http(gunicorn.port, admin_token).connect()
            try:
                made_one = http.post(
                    "initiatives", {"toolkit": "coproduction-star", "title": "Walks"}
                )
                if made_one.status != 201:
                    errors.append(repr(made_one))
                    return
                for n in range(share - 1):
                    reply = http.patch(
                        f"initiatives/{made_one.json['id']}", {"summary": f"change {n}"}
                    )
                    if reply.status != 200:
                        errors.append(repr(reply))
                    with lock:
                        written[0] += 1
            finally:
                http.close()

        threads = [
            threading.Thread(target=write, args=(changes // writers,)) for _ in range(writers)
        ]
        for thread in threads:
            thread.start()
        # Kill a worker with SIGKILL while it delivers, then start it again.
        deadline = time.monotonic() + 120
        while len(read_log(logs["steady"])) < changes // 5:
            assert time.monotonic() < deadline, "deliveries never got going"
            time.sleep(0.05)
        victim = delivering_worker(database, made["steady"]["id"], running)
        # The moment the receiver logs a new event it is holding its answer back
        # (--delay): killed now, the worker has sent the event and not heard back.
        seen = len(read_log(logs["steady"]))
        deadline = time.monotonic() + 30
        while len(read_log(logs["steady"])) == seen:
            assert time.monotonic() < deadline, "no delivery to kill the worker during"
            time.sleep(0.005)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        FIGURES["webhook workers killed with SIGKILL"] += 1
        time.sleep(0.5)
        processes.start([coprod, "webhooks", "work"], env, tmp_path / "worker-restarted.out")
        for thread in threads:
            thread.join(300)
        done.set()
        assert not errors, errors[:3]

        expected = feed_ids(admin)
        assert len(expected) >= changes
        deadline = time.monotonic() + (400 if on_postgresql else 200)
        while len({line["id"] for line in read_log(logs["steady"])}) < len(expected):
            assert time.monotonic() < deadline, (
                f"{len({line['id'] for line in read_log(logs['steady'])})} of "
                f"{len(expected)} events arrived"
            )
            time.sleep(0.2)

        # Every event at least once, signed, in order; duplicates only re-sends by id.
        steady = read_log(logs["steady"])
        assert all(line["verified"] for line in steady)
        first_seen: list[str] = []
        bodies: dict[str, str] = {}
        duplicates = 0
        for line in steady:
            if line["id"] in bodies:
                duplicates += 1
                assert line["body"] == bodies[line["id"]], "a re-send differs from the first"
                continue
            bodies[line["id"]] = line["body"]
            first_seen.append(line["id"])
        assert first_seen == expected
        FIGURES["webhook events delivered under faults"] += len(expected)
        FIGURES["webhook duplicates (same webhook-id)"] += duplicates

        # The receiver answering 500 then 200 got the retry of the same event.
        deadline = time.monotonic() + 30
        while [line["status"] for line in read_log(logs["flaky"])][:2] != [500, 200]:
            assert time.monotonic() < deadline, read_log(logs["flaky"])[:2]
            time.sleep(0.1)
        flaky = read_log(logs["flaky"])
        assert [line["status"] for line in flaky[:2]] == [500, 200]
        assert flaky[0]["id"] == flaky[1]["id"]

        # The receiver down all along: its subscription is disabled, with the log.
        deadline = time.monotonic() + 60
        while (shown := admin(f"webhooks/{made['down']['id']}"))["status"] != ("disabled"):
            assert time.monotonic() < deadline, shown
            time.sleep(0.3)
        assert "failed attempts" in shown["disabled_reason"]
        attempts = admin(f"webhooks/{made['down']['id']}/deliveries")["items"]
        assert attempts
        assert all(a["outcome"] == "retrying" and "cannot connect" in a["error"] for a in attempts)
