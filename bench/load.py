"""Serving and load: gunicorn for the product and the anchor, wrk to drive them, RSS to watch.

Both apps run under the same gunicorn settings, side by side, so that each case can be
measured on the product and then at once on the anchor: noise from the rest of the
machine then falls on both alike.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
LUA = pathlib.Path(__file__).resolve().parent / "wrk" / "case.lua"
PRODUCT_APP = "api:create_app()"
ANCHOR_APP = "bench.anchor:create_app()"
CORE_ANCHOR_APP = "bench.anchor:create_core_app()"
FEED_RETENTION_DAYS = "36500"
"""The seeded events span three years: both apps keep them all in the feed (the default
30 days would answer a cursor into them 410 cursor_expired)."""
SHIPPED_CONFIG = "python:api.gunicorn_conf"
WRK_INSTALL = "apt-get install -y wrk   (Debian and Ubuntu; on macOS: brew install wrk)"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What gunicorn is told, the same for the product and the anchor."""

    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4
    worker_connections: int | None = None
    """At most this many connections open on one worker at a time (gunicorn's
    ``--worker-connections``); None leaves gunicorn's default (1,000)."""

    @classmethod
    def spreading(cls, connections: int) -> ServerSettings:
        """Settings under which wrk's connections fall evenly on the workers.

        wrk opens its connections at the start of a run and keeps them. With gunicorn's
        default, whichever worker wakes first accepts most of them, and the other core
        idles: a round's throughput then hung on how the connections fell (one app's five
        rounds on one case ran from 594 to 1,309 req/s). Capping each worker at its share
        makes the others accept the rest, as a load balancer in front of several workers
        would spread them (the same five rounds: 589 to 728 req/s).
        """
        workers = cls().workers
        return cls(workers=workers, worker_connections=-(-connections // workers))

    def describe(self) -> str:
        spread = (
            f", at most {self.worker_connections} connections each"
            if self.worker_connections
            else ""
        )
        return (
            f"gunicorn -c {SHIPPED_CONFIG}, {self.workers} {self.worker_class} workers x "
            f"{self.threads} threads" + spread
        )


@dataclass(frozen=True, slots=True)
class LoadSettings:
    """How each case is driven."""

    duration: int
    """Seconds of one measured round."""
    warmup: int
    connections: int
    rounds: int = 1
    """Measured rounds per case and app, alternating between the product and the anchor."""
    threads: int = 1

    def describe(self) -> str:
        rounds = (
            f"{self.rounds} rounds of {self.duration} s"
            if self.rounds > 1
            else (f"{self.duration} s")
        )
        return (
            f"wrk -t{self.threads} -c{self.connections}; per case, {self.warmup} s warm-up on "
            f"each app, then {rounds} measured, alternating product and anchor"
        )


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str:
    found = wrk_path()
    if found is None:
        return "missing"
    done = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).split("Copyright")[0].strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """One gunicorn master serving one app on one database, on a loopback port."""

    def __init__(
        self,
        app: str,
        database_url: str,
        settings: ServerSettings,
        log_dir: pathlib.Path,
        *,
        root: pathlib.Path = ROOT,
        name: str | None = None,
    ) -> None:
        self.app = app
        self.database_url = database_url
        self.settings = settings
        self.root = root
        """The source tree served (another checkout, for an A/B between commits)."""
        self.port = free_port()
        name = name or ("anchor" if "anchor" in app else "product")
        self.log = log_dir / f"gunicorn-{name}.log"
        self.files = tempfile.mkdtemp(prefix="coprod-bench-files-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, token: str) -> None:
        env = {
            **os.environ,
            "COPROD_DATABASE_URL": self.database_url,
            "COPROD_FILES_DIR": self.files,
            "COPROD_RATE_LIMIT": "off",
            "COPROD_FEED_RETENTION_DAYS": FEED_RETENTION_DAYS,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(self.root), os.environ.get("PYTHONPATH")])
            ),
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            # coprod's shipped configuration, for the anchors too: its limits and its
            # post_worker_init (the start-up heap frozen out of the garbage collector)
            # apply to every app alike; the options below win over its worker class.
            "--config",
            SHIPPED_CONFIG,
            "--workers",
            str(self.settings.workers),
            "--worker-class",
            self.settings.worker_class,
            "--threads",
            str(self.settings.threads),
            *(
                ["--worker-connections", str(self.settings.worker_connections)]
                if self.settings.worker_connections
                else []
            ),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(self.log),
            self.app,
        ]
        self.process = subprocess.Popen(command, cwd=self.root, env=env)
        self._wait_ready(token)

    def _wait_ready(self, token: str) -> None:
        """Until both workers answer an authenticated request (or give up after a minute)."""
        deadline = time.monotonic() + 60
        request = urllib.request.Request(
            f"{self.base_url}/api/v1/initiatives?limit=1",
            headers={"Authorization": f"Bearer {token}"},
        )
        answered = 0
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.app}) exited; see {self.log}")
            try:
                with urllib.request.urlopen(request, timeout=5) as reply:
                    if reply.status == 200:
                        answered += 1
                        if answered >= 3 and len(self.workers()) == self.settings.workers:
                            return
                        continue
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ({self.app}) did not answer within a minute; see {self.log}")

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        children = pathlib.Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def wait_idle(self, quiet: float = 0.5, limit: float = 60.0) -> float:
        """Wait until the workers stop using CPU: wrk leaves requests in flight when it stops.

        Without this, a slow case's leftover requests would run into the next one's
        measurement. Returns the seconds waited.
        """
        started = time.monotonic()
        before = self._cpu_ticks()
        while time.monotonic() - started < limit:
            time.sleep(quiet)
            now = self._cpu_ticks()
            if now - before <= 1:
                break
            before = now
        return time.monotonic() - started

    def _cpu_ticks(self) -> int:
        total = 0
        for pid in self.workers():
            try:
                fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime and stime
        return total

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.files, ignore_errors=True)


def _rss_kib(pid: int) -> int:
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class RssWatch:
    """The largest resident set any of the server's workers had while the watch ran."""

    def __init__(self, server: Server, interval: float = 0.2) -> None:
        self.server = server
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while True:
            for pid in self.server.workers():
                self.peak_kib = max(self.peak_kib, _rss_kib(pid))
            if self._stop.wait(self.interval):
                return


@dataclass(frozen=True, slots=True)
class Requests:
    """What a case sends: a method, the paths in turn, and a JSON body for writes."""

    method: str
    paths: tuple[str, ...]
    body: dict[str, Any] | None = None
    idempotency_keys: bool = False
    """Send a fresh ``Idempotency-Key`` with every request."""


def run_wrk(
    server: Server, requests: Requests, token: str, seconds: int, settings: LoadSettings
) -> dict[str, Any]:
    """One wrk run against ``server``; wrk's summary as a dict (latencies in microseconds)."""
    found = wrk_path()
    if found is None:
        raise RuntimeError(f"wrk is not installed: {WRK_INSTALL}")
    with tempfile.TemporaryDirectory(prefix="coprod-bench-wrk-") as folder:
        paths = pathlib.Path(folder) / "paths"
        paths.write_text("\n".join(requests.paths) + "\n")
        body = pathlib.Path(folder) / "body.json"
        if requests.body is not None:
            body.write_text(json.dumps(requests.body))
        env = {
            **os.environ,
            "BENCH_TOKEN": token,
            "BENCH_METHOD": requests.method,
            "BENCH_PATHS": str(paths),
            "BENCH_BODY": str(body) if requests.body is not None else "",
            "BENCH_IDEMPOTENCY_PREFIX": f"bench-{uuid.uuid4()}"
            if requests.idempotency_keys
            else "",
        }
        command = [
            found,
            f"-t{settings.threads}",
            f"-c{settings.connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            server.base_url,
        ]
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, check=False, timeout=seconds + 60
        )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_RESULT "))
            seconds_run = result["duration_us"] / 1e6
            result["rps"] = result["requests"] / seconds_run if seconds_run else 0.0
            return result
    raise RuntimeError(f"wrk gave no result (exit {done.returncode}): {done.stderr.strip()}")


def time_one(
    server: Server, requests: Requests, token: str, timeout: float
) -> tuple[int, float | None]:
    """One request, timed end to end: (status, seconds), or (0, None) past ``timeout``."""
    data = None if requests.body is None else json.dumps(requests.body).encode()
    request = urllib.request.Request(
        server.base_url + requests.paths[0],
        data=data,
        method=requests.method,
        headers={
            "Authorization": f"Bearer {token}",
            **({"Content-Type": "application/json"} if data is not None else {}),
            **({"Idempotency-Key": f"bench-{uuid.uuid4()}"} if requests.idempotency_keys else {}),
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            reply.read()
            status = int(reply.status)
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0, None
    return status, time.perf_counter() - started
