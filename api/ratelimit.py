"""Rate limits: each API key, and each client address sending no valid key, gets a quota.

A council's CRM syncing in a loop must not starve everyone else of the database, and
nobody may try keys as fast as the network carries them. So every operation under
/api/v1 counts against a quota (``COPROD_RATE_LIMIT``, 1200 requests a minute by default):

- a request with a valid key counts against that key (``g.caller.key_id``), also when
  it is refused 403 for want of a scope;
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
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from flask import Flask, Response, current_app, g, request

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
class Usage:
    """A bucket's count in its current window, and the seconds until that window ends."""

    count: int
    reset_after: float


class StoreUnavailableError(Exception):
    """The shared store did not answer; the caller serves the request unlimited."""


class CounterStore(Protocol):
    """Where the counts are kept: this process, or a store every worker shares."""

    def hit(self, bucket: str, window: int) -> Usage:
        """Count one request in ``bucket`` (a window of ``window`` seconds starts at the
        first), and say where the bucket now stands."""
        ...

    def peek(self, bucket: str, window: int) -> Usage:
        """Where the bucket stands, without counting anything."""
        ...


class MemoryStore:
    """Counts in this process's memory, guarded by a lock for threaded workers.

    Each worker process has its own, so with several workers a client gets that many
    quotas: use ``RedisStore`` there. Windows that have ended are swept once a window, so
    memory holds only the buckets of the last window or so.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        self._next_sweep = 0.0

    def hit(self, bucket: str, window: int) -> Usage:
        now = self._clock()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now, window)
            ends, count = self._windows.get(bucket, (now, 0))
            if ends <= now:
                ends, count = now + window, 0
            count += 1
            self._windows[bucket] = (ends, count)
        return Usage(count, ends - now)

    def peek(self, bucket: str, window: int) -> Usage:
        now = self._clock()
        with self._lock:
            ends, count = self._windows.get(bucket, (now, 0))
        if ends <= now:
            return Usage(0, window)
        return Usage(count, ends - now)

    def __len__(self) -> int:
        return len(self._windows)

    def _sweep(self, now: float, window: int) -> None:
        self._windows = {b: kept for b, kept in self._windows.items() if kept[0] > now}
        self._next_sweep = now + window


_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""
"""One atomic step: count the request and start the window's clock on its first one."""


class RedisStore:
    """Counts in Redis, shared by every worker and server of one deployment.

    Each bucket is one key holding its count and expiring when its window ends; the
    count and the expiry are set by one Lua script, so two workers can never both start
    a window or lose a count. After a failure the store is not asked again for a few
    seconds, so a Redis that has gone away costs requests nothing more than a skipped
    check.
    """

    TIMEOUT_SECONDS = 0.25
    RETRY_AFTER_FAILURE_SECONDS = 5.0

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX) -> None:
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:
            raise ConfigurationError(
                f"{STORAGE_VARIABLE} names Redis, but the redis package is not installed: "
                "pip install 'coprod[redis]'."
            ) from None
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._client = redis.Redis.from_url(
            url,
            socket_connect_timeout=self.TIMEOUT_SECONDS,
            socket_timeout=self.TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1),  # once, for a pooled connection Redis closed
        )
        self._hit = self._client.register_script(_HIT_SCRIPT)
        self.prefix = prefix
        self._down_until = 0.0

    def hit(self, bucket: str, window: int) -> Usage:
        key = self.prefix + bucket
        count, ttl = self._call(lambda: self._hit(keys=[key], args=[window * 1000]))
        return Usage(int(count), int(ttl) / 1000)

    def peek(self, bucket: str, window: int) -> Usage:
        def ask() -> Any:
            pipe = self._client.pipeline(transaction=False)
            pipe.get(self.prefix + bucket)
            pipe.pttl(self.prefix + bucket)
            return pipe.execute()

        count, ttl = self._call(ask)
        if count is None or int(ttl) < 0:
            return Usage(0, window)
        return Usage(int(count), int(ttl) / 1000)

    def _call(self, ask: Callable[[], Any]) -> Any:
        if time.monotonic() < self._down_until:
            raise StoreUnavailableError("Redis failed moments ago; not asking again yet")
        try:
            return ask()
        except self._errors as error:
            self._down_until = time.monotonic() + self.RETRY_AFTER_FAILURE_SECONDS
            raise StoreUnavailableError(str(error)) from error


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    """Where one bucket stands after a request: the answer's RateLimit fields."""

    policy: str
    quota: Quota
    usage: Usage

    @property
    def refused(self) -> bool:
        return self.usage.count > self.quota.requests

    @property
    def exhausted(self) -> bool:
        return self.usage.count >= self.quota.requests

    @property
    def seconds_left(self) -> int:
        # Rounded first: a window of exactly 60 s must not read as 61 through float error.
        return max(1, math.ceil(round(self.usage.reset_after, 3)))

    def headers(self) -> dict[str, str]:
        remaining = max(0, self.quota.requests - self.usage.count)
        return {
            "RateLimit-Policy": f'"{self.policy}";q={self.quota.requests};w={self.quota.window}',
            "RateLimit": f'"{self.policy}";r={remaining};t={self.seconds_left}',
        }


class Limiter:
    """One quota, applied per bucket, over a store; fails open when the store does not."""

    WARN_EVERY_SECONDS = 60.0

    def __init__(self, quota: Quota, store: CounterStore) -> None:
        self.quota = quota
        self.store = store
        self._warned_at = -math.inf

    def hit(self, policy: str, partition: str) -> Decision | None:
        return self._ask(policy, partition, self.store.hit)

    def peek(self, policy: str, partition: str) -> Decision | None:
        return self._ask(policy, partition, self.store.peek)

    def _ask(
        self, policy: str, partition: str, ask: Callable[[str, int], Usage]
    ) -> Decision | None:
        try:
            usage = ask(f"{policy}:{partition}", self.quota.window)
        except StoreUnavailableError as error:
            now = time.monotonic()
            if now - self._warned_at >= self.WARN_EVERY_SECONDS:
                self._warned_at = now
                logger.warning(
                    "rate limit store unavailable, serving requests unlimited: %s", error
                )
            return None
        return Decision(policy, self.quota, usage)


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
    store: CounterStore
    if storage in {"", "memory", "memory://"}:
        store = MemoryStore()
    elif storage.startswith(("redis://", "rediss://", "unix://")):
        store = RedisStore(storage, prefix)
    else:
        raise ConfigurationError(
            f"{source(config, 'RATE_LIMIT_STORAGE', STORAGE_VARIABLE)} is {storage!r}: give "
            "a Redis URL (redis://host:6379/0, rediss://... or unix://...), or leave it "
            "unset to count in each process's memory."
        )
    return Limiter(quota, store) if quota is not None else None


def install(app: Flask, chosen: Limiter | None) -> None:
    """Give the app its limiter (the hooks below find it there)."""
    app.extensions[EXTENSION] = chosen


def limiter(app: Flask | None = None) -> Limiter | None:
    found: Limiter | None = (app or current_app).extensions.get(EXTENSION)
    return found


def client_partition(address: str | None) -> str:
    """The client's address as a bucket: an IPv6 client's /64, since one host has many."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _is_operation() -> bool:
    return (
        request.url_rule is not None
        and request.path.startswith("/api/v1/")
        and not request.path.startswith(UNLIMITED_PATHS)
    )


def refuse_exhausted_address() -> Response | None:
    """Before the key is looked up: 429 for an address that spent its quota on refusals."""
    found = limiter()
    if found is None or not _is_operation():
        return None
    g.rate_limit_subject = True
    decision = found.peek("address", client_partition(request.remote_addr))
    if decision is not None and decision.exhausted:
        g.rate_limit = decision
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
    if found is None or not g.get("rate_limit_subject"):
        return None
    key_id = auth.claimed_key_id()
    if key_id is None:
        return None
    decision = found.peek("key", key_id)
    if decision is not None and decision.exhausted:
        g.rate_limit = decision
        return _key_refusal(decision)
    return None


def count_caller() -> Response | None:
    """After the key is found and before its scope is checked: count the request against
    its key, 429 past the quota (so a request its scope would refuse is limited too)."""
    found = limiter()
    caller = g.get("caller")
    if found is None or caller is None or not g.get("rate_limit_subject"):
        return None
    decision = found.hit("key", caller.key_id)
    g.rate_limit = decision
    g.rate_limit_counted = True
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
    """Count a refused key against its address, and give every answer its RateLimit fields."""
    found = limiter()
    if found is None or not g.get("rate_limit_subject"):
        return response
    uncounted = not g.get("rate_limit_counted") and "rate_limit" not in g
    if uncounted and response.status_code in {401, 403}:
        caller = g.get("caller")  # a key refused for its scope, if auth kept it
        if caller is not None:
            g.rate_limit = found.hit("key", caller.key_id)
        else:
            g.rate_limit = found.hit("address", client_partition(request.remote_addr))
    decision: Decision | None = g.get("rate_limit")
    if decision is not None:
        response.headers.update(decision.headers())
    return response


def _refusal(decision: Decision, detail: str) -> Response:
    return problem_response(
        429,
        code="rate_limited",
        title="Too Many Requests",
        detail=detail,
        extra={"retry_after": decision.seconds_left},
        headers={"Retry-After": str(decision.seconds_left)},
    )
