"""Webhook subscriptions: what an admin manages, and the claims and cursors workers keep.

A subscription is its own queue into the change feed: its ``cursor_position`` is the
feed position of the last event delivered or skipped, so delivery reads the one record of
changes (the transactional outbox) through ``list_changes`` and inherits its rule that no
later commit can land behind a position already read. Workers claim a subscription with a
lease in a short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's single
writer makes the compare-and-set update atomic), deliver its next events one at a time,
and move the cursor only after the receiver said 2xx (or the answer was final): one
delivery in flight per subscription keeps its order, and a lease that runs out, because a
worker was killed, lets another worker deliver again from the cursor (at least once).
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._services.changes import EVENT_TYPES, FEED_RECORD_TYPES
from toolkits_core._services.errors import FieldProblem, InvalidRequestError, NotFoundError
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.webhook_addresses import Resolver, check_webhook_url, system_resolver
from toolkits_core._services.workspace import Workspace, check_if_match
from toolkits_core._store.audit import RECORD_TYPES, AuditAction, Event, record_events
from toolkits_core._store.models import (
    AuditEvent,
    WebhookDelivery,
    WebhookSubscription,
    utc_now,
)

SECRET_PREFIX = "whsec_"
MAX_EVENT_TYPES = 50
DEFAULT_ROTATION_OVERLAP = dt.timedelta(hours=24)


class SubscriptionStatus:
    ACTIVE = "active"
    PAUSED = "paused"
    DISABLED = "disabled"


class Outcome:
    DELIVERED = "delivered"
    RETRYING = "retrying"
    REJECTED = "rejected"
    """A final answer (a 4xx other than 408 and 429, a 3xx): this event is not retried."""
    REFUSED = "refused"
    """The address was not allowed at connect time: retried, since DNS may change back."""


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` and 32 random bytes in base64 (Standard Webhooks)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def check_event_types(patterns: Sequence[str]) -> list[str]:
    """The patterns, each an event type of the feed, ``<record type>.*`` or ``*``; 422 else."""
    problems = []
    wildcards = {f"{kind}.*" for kind in FEED_RECORD_TYPES} | {"*"}
    for index, pattern in enumerate(patterns):
        if pattern not in EVENT_TYPES and pattern not in wildcards:
            problems.append(
                FieldProblem(
                    f"event_types/{index}",
                    f"{pattern!r} is not a type of the change feed: give one of "
                    f"{', '.join(EVENT_TYPES)}, a record type with .* (such as "
                    "participant.*), or * for every event.",
                    "unknown_event_type",
                )
            )
    if problems:
        raise InvalidRequestError(problems)
    return list(dict.fromkeys(patterns))


def wants(patterns: Sequence[str], event_type: str) -> bool:
    """Whether a subscription to ``patterns`` is sent events of ``event_type``."""
    kind = event_type.split(".", 1)[0]
    return any(p in {"*", event_type, f"{kind}.*"} for p in patterns)


def feed_head(session: Session, organisation_id: str) -> int:
    """The position of the organisation's last event (0 with none): where a new
    subscription starts, so it hears of changes made after it, not of the past."""
    last = session.execute(
        sa.select(sa.func.max(AuditEvent.position)).where(
            AuditEvent.organisation_id == organisation_id
        )
    ).scalar_one()
    return int(last or 0)


@dataclass(frozen=True, slots=True)
class NewSecret:
    """A subscription with the secret that was just made for it (shown this once)."""

    subscription: WebhookSubscription
    secret: str


def create_subscription(
    ws: Workspace,
    *,
    url: str,
    event_types: Sequence[str],
    description: str = "",
    status: str = SubscriptionStatus.ACTIVE,
    allow_private: bool = False,
    resolve: Resolver = system_resolver,
) -> NewSecret:
    """A new subscription, hearing of changes committed from now on."""
    patterns = check_event_types(event_types)
    check_webhook_url(url, allow_private=allow_private, resolve=resolve)
    secret = new_secret()
    subscription = WebhookSubscription(
        organisation_id=ws.organisation_id,
        url=url,
        description=description,
        event_types=patterns,
        status=status,
        secret=secret,
        cursor_position=feed_head(ws.session, ws.organisation_id),
        failed_attempts=0,
    )
    ws.session.add(subscription)
    ws.session.flush()
    return NewSecret(subscription, secret)


def page_subscriptions(
    session: Session, organisation_id: str, *, limit: int, cursor: str | None = None
) -> Page[WebhookSubscription]:
    statement = sa.select(WebhookSubscription).where(
        WebhookSubscription.organisation_id == organisation_id
    )
    return paginate(session, statement, WebhookSubscription.id, limit=limit, cursor=cursor)


def get_subscription(ws: Workspace, subscription_id: str) -> WebhookSubscription:
    found = ws.session.get(WebhookSubscription, subscription_id)
    if found is None or found.organisation_id != ws.organisation_id:
        raise NotFoundError("webhook", subscription_id)
    return found


def update_subscription(
    ws: Workspace,
    subscription_id: str,
    changes: dict[str, Any],
    if_match: str | None,
    *,
    allow_private: bool = False,
    resolve: Resolver = system_resolver,
) -> WebhookSubscription:
    """Change a subscription's URL, types, description or status (active or paused).

    Setting a disabled subscription active again starts it afresh from where its cursor
    stands: the events it failed on are delivered again, then the rest.
    """
    subscription = get_subscription(ws, subscription_id)
    check_if_match(subscription, if_match)
    if "event_types" in changes:
        subscription.event_types = check_event_types(changes["event_types"])
    if "url" in changes and changes["url"] != subscription.url:
        check_webhook_url(changes["url"], allow_private=allow_private, resolve=resolve)
        subscription.url = changes["url"]
    if "description" in changes:
        subscription.description = changes["description"]
    if "status" in changes and changes["status"] != subscription.status:
        subscription.status = changes["status"]
        if changes["status"] == SubscriptionStatus.ACTIVE:
            subscription.disabled_reason = None
            subscription.failing_since = None
            subscription.failed_attempts = 0
            subscription.next_attempt_at = None
    ws.session.flush()
    return subscription


def delete_subscription(ws: Workspace, subscription_id: str, if_match: str | None) -> None:
    """Delete a subscription and its delivery log; nothing more is sent to it."""
    subscription = get_subscription(ws, subscription_id)
    check_if_match(subscription, if_match)
    ws.session.delete(subscription)
    ws.session.flush()


def rotate_secret(
    ws: Workspace,
    subscription_id: str,
    if_match: str | None,
    overlap: dt.timedelta = DEFAULT_ROTATION_OVERLAP,
) -> NewSecret:
    """A new secret; the old one goes on signing beside it for ``overlap``, so receivers
    can switch over without refusing a delivery."""
    subscription = get_subscription(ws, subscription_id)
    check_if_match(subscription, if_match)
    secret = new_secret()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = utc_now() + overlap
    subscription.secret = secret
    ws.session.flush()
    return NewSecret(subscription, secret)


def signing_secrets(subscription: WebhookSubscription, now: dt.datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current, and the previous while its
    overlap lasts."""
    found = [subscription.secret]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires is not None and expires > now:
        found.append(subscription.previous_secret)
    return found


def page_deliveries(
    ws: Workspace, subscription_id: str, *, limit: int, cursor: str | None = None
) -> Page[WebhookDelivery]:
    """A subscription's delivery attempts, oldest first."""
    get_subscription(ws, subscription_id)
    statement = sa.select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription_id,
        WebhookDelivery.organisation_id == ws.organisation_id,
    )
    return paginate(ws.session, statement, WebhookDelivery.id, limit=limit, cursor=cursor)


def get_delivery(ws: Workspace, subscription_id: str, delivery_id: str) -> WebhookDelivery:
    found = ws.session.get(WebhookDelivery, delivery_id)
    if (
        found is None
        or found.organisation_id != ws.organisation_id
        or found.subscription_id != subscription_id
    ):
        raise NotFoundError("webhook delivery", delivery_id)
    return found


def prune_deliveries(session: Session, older_than: dt.datetime) -> int:
    """Delete delivery attempts made before ``older_than``; how many."""
    result = session.execute(
        sa.delete(WebhookDelivery).where(WebhookDelivery.attempted_at < older_than)
    )
    return int(cast("sa.CursorResult[Any]", result).rowcount or 0)


# What workers do -----------------------------------------------------------------------


def _pending_events(now: dt.datetime) -> Any:
    """Due, unleased, active subscriptions with an event of the feed after their cursor.

    Of the feed: of its record types and its event types, as the page the worker then
    reads. An event the audit log alone keeps (an export is logged as
    ``initiative.exported``) would make a subscription due whose page is empty, and the
    worker would claim it again at once, and again, until the next change."""
    newer = (
        sa.select(AuditEvent.id)
        .where(
            AuditEvent.organisation_id == WebhookSubscription.organisation_id,
            AuditEvent.position > WebhookSubscription.cursor_position,
            AuditEvent.record_type.in_(FEED_RECORD_TYPES),
            AuditEvent.event_type.in_(EVENT_TYPES),
        )
        .exists()
    )
    return sa.and_(
        WebhookSubscription.status == SubscriptionStatus.ACTIVE,
        sa.or_(
            WebhookSubscription.next_attempt_at.is_(None),
            WebhookSubscription.next_attempt_at <= now,
        ),
        sa.or_(WebhookSubscription.leased_until.is_(None), WebhookSubscription.leased_until < now),
        newer,
    )


def claim_subscription(session: Session, owner: str, lease: dt.timedelta) -> str | None:
    """Lease one subscription with events to deliver to ``owner``; its id, or None.

    Commits. On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets concurrent workers pick
    different subscriptions without waiting on one another; the update re-checks the
    lease, so on SQLite (one writer at a time) two workers cannot both take one either.
    """
    now = utc_now()
    pick = (
        sa.select(WebhookSubscription.id)
        .where(_pending_events(now))
        .order_by(WebhookSubscription.next_attempt_at.is_not(None), WebhookSubscription.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True, of=WebhookSubscription)
    subscription_id = session.execute(pick).scalar_one_or_none()
    if subscription_id is None:
        session.rollback()
        return None
    taken = session.execute(
        sa.update(WebhookSubscription)
        .where(WebhookSubscription.id == subscription_id, _pending_events(now))
        .values(leased_until=now + lease, lease_owner=owner)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return subscription_id if cast("sa.CursorResult[Any]", taken).rowcount == 1 else None


def _held(subscription_id: str, owner: str) -> Any:
    return sa.and_(
        WebhookSubscription.id == subscription_id, WebhookSubscription.lease_owner == owner
    )


def release_lease(session: Session, subscription_id: str, owner: str) -> None:
    """Give a subscription back (commits); a lease another worker holds now is left be."""
    session.execute(
        sa.update(WebhookSubscription)
        .where(_held(subscription_id, owner))
        .values(leased_until=None, lease_owner=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def record_delivery(session: Session, delivery: WebhookDelivery) -> None:
    """Add an attempt to the log (the caller commits, with the cursor's move if any)."""
    session.add(delivery)


def advance_cursor(
    session: Session,
    subscription_id: str,
    owner: str,
    position: int,
    lease: dt.timedelta,
    *,
    delivered: bool,
) -> bool:
    """Move the cursor to ``position`` and renew the lease; False if the lease is lost.

    ``delivered`` (a 2xx) ends a run of failures; a final refusal does not, so a receiver
    that refuses everything is still disabled in time.
    """
    values: dict[str, Any] = {"cursor_position": position, "leased_until": utc_now() + lease}
    if delivered:
        values.update(failing_since=None, failed_attempts=0, next_attempt_at=None)
    changed = session.execute(
        sa.update(WebhookSubscription)
        .where(_held(subscription_id, owner), WebhookSubscription.cursor_position <= position)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return cast("sa.CursorResult[Any]", changed).rowcount == 1


def note_failure(
    session: Session,
    subscription_id: str,
    owner: str,
    *,
    retry_at: dt.datetime | None,
    give_up_after: dt.timedelta,
    reason: str,
) -> bool:
    """Count a failed attempt: retry at ``retry_at`` (releasing the lease), or, for a final
    refusal (``retry_at`` None, the cursor moved on), keep going; either way disable the
    subscription once it has failed for ``give_up_after``, which the audit log records.
    True when it was disabled."""
    now = utc_now()
    row = session.execute(
        sa.select(
            WebhookSubscription.organisation_id,
            WebhookSubscription.failing_since,
            WebhookSubscription.failed_attempts,
        ).where(_held(subscription_id, owner))
    ).one_or_none()
    if row is None:
        return False
    failing_since = row.failing_since or now
    values: dict[str, Any] = {
        "failing_since": failing_since,
        "failed_attempts": row.failed_attempts + 1,
    }
    if retry_at is not None:
        values.update(next_attempt_at=retry_at, leased_until=None, lease_owner=None)
    disabled = now - failing_since >= give_up_after
    if disabled:
        values.update(
            status=SubscriptionStatus.DISABLED,
            next_attempt_at=None,
            leased_until=None,
            lease_owner=None,
            version=WebhookSubscription.version + 1,
            disabled_reason=(
                f"Disabled at {now.isoformat(timespec='seconds')} after "
                f"{row.failed_attempts + 1} failed attempts since "
                f"{failing_since.isoformat(timespec='seconds')}; the last: {reason} "
                "See GET /api/v1/webhooks/{id}/deliveries, mend the receiver, and set "
                "status to active to resume from the first event not delivered."
            )[:1000],
        )
    session.execute(
        sa.update(WebhookSubscription)
        .where(_held(subscription_id, owner))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if disabled:  # the session's actor: the worker's system, as for any of its writes
        record_events(
            session,
            [
                Event(
                    AuditAction.CHANGED,
                    RECORD_TYPES[WebhookSubscription],
                    subscription_id,
                    row.organisation_id,
                    fields=("disabled_reason", "status"),
                )
            ],
        )
    return disabled
