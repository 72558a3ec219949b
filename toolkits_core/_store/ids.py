"""Opaque, time-ordered record ids.

An id is a short type prefix and 26 Crockford base32 characters: 48 bits of milliseconds
then 80 random bits (the ULID layout). Sorting ids sorts records by creation, which is
what keyset pagination walks, and the random part means ids say nothing about how many
records another organisation holds.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    """A fresh id such as ``ini_01jd3k...``."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return f"{prefix}_{''.join(reversed(chars))}"
