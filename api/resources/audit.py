"""The audit log: who created, changed, deleted, exported or erased what, and when."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import workspace
from api.lists import EARLIEST, LATEST, ListArgs, page_reply, page_schema
from toolkits_core.service import RECORD_TYPE_NAMES, AuditAction, Scope, list_audit_events

blueprint = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/v1",
    description="The organisation's audit log: append-only, readable with an admin key.",
)

ACTIONS = [action.value for action in AuditAction]
RECORD_TYPES = list(RECORD_TYPE_NAMES)


class AuditEventSchema(ma.Schema):
    id = fields.record_id()
    occurred_at = ma.fields.AwareDateTime(required=True)
    action = ma.fields.String(
        required=True, metadata={"description": "One of " + ", ".join(ACTIONS) + "."}
    )
    record_type = ma.fields.String(
        required=True, metadata={"description": "One of " + ", ".join(RECORD_TYPES) + "."}
    )
    record_id = ma.fields.String(required=True)
    initiative_id = ma.fields.String(
        allow_none=True, metadata={"description": "The initiative the record belongs to."}
    )
    key_id = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The API key that did it; null for the command line and for "
            "coprod itself (channel system: the webhook worker disabling a webhook)."
        },
    )
    channel = ma.fields.String(
        required=True,
        metadata={"description": "api, cli or system: how the change was made."},
    )
    field_names = ma.fields.List(
        ma.fields.String(),
        required=True,
        data_key="fields",
        attribute="fields",
        metadata={
            "description": "For a change, the fields that changed (never their values, so "
            "that an erasure leaves no copy here); for an export, what was exported."
        },
    )


class AuditEventListArgs(ListArgs):
    record_id = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    initiative_id = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    key_id = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    action = ma.fields.String(validate=ma.validate.OneOf(ACTIONS))
    record_type = ma.fields.String(validate=ma.validate.OneOf(RECORD_TYPES))
    since = ma.fields.AwareDateTime(
        default_timezone=None,
        validate=ma.validate.Range(min=EARLIEST, max=LATEST),
        metadata={"description": "Only events at or after this RFC 3339 time."},
    )


@blueprint.route("/audit-events")
@blueprint.arguments(AuditEventListArgs(), location="query")
@blueprint.response(200, page_schema(AuditEventSchema))
@requires(Scope.AUDIT_READ)
def list_all(args: dict[str, Any]) -> Any:
    """List the organisation's audit events, oldest first.

    Every write through the API or the command line is here, in the same transaction as
    the write: creations, changes (with the names of the fields that changed), deletions,
    stage transitions, key creation and revocation, webhook subscriptions, case studies
    published to the library and taken out, subject access exports and erasures.
    Reads are not logged. Nothing can change or delete an event.
    """
    return page_reply(list_audit_events(workspace(), **args))
