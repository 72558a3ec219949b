"""Fixtures for the trust tests: the app on a real socket, clients in threads, and faults.

The concurrency tests need requests that truly overlap, so the app is served by werkzeug's
threaded server and every client is its own ``http.client`` connection in its own thread.
The crash tests need faults where real ones happen: a database connection that dies
between two statements (on PostgreSQL its server process is terminated), a database that
cannot be reached at all, a commit whose answer is lost, a file store that refuses, a
plugin that raises. Each fault counts itself when it fires, so a test whose fault never
fired fails instead of passing for nothing, and the total is reported at the end of the
run (SECURITY.md's "faults injected").
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client as http_client
import json
import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import psycopg
import pytest
import sqlalchemy as sa
from conftest import build_toolkit, bytes_named
from flask import Flask
from ports import free_port
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from api.context import services
from toolkits_core import EvidenceKind, EvidenceType, PluginHost, hookimpl
from toolkits_core._store.sqlite_writers import QueuedConnection
from toolkits_core.service import Database, create_key, create_organisation

T = TypeVar("T")

TOOLKIT = "trust"
REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
FIGURES: Counter[str] = Counter()
"""What the trust tests did, reported in the terminal summary (and written as JSON to the
file named by ``COPROD_TRUST_FIGURES``, if set)."""
SOAK_FIGURES: dict[str, Any] = {}
FIGURES_FILE_VARIABLE = "COPROD_TRUST_FIGURES"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES and not SOAK_FIGURES:
        return
    terminalreporter.write_sep("=", "trust figures")
    for name, count in sorted(FIGURES.items()):
        terminalreporter.write_line(f"{name}: {count}")
    for name, value in SOAK_FIGURES.items():
        terminalreporter.write_line(f"soak {name}: {value}")
    path = os.environ.get(FIGURES_FILE_VARIABLE)
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"figures": dict(FIGURES), "soak": SOAK_FIGURES}, out, indent=2)
        terminalreporter.write_line(f"written to {path}")


# A toolkit whose plugin can be told to fail ----------------------------------------------


class TrustPlugin:
    """Provides the ``trust`` toolkit; its rules raise while their hook is in ``failing``."""

    def __init__(self) -> None:
        self.failing: set[str] = set()

    def _maybe_fail(self, hook: str) -> None:
        if hook in self.failing:
            FIGURES["faults injected"] += 1
            FIGURES[f"faults injected: plugin {hook}"] += 1
            raise RuntimeError(f"the trust plugin was told to fail in {hook}")

    @hookimpl
    def coprod_register_toolkits(self, register: Callable[[Any], None]) -> None:
        base = build_toolkit()
        register(
            dataclasses.replace(
                base,
                key=TOOLKIT,
                name="Trust Toolkit",
                evidence_types=[
                    *base.evidence_types,
                    EvidenceType("interview", "Interview", EvidenceKind.AUDIO, "A recording."),
                ],
            )
        )

    @hookimpl
    def coprod_validate_evidence(self, toolkit: Any, initiative: Any, evidence: Any) -> list[Any]:
        self._maybe_fail("coprod_validate_evidence")
        return []

    @hookimpl
    def coprod_transition_blockers(
        self, toolkit: Any, initiative: Any, transition: Any
    ) -> list[Any]:
        self._maybe_fail("coprod_transition_blockers")
        return []


@pytest.fixture(scope="session")
def trust_plugin() -> TrustPlugin:
    return TrustPlugin()


@pytest.fixture
def failing_plugin(trust_plugin: TrustPlugin) -> Iterator[TrustPlugin]:
    """The trust plugin, put right again after the test whatever it was told to do."""
    yield trust_plugin
    trust_plugin.failing.clear()


@pytest.fixture(scope="session")
def trust_app(
    make_app: Callable[..., Flask],
    trust_plugin: TrustPlugin,
    tmp_path_factory: pytest.TempPathFactory,
) -> Flask:
    host = PluginHost.of(("trust", trust_plugin))
    return make_app(PLUGIN_HOST=host, FILES_DIR=str(tmp_path_factory.mktemp("trust-files")))


@pytest.fixture(scope="session")
def on_postgresql(database: Database) -> bool:
    return not database.is_sqlite


@pytest.fixture
def postgresql_only(on_postgresql: bool) -> None:
    if not on_postgresql:
        pytest.skip(
            "needs PostgreSQL (set COPROD_TEST_DATABASE_URL): the errors injected here are "
            "PostgreSQL's own, which SQLite's driver never raises"
        )


# Serving the app on a socket, and clients -----------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """Thousands of requests need no line each in the test log."""


@contextlib.contextmanager
def serve_live(app: Flask) -> Iterator[int]:
    """``app`` served by werkzeug's threaded server (one thread per connection) on a free
    port, until the block ends."""
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="trust-server", daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="session")
def live_port(trust_app: Flask) -> Iterator[int]:
    """The trust app served by werkzeug's threaded server: one thread per connection."""
    with serve_live(trust_app) as port:
        yield port


@dataclasses.dataclass(frozen=True)
class Reply:
    status: int
    headers: http_client.HTTPMessage
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def code(self) -> str | None:
        """The problem's code, for problem answers."""
        body = self.json
        return body.get("code") if isinstance(body, dict) else None

    def __repr__(self) -> str:
        return f"<Reply {self.status} {self.body[:300]!r}>"


class Http:
    """One HTTP/1.1 connection to the live app, sending one organisation's key."""

    def __init__(self, port: int, token: str | None, timeout: float = 60) -> None:
        self.connection = http_client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.token = token

    def connect(self) -> Http:
        self.connection.connect()
        return self

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if self.token is not None:
            sent["Authorization"] = f"Bearer {self.token}"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            content_type = "application/json"
        if content_type is not None:
            sent["Content-Type"] = content_type
        url = path if path.startswith("/") else f"/api/v1/{path}"
        self.connection.request(method, url, body=body, headers=sent)
        response = self.connection.getresponse()
        return Reply(response.status, response.headers, response.read())

    def get(self, path: str, **options: Any) -> Reply:
        return self.request("GET", path, **options)

    def post(self, path: str, json_body: Any = None, **options: Any) -> Reply:
        return self.request("POST", path, json_body=json_body, **options)

    def patch(self, path: str, json_body: Any, if_match: str | None = None) -> Reply:
        headers = {"If-Match": if_match} if if_match else {}
        return self.request("PATCH", path, json_body=json_body, headers=headers)

    def delete(self, path: str, if_match: str | None = None) -> Reply:
        return self.request("DELETE", path, headers={"If-Match": if_match} if if_match else {})

    def upload(
        self,
        path: str,
        content: bytes,
        *,
        name: str = "interview.wav",
        media_type: str = "audio/wav",
        if_match: str | None = None,
    ) -> Reply:
        body, content_type = multipart(content, name, media_type)
        headers = {"If-Match": if_match} if if_match else {}
        return self.request("PUT", path, body=body, content_type=content_type, headers=headers)

    def close(self) -> None:
        self.connection.close()


def multipart(content: bytes, name: str, media_type: str) -> tuple[bytes, str]:
    """A multipart/form-data body with the file in the part named ``file``."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def wav_bytes(level: int = 0, samples: int = 800) -> bytes:
    """A tiny, valid PCM WAV file; ``level`` makes each one's bytes (and digest) differ."""
    import struct

    data = struct.pack("<h", level) * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def overlap(actions: Sequence[Callable[[], T]], timeout: float = 60) -> list[T]:
    """Run each action in its own thread, all released at once by a barrier."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout)
            results[index] = actions[index]()
        except BaseException as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
    assert not any(thread.is_alive() for thread in threads), "a client never finished"
    return results


@dataclasses.dataclass(frozen=True)
class Tenant:
    """An organisation made for one test, with a write key, talking to the live app."""

    id: str
    token: str
    port: int

    def client(self) -> Http:
        return Http(self.port, self.token).connect()


@pytest.fixture
def make_tenant(database: Database, live_port: int) -> Callable[[], Tenant]:
    def make() -> Tenant:
        with database.session() as session:
            organisation = create_organisation(session, "Trust test council")
            token = create_key(session, organisation.id, "writer", ["write"]).token
        return Tenant(organisation.id, token, live_port)

    return make


@pytest.fixture
def tenant(make_tenant: Callable[[], Tenant]) -> Tenant:
    return make_tenant()


@pytest.fixture
def clients(tenant: Tenant) -> Iterator[Callable[[int], list[Http]]]:
    """Makes that many clients of the tenant, each its own connection; closed after."""
    opened: list[Http] = []

    def make(count: int) -> list[Http]:
        made = [tenant.client() for _ in range(count)]
        opened.extend(made)
        return made

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def http(tenant: Tenant) -> Iterator[Http]:
    client = tenant.client()
    yield client
    client.close()


# gunicorn, for tests that need several worker processes -------------------------------


@dataclasses.dataclass
class Gunicorn:
    port: int
    files: pathlib.Path
    log: pathlib.Path


class GunicornNode:
    """One gunicorn (master and workers, in a process group of their own) that can be
    started, killed with SIGKILL as a machine dies, and started again on the same port."""

    def __init__(
        self,
        database: Database,
        work: pathlib.Path,
        app: str,
        *,
        workers: int,
        threads: int,
        env: dict[str, str] | None = None,
    ) -> None:
        pytest.importorskip("gunicorn", reason="needs gunicorn: pip install '.[server]'")
        url = database.engine.url.render_as_string(hide_password=False)
        work.mkdir(parents=True, exist_ok=True)
        self.work, self.app, self.workers, self.threads = work, app, workers, threads
        self.environment = {
            **os.environ,
            "COPROD_DATABASE_URL": url,
            "COPROD_FILES_DIR": str(work / "files"),
            "COPROD_RATE_LIMIT": "off",
            **(env or {}),
        }
        self.port, self.log = free_port(), work / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    def upgrade_database(self) -> None:
        coprod = pathlib.Path(sys.executable).with_name("coprod")
        upgraded = subprocess.run(
            [str(coprod), "db", "upgrade"],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert upgraded.returncode == 0, upgraded.stderr

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config=python:api.gunicorn_conf",  # as in production (README)
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            f"--bind=127.0.0.1:{self.port}",
            "--timeout=60",
            "--graceful-timeout=5",
            f"--error-logfile={self.log}",
            self.app,
        ]
        self.process = subprocess.Popen(
            command,
            env=self.environment,
            cwd=REPOSITORY,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes the workers too
        )
        deadline = time.monotonic() + 60
        while True:
            probe = Http(self.port, None, timeout=5)
            try:
                if probe.get("openapi.json").status == 200:
                    return
            except OSError:
                pass
            finally:
                probe.close()
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, f"gunicorn did not start:\n{self.log.read_text()}"
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: nothing gets to clean up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


@contextlib.contextmanager
def serve_with_gunicorn(
    database: Database,
    work: pathlib.Path,
    app: str,
    *,
    workers: int,
    threads: int,
    env: dict[str, str] | None = None,
) -> Iterator[Gunicorn]:
    """gunicorn serving ``app`` (``module:factory()``) on the suite's database, from the
    repository's top folder, until the block ends; skipped where gunicorn is missing."""
    node = GunicornNode(database, work, app, workers=workers, threads=threads, env=env)
    node.upgrade_database()
    try:
        node.start()
        yield Gunicorn(node.port, work / "files", node.log)
    finally:
        node.stop()


# Holding writes until every racer has read -----------------------------------------------


def is_write_or_lock(statement: str) -> bool:
    """Whether a statement writes, or takes a lock that orders writers."""
    words = statement.split(None, 3)
    if not words:
        return False
    first = words[0].upper()
    if first in {"INSERT", "UPDATE", "DELETE"}:
        return True
    if first == "BEGIN":
        return "IMMEDIATE" in statement.upper()
    tail = statement[-40:].upper()
    return first == "SELECT" and ("FOR UPDATE" in tail or "FOR SHARE" in tail)


class RacersMeet:
    """Makes each request wait, just before its first write, until every racer has read.

    Without it two overlapping requests often run one after the other anyway (the race
    window is a few milliseconds); with it, every racer has read and checked the same
    state before any of them writes: the worst interleaving, every time. The wait is
    before the first write statement of each request (each runs in its own server
    thread), or before the first lock it takes where it takes one first (``SELECT ...
    FOR UPDATE`` or ``FOR SHARE``, SQLite's ``BEGIN IMMEDIATE`` and the queue of this
    process's writers before it), so no racer holds a lock while it waits for the others.
    """

    IGNORED_TABLES = ("api_keys", "audit_events")
    """Bookkeeping writes (a key's last use, the audit log) are not the race."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @contextlib.contextmanager
    def __call__(self, parties: int, timeout: float = 20) -> Iterator[threading.Barrier]:
        barrier = threading.Barrier(parties, timeout=timeout)
        waited: set[int] = set()

        def meet() -> None:
            if threading.get_ident() in waited:
                return
            waited.add(threading.get_ident())
            barrier.wait()

        def before_execute(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not is_write_or_lock(statement):
                return
            if any(table in statement[:80] for table in self.IGNORED_TABLES):
                return
            meet()

        enter_queue = QueuedConnection.enter_queue

        def enter_queue_after_meeting(connection: QueuedConnection) -> None:
            meet()  # SQLite's writers queue for BEGIN IMMEDIATE: meet before the queue
            enter_queue(connection)

        sa.event.listen(self.engine, "before_cursor_execute", before_execute)
        QueuedConnection.enter_queue = enter_queue_after_meeting  # type: ignore[method-assign]
        try:
            yield barrier
        finally:
            QueuedConnection.enter_queue = enter_queue  # type: ignore[method-assign]
            sa.event.remove(self.engine, "before_cursor_execute", before_execute)
        assert not barrier.broken, "the racers never all reached their first write"
        assert len(waited) == parties, f"{len(waited)} of {parties} racers wrote"
        FIGURES["interleaved races"] += 1


@pytest.fixture
def racers_meet(trust_app: Flask) -> RacersMeet:
    return RacersMeet(services(trust_app).database.engine)


# Faults in the database ------------------------------------------------------------------


def _dbapi_error(engine: sa.Engine, message: str) -> Exception:
    """The error the database's own driver raises when its server is gone."""
    if engine.dialect.name == "sqlite":
        return sqlite3.OperationalError(message)
    return psycopg.OperationalError(message)


class DatabaseFaults:
    """Faults in the app's database, each counted as it fires.

    On PostgreSQL a connection "dies" for real: its server process is terminated from
    another connection, and the statement then fails in the driver as it would after a
    crash or a failover. SQLite has no server process, so its driver raises the error a
    failing disk gives.
    """

    def __init__(self, engine: sa.Engine, side_url: str) -> None:
        self.engine = engine
        self.side_url = side_url
        self.unreachable = False
        self.fired = threading.Event()
        self._listeners: list[tuple[str, Callable[..., Any]]] = []

    @property
    def on_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def _listen(self, event: str, function: Callable[..., Any]) -> None:
        sa.event.listen(self.engine, event, function)
        self._listeners.append((event, function))

    def remove(self) -> None:
        for event, function in self._listeners:
            sa.event.remove(self.engine, event, function)
        self._listeners.clear()
        self.unreachable = False
        self.fired.clear()

    def _count(self, what: str) -> None:
        FIGURES["faults injected"] += 1
        FIGURES[f"faults injected: {what}"] += 1

    def _terminate(self, dbapi_connection: Any) -> None:
        """Terminate the PostgreSQL server process behind this connection, and wait for it."""
        raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)  # unwrap the pool's
        pid = raw.info.backend_pid
        with psycopg.connect(self.side_url, autocommit=True) as side:
            side.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))

    def _fail_statement(self, cursor: Any, what: str) -> None:
        self._count(what)
        if self.on_postgresql:
            self._terminate(cursor.connection)  # the statement then fails for real
        else:
            raise _dbapi_error(self.engine, "disk I/O error")

    def _refuse_while_unreachable(self, *_args: Any) -> None:
        if self.unreachable:
            raise _dbapi_error(self.engine, "connection refused: the database is unreachable")

    def _outage(self) -> None:
        """From now on (until ``back``) no statement runs and no connection opens."""
        if not any(event == "do_connect" for event, _ in self._listeners):
            self._listen("do_connect", self._refuse_while_unreachable)
            self._listen("do_execute", self._refuse_while_unreachable)
            self._listen("do_executemany", self._refuse_while_unreachable)
        self.unreachable = True

    def connection_dies_at(self, statement_start: str, *, then_unreachable: bool = False) -> None:
        """The connection running the first statement that starts so dies under it.

        With ``then_unreachable`` the database stays unreachable afterwards, as if its
        server had gone, until ``back`` is called.
        """
        wanted = statement_start.upper()

        def on_execute(cursor: Any, statement: str, *_args: Any) -> None:
            if self.fired.is_set() or not statement.lstrip().upper().startswith(wanted):
                return
            self.fired.set()
            if then_unreachable:
                self._outage()
            self._fail_statement(cursor, f"connection lost at {statement_start}")

        self._listen("do_execute", on_execute)
        self._listen("do_executemany", on_execute)

    def statement_fails_with(self, error: Exception, statement_start: str) -> None:
        """The first statement that starts so fails with ``error`` from the driver (such as
        PostgreSQL aborting the transaction to break a deadlock)."""
        wanted = statement_start.upper()

        def on_execute(_cursor: Any, statement: str, *_args: Any) -> None:
            if self.fired.is_set() or not statement.lstrip().upper().startswith(wanted):
                return
            self.fired.set()
            self._count(f"{type(error).__name__} at {statement_start}")
            raise error

        self._listen("do_execute", on_execute)

    def unreachable_now(self) -> None:
        """The database cannot be reached from now on (until ``back``)."""
        self._count("database unreachable")
        self._outage()
        self.engine.pool.dispose()

    def back(self) -> None:
        self.unreachable = False

    def commit_answer_lost(
        self, monkeypatch: pytest.MonkeyPatch, *, committed: bool, then_unreachable: bool = False
    ) -> None:
        """The next COMMIT fails. With ``committed`` the server did commit and only the
        answer was lost (the connection dropped just after): the ambiguous case. With
        ``then_unreachable`` the database stays out of reach afterwards, until ``back``."""
        dialect = self.engine.dialect
        real_commit = dialect.do_commit

        def do_commit(dbapi_connection: Any) -> None:
            if self.fired.is_set():
                return real_commit(dbapi_connection)
            self.fired.set()
            if committed:
                real_commit(dbapi_connection)
                self._count("commit answer lost after the commit")
            else:
                self._count("connection lost at COMMIT")
            if then_unreachable:
                self._outage()
            if not self.on_postgresql:
                raise _dbapi_error(self.engine, "disk I/O error")
            self._terminate(dbapi_connection)
            # The driver meets the dead connection itself, so its error is the real one.
            if committed:
                raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
                raw.execute("SELECT 1")
            return real_commit(dbapi_connection)

        monkeypatch.setattr(dialect, "do_commit", do_commit)


@pytest.fixture
def faults(trust_app: Flask, database: Database) -> Iterator[DatabaseFaults]:
    engine = services(trust_app).database.engine
    side_url = database.engine.url.set(drivername="postgresql").render_as_string(
        hide_password=False
    )
    injected = DatabaseFaults(engine, side_url)
    yield injected
    injected.remove()


# Reading what is stored -------------------------------------------------------------------


def rows_of(database: Database, organisation_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row an organisation has, table by table (key use times aside), to compare
    before and after a failed write: nothing at all may have changed."""
    from toolkits_core._store.models import Base, activity_participants

    found: dict[str, list[tuple[Any, ...]]] = {}
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "organisation_id" not in table.c:
                continue
            columns = [column for column in table.c if column.name != "last_used_at"]
            statement = sa.select(*columns).where(table.c.organisation_id == organisation_id)
            found[table.name] = sorted(connection.execute(statement).all(), key=repr)
        activities = Base.metadata.tables["activities"]
        links = sa.select(activity_participants).join(
            activities, activities.c.id == activity_participants.c.activity_id
        )
        found["activity_participants"] = sorted(
            connection.execute(links.where(activities.c.organisation_id == organisation_id)).all()
        )
    return found


def stored_files(app: Flask, organisation_id: str) -> set[tuple[str, str]]:
    """The files kept for an organisation, as (evidence id, digest) pairs (``bytes_named``),
    temporary upload files included: after a failed upload there must be none of either."""
    return {
        (entry.evidence_id, bytes_named(entry.name))
        for entry in services(app).files.entries(organisation_id)
    }
