"""``python -m bench.webhooks``: webhook delivery throughput, and what a subscription costs.

Two figures, each measured in one run on a fresh database (SQLite and, where it answers,
PostgreSQL):

1. **Delivery throughput**, end to end, in events per second: ``SUBSCRIPTIONS``
   organisations each get one active subscription (every event type) to a receiver on
   loopback that answers 200, then ``EVENTS`` changes are written in each through the
   core; ``coprod webhooks work`` processes are started and the clock runs until the
   receiver has every event. Once with one worker, once with two. One subscription is
   delivered by one worker at a time (its order needs it), so more workers help across
   subscriptions, not within one.
2. **The cost of an active subscription on a create**: ``POST /initiatives/{id}/evidence``
   driven by wrk against gunicorn (the suite's settings), in alternating rounds, with no
   subscription and then with one active subscription in the caller's organisation and
   a worker delivering every event as it is made. Creating never touches subscriptions
   (the event is the change feed's, written either way), so what is measured is the
   worker's load on the same machine and database: the goal is at most 10%.

It writes ``bench/results/webhooks.md`` and ``webhooks.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import sqlalchemy as sa

from bench.cases import CREATE_BODY
from bench.load import (
    PRODUCT_APP,
    ROOT,
    LoadSettings,
    Requests,
    Server,
    ServerSettings,
    run_wrk,
)
from toolkits_core import load_plugins
from toolkits_core.service import (
    Actor,
    Channel,
    Database,
    LocalFileStore,
    Workspace,
    act_as,
    create_initiative,
    create_key,
    create_organisation,
    create_subscription,
    update_initiative,
)

SUBSCRIPTIONS = 4
EVENTS = 500
RESULTS = pathlib.Path(__file__).resolve().parent / "results"


class Counting(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.count = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        server: Counting = self.server  # type: ignore[assignment]
        with server.lock:
            server.count += 1
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def _fresh(url: str) -> Database:
    if url.startswith("sqlite"):
        path = pathlib.Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        server, name = url.rsplit("/", 1)
        admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    database = Database(url)
    database.upgrade()
    return database


def _worker_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "COPROD_DATABASE_URL": url,
        "COPROD_WEBHOOKS_ALLOW_PRIVATE": "1",
        "COPROD_WEBHOOKS_POLL": "0.2",
        "PYTHONPATH": str(ROOT),
    }


def _start_workers(url: str, count: int, logs: pathlib.Path) -> list[subprocess.Popen[bytes]]:
    coprod = str(pathlib.Path(sys.executable).with_name("coprod"))
    started = []
    for n in range(count):
        out = (logs / f"worker-{n}.log").open("ab")
        started.append(
            subprocess.Popen(
                [coprod, "webhooks", "work"], env=_worker_env(url), stdout=out, stderr=out
            )
        )
        out.close()
    return started


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def throughput(url: str, workers: int, logs: pathlib.Path) -> dict[str, Any]:
    """Events per second from the first worker's start to the last event received."""
    database = _fresh(url)
    host = load_plugins()
    files = LocalFileStore(tempfile.mkdtemp(prefix="coprod-bench-wh-"))
    receiver = Counting()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        with database.session() as session:
            act_as(session, Actor(Channel.CLI))
            for n in range(SUBSCRIPTIONS):
                organisation = create_organisation(session, f"Council {n}")
                ws = Workspace(session, organisation.id, host, files)
                create_subscription(ws, url=receiver.url, event_types=["*"], allow_private=True)
                initiative = create_initiative(ws, toolkit="coproduction-star", title="Walks")
                session.commit()
                for k in range(EVENTS - 2):  # the create makes two events
                    update_initiative(ws, initiative.id, {"summary": f"change {k}"})
                    session.commit()
        expected = SUBSCRIPTIONS * EVENTS
        started = time.monotonic()
        processes = _start_workers(url, workers, logs)
        try:
            while receiver.count < expected:
                if time.monotonic() - started > 600:
                    raise RuntimeError(f"only {receiver.count} of {expected} arrived")
                time.sleep(0.05)
            seconds = time.monotonic() - started
        finally:
            _stop(processes)
    finally:
        receiver.shutdown()
        database.dispose()
        shutil.rmtree(files.root, ignore_errors=True)
    return {
        "workers": workers,
        "events": expected,
        "seconds": round(seconds, 2),
        "events_per_second": round(expected / seconds, 1),
        "received": receiver.count,
    }


def _wait_delivering(
    database: Database,
    organisation_id: str,
    initiative_id: str,
    host: Any,
    files: LocalFileStore,
    receiver: Counting,
) -> None:
    """Until the worker just started has caught up: a change made now has arrived."""
    with database.session() as session:
        act_as(session, Actor(Channel.CLI))
        update_initiative(
            Workspace(session, organisation_id, host, files),
            initiative_id,
            {"summary": f"ready {time.monotonic()}"},
        )
    seen = receiver.count
    deadline = time.monotonic() + 120
    while receiver.count == seen or not _idle(receiver):
        if time.monotonic() > deadline:
            raise RuntimeError("the worker delivered nothing within two minutes")
        time.sleep(0.1)


def _idle(receiver: Counting, quiet: float = 0.5) -> bool:
    """Whether nothing arrived for ``quiet`` seconds (the backlog is delivered)."""
    before = receiver.count
    time.sleep(quiet)
    return receiver.count == before


def create_cost(url: str, load: LoadSettings, logs: pathlib.Path) -> dict[str, Any]:
    """Creates per second without and with an active subscription (and its worker)."""
    database = _fresh(url)
    host = load_plugins()
    files = LocalFileStore(tempfile.mkdtemp(prefix="coprod-bench-wh-"))
    receiver = Counting()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    with database.session() as session:
        act_as(session, Actor(Channel.CLI))
        organisation = create_organisation(session, "Council")
        token = create_key(session, organisation.id, "bench", ["admin"]).token
        ws = Workspace(session, organisation.id, host, files)
        initiative = create_initiative(ws, toolkit="coproduction-star", title="Walks")
    requests = Requests("POST", (f"/api/v1/initiatives/{initiative.id}/evidence",), CREATE_BODY)
    server = Server(PRODUCT_APP, url, ServerSettings(), logs, name="webhooks")
    rounds: dict[str, list[float]] = {"without": [], "subscribed": [], "delivering": []}
    delivered = 0
    try:
        server.start(token)
        run_wrk(server, requests, token, load.warmup, load)
        server.wait_idle()
        for _ in range(load.rounds):
            rounds["without"].append(run_wrk(server, requests, token, load.duration, load)["rps"])
            server.wait_idle()
            with database.session() as session:
                ws = Workspace(session, organisation.id, host, files)
                made = create_subscription(
                    ws, url=receiver.url, event_types=["*"], allow_private=True
                )
            rounds["subscribed"].append(
                run_wrk(server, requests, token, load.duration, load)["rps"]
            )
            server.wait_idle()
            processes = _start_workers(url, 1, logs)
            try:
                _wait_delivering(database, organisation.id, initiative.id, host, files, receiver)
                before = receiver.count
                rounds["delivering"].append(
                    run_wrk(server, requests, token, load.duration, load)["rps"]
                )
                server.wait_idle()
                delivered += receiver.count - before
            finally:
                _stop(processes)
            with database.session() as session:
                session.execute(
                    sa.text("DELETE FROM webhook_subscriptions WHERE id = :id"),
                    {"id": made.subscription.id},
                )
    finally:
        server.stop()
        receiver.shutdown()
        database.dispose()
        shutil.rmtree(files.root, ignore_errors=True)
    mean = {case: sum(found) / len(found) for case, found in rounds.items()}

    def cost(case: str) -> float:
        return round((mean["without"] / mean[case] - 1) * 100, 1)

    return {
        "creates_per_second": {case: round(value, 1) for case, value in mean.items()},
        "rounds": {case: [round(v, 1) for v in found] for case, found in rounds.items()},
        "extra_cost_percent_subscribed": cost("subscribed"),
        "extra_cost_percent_delivering": cost("delivering"),
        "delivered_while_delivering": delivered,
    }


def markdown(run: dict[str, Any]) -> str:
    lines = [
        "# Webhooks: delivery throughput and the cost of a subscription",
        "",
        f"{run['when']}; {run['machine']}; {run['load']}.",
        "",
        "| database | workers | events | seconds | events/s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, found in run["databases"].items():
        for item in found["throughput"]:
            lines.append(
                f"| {name} | {item['workers']} | {item['events']} | {item['seconds']} | "
                f"{item['events_per_second']} |"
            )
    lines += [
        "",
        "| database | creates/s, no subscription | one active subscription | extra cost | "
        "the same, its worker delivering on the same machine | extra cost | events "
        "delivered meanwhile |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, found in run["databases"].items():
        cost = found["create_cost"]
        rates = cost["creates_per_second"]
        lines.append(
            f"| {name} | {rates['without']} | {rates['subscribed']} | "
            f"{cost['extra_cost_percent_subscribed']}% | {rates['delivering']} | "
            f"{cost['extra_cost_percent_delivering']}% | {cost['delivered_while_delivering']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-prefix", default="coprod_bench")
    parser.add_argument("--data-dir", type=pathlib.Path, default=ROOT / "bench" / "data")
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    options = parser.parse_args(argv)
    options.data_dir.mkdir(parents=True, exist_ok=True)
    load = LoadSettings(
        duration=options.duration, warmup=2, connections=options.connections,
        rounds=options.rounds,
    )  # fmt: skip
    urls = {
        "sqlite": f"sqlite:///{options.data_dir / 'webhooks.sqlite3'}",
        "postgresql": f"{options.postgresql}/{options.pg_prefix}_webhooks",
    }
    run: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "load": (
            f"wrk -t{load.threads} -c{load.connections}, {load.warmup} s warm-up, then "
            f"{load.rounds} rounds of {load.duration} s, the three create cases in turn"
        ),
        "databases": {},
    }
    for name in options.databases.split(","):
        url = urls[name]
        print(f"{name}: delivery throughput", flush=True)
        found: dict[str, Any] = {
            "throughput": [throughput(url, n, options.data_dir) for n in (1, 2)]
        }
        print(f"{name}: the cost of a subscription on a create", flush=True)
        found["create_cost"] = create_cost(url, load, options.data_dir)
        run["databases"][name] = found
        print(json.dumps(found, indent=2), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "webhooks.json").write_text(json.dumps(run, indent=2) + "\n")
    (RESULTS / "webhooks.md").write_text(markdown(run))
    print(markdown(run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
