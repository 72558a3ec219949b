"""The change feed: every change to the organisation's records, in commit order."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Blueprint

from api.auth import requires
from api.context import workspace
from api.lists import ListArgs
from api.resources.activities import ActivitySchema
from api.resources.assessments import AssessmentSchema
from api.resources.evidence import EvidenceSchema
from api.resources.initiatives import InitiativeSchema, StageEntrySchema
from api.resources.participants import ParticipantSchema
from api.serialise import compiled
from api.settings import ConfigurationError
from toolkits_core.service import (
    DEFAULT_RETENTION,
    EVENT_TYPES,
    FEED_RECORD_TYPES,
    RETENTION_VARIABLE,
    Change,
    Scope,
    list_changes,
    revived,
)

blueprint = Blueprint(
    "changes",
    __name__,
    url_prefix="/api/v1",
    description="The change feed: every change to the organisation's records, in commit "
    "order, behind a cursor; what a CRM syncs from.",
)

RECORD_SCHEMAS: dict[str, type[ma.Schema]] = {
    "initiative": InitiativeSchema,
    "transition": StageEntrySchema,
    "participant": ParticipantSchema,
    "activity": ActivitySchema,
    "evidence": EvidenceSchema,
    "assessment": AssessmentSchema,
}
RETENTION_SETTING = "FEED_RETENTION_DAYS"


def read_retention(config: Any) -> dt.timedelta:
    """The feed's retention from the app's settings, else ``COPROD_FEED_RETENTION_DAYS``."""
    value = config.get(RETENTION_SETTING, os.environ.get(RETENTION_VARIABLE))
    if value is None or str(value).strip() == "":
        return DEFAULT_RETENTION
    try:
        days = int(str(value).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= 36500:
        raise ConfigurationError(
            f"{RETENTION_VARIABLE} is {value!r}: give how many days the change feed keeps "
            f"its events' data, a whole number from 1 (default {DEFAULT_RETENTION.days})."
        )
    return dt.timedelta(days=days)


class ActorSchema(ma.Schema):
    channel = ma.fields.String(
        required=True, metadata={"description": "api, cli or system: how the change was made."}
    )
    key_id = ma.fields.String(
        allow_none=True,
        metadata={"description": "The API key that made it (null for the command line)."},
    )


class ChangeSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "The event's own id."})
    type = ma.fields.String(
        required=True,
        attribute="event_type",
        metadata={"description": "What happened: " + ", ".join(EVENT_TYPES) + "."},
    )
    occurred_at = ma.fields.AwareDateTime(required=True)
    record_type = ma.fields.String(
        required=True, metadata={"description": "One of " + ", ".join(FEED_RECORD_TYPES) + "."}
    )
    record_id = ma.fields.String(required=True)
    initiative_id = ma.fields.String(allow_none=True)
    external_ref = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The record's external_ref just after the change; for a deletion "
            "or an erasure, the one it had (so that your copy can be found and removed)."
        },
    )
    version = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "The record's version just after the change; null when it "
                  "is gone."},
    )  # fmt: skip
    actor = ma.fields.Nested(ActorSchema, required=True)
    changed_fields = ma.fields.List(
        ma.fields.String(),
        required=True,
        data_key="fields",
        metadata={"description": "For an update, the fields that changed."},
    )
    record = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "The record as GET would have shown it just after the change. "
            "Null for a tombstone (a deletion or an erasure), and once the feed's retention "
            "has passed or the person it is about was erased."
        },
    )


class ChangePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ChangeSchema), required=True)
    next_cursor = ma.fields.String(
        required=True,
        metadata={
            "description": "Pass as cursor to read on. Always given: the feed goes on, so "
            "keep it and ask again later."
        },
    )


class ChangeListArgs(ListArgs):
    type = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(EVENT_TYPES)),
        metadata={"description": "Only events of these types (repeat the parameter)."},
    )
    record_type = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(FEED_RECORD_TYPES)),
        metadata={"description": "Only events about these kinds of record."},
    )


def _item(change: Change) -> dict[str, Any]:
    record = None
    if change.record is not None:
        shown = revived(change.record_type, change.record)
        record = compiled(RECORD_SCHEMAS[change.record_type])(shown)
    return {
        "id": change.id,
        "type": change.event_type,
        "occurred_at": change.occurred_at.isoformat(),
        "record_type": change.record_type,
        "record_id": change.record_id,
        "initiative_id": change.initiative_id,
        "external_ref": change.external_ref,
        "version": change.version,
        "actor": {"channel": change.channel, "key_id": change.key_id},
        "fields": list(change.fields),
        "record": record,
    }


@blueprint.route("/events")
@blueprint.arguments(ChangeListArgs, location="query")
@blueprint.response(200, ChangePageSchema)
@requires(Scope.READ)
def list_all(args: dict[str, Any]) -> Any:
    """Read the change feed, oldest first, from a cursor.

    Every create, change, deletion, stage move, consent withdrawal and erasure of the
    organisation's initiatives, participants, activities, evidence and assessments is
    here, in the order the changes committed. A cursor is never passed by an event that
    commits later: keep `next_cursor` and ask again to hear of everything, once. A
    deletion or an erasure is a tombstone: the id and the external_ref the record had.
    Without a cursor the feed starts at its oldest kept event; a cursor older than the
    retention (30 days by default) answers 410 `cursor_expired`.
    """
    retention = read_retention(current_app.config)
    page = list_changes(
        workspace(),
        limit=args["limit"],
        cursor=args.get("cursor"),
        event_types=args.get("type", ()),
        record_types=args.get("record_type", ()),
        retention=retention,
    )
    # Always a next link, as always a next cursor: an empty page now may fill later.
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    query.append(("cursor", page.next_cursor))
    headers = {"Link": f'<{request.base_url}?{urlencode(query)}>; rel="next"'}
    body = {"items": [_item(change) for change in page.items], "next_cursor": page.next_cursor}
    return current_app.json.response(body), 200, headers
