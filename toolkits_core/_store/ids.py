"""Opaque, time-ordered record ids.

An id is a short type prefix and 26 Crockford base32 characters: 48 bits of milliseconds
then 80 random bits (the ULID layout). Sorting ids sorts records by creation, which is
what keyset pagination walks, and the random part means ids say nothing about how many
records another organisation holds. Within one process, ids made in the same millisecond
still rise (the random part is incremented, as ULID's monotonic mode does), so records
made one after another list in the order they were made.
"""

from __future__ import annotations

import secrets
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RANDOM_BITS = 80
_lock = threading.Lock()
_last = 0


def _next_value() -> int:
    global _last
    with _lock:
        value = (time.time_ns() // 1_000_000) << _RANDOM_BITS | secrets.randbits(_RANDOM_BITS)
        if value <= _last:
            value = _last + 1 + secrets.randbits(16)
        _last = value
        return value


def new_id(prefix: str) -> str:
    """A fresh id such as ``ini_01jd3k...``, greater than any made before in this process."""
    value = _next_value()
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return f"{prefix}_{''.join(reversed(chars))}"
