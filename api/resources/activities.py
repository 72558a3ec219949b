"""Activities: what was done in a stage of an initiative, and who took part in it.

The shape of a request is checked here; whether the activity fits the initiative's
toolkit (its type, stage, cycle and dimensions) is asked of the plugin host by the
service, and each misfit comes back as a 422 field error naming the field.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import workspace
from api.lists import SearchArgs, page_reply, page_schema
from api.records import (
    IF_NONE_MATCH_PARAMETER,
    REF_PARAMETER,
    UPSERT_CREATED,
    body_without_ref,
    if_match,
    locate_existing,
    put_by_ref,
    record_reply,
    sent_fields,
)
from toolkits_core.service import (
    Activity,
    Scope,
    Upserted,
    Workspace,
    create_activity,
    delete_activity,
    get_activity,
    list_activities,
    update_activity,
    upsert_activity,
)

blueprint = Blueprint(
    "activities",
    __name__,
    url_prefix="/api/v1",
    description="What was done in an initiative's stages, such as a workshop or a walk, "
    "and who took part.",
)
blueprint.after_request(locate_existing)

MAX_PARTICIPANTS = 500

TYPE_DESCRIPTION = "The key of one of the toolkit's activity types (GET /toolkits/{key})."
STAGE_DESCRIPTION = (
    "The stage it was done in: one the activity type belongs to and the initiative has "
    "reached. By default the initiative's current stage."
)
CYCLE_DESCRIPTION = (
    "The round of the stages it was done in (cyclic toolkits); by default the initiative's "
    "current cycle."
)
DIMENSIONS_DESCRIPTION = "Keys of the toolkit's dimensions the activity speaks to."
PARTICIPANTS_DESCRIPTION = "Ids of participants of the same initiative who took part."


def _participant_ids(**options: Any) -> ma.fields.List[str]:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        validate=ma.validate.Length(max=MAX_PARTICIPANTS),
        metadata={"description": PARTICIPANTS_DESCRIPTION},
        **options,
    )


def _date(description: str) -> ma.fields.Date:
    return ma.fields.Date(allow_none=True, metadata={"description": description})


class ActivitySchema(fields.Timestamps):
    id = fields.record_id()
    initiative_id = ma.fields.String(dump_only=True)
    activity_type = fields.key(TYPE_DESCRIPTION, required=True)
    stage = fields.key(STAGE_DESCRIPTION)
    cycle = fields.cycle(CYCLE_DESCRIPTION)
    title = fields.title("What the activity was.", required=True)
    description = fields.text(5000, "What happened, and how.", load_default="")
    dimensions = fields.key_list(DIMENSIONS_DESCRIPTION)
    starts_on = _date("The day it started (or took place).")
    ends_on = _date("The day it ended; not before starts_on.")
    participant_ids = _participant_ids(load_default=list)
    outcomes = fields.text(5000, "What came of it.", load_default="")
    external_ref = fields.external_ref()


class ActivityPatchSchema(ma.Schema):
    activity_type = fields.key(TYPE_DESCRIPTION)
    stage = fields.key(STAGE_DESCRIPTION)
    cycle = fields.cycle(CYCLE_DESCRIPTION)
    title = fields.title("What the activity was.")
    description = fields.text(5000, "What happened, and how.")
    dimensions = fields.key_list(DIMENSIONS_DESCRIPTION)
    starts_on = _date("The day it started (or took place).")
    ends_on = _date("The day it ended; not before starts_on.")
    participant_ids = _participant_ids()
    outcomes = fields.text(5000, "What came of it.")
    external_ref = fields.external_ref()


class ActivityListArgs(SearchArgs):
    stage = fields.key("Only activities in this stage.")
    activity_type = fields.key("Only activities of this type.")
    cycle = fields.cycle("Only activities of this cycle.", strict=False)
    participant_id = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "Only activities this participant took part in."},
    )


@blueprint.route("/initiatives/<string:initiative_id>/activities")
@blueprint.arguments(ActivityListArgs(), location="query")
@blueprint.response(200, page_schema(ActivitySchema))
@requires(Scope.RECORDS_READ)
def list_all(args: dict[str, Any], initiative_id: str) -> Any:
    """List an initiative's activities, oldest first, each with its participant_ids."""
    return page_reply(list_activities(workspace(), initiative_id, **args), ActivitySchema)


@blueprint.route("/initiatives/<string:initiative_id>/activities", methods=["POST"])
@blueprint.arguments(ActivitySchema())
@blueprint.response(201, ActivitySchema)
@requires(Scope.RECORDS_WRITE)
def create(body: dict[str, Any], initiative_id: str) -> Any:
    """Record an activity, by default in the initiative's current stage and cycle.

    Refused with 422, one error per field, when it does not fit the toolkit (unknown type
    or dimension, a stage the type does not belong to or the initiative has not reached)
    or names a participant who is not in this initiative; with 409 while the initiative
    is archived.
    """
    ws = workspace()
    activity = create_activity(
        ws,
        initiative_id,
        activity_type=body["activity_type"],
        title=body["title"].strip(),
        stage=body.get("stage"),
        cycle=body.get("cycle"),
        description=body["description"],
        dimensions=body.get("dimensions", []),
        starts_on=body.get("starts_on"),
        ends_on=body.get("ends_on"),
        participant_ids=body["participant_ids"],
        outcomes=body["outcomes"],
        external_ref=body.get("external_ref"),
        sent=sent_fields(ActivitySchema),
    )
    ws.commit()
    return record_reply(activity, 201)


@blueprint.route(
    "/initiatives/<string:initiative_id>/activities/by-external-ref/<path:ref>",
    methods=["PUT"],
    parameters=[REF_PARAMETER],
)
@blueprint.arguments(ActivitySchema())
@blueprint.response(200, ActivitySchema, description="Replaced, or unchanged (same ETag).")
@blueprint.alt_response(201, schema=ActivitySchema, description=UPSERT_CREATED)
@blueprint.doc(parameters=[IF_NONE_MATCH_PARAMETER])
@requires(Scope.RECORDS_WRITE)
def upsert(body: dict[str, Any], initiative_id: str, ref: str) -> Any:
    """Create or replace the initiative's activity your system knows as ref.

    The body is the whole activity, as for POST, without external_ref (the path gives it;
    a different one is 422). No activity of the initiative has ref: one is recorded (201,
    with Location). One has: it is replaced (200) and the whole result must fit the
    toolkit; fields not sent go back to their defaults (participant_ids to none), except
    stage and cycle, which keep where it was done. An activity with nothing to change
    keeps its version and ETag. If-Match makes it a change of that version only (412 when
    stale, or when none has ref); If-None-Match: * makes it a create only (412
    record_exists when one has).
    """
    return put_by_ref(write_by_ref, initiative_id, ref, body, ActivitySchema)


def write_by_ref(
    ws: Workspace,
    initiative_id: str,
    ref: str,
    body: dict[str, Any],
    if_match: str | None,
    if_none_match: str | None,
) -> Upserted[Activity]:
    """Create or replace the activity ``ref`` from a loaded body (the PUT, and bulk)."""
    fields = body_without_ref(body, ref)
    return upsert_activity(
        ws,
        initiative_id,
        ref,
        activity_type=fields["activity_type"],
        title=fields["title"].strip(),
        stage=fields.get("stage"),
        cycle=fields.get("cycle"),
        description=fields["description"],
        dimensions=fields.get("dimensions", []),
        starts_on=fields.get("starts_on"),
        ends_on=fields.get("ends_on"),
        participant_ids=fields["participant_ids"],
        outcomes=fields["outcomes"],
        if_match=if_match,
        if_none_match=if_none_match,
    )


@blueprint.route("/activities/<string:activity_id>")
@blueprint.response(200, ActivitySchema)
@requires(Scope.RECORDS_READ)
def show(activity_id: str) -> Any:
    """Show an activity."""
    return record_reply(get_activity(workspace(), activity_id), schema=ActivitySchema)


@blueprint.route("/activities/<string:activity_id>", methods=["PATCH"])
@blueprint.arguments(ActivityPatchSchema, required=False)  # no body: nothing to change
@blueprint.response(200, ActivitySchema)
@requires(Scope.RECORDS_WRITE)
def update(changes: dict[str, Any], activity_id: str) -> Any:
    """Change an activity; the whole resulting record must still fit the toolkit.

    participant_ids, when sent, replaces the list.
    """
    ws = workspace()
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    activity = update_activity(ws, activity_id, changes, if_match=if_match())
    ws.commit()
    return record_reply(activity)


@blueprint.route("/activities/<string:activity_id>", methods=["DELETE"])
@blueprint.response(204)
@requires(Scope.RECORDS_WRITE)
def delete(activity_id: str) -> None:
    """Delete an activity.

    Its participant links go; evidence recorded from it stays, with activity_id null and
    a new version. This cannot be undone.
    """
    ws = workspace()
    delete_activity(ws, activity_id, if_match=if_match())
    ws.commit()
