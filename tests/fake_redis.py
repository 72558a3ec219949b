"""A Redis stand-in on loopback that can be slow or hang up, for the rate limiter's
failure paths: a real Redis cannot be made to answer one command late on cue.

It speaks just enough RESP3 for redis-py's handshake and the ``limits`` storage: every
script call (``EVALSHA``, the storage's counting) is a count, ``TTL`` says 60 s, and
anything else is ``+OK``. ``executed`` is what a real Redis would have counted.
"""

from __future__ import annotations

import socket
import threading
from typing import BinaryIO, Literal

Fault = Literal["slow", "hang up"]


class FakeRedis:
    """Counts every script call; the first one meets ``fault``.

    ``slow``: it is counted, but answered only once ``release`` is set, as by a Redis
    busy elsewhere. ``hang up``: its connection is closed before it is counted, as by a
    Redis or proxy that dropped the connection.
    """

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        self.received = 0
        self.executed = 0
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self._listener.getsockname()[1]}/0"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection, connection.makefile("rb") as reader:
            while command := _command(reader):
                answer = self._answer(command[0].upper())
                if answer is None:
                    return  # hung up
                connection.sendall(answer)

    def _answer(self, name: bytes) -> bytes | None:
        if name == b"HELLO":
            return b"%1\r\n$5\r\nproto\r\n:3\r\n"
        if name == b"TTL":
            return b":60\r\n"
        if name != b"EVALSHA":
            return b"+OK\r\n"
        with self._lock:
            self.received += 1
            first = self.received == 1
        if first and self.fault == "hang up":
            return None
        with self._lock:
            self.executed += 1
            counted = self.executed
        if first:
            self.release.wait(30)
        return b":%d\r\n" % counted


def _command(reader: BinaryIO) -> list[bytes] | None:
    """One command (a RESP array of bulk strings), or None once the client has gone."""
    header = reader.readline()
    if not header.startswith(b"*"):
        return None
    command = []
    for _ in range(int(header[1:])):
        size = int(reader.readline()[1:])
        command.append(reader.read(size + 2)[:-2])
    return command
