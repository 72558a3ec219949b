"""The ports the test servers are given: outside the kernel's ephemeral range, where an
outgoing connection could take one before its server binds it, and never one twice."""

from __future__ import annotations

import socket

import pytest
from ports import _candidates, _ephemeral_range, free_port


def test_ports_are_free_distinct_and_outside_the_ephemeral_range() -> None:
    if not _candidates():
        pytest.skip("this machine's ephemeral range leaves no port outside it")
    low, high = _ephemeral_range()
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports)
    assert not [port for port in ports if low <= port <= high]
    for port in ports[:5]:
        with socket.create_server(("127.0.0.1", port)):  # free: it binds
            pass
