"""Rate limits: each API key, and each client address sending no valid key, gets a quota.

A council's CRM syncing in a loop must not starve everyone else of the database, and
nobody may try keys as fast as the network carries them. So every operation under
/api/v1 counts against a quota (``COPROD_RATE_LIMIT``, 1200 requests a minute by default):

- a request with a valid key counts against that key (``g.caller.key_id``), before its
  scope is checked, so a key past its quota hears 429 whatever it asks; once a key is
  known to be spent, its requests are refused before its row is even looked up;
- a request refused 401 counts against the client's address (an IPv6 client's /64), and
  once an address has spent its quota on refusals, every request from it is answered 429
  before its key is even looked up, so a right guess cannot be told apart.

Quotas are fixed windows that start at a bucket's first request. Every answer carries the
``RateLimit-Policy`` and ``RateLimit`` fields of draft-ietf-httpapi-ratelimit-headers-10
(``"key";q=1200;w=60`` and ``"key";r=1187;t=42``); a refusal is a 429 problem with
``Retry-After``. The counters live in this process by default; with several workers they
must be shared, in Redis (``COPROD_RATE_LIMIT_STORAGE=redis://...``). When Redis does not
answer, requests are served unlimited and a warning is logged: a broken limiter must not
take the API down with it.

The counting is done through the ``limits`` package, the engine of Flask-Limiter: its
fixed window over its Redis storage (a count and its window's expiry set by one Lua
script), or over ``InProcessStorage``, a storage of its interface that keeps its cost
flat however many buckets are alive (see there why not ``limits``' own).

Flask-Limiter itself checks a request once, at one point of the ``before_request``
chain, against limits declared on routes; coprod's flow needs four points (an address
peeked before the key is looked up, a key's bucket peeked by the id in its token, the key
counted between finding it and checking its scope, the address counted only when the
answer is 401), the draft's structured fields rather than ``X-RateLimit-*`` numbers, and
a fail-open that backs off instead of logging an error and asking Redis again on every
request. So this module is that flow over ``limits``.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Request, Response, current_app, g, request
from limits import RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import RedisStorage, Storage

from api import auth
from api.problems import problem_response
from api.settings import ConfigurationError, setting, source

RATE_LIMIT_VARIABLE = "COPROD_RATE_LIMIT"
STORAGE_VARIABLE = "COPROD_RATE_LIMIT_STORAGE"
PREFIX_VARIABLE = "COPROD_RATE_LIMIT_PREFIX"
DEFAULT_RATE_LIMIT = "1200/minute"
"""Twenty requests a second, sustained: a CRM sync paging 100 records a request moves
120,000 records a minute, and a runaway loop is stopped within the minute."""
DEFAULT_PREFIX = "coprod:ratelimit:"
EXTENSION = "coprod.ratelimit"
TIMEOUT_SECONDS = 0.25
"""How long a request waits for Redis before it is served unlimited."""
UNLIMITED_PATHS = ("/api/v1/docs", "/api/v1/openapi.json")
"""The API document and its viewer: the same for everyone, needing no key, and cheap."""

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_QUOTA = re.compile(r"(\d+)\s*/\s*(\d*)\s*(second|minute|hour|day)s?", re.IGNORECASE)
_OFF = {"0", "off"}
_MAX_REQUESTS = 1_000_000_000

logger = logging.getLogger("api.ratelimit")


@dataclasses.dataclass(frozen=True, slots=True)
class Quota:
    """So many requests in a window of so many seconds."""

    requests: int
    window: int


def parse_quota(value: object, where: str = RATE_LIMIT_VARIABLE) -> Quota | None:
    """``600/minute`` (or ``100/10seconds``) as a quota; ``0`` or ``off`` as none."""
    text = str(value).strip()
    if text.lower() in _OFF:
        return None
    found = _QUOTA.fullmatch(text)
    if found is not None:
        requests, units, unit = int(found[1]), int(found[2] or 1), found[3].lower()
        if 1 <= requests <= _MAX_REQUESTS and 1 <= units <= 366:
            return Quota(requests, units * _UNITS[unit.lower()])
    raise ConfigurationError(
        f"{where} is {value!r}: give requests per window as N/second, N/minute, N/hour or "
        f"N/day (such as {DEFAULT_RATE_LIMIT}), or 0 or off to turn rate limiting off."
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    """Where one bucket stands after a request: the answer's RateLimit fields."""

    policy: str
    quota: Quota
    remaining: int
    reset_after: float
    refused: bool = False
    """Whether this request was one too many (only a counted request can be)."""

    @property
    def exhausted(self) -> bool:
        return self.remaining == 0

    @property
    def seconds_left(self) -> int:
        # Rounded first: a window of exactly 60 s must not read as 61 through float error.
        return max(1, math.ceil(round(self.reset_after, 3)))

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Policy": f'"{self.policy}";q={self.quota.requests};w={self.quota.window}',
            "RateLimit": f'"{self.policy}";r={max(0, self.remaining)};t={self.seconds_left}',
        }


class Limiter:
    """One quota, applied per bucket in fixed windows over a storage of the ``limits``
    package; fails open when the storage does not answer.

    A count is ``limits``' fixed window (``FixedWindowRateLimiter.hit`` is ``incr`` on the
    storage, compared with the quota) read through the storage itself, so that one step
    both counts and says the count: the strategy's ``hit`` answers only yes or no, and
    asking again for the count would cost Redis two more round trips a request. A peek
    reads only the count, and the window's end only for a spent bucket, the one whose
    answer says it.

    After a failure the storage is not asked again for a few seconds, so a Redis that has
    gone away costs requests nothing more than a skipped check, and the warning is logged
    once a minute, not once a request.
    """

    WARN_EVERY_SECONDS = 60.0
    RETRY_AFTER_FAILURE_SECONDS = 5.0

    def __init__(
        self, quota: Quota, storage: Storage, clock: Callable[[], float] = time.time
    ) -> None:
        self.quota = quota
        self.storage = storage
        self.item = RateLimitItemPerSecond(quota.requests, quota.window)
        self._clock = clock  # the storage's clock: the windows' ends are read on it
        self._down_until = 0.0
        self._warned_at = -math.inf

    def hit(self, policy: str, partition: str, amount: int = 1) -> Decision | None:
        """Count ``amount`` requests in the bucket ``policy``/``partition``; where it now
        stands."""

        def count() -> Decision:
            bucket = self.bucket(policy, partition)
            counted = self.storage.incr(bucket, self.item.get_expiry(), amount)
            return self._decision(policy, counted, self.storage.get_expiry(bucket))

        return self._ask(count)

    def peek(self, policy: str, partition: str) -> Decision | None:
        """Where the bucket stands, without counting anything."""

        def look() -> Decision:
            bucket = self.bucket(policy, partition)
            counted = self.storage.get(bucket)
            if counted < self.quota.requests:
                return self._decision(policy, counted, None)
            return self._decision(policy, counted, self.storage.get_expiry(bucket))

        return self._ask(look)

    def bucket(self, policy: str, partition: str) -> str:
        """The storage's name for a bucket (in Redis, after the prefix)."""
        return self.item.key_for(policy, partition)

    def _decision(self, policy: str, counted: int, ends: float | None) -> Decision:
        reset_after = self.quota.window if ends is None or not counted else ends - self._clock()
        return Decision(
            policy,
            self.quota,
            remaining=max(0, self.quota.requests - counted),
            reset_after=reset_after,
            refused=counted > self.quota.requests,
        )

    def _ask(self, ask: Callable[[], Decision]) -> Decision | None:
        now = time.monotonic()
        if now < self._down_until:
            return None
        try:
            return ask()
        except StorageError as error:
            self._down_until = now + self.RETRY_AFTER_FAILURE_SECONDS
            if now - self._warned_at >= self.WARN_EVERY_SECONDS:
                self._warned_at = now
                logger.warning(
                    "rate limit store unavailable, serving requests unlimited: %s",
                    error.storage_error,
                )
            return None


class InProcessStorage(Storage):
    """Counts in this process's memory, behind the ``limits`` storage interface.

    ``limits``' own ``MemoryStorage`` sweeps every live bucket from a timer thread every
    10 ms while requests come in, so its cost grows with the buckets alive in a window:
    after 401s from 100,000 addresses (one IPv6 /48 holds 65,536 /64s), a request through
    the app cost 1.7 ms of CPU instead of 0.8 ms. Here windows that have ended are swept
    once a window, so memory holds only the buckets of the last window or so and a request
    costs the same however many there are. A lock guards the counts for threaded workers.
    Each worker process has its own counts: with several, use Redis.
    """

    STORAGE_SCHEME = None  # made by build_limiter, not from a URL

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # bucket: (window's end, count)
        self._next_sweep = 0.0

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return ()  # nothing here fails for want of a server

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self._clock()
        with self._lock:
            if now >= self._next_sweep:
                self._windows = {b: kept for b, kept in self._windows.items() if kept[0] > now}
                self._next_sweep = now + expiry
            ends, count = self._windows.get(key, (now, 0))
            if ends <= now:
                ends, count = now + expiry, 0
            count += amount
            self._windows[key] = (ends, count)
        return count

    def get(self, key: str) -> int:
        ends, count = self._windows.get(key, (0.0, 0))
        return count if ends > self._clock() else 0

    def get_expiry(self, key: str) -> float:
        now = self._clock()
        ends, _ = self._windows.get(key, (now, 0))
        return max(ends, now)

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            dropped = len(self._windows)
            self._windows = {}
        return dropped

    def clear(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def __len__(self) -> int:
        return len(self._windows)


def redis_storage(url: str, prefix: str = DEFAULT_PREFIX) -> Storage:
    """The ``limits`` package's Redis storage, with short timeouts and one retry.

    The retry is for a lost connection only (one that Redis or a proxy closed while it
    sat in the pool), never for a timeout: a count that timed out reached Redis, which is
    only slow and counts it when it gets to it, so asking again would count the request
    twice (redis-py retries timeouts by default since 6.0). A request whose count times
    out is served unlimited, as when Redis is down. A connection lost after Redis counted
    but before it answered is still counted twice; that needs Redis to drop a connection
    in the microseconds between the two, where a timeout needs only a slow Redis. (A
    Redis URL's own ``retry_on_timeout`` or ``retry_on_error`` would put timeouts back.)

    ``limits`` names each key ``<key_prefix>:<bucket>``, so the prefix's own trailing colon
    is left to it: every key still starts with ``prefix``. Nothing connects here.
    """
    try:
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError as ConnectionLost
        from redis.retry import Retry
    except ImportError:
        raise ConfigurationError(
            f"{STORAGE_VARIABLE} names Redis, but the redis package is not installed: "
            "pip install 'coprod[redis]'."
        ) from None
    if url.startswith("unix://"):
        url = "redis+" + url
    return RedisStorage(
        url,
        key_prefix=prefix.removesuffix(":"),
        wrap_exceptions=True,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 1, supported_errors=(ConnectionLost,)),  # type: ignore[arg-type]
    )


def build_limiter(config: Mapping[str, Any]) -> Limiter | None:
    """The limiter ``RATE_LIMIT``, ``RATE_LIMIT_STORAGE`` and ``RATE_LIMIT_PREFIX`` in the
    app's settings ask for, else the ``COPROD_`` variables; ``None`` when limiting is off.

    Called before the app opens its database, so a bad setting stops it with nothing to
    clean up. Nothing connects to Redis here: a Redis that is down must not stop the app.
    """
    quota = parse_quota(
        setting(config, "RATE_LIMIT", RATE_LIMIT_VARIABLE, "") or DEFAULT_RATE_LIMIT,
        source(config, "RATE_LIMIT", RATE_LIMIT_VARIABLE),
    )
    storage = str(setting(config, "RATE_LIMIT_STORAGE", STORAGE_VARIABLE, "") or "").strip()
    prefix = str(setting(config, "RATE_LIMIT_PREFIX", PREFIX_VARIABLE, DEFAULT_PREFIX))
    counts: Storage
    if storage in {"", "memory", "memory://"}:
        counts = InProcessStorage()
    elif storage.startswith(("redis://", "rediss://", "unix://")):
        counts = redis_storage(storage, prefix)
    else:
        raise ConfigurationError(
            f"{source(config, 'RATE_LIMIT_STORAGE', STORAGE_VARIABLE)} is {storage!r}: give "
            "a Redis URL (redis://host:6379/0, rediss://... or unix://...), or leave it "
            "unset to count in each process's memory."
        )
    return Limiter(quota, counts) if quota is not None else None


def install(app: Flask, chosen: Limiter | None) -> None:
    """Give the app its limiter (the hooks below find it there)."""
    app.extensions[EXTENSION] = chosen


def limiter(app: Flask | None = None) -> Limiter | None:
    found: Limiter | None = (app or current_app).extensions.get(EXTENSION)
    return found


@functools.lru_cache(maxsize=4096)
def client_partition(address: str | None) -> str:
    """The client's address as a bucket: an IPv6 client's /64, since one host has many.

    Every request asks, and parsing an address costs more than the count itself: the
    answers for the addresses seen lately are kept (a pure function of its text)."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _is_operation(asked: Request) -> bool:
    path: str = asked.path
    return (
        asked.url_rule is not None
        and path.startswith("/api/v1/")
        and not path.startswith(UNLIMITED_PATHS)
    )


def refuse_exhausted_address() -> Response | None:
    """Before the key is looked up: 429 for an address that spent its quota on refusals."""
    found = limiter()
    asked = request._get_current_object()  # type: ignore[attr-defined]
    if found is None or not _is_operation(asked):
        return None
    held = g._get_current_object()
    held.rate_limit_subject = True
    decision = found.peek("address", client_partition(asked.remote_addr))
    if decision is not None and decision.exhausted:
        held.rate_limit = decision
        return _refusal(
            decision,
            "Too many requests without a valid API key came from your address. "
            f"Wait {decision.seconds_left} seconds (Retry-After) and check the key you send.",
        )
    return None


def refuse_spent_key() -> Response | None:
    """Before the key is looked up: 429 for a key whose quota is known to be spent.

    The key id is read from the token unchecked, but only keys whose secret opened them
    are ever counted (``count_caller``), so nobody can spend a key's quota by naming it;
    and the refusal is the same whether the secret sent is right or wrong.
    """
    found = limiter()
    held = g._get_current_object()
    if found is None or not held.get("rate_limit_subject"):
        return None
    key_id = auth.claimed_key_id()
    if key_id is None:
        return None
    decision = found.peek("key", key_id)
    if decision is not None and decision.exhausted:
        held.rate_limit = decision
        return _key_refusal(decision)
    return None


def count_caller() -> Response | None:
    """After the key is found and before its scope is checked: count the request against
    its key, 429 past the quota (so a request its scope would refuse is limited too)."""
    found = limiter()
    held = g._get_current_object()
    caller = held.get("caller")
    if found is None or caller is None or not held.get("rate_limit_subject"):
        return None
    decision = found.hit("key", caller.key_id)
    held.rate_limit = decision
    held.rate_limit_counted = True
    if decision is not None and decision.refused:
        return _key_refusal(decision)
    return None


def charge_caller(extra: int) -> Response | None:
    """Count ``extra`` more requests against the caller's key, as one request that does
    the work of several (a bulk request, a line each); 429 when that passes the quota.

    Called before any of the work is done, so a refused bulk request changes nothing.
    """
    found = limiter()
    caller = g.get("caller")
    if found is None or caller is None or extra <= 0 or not g.get("rate_limit_subject"):
        return None
    if extra + 1 > found.quota.requests:
        return _never_within_quota(found.quota, extra + 1)
    decision = found.hit("key", caller.key_id, extra)
    g.rate_limit = decision
    if decision is not None and decision.refused:
        return _key_refusal(decision)
    return None


def _key_refusal(decision: Decision) -> Response:
    return _refusal(
        decision,
        f"This API key has made more than {decision.quota.requests} requests in "
        f"{decision.quota.window} seconds. Wait {decision.seconds_left} seconds "
        "(Retry-After); the RateLimit header says how many requests remain.",
    )


def label_answer(response: Response) -> Response:
    """Count a request refused without a valid key against its address, and give every
    answer its RateLimit fields. (A key refused for its scope was counted against the key
    by ``count_caller``, before the scope check.)"""
    found = limiter()
    held = g._get_current_object()
    if found is None or not held.get("rate_limit_subject"):
        return response
    uncounted = not held.get("rate_limit_counted") and "rate_limit" not in held
    if uncounted and response.status_code in {401, 403} and held.get("caller") is None:
        held.rate_limit = found.hit("address", client_partition(request.remote_addr))
    decision: Decision | None = held.get("rate_limit")
    if decision is not None:
        response.headers.update(decision.headers())
    return response


def _never_within_quota(quota: Quota, counted: int) -> Response:
    """413 for a request that counts more than a whole window allows: a 429 would tell the
    caller to wait and retry, and no wait would ever let it through."""
    return problem_response(
        413,
        code="larger_than_quota",
        title="Content Too Large",
        detail=(
            f"This request counts as {counted} requests against the rate limit, more than "
            f"the {quota.requests} a key may make in {quota.window} seconds, so it could "
            f"never pass: send at most {quota.requests} lines a request."
        ),
        extra={"counted": counted, "quota": quota.requests},
    )


def _refusal(decision: Decision, detail: str) -> Response:
    return problem_response(
        429,
        code="rate_limited",
        title="Too Many Requests",
        detail=detail,
        extra={"retry_after": decision.seconds_left},
        headers={"Retry-After": str(decision.seconds_left)},
    )
