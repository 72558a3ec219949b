"""Sign one message, send it, and judge the answer: delivered, retry later, or final.

Signatures follow Standard Webhooks (the ``standardwebhooks`` package makes them):
``webhook-id`` is the event's id, the same on every retry so receivers can drop
duplicates; ``webhook-timestamp`` the time of this attempt; ``webhook-signature`` one
``v1,<base64 HMAC-SHA256 of id.timestamp.body>`` per secret that signs now (two during a
rotation's overlap, separated by a space).

What is retried: a 5xx, 408, 429 (no sooner than its ``Retry-After``), a network error, a
timeout, and an address refused at connect time. Any other answer (a 3xx, since
redirects are not followed, or a 4xx) is final for that event: the receiver has seen it
and said no, and sending it again would get the same answer while every later event
waited behind it. It is logged (and can be redelivered) and the subscription moves on,
but it counts as a failure, so a receiver that refuses everything for the give-up period
is disabled like one that is down.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from dataclasses import dataclass

import httpx
from standardwebhooks.webhooks import Webhook

from api.webhooks.guard import AddressRefusedError
from toolkits_core.service import Outcome

EXCERPT_BYTES = 500
"""How much of the receiver's answer the delivery log keeps."""
RETRIED_STATUSES = frozenset({408, 429})
USER_AGENT = "coprod-webhooks/1"


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    event_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one attempt went, as the delivery log keeps it."""

    outcome: str
    latency_ms: int
    status: int | None = None
    excerpt: str | None = None
    error: str | None = None
    retry_after: float | None = None
    """Seconds the receiver asked to wait (``Retry-After``), if it did."""


def signature_header(secrets: list[str], message: Message, at: dt.datetime) -> str:
    """``webhook-signature``: one ``v1,...`` per secret, space-separated."""
    return " ".join(Webhook(secret).sign(message.id, at, message.body) for secret in secrets)


def send(
    client: httpx.Client,
    url: str,
    secrets: list[str],
    message: Message,
    total_timeout: float,
) -> Attempt:
    """POST ``message`` to ``url``, signed with ``secrets``; never raises for the network."""
    now = dt.datetime.now(dt.UTC)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message.id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature_header(secrets, message, now),
    }
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with client.stream("POST", url, content=message.body, headers=headers) as response:
            answer = bytearray()
            for chunk in response.iter_bytes():
                if len(answer) < EXCERPT_BYTES:
                    answer.extend(chunk)
                if time.monotonic() - started > total_timeout:
                    raise httpx.ReadTimeout("the answer took longer than the total timeout")
                if len(answer) >= EXCERPT_BYTES:
                    break
    except httpx.ConnectError as error:
        refused = isinstance(error.__cause__, AddressRefusedError)
        return Attempt(
            Outcome.REFUSED if refused else Outcome.RETRYING,
            elapsed(),
            error=f"{'refused' if refused else 'cannot connect'}: {error}"[:1000],
        )
    except httpx.InvalidURL as error:  # stored before the API refused such URLs
        return Attempt(Outcome.RETRYING, elapsed(), error=f"invalid URL: {error}"[:1000])
    except httpx.TimeoutException as error:
        return Attempt(Outcome.RETRYING, elapsed(), error=f"timed out: {error}"[:1000])
    except httpx.HTTPError as error:
        return Attempt(Outcome.RETRYING, elapsed(), error=f"network error: {error}"[:1000])
    status = response.status_code
    excerpt = bytes(answer[:EXCERPT_BYTES]).decode("utf-8", "replace")
    if 200 <= status < 300:
        outcome = Outcome.DELIVERED
    elif status >= 500 or status in RETRIED_STATUSES:
        outcome = Outcome.RETRYING
    else:
        outcome = Outcome.REJECTED
    retry_after = retry_after_seconds(response.headers.get("retry-after"), now)
    return Attempt(outcome, elapsed(), status, excerpt, retry_after=retry_after)


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """``Retry-After`` as seconds from ``now``: delay-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())
