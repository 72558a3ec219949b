"""Webhook subscriptions: where the organisation's changes are posted as they happen.

Admin scope. Each subscription names a URL, the change-feed event types it wants, and
whether it is active; its secret is shown once, when it is made and when it is rotated.
Workers (``coprod webhooks work``) deliver the events; these endpoints manage
subscriptions, show every delivery attempt, and send a ping or a redelivery now.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Flask, current_app, request
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import services, workspace
from api.lists import ListArgs, page_reply, page_schema
from api.records import USES_IF_MATCH, if_match, record_reply
from api.resources.changes import event_document, read_retention
from api.settings import ConfigurationError
from api.spec import problem_doc
from api.webhooks.sending import Message
from api.webhooks.worker import WebhookSettings, body_of, record_now
from toolkits_core.service import (
    EVENT_TYPES,
    FEED_RECORD_TYPES,
    AuditEvent,
    NotFoundError,
    Scope,
    SubscriptionStatus,
    WebhookDelivery,
    WebhookSubscription,
    create_subscription,
    delete_subscription,
    encode_position,
    etag_of,
    get_delivery,
    get_subscription,
    list_changes,
    page_deliveries,
    page_subscriptions,
    rotate_secret,
    update_subscription,
)

blueprint = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1",
    description="Webhooks: the change feed's events posted to your receiver as they "
    "happen, signed per Standard Webhooks (admin scope).",
)

SETTINGS_EXTENSION = "coprod_webhooks"
PING_TYPE = "webhook.ping"
PATTERNS = [*EVENT_TYPES, *(f"{kind}.*" for kind in FEED_RECORD_TYPES), "*"]


def webhook_settings(app: Flask | None = None) -> WebhookSettings:
    """The app's delivery settings: ``WEBHOOK_SETTINGS`` in its config, else the
    ``COPROD_WEBHOOKS_*`` variables (read once)."""
    app = app or current_app
    found = app.extensions.get(SETTINGS_EXTENSION)
    if found is None:
        given = app.config.get("WEBHOOK_SETTINGS")
        try:
            found = given if isinstance(given, WebhookSettings) else WebhookSettings.from_environ()
        except ValueError as error:
            raise ConfigurationError(str(error)) from error
        app.extensions[SETTINGS_EXTENSION] = found
    settings: WebhookSettings = found
    return settings


def _event_types(required: bool) -> ma.fields.List[str]:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=60)),
        required=required,
        validate=ma.validate.Length(min=1, max=50),
        metadata={
            "description": "The events to send: types of the change feed ("
            + ", ".join(EVENT_TYPES)
            + "), a record type with .* (such as participant.*), or * for all."
        },
    )


def _url(required: bool) -> ma.fields.String:
    return ma.fields.String(
        required=required,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={
            "description": "Where to POST: an https URL whose host resolves to public "
            "addresses only (redirects are not followed)."
        },
    )


class WebhookSchema(ma.Schema):
    id = fields.record_id()
    url = ma.fields.String(dump_only=True)
    description = ma.fields.String(dump_only=True)
    event_types = ma.fields.List(ma.fields.String(), dump_only=True)
    status = ma.fields.String(
        dump_only=True,
        metadata={"description": "active, paused, or disabled (after failing for too long)."},
    )
    disabled_reason = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"description": "Why it was disabled."}
    )
    failing_since = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    next_attempt_at = ma.fields.AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "When a retry is due."}
    )
    previous_secret_expires_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Until when the secret before the last rotation signs too."},
    )
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    version = ma.fields.Integer(dump_only=True)


class NewWebhookSchema(WebhookSchema):
    secret = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "The signing secret (whsec_...). Shown now and never again: give "
            "it to your receiver, which verifies webhook-signature with it."
        },
    )


class WebhookCreateSchema(ma.Schema):
    url = _url(True)
    event_types = _event_types(True)
    description = fields.text(500, "What the receiver is, for people.", load_default="")
    status = ma.fields.String(
        load_default=SubscriptionStatus.ACTIVE,
        validate=ma.validate.OneOf([SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED]),
        metadata={"description": "active (the default) or paused."},
    )


class WebhookPatchSchema(ma.Schema):
    url = _url(False)
    event_types = _event_types(False)
    description = fields.text(500, "What the receiver is, for people.")
    status = ma.fields.String(
        validate=ma.validate.OneOf([SubscriptionStatus.ACTIVE, SubscriptionStatus.PAUSED]),
        metadata={
            "description": "paused stops deliveries (events wait); active resumes them, "
            "also after the subscription was disabled."
        },
    )


class RotateSchema(ma.Schema):
    overlap_hours = ma.fields.Integer(
        load_default=24,
        validate=ma.validate.Range(min=0, max=168),
        metadata={"description": "How long the old secret goes on signing too (0 to 168)."},
    )


class DeliverySchema(ma.Schema):
    id = fields.record_id()
    event_id = ma.fields.String(
        dump_only=True, allow_none=True, metadata={"description": "The event sent (null: ping)."}
    )
    message_id = ma.fields.String(
        dump_only=True, metadata={"description": "The webhook-id header sent."}
    )
    event_type = ma.fields.String(dump_only=True)
    trigger = ma.fields.String(
        dump_only=True, metadata={"description": "worker, redeliver or ping."}
    )
    outcome = ma.fields.String(
        dump_only=True,
        metadata={
            "description": "delivered (2xx); retrying (5xx, 408, 429 or a network error); "
            "rejected (another answer: final, not retried); refused (the address is not "
            "public at connect time)."
        },
    )
    attempted_at = ma.fields.AwareDateTime(dump_only=True)
    latency_ms = ma.fields.Integer(dump_only=True)
    response_status = ma.fields.Integer(dump_only=True, allow_none=True)
    response_excerpt = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The first 500 bytes of the answer."},
    )
    error = ma.fields.String(dump_only=True, allow_none=True)


class NewWebhookShown:
    """A subscription with its new secret, as the one answer that shows the secret."""

    def __init__(self, subscription: WebhookSubscription, secret: str) -> None:
        self.subscription = subscription
        self.secret = secret

    def __getattr__(self, name: str) -> Any:
        return getattr(self.subscription, name)


def _location(subscription: WebhookSubscription) -> str:
    return f"{request.host_url.rstrip('/')}/api/v1/webhooks/{subscription.id}"


@blueprint.route("/webhooks")
@blueprint.arguments(ListArgs(), location="query")
@blueprint.response(200, page_schema(WebhookSchema))
@requires(Scope.WEBHOOKS_MANAGE)
def list_webhooks(args: dict[str, Any]) -> Any:
    """List your organisation's webhook subscriptions (never their secrets)."""
    ws = workspace()
    return page_reply(page_subscriptions(ws.session, ws.organisation_id, **args), WebhookSchema)


@blueprint.route("/webhooks", methods=["POST"])
@blueprint.arguments(WebhookCreateSchema)
@blueprint.response(201, NewWebhookSchema)
@requires(Scope.WEBHOOKS_MANAGE)
def create_webhook(body: dict[str, Any]) -> Any:
    """Subscribe a receiver to the change feed's events from now on.

    The URL must be https and resolve to public addresses only (422 `invalid_request`
    with code `webhook_url_refused` on `url` otherwise). The answer holds the signing
    secret, shown this once.
    """
    ws = workspace()
    settings = webhook_settings()
    made = create_subscription(
        ws,
        url=body["url"],
        event_types=body["event_types"],
        description=body["description"],
        status=body["status"],
        allow_private=settings.allow_private,
        resolve=settings.resolve,
    )
    ws.commit()
    headers = {
        "Location": _location(made.subscription),
        "ETag": etag_of(made.subscription),
        "Cache-Control": "no-store",
    }
    return NewWebhookShown(made.subscription, made.secret), 201, headers


@blueprint.route("/webhooks/<string:webhook_id>")
@blueprint.response(200, WebhookSchema)
@requires(Scope.WEBHOOKS_MANAGE)
def show_webhook(webhook_id: str) -> Any:
    """Show a subscription: where it sends, what, and how delivery stands."""
    return record_reply(get_subscription(workspace(), webhook_id))


@blueprint.route("/webhooks/<string:webhook_id>", methods=["PATCH"])
@blueprint.arguments(WebhookPatchSchema, required=False)
@blueprint.response(200, WebhookSchema)
@requires(Scope.WEBHOOKS_MANAGE)
def update_webhook(changes: dict[str, Any], webhook_id: str) -> Any:
    """Change a subscription's URL, event types, description, or pause and resume it.

    Setting `status` to active on a disabled subscription resumes it from the first
    event it did not deliver.
    """
    ws = workspace()
    settings = webhook_settings()
    found = update_subscription(
        ws,
        webhook_id,
        changes,
        if_match(),
        allow_private=settings.allow_private,
        resolve=settings.resolve,
    )
    ws.commit()
    return found, 200, {"ETag": etag_of(found)}


@blueprint.route("/webhooks/<string:webhook_id>", methods=["DELETE"])
@blueprint.response(204)
@requires(Scope.WEBHOOKS_MANAGE)
def delete_webhook(webhook_id: str) -> Any:
    """Delete a subscription and its delivery log: nothing more is sent to it."""
    ws = workspace()
    delete_subscription(ws, webhook_id, if_match())
    ws.commit()
    return "", 204


@blueprint.route("/webhooks/<string:webhook_id>/rotate-secret", methods=["POST"])
@blueprint.arguments(RotateSchema, required=False)
@blueprint.response(200, NewWebhookSchema)
@blueprint.doc(**USES_IF_MATCH)
@requires(Scope.WEBHOOKS_MANAGE)
def rotate_webhook_secret(body: dict[str, Any], webhook_id: str) -> Any:
    """Make a new signing secret, shown this once.

    During `overlap_hours` (24 by default) each delivery is signed with the new and the
    old secret (two signatures in webhook-signature), so the receiver can switch over
    without refusing a delivery.
    """
    ws = workspace()
    made = rotate_secret(
        ws, webhook_id, if_match(), dt.timedelta(hours=body.get("overlap_hours", 24))
    )
    ws.commit()
    headers = {"ETag": etag_of(made.subscription), "Cache-Control": "no-store"}
    return NewWebhookShown(made.subscription, made.secret), 200, headers


@blueprint.route("/webhooks/<string:webhook_id>/ping", methods=["POST"])
@blueprint.response(200, DeliverySchema)
@requires(Scope.WEBHOOKS_MANAGE)
def ping_webhook(webhook_id: str) -> Any:
    """Send a signed `webhook.ping` now and answer how it went (it is logged too).

    The body is `{"id": ..., "type": "webhook.ping", "webhook_id": ..., "occurred_at": ...}`,
    signed like every delivery; it touches neither the event stream nor its retries.
    """
    return _ping(get_subscription(workspace(), webhook_id))


def _ping(subscription: WebhookSubscription) -> Any:
    message_id = f"png_{uuid.uuid4().hex}"
    document = {
        "id": message_id,
        "type": PING_TYPE,
        "webhook_id": subscription.id,
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    message = Message(message_id, PING_TYPE, body_of(document))
    return _send_now(subscription, message, "ping", None)


@blueprint.route("/webhooks/<string:webhook_id>/deliveries")
@blueprint.arguments(ListArgs(), location="query")
@blueprint.response(200, page_schema(DeliverySchema))
@requires(Scope.WEBHOOKS_MANAGE)
def list_webhook_deliveries(args: dict[str, Any], webhook_id: str) -> Any:
    """Every delivery attempt to this subscription, oldest first: outcome, response
    code, latency and the first bytes of the answer."""
    return page_reply(page_deliveries(workspace(), webhook_id, **args), DeliverySchema)


@blueprint.route(
    "/webhooks/<string:webhook_id>/deliveries/<string(maxlength=40):delivery_id>/redeliver",
    methods=["POST"],
)
@blueprint.response(200, DeliverySchema)
@blueprint.doc(responses={"410": problem_doc("The event is older than the change feed keeps.")})
@requires(Scope.WEBHOOKS_MANAGE)
def redeliver(webhook_id: str, delivery_id: str) -> Any:
    """Send a delivery's event again now, with the same webhook-id, and log the attempt.

    The subscription's stream and its retries go on as they were; a receiver that has
    the event already drops it by its webhook-id.
    """
    ws = workspace()
    subscription = get_subscription(ws, webhook_id)
    delivery = get_delivery(ws, webhook_id, delivery_id)
    if delivery.event_id is None:
        return _ping(subscription)
    change = _event(delivery.event_id)
    message = Message(change["id"], change["type"], body_of(change))
    return _send_now(subscription, message, "redeliver", delivery.event_id)


def _event(event_id: str) -> dict[str, Any]:
    """The event as the feed shows it now (its record may have gone with the retention)."""
    ws = workspace()
    position = ws.session.execute(
        sa.select(AuditEvent.position).where(
            AuditEvent.id == event_id, AuditEvent.organisation_id == ws.organisation_id
        )
    ).scalar_one_or_none()
    if position is None:
        raise NotFoundError("event", event_id)
    page = list_changes(
        ws,
        limit=1,
        cursor=encode_position(position - 1),
        retention=read_retention(current_app.config),
    )
    return event_document(page.items[0])


def _send_now(
    subscription: WebhookSubscription, message: Message, trigger: str, event_id: str | None
) -> Any:
    ws = workspace()
    ws.session.expunge(subscription)
    ws.session.rollback()  # hold no transaction while the receiver answers
    row: WebhookDelivery = record_now(
        services().database, subscription, message, trigger, webhook_settings(), event_id
    )
    return row
