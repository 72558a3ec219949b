"""Loopback ports for the servers the tests start (gunicorn, moto, webhook receivers).

A port found free by binding port 0 is taken from the kernel's ephemeral range and then
let go, and the server binds it some time later (gunicorn after the database has been
migrated, say). In between, any outgoing connection of the machine, to PostgreSQL or
Redis among them, may be given that same port as its own end, and the server then fails
to start, or a probe finds another process listening there. So the ports handed out here
are below the ephemeral range, where the kernel never puts a connection's end, and none
is handed out twice in one run.
"""

from __future__ import annotations

import pathlib
import random
import socket
import threading

_RANGE_FILE = pathlib.Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 15000
"""The lowest port handed out: above the well-known services' usual ports."""
_handed_out: set[int] = set()
_lock = threading.Lock()


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = (int(part) for part in _RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default
    return low, high


def _candidates() -> range:
    low, high = _ephemeral_range()
    if low - _LOWEST >= 1000:
        return range(_LOWEST, low)
    if 65535 - high >= 1000:
        return range(high + 1, 65536)
    return range(0)  # the whole range is ephemeral: only the kernel's choice is left


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A loopback TCP port free now, outside the ephemeral range, not given before."""
    choices = _candidates()
    with _lock:
        for _ in range(200):
            if not choices:
                break
            port = random.choice(choices)
            if port not in _handed_out and _is_free(port):
                _handed_out.add(port)
                return port
        while True:  # no quiet port found: as the kernel chooses, but never twice
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = int(probe.getsockname()[1])
            if port not in _handed_out:
                _handed_out.add(port)
                return port
