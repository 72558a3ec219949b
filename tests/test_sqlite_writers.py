"""SQLite's writers wait their turn in a queue, in this process and across processes.

Without it a writer that finds the write lock taken sleeps in SQLite's busy handler
(1, 2, 5, 10 ms and more), however soon the lock comes free; under concurrent creates
that made the slowest 1% wait over a second. These tests pin what the queue promises:
a writer waits until the one before it ends its transaction, whichever way it ends
(commit, rollback, close), the turn passes to another process through the lock file,
and nothing deadlocks (a thread that already writes on another connection goes on to
SQLite's own lock, which still decides)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from toolkits_core._store import sqlite_writers
from toolkits_core._store.database import begin_write_transaction
from toolkits_core._store.sqlite_writers import QueuedConnection
from toolkits_core.service import Database


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'writers.sqlite3'}")
    with database.engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)"))
    yield database
    database.dispose()


def _writer(database: Database, events: list[str], name: str, ending: str) -> None:
    with database.engine.connect() as connection:
        # No busy handler at all: a writer that met the lock taken would fail at once.
        connection.exec_driver_sql("PRAGMA busy_timeout=0")
        begin_write_transaction(connection)
        events.append(f"{name} writes")
        connection.execute(sa.text("INSERT INTO notes (text) VALUES (:t)"), {"t": name})
        time.sleep(0.2)  # the other writer arrives meanwhile, and must wait
        events.append(f"{name} ends")
        if ending == "commit":
            connection.commit()
        elif ending == "rollback":
            connection.rollback()
    # "close": the connection goes back to the pool, which rolls it back


@pytest.mark.parametrize("ending", ["commit", "rollback", "close"])
def test_a_writer_waits_for_the_one_before_it_however_it_ends(
    sqlite: Database, ending: str
) -> None:
    events: list[str] = []
    first = threading.Thread(target=_writer, args=(sqlite, events, "first", ending))
    first.start()
    while "first writes" not in events:
        time.sleep(0.001)
    second = threading.Thread(target=_writer, args=(sqlite, events, "second", "commit"))
    second.start()
    first.join(5)
    second.join(5)
    # The second waited in the queue, so SQLite never found the lock taken.
    assert events == ["first writes", "first ends", "second writes", "second ends"]
    with sqlite.engine.connect() as connection:
        texts = connection.execute(sa.text("SELECT text FROM notes ORDER BY id")).scalars()
        assert list(texts) == (["first", "second"] if ending == "commit" else ["second"])


def test_connections_of_a_sqlite_database_queue_and_those_in_memory_do_not(
    sqlite: Database,
) -> None:
    with sqlite.engine.connect() as connection:
        driver = connection.connection.dbapi_connection
        assert isinstance(driver, QueuedConnection)
        assert driver.writer_queue is not None
    memory = Database("sqlite://")
    try:
        with memory.engine.connect() as connection:
            driver = connection.connection.dbapi_connection
            assert isinstance(driver, QueuedConnection)
            assert driver.writer_queue is None  # one connection, nobody to queue with
            begin_write_transaction(connection)
            assert driver.in_transaction
    finally:
        memory.dispose()


def test_a_thread_writing_on_two_connections_is_not_stuck_behind_itself(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its second connection does not wait for the first's turn (it never would end):
    it goes straight to SQLite, whose lock refuses it (the first still writes)."""
    monkeypatch.setattr(sqlite_writers, "QUEUE_WAIT_SECONDS", 30.0)
    with sqlite.engine.connect() as first, sqlite.engine.connect() as second:
        begin_write_transaction(first)
        second.exec_driver_sql("PRAGMA busy_timeout=50")
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            begin_write_transaction(second)
        assert time.monotonic() - started < 5
        driver = second.connection.dbapi_connection
        assert isinstance(driver, QueuedConnection)
        assert not driver.in_transaction
        first.commit()
        begin_write_transaction(second)  # its turn is free again: the refusal left it
        second.commit()


def test_a_writer_that_cannot_have_its_turn_in_time_goes_on_to_sqlite(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_writers, "QUEUE_WAIT_SECONDS", 0.1)
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with sqlite.engine.connect() as connection:
            begin_write_transaction(connection)
            holding.set()
            release.wait(5)
            connection.commit()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    try:
        with sqlite.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout=100")
            with pytest.raises(sa.exc.OperationalError, match="locked"):
                begin_write_transaction(connection)
    finally:
        release.set()
        holder.join(5)


HOLD_THE_TURN = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()  # held until the test says so
"""


def test_another_process_holding_the_turn_makes_a_writer_wait(
    sqlite: Database, tmp_path: Path
) -> None:
    """Processes meet at the lock file beside the database (``PATH-writers``), so a
    gunicorn worker waits for another's commit there, not in SQLite's busy handler."""
    lock_file = f"{tmp_path / 'writers.sqlite3'}-writers"
    trying, began = threading.Event(), threading.Event()

    def write() -> None:
        with sqlite.engine.connect() as connection:
            trying.set()
            begin_write_transaction(connection)
            began.set()
            connection.commit()

    with subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_TURN, lock_file],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as other:
        assert other.stdout is not None
        assert other.stdin is not None
        assert other.stdout.readline().strip() == "held"
        writer = threading.Thread(target=write)
        writer.start()
        assert trying.wait(10)
        waited = not began.wait(0.3)
        other.stdin.write("go\n")
        other.stdin.flush()
        writer.join(10)
    assert waited, "the writer did not wait for the other process"
    assert began.is_set(), "the writer never began once the other process let go"


def test_a_forked_worker_queues_on_its_own_not_on_its_parents_turn(sqlite: Database) -> None:
    """A worker forked from a process that already wrote (gunicorn --preload) must not
    share the parent's lock file: the turn is held per open file, so sharing it would let
    both write at once, as far as the queue knows."""
    with sqlite.engine.connect() as connection:
        driver = connection.connection.dbapi_connection
        assert isinstance(driver, QueuedConnection)
        parents = driver.writer_queue
        begin_write_transaction(connection)
        connection.commit()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports by its exit status
            mine = driver.writer_queue
            os._exit(
                0 if mine is not parents and mine is not None and mine.pid == os.getpid() else 1
            )
        _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_turn_ends_when_the_driver_connection_is_closed(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_writers, "QUEUE_WAIT_SECONDS", 0.5)
    with sqlite.engine.connect() as connection:
        begin_write_transaction(connection)
        connection.connection.invalidate()  # the driver's connection closed mid-write
    turns: list[bool] = []

    def next_writer() -> None:
        with sqlite.engine.connect() as connection:
            driver = connection.connection.dbapi_connection
            assert isinstance(driver, QueuedConnection)
            begin_write_transaction(connection)
            turns.append(driver._in_queue is not None)  # its turn, not gone on without
            connection.commit()

    other = threading.Thread(target=next_writer)
    other.start()
    other.join(5)
    assert turns == [True]


def test_a_lock_file_that_cannot_be_locked_leaves_the_threads_queueing(
    sqlite: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system without locks (NFS without lockd): the turn among processes is
    given up, not the queue of the threads, and no writer is left waiting on it."""

    def no_locks(_fd: int, _operation: int) -> None:
        raise OSError(37, "No locks available")

    monkeypatch.setattr(sqlite_writers.fcntl, "flock", no_locks)
    for _ in range(2):
        events: list[str] = []
        _writer(sqlite, events, "alone", "commit")
        assert events == ["alone writes", "alone ends"]
