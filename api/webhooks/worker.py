"""The delivery worker: claim a subscription, send its next events in order, let it go.

Any number of workers, on any number of machines, run against one database; none of them
is special. Each loop claims one due subscription with a lease (a short transaction: see
``toolkits_core._services.webhooks``), reads its next events from the change feed,
delivers them one at a time, and moves its cursor after each 2xx (or final answer), so
one delivery per subscription is in flight and order holds. A failure that may pass
(5xx, 408, 429, the network) schedules the next attempt by exponential backoff with full
jitter (tenacity's ``wait_random_exponential``), no sooner than ``Retry-After``; once a
subscription has failed for the give-up period (three days by default) it is disabled,
with the reason. A worker killed mid-delivery holds a lease that runs out: another
worker sends the same event again (at least once, same ``webhook-id``).

Why not Celery, Dramatiq or procrastinate: order per subscription needs exactly one
delivery in flight per subscription, which those engines give only with locking of one's
own on top, and coprod's embedded default (SQLite, one process) has no broker. The feed
is already a durable, ordered queue; a cursor and a lease on each subscription are all the
scheduling left to do.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import tenacity
from flask import Flask, g

from api.context import services
from api.resources.changes import event_document, remember_shown_toolkits
from api.webhooks.guard import guarded_client
from api.webhooks.sending import Attempt, Message, send
from toolkits_core.service import (
    DEFAULT_RETENTION,
    Database,
    GoneError,
    Outcome,
    Resolver,
    WebhookDelivery,
    WebhookSubscription,
    Workspace,
    advance_cursor,
    allow_private_from_environ,
    claim_subscription,
    encode_position,
    list_changes,
    note_failure,
    record_delivery,
    release_lease,
    signing_secrets,
    system_resolver,
    utc_now,
    wants,
)

log = logging.getLogger(__name__)

PAGE = 50
"""Events read from the feed per claim."""
BATCH = 20
BATCH_SECONDS = 1.0
"""At most this many deliveries, or this long, between commits of a subscription's
progress: what a killed worker's successor may send again."""


def _seconds(environ: dict[str, str], name: str, default: float) -> float:
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise ValueError(f"{name} is {value!r}: give a number of seconds above 0.")
    return seconds


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """How deliveries are sent and retried (the ``COPROD_WEBHOOKS_*`` settings)."""

    allow_private: bool = False
    connect_timeout: float = 5.0
    total_timeout: float = 15.0
    retry_base: float = 10.0
    retry_max: float = 4 * 3600.0
    give_up_after: dt.timedelta = dt.timedelta(days=3)
    lease: dt.timedelta = dt.timedelta(seconds=60)
    poll_interval: float = 1.0
    retention: dt.timedelta = DEFAULT_RETENTION
    resolve: Resolver = field(default=system_resolver)

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> WebhookSettings:
        env = dict(os.environ if environ is None else environ)
        retention_days = env.get("COPROD_FEED_RETENTION_DAYS", "").strip()
        return cls(
            allow_private=allow_private_from_environ(env),
            connect_timeout=_seconds(env, "COPROD_WEBHOOKS_CONNECT_TIMEOUT", 5.0),
            total_timeout=_seconds(env, "COPROD_WEBHOOKS_TIMEOUT", 15.0),
            retry_base=_seconds(env, "COPROD_WEBHOOKS_RETRY_BASE", 10.0),
            retry_max=_seconds(env, "COPROD_WEBHOOKS_RETRY_MAX", 4 * 3600.0),
            give_up_after=dt.timedelta(
                seconds=_seconds(env, "COPROD_WEBHOOKS_GIVE_UP_AFTER", 3 * 86400.0)
            ),
            lease=dt.timedelta(seconds=_seconds(env, "COPROD_WEBHOOKS_LEASE", 60.0)),
            poll_interval=_seconds(env, "COPROD_WEBHOOKS_POLL", 1.0),
            retention=(
                dt.timedelta(days=int(retention_days)) if retention_days else DEFAULT_RETENTION
            ),
        )

    def client(self) -> httpx.Client:
        return guarded_client(
            allow_private=self.allow_private,
            connect_timeout=self.connect_timeout,
            total_timeout=self.total_timeout,
            resolve=self.resolve,
        )


def backoff(failed_attempts: int, settings: WebhookSettings) -> float:
    """Seconds before the next attempt after ``failed_attempts`` failures in a row: a
    uniformly random wait up to base * 2^(n-1), capped (full jitter, so a receiver back
    from an outage is not hit by every subscription at the same instant)."""
    wait = tenacity.wait_random_exponential(multiplier=settings.retry_base, max=settings.retry_max)
    state = tenacity.RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
    state.attempt_number = max(1, failed_attempts)
    return float(wait(state))


def body_of(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def delivery_row(
    subscription: WebhookSubscription,
    message: Message,
    attempt: Attempt,
    trigger: str,
    event_id: str | None,
) -> WebhookDelivery:
    return WebhookDelivery(
        organisation_id=subscription.organisation_id,
        subscription_id=subscription.id,
        event_id=event_id,
        message_id=message.id,
        event_type=message.event_type,
        trigger=trigger,
        outcome=attempt.outcome,
        latency_ms=attempt.latency_ms,
        response_status=attempt.status,
        response_excerpt=attempt.excerpt,
        error=attempt.error,
    )


@dataclass(frozen=True, slots=True)
class _Due:
    position: int
    message: Message | None
    """None for an event of a type the subscription did not ask for."""


class Worker:
    """One delivery worker; ``run`` until ``stop`` is set."""

    def __init__(self, app: Flask, settings: WebhookSettings, owner: str | None = None) -> None:
        held = services(app)
        self.app = app
        """Events are rendered by the API's own schemas, which need its app context."""
        self.database = held.database
        self.host = held.host
        self.files = held.files
        self.settings = settings
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stop = threading.Event()
        self._client = settings.client()

    def close(self) -> None:
        self._client.close()

    def run(self) -> None:
        """Deliver until told to stop, waiting ``poll_interval`` when there is nothing."""
        while not self.stop.is_set():
            try:
                worked = self.run_once()
            except Exception:  # a database hiccup must not end the worker
                log.exception("webhook worker %s: a round failed; trying again", self.owner)
                worked = False
            if not worked:
                self.stop.wait(self.settings.poll_interval)

    def run_once(self) -> bool:
        """Claim one subscription and deliver what is due to it; False if none was due."""
        with self.database.session() as session:
            subscription_id = claim_subscription(session, self.owner, self.settings.lease)
        if subscription_id is None:
            return False
        try:
            self.deliver(subscription_id)
        finally:
            with self.database.session() as session:
                release_lease(session, subscription_id, self.owner)
        return True

    def deliver(self, subscription_id: str) -> None:
        """Send the subscription's next events in order, until a failure or the end."""
        while not self.stop.is_set():
            read = self._next_events(subscription_id)
            if read is None:
                return
            subscription, due = read
            if not due or not self._deliver_page(subscription, due):
                return

    def _next_events(self, subscription_id: str) -> tuple[WebhookSubscription, list[_Due]] | None:
        with self.database.session() as session:
            subscription = session.get(WebhookSubscription, subscription_id)
            if subscription is None or subscription.lease_owner != self.owner:
                return None
            session.expunge(subscription)
            ws = Workspace(session, subscription.organisation_id, self.host, self.files)
            try:
                page = list_changes(
                    ws,
                    limit=PAGE,
                    cursor=encode_position(subscription.cursor_position),
                    retention=self.settings.retention,
                )
            except GoneError as error:
                note_failure(
                    session,
                    subscription_id,
                    self.owner,
                    retry_at=None,
                    give_up_after=dt.timedelta(0),
                    reason=f"the change feed no longer keeps the events after its cursor "
                    f"({error.detail})",
                )
                return None
            with self.app.app_context():
                g.workspace = ws  # what the schemas ask for, as in a request
                remember_shown_toolkits(ws, page.items)
                due = [
                    _Due(
                        change.position,
                        Message(change.id, change.event_type, body_of(event_document(change)))
                        if wants(subscription.event_types, change.event_type)
                        else None,
                    )
                    for change in page.items
                ]
        return subscription, due

    def _deliver_page(self, subscription: WebhookSubscription, due: list[_Due]) -> bool:
        """Deliver a page's events in order; whether to read on.

        Progress is committed in batches (every ``BATCH`` deliveries or ``BATCH_SECONDS``,
        and before any failure is noted): the cursor and the log of the batch in one
        transaction. A worker killed before a batch commits has its lease run out, and the
        batch is sent again (at least once; receivers drop repeats by ``webhook-id``), in
        exchange for one commit per batch instead of one per event, which on SQLite is
        the write lock every create also waits for.
        """
        batch = _Batch(subscription, time.monotonic())
        failed_attempts = subscription.failed_attempts
        for item in _skips_merged(due):
            if item.message is None:
                batch.moved_to = item.position
                continue
            secrets = signing_secrets(subscription, utc_now())
            attempt = send(
                self._client, subscription.url, secrets, item.message, self.settings.total_timeout
            )
            row = delivery_row(subscription, item.message, attempt, "worker", item.message.id)
            if attempt.outcome == Outcome.DELIVERED:
                batch.rows.append(row)
                batch.moved_to = item.position
                batch.delivered = True
                failed_attempts = 0
                if batch.full() and not self._commit(batch):
                    return False
                continue
            if not self._commit(batch):
                return False
            if not self._note(subscription, item, attempt, row, failed_attempts):
                return False
            failed_attempts += 1
        return self._commit(batch)

    def _commit(self, batch: _Batch) -> bool:
        """Commit a batch's log and cursor move; False if the lease was lost meanwhile."""
        if not batch.rows and batch.moved_to is None:
            return True
        held = True
        with self.database.session() as session:
            session.add_all(batch.rows)
            if batch.moved_to is not None:
                held = advance_cursor(
                    session,
                    batch.subscription.id,
                    self.owner,
                    batch.moved_to,
                    self.settings.lease,
                    delivered=batch.delivered,
                )
        batch.restart()
        return held

    def _note(
        self,
        subscription: WebhookSubscription,
        item: _Due,
        attempt: Attempt,
        row: WebhookDelivery,
        failed_attempts: int,
    ) -> bool:
        """Log a failed attempt and schedule what follows; whether to go on."""
        reason = _reason(attempt)
        with self.database.session() as session:
            session.add(row)
            if attempt.outcome == Outcome.REJECTED:
                moved = advance_cursor(
                    session,
                    subscription.id,
                    self.owner,
                    item.position,
                    self.settings.lease,
                    delivered=False,
                )
                disabled = moved and note_failure(
                    session,
                    subscription.id,
                    self.owner,
                    retry_at=None,
                    give_up_after=self.settings.give_up_after,
                    reason=reason,
                )
                return moved and not disabled
            wait = max(backoff(failed_attempts + 1, self.settings), attempt.retry_after or 0.0)
            wait = min(wait, max(self.settings.retry_max, attempt.retry_after or 0.0), 86400.0)
            note_failure(
                session,
                subscription.id,
                self.owner,
                retry_at=utc_now() + dt.timedelta(seconds=wait),
                give_up_after=self.settings.give_up_after,
                reason=reason,
            )
            return False


@dataclass
class _Batch:
    """Deliveries made and not yet committed, and where they move the cursor to."""

    subscription: WebhookSubscription
    started: float
    rows: list[WebhookDelivery] = field(default_factory=list)
    moved_to: int | None = None
    delivered: bool = False

    def full(self) -> bool:
        return len(self.rows) >= BATCH or time.monotonic() - self.started >= BATCH_SECONDS

    def restart(self) -> None:
        self.rows = []
        self.moved_to = None
        self.delivered = False
        self.started = time.monotonic()


def _skips_merged(due: list[_Due]) -> list[_Due]:
    """The page with each run of events not asked for merged into one skip to the run's
    last position: one cursor move for the run, not one per event."""
    merged: list[_Due] = []
    for item in due:
        if item.message is None and merged and merged[-1].message is None:
            merged[-1] = item
        else:
            merged.append(item)
    return merged


def _reason(attempt: Attempt) -> str:
    if attempt.status is not None:
        return f"the receiver answered {attempt.status}."
    return f"{attempt.error}."


def record_now(
    database: Database,
    subscription: WebhookSubscription,
    message: Message,
    trigger: str,
    settings: WebhookSettings,
    event_id: str | None,
) -> WebhookDelivery:
    """Send one message now (a ping or a redelivery) and log the attempt; the log row.

    It leaves the subscription's cursor and retry schedule alone: the worker's stream
    goes on as it was, and a receiver drops a redelivered event it already has by its
    ``webhook-id``.
    """
    with settings.client() as client:
        attempt = send(
            client, subscription.url, signing_secrets(subscription, utc_now()), message,
            settings.total_timeout,
        )  # fmt: skip
    row = delivery_row(subscription, message, attempt, trigger, event_id)
    with database.session() as session:
        record_delivery(session, row)
    return row
