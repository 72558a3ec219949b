"""Opaque, time-ordered record ids.

An id is a short type prefix and 26 Crockford base32 characters: 48 bits of milliseconds
then 80 random bits (the ULID layout). Sorting ids sorts records by creation, which is
what keyset pagination walks, and the random part means ids say nothing about how many
records another organisation holds. Within one process, ids made in the same millisecond
still rise (the random part is incremented, as ULID's monotonic mode does), so records
made one after another list in the order they were made.
"""

from __future__ import annotations

import re
import secrets
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RANDOM_BITS = 80
_SHAPE = re.compile(f"[a-z]{{2,8}}_[0-7][{_ALPHABET}]{{25}}")
"""A prefix, then 26 characters of 5 bits each: 130 bits for 128, so the first is 0 to 7."""
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


def is_well_formed_id(text: str) -> bool:
    """Whether ``text`` has the shape of an id this module makes (any prefix).

    For checking what a client sends back before it goes near the database: nothing that
    fails this can name a record, and whatever passes is plain ASCII of a known length.
    """
    return _SHAPE.fullmatch(text) is not None
