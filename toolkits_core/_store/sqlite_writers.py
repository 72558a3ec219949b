"""One SQLite writer at a time, waiting in a queue, not in a sleep.

SQLite lets one connection write at a time. A connection that finds the write lock
taken waits in SQLite's busy handler, which polls: it sleeps 1, 2, 5, 10, 15, 20, 25 ms
and more between tries, however soon the lock comes free. With the embedded default
served by threaded workers, writers then slept past each other's commits: on the
benchmark's 8 concurrent creates, the slowest 1% waited about a second. So a write
transaction (``begin_write_transaction``) first takes its turn: the threads of a process
for a lock of the process, woken the moment the writer before them ends its
transaction; the one at the head of each process's queue for an ``flock`` on the file
``PATH-writers`` beside the database, tried every 0.1 to 2 ms.

The queue orders writers; it guards nothing. SQLite's lock still decides who writes,
so a writer that cannot have its turn within the wait (a transaction held open for
long, a second connection of the same thread, a lock file it cannot open or lock) goes
on to SQLite as it would without one.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time
import weakref
from typing import Any

logger = logging.getLogger(__name__)

QUEUE_WAIT_SECONDS = 5.0
"""How long a writer waits for its turn in the queue: SQLite's own busy timeout."""
FIRST_PAUSE, LAST_PAUSE = 0.0001, 0.002
"""Between tries for another process's turn: short, since a write takes milliseconds."""


class WriterQueue:
    """The writers of one SQLite file: this process's threads, then the processes."""

    def __init__(self, path: str) -> None:
        self.pid = os.getpid()  # a forked child makes its own (``queue_for``)
        self._path = path
        self._lock_path = path + "-writers"
        self._threads = threading.Lock()
        self._owner: int | None = None
        self._fd: int | None = None

    def _lock_file(self) -> int | None:
        if self._fd is None:
            self._fd = _open_lock_file(self._lock_path, self._path)
        return self._fd if self._fd >= 0 else None

    def enter(self) -> bool:
        """Wait for this thread's turn; False when it goes on without one."""
        me = threading.get_ident()
        if self._owner == me:  # its other connection writes: SQLite's lock decides
            return False
        deadline = time.monotonic() + QUEUE_WAIT_SECONDS
        if not self._threads.acquire(timeout=QUEUE_WAIT_SECONDS):
            return False
        try:
            if not self._take_the_file(deadline):
                self._threads.release()
                return False
        except BaseException:
            self._threads.release()
            raise
        self._owner = me
        return True

    def _take_the_file(self, deadline: float) -> bool:
        """The turn among processes: whether this process has it (or none is kept)."""
        fd = self._lock_file()
        pause = FIRST_PAUSE
        while fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, LAST_PAUSE)
            except OSError as error:  # a file system without locks: the threads alone
                logger.warning("SQLite writers queue without %s: %s", self._lock_path, error)
                self._fd = -1
                os.close(fd)
                fd = None
        return True

    def leave(self) -> None:
        self._owner = None
        try:
            if self._fd is not None and self._fd >= 0:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def __del__(self) -> None:  # its last connection closed: the lock file with it
        if self._fd is not None and self._fd >= 0 and self.pid == os.getpid():
            os.close(self._fd)


def _open_lock_file(lock_path: str, database_path: str) -> int:
    """The lock file's descriptor, made as readable and writable as the database; -1 if
    it can be neither made nor opened (``flock`` takes a read-only one as well)."""
    try:
        mode = os.stat(database_path).st_mode & 0o666
    except OSError:
        mode = 0o600
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(lock_path, flags, mode)
        except OSError as error:
            failure = error
    logger.warning("SQLite writers queue without %s: %s", lock_path, failure)
    return -1


_queues: weakref.WeakValueDictionary[tuple[int, str], WriterQueue]
_queues = weakref.WeakValueDictionary()
_queues_guard = threading.Lock()


def queue_for(path: str) -> WriterQueue:
    """This process's queue for the SQLite file at ``path`` (a forked worker has its own),
    kept while a connection holds it."""
    key = (os.getpid(), os.path.realpath(path))
    with _queues_guard:
        found = _queues.get(key)
        if found is None:
            found = _queues[key] = WriterQueue(key[1])
        return found


class QueuedConnection(sqlite3.Connection):
    """A ``sqlite3`` connection that starts its write transactions from the queue.

    ``enter_queue`` waits for its turn, just before ``BEGIN IMMEDIATE``; the turn ends
    with the transaction: ``commit``, ``rollback`` or ``close``, whichever comes first.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.writer_path: str | None = None
        self._queue: WriterQueue | None = None
        self._in_queue: WriterQueue | None = None

    @property
    def writer_queue(self) -> WriterQueue | None:
        """The queue of this process for the connection's file (None: in memory)."""
        if self.writer_path is None:
            return None
        if self._queue is None or self._queue.pid != os.getpid():
            self._queue = queue_for(self.writer_path)
        return self._queue

    def enter_queue(self) -> None:
        """Wait for this connection's turn to write (``begin_write_transaction``)."""
        queue = self.writer_queue
        if self._in_queue is None and queue is not None and queue.enter():
            self._in_queue = queue

    def leave_queue(self) -> None:
        queue, self._in_queue = self._in_queue, None
        if queue is not None and queue.pid == os.getpid():  # a forked child's is not its own
            queue.leave()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_queue()
