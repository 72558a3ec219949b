"""The change feed: every change to the organisation's records, in commit order."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import Response, current_app, request, stream_with_context
from flask_smorest import Blueprint

from api.auth import requires
from api.context import caller, services, workspace
from api.lists import ListArgs
from api.resources.activities import ActivitySchema
from api.resources.assessments import AssessmentSchema
from api.resources.evidence import EvidenceSchema
from api.resources.initiatives import InitiativeSchema, StageEntrySchema
from api.resources.participants import ParticipantSchema
from api.serialise import compiled
from api.settings import ConfigurationError
from api.spec import problem_doc
from toolkits_core.service import (
    DEFAULT_RETENTION,
    EVENT_TYPES,
    FEED_RECORD_TYPES,
    RETENTION_VARIABLE,
    Actor,
    Change,
    Channel,
    Scope,
    Workspace,
    act_as,
    export_records,
    list_changes,
    log_export,
    remember_toolkits,
    revived,
    snapshot_session,
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


def remember_shown_toolkits(ws: Workspace, changes: Iterable[Change]) -> None:
    """Read, in one query, the toolkits a page of events needs before it is rendered.

    Whether each evidence shown expects a file needs its initiative's toolkit; without
    this, ``event_document`` would read each initiative with a SELECT of its own. The feed
    and the webhook worker render the same pages, so both call it.
    """
    shown = {
        change.initiative_id
        for change in changes
        if change.record_type == "evidence" and change.record and change.initiative_id
    }
    remember_toolkits(ws, shown)


_DUMPS = {record_type: compiled(schema) for record_type, schema in RECORD_SCHEMAS.items()}
"""Each record type's dump, found once rather than for every event of every page."""


def event_document(change: Change) -> dict[str, Any]:
    """An event as the feed shows it: also the body of its webhook deliveries."""
    record = None
    if change.record is not None:
        shown = revived(change.record_type, change.record)
        record = _DUMPS[change.record_type](shown)
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
@blueprint.arguments(ChangeListArgs(), location="query")
@blueprint.response(200, ChangePageSchema)
@requires(Scope.FEED_READ)
def list_all(args: dict[str, Any]) -> Any:
    """Read the change feed, oldest first, from a cursor.

    Every create, change, deletion, stage move, consent withdrawal and erasure of the
    organisation's initiatives, participants, activities, evidence and assessments is
    here, in the order the changes committed. A cursor is never passed by an event that
    commits later: keep `next_cursor` and ask again to hear of everything, once. A
    deletion or an erasure is a tombstone: the id and the external_ref the record had.
    Without a cursor the feed starts at its oldest kept event; a cursor with events after
    it older than the retention (30 days by default) answers 410 `cursor_expired`, and an
    up-to-date cursor stays good however long nothing happens.
    """
    retention = read_retention(current_app.config)
    ws = workspace()
    page = list_changes(
        ws,
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
    remember_shown_toolkits(ws, page.items)
    body = {
        "items": [event_document(change) for change in page.items],
        "next_cursor": page.next_cursor,
    }
    return current_app.json.response(body), 200, headers


NDJSON = "application/x-ndjson"


class ExportArgs(ma.Schema):
    initiative_id = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "Only this initiative and its records (default: all)."},
    )


def _line(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


@blueprint.route("/export")
@blueprint.arguments(ExportArgs, location="query")
@blueprint.doc(
    responses={
        200: {
            "description": "One JSON document a line: first the export (with the feed "
            "cursor it was taken at), then one line a record, then the end.",
            "content": {NDJSON: {"schema": {"type": "string"}}},
        },
        "404": problem_doc("initiative_id names no initiative of your organisation."),
    }
)
@requires(Scope.FEED_READ)
def export(args: dict[str, Any]) -> Response:
    """Export every record, consistent with one position of the change feed, as NDJSON.

    The first line is `{"type": "export", "cursor": ..., ...}`: after loading the records,
    follow `GET /events` from that cursor and no change is missed or told twice. Then one
    line a record, `{"type": "record", "record_type": ..., "record": {...}}`, each as GET
    shows it (initiatives first, then their stage history, participants, activities,
    evidence and assessments); the last line is `{"type": "end", "records": N}`, so a cut
    stream is known. Memory stays flat however large the organisation. The export is in
    the audit log.
    """
    held = services()
    initiative_id = args.get("initiative_id")
    organisation_id = caller().organisation_id
    with held.database.session() as session:
        act_as(session, Actor(Channel.API, caller().key_id))
        log_export(Workspace(session, organisation_id, held.host, held.files), initiative_id)

    def lines() -> Iterator[bytes]:
        with snapshot_session(held.database) as session:
            ws = Workspace(session, organisation_id, held.host, held.files)
            found = export_records(ws, initiative_id)
            yield _line(
                {
                    "type": "export",
                    "cursor": found.cursor,
                    "initiative_id": initiative_id,
                    "exported_at": dt.datetime.now(dt.UTC).isoformat(),
                }
            )
            count = 0
            for record_type, record in found.records:
                shown = compiled(RECORD_SCHEMAS[record_type])(record)
                yield _line({"type": "record", "record_type": record_type, "record": shown})
                count += 1
            yield _line({"type": "end", "records": count})

    return Response(stream_with_context(lines()), mimetype=NDJSON)
