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
    advice_field,
    advised_reply,
    body_without_ref,
    checked_ref,
    if_match,
    if_none_match,
    locate_existing,
    record_reply,
    sent_fields,
)
from toolkits_core import ParticipantRole
from toolkits_core.service import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    Activity,
    Scope,
    Upserted,
    Workspace,
    advice_on_activity,
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


MAX_ATTENDANCE = 100_000
"""More than any one activity's head count, well inside every database's integers."""
FREQUENCIES = ("weekly", "fortnightly", "monthly", "other")
TAGS_DESCRIPTION = (
    f"Short labels, such as walk or oral history: at most {MAX_TAGS}, each 1 to "
    f"{MAX_TAG_LENGTH} characters. Stored trimmed, with inner spaces made single and in "
    "lower case, each once (Walk and walk are one tag); filter lists with tag."
)
PLACE_DESCRIPTION = "Where it took place, in words (stored trimmed; blank is none)."
RECURRENCE_DESCRIPTION = "How often it recurs; null for a one-off."
ATTENDANCE_DESCRIPTION = (
    "How many people came, by participant role: counts only, never names. Each key is a "
    f"participant role, each count a whole number from 0 to {MAX_ATTENDANCE}; a role left "
    "out was not counted. Null when nobody counted."
)


def _tags(**options: Any) -> ma.fields.List[str]:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=MAX_TAG_LENGTH)),
        validate=ma.validate.Length(max=MAX_TAGS),
        metadata={"description": TAGS_DESCRIPTION},
        **options,
    )


class RecurrenceSchema(ma.Schema):
    frequency = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(FREQUENCIES),
        metadata={
            "description": "weekly, fortnightly or monthly; other for any other rhythm, "
            "said in note."
        },
    )
    note = fields.text(
        200,
        "In words, such as first Tuesday of the month, term time only; needed when the "
        "frequency is other.",
        load_default="",
    )

    @ma.validates_schema
    def _other_is_said(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("frequency") == "other" and not data.get("note", "").strip():
            raise ma.ValidationError("Say how often in note when the frequency is other.", "note")


class AttendanceSchema(ma.Schema):
    """One optional count per participant role."""


for _role in ParticipantRole:
    AttendanceSchema._declared_fields[_role.value] = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=0, max=MAX_ATTENDANCE),
        metadata={"description": f"How many came as {_role.value.replace('_', ' ')}."},
    )


def _recurrence() -> ma.fields.Nested:
    return ma.fields.Nested(
        RecurrenceSchema, allow_none=True, metadata={"description": RECURRENCE_DESCRIPTION}
    )


def _attendance() -> ma.fields.Nested:
    return ma.fields.Nested(
        AttendanceSchema, allow_none=True, metadata={"description": ATTENDANCE_DESCRIPTION}
    )


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
    tags = _tags(load_default=list)
    place = fields.trimmed(200, PLACE_DESCRIPTION, allow_none=True)
    recurrence = _recurrence()
    attendance = _attendance()
    external_ref = fields.external_ref()


class ActivityWrittenSchema(ActivitySchema):
    advice = advice_field(
        "Notes from the toolkit on the activity as written, in the answer to a write only, "
        "and only when there is something to say (otherwise left out, so that the answer is "
        "the record as GET shows it): each dimension named that the type's lists, being "
        "suggestions, leave out (code dimension_not_for_activity_type). Advice never "
        "refuses a write."
    )


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
    tags = _tags()
    place = fields.trimmed(200, PLACE_DESCRIPTION, allow_none=True)
    recurrence = _recurrence()
    attendance = _attendance()
    external_ref = fields.external_ref()


class ActivityListArgs(SearchArgs):
    stage = fields.key("Only activities in this stage.")
    activity_type = fields.key("Only activities of this type.")
    cycle = fields.cycle("Only activities of this cycle.", strict=False)
    participant_id = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "Only activities this participant took part in."},
    )
    tag = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=MAX_TAG_LENGTH)),
        validate=ma.validate.Length(max=MAX_TAGS),
        metadata={
            "description": "Only activities with this tag (compared as tags are stored: "
            "trimmed, lower case). Repeat it (tag=walk&tag=weekly) for activities with "
            "every tag given."
        },
    )
    place = fields.trimmed(
        200,
        "Only activities at this place, exactly as recorded (trimmed; blank is 422).",
        min_length=1,
    )
    on_or_after = ma.fields.Date(
        metadata={
            "description": "Only activities whose days (starts_on to ends_on; one alone "
            "stands for both) reach this day or later. An activity without dates is in no "
            "list filtered by date."
        }
    )
    on_or_before = ma.fields.Date(
        metadata={
            "description": "Only activities whose days begin on or before this day; with "
            "on_or_after, those overlapping the range (422 empty_date_range when it ends "
            "before it starts)."
        }
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
@blueprint.response(201, ActivityWrittenSchema)
@requires(Scope.RECORDS_WRITE)
def create(body: dict[str, Any], initiative_id: str) -> Any:
    """Record an activity, by default in the initiative's current stage and cycle.

    Refused with 422, one error per field, when it does not fit the toolkit (unknown type
    or dimension, a stage the type does not belong to or the initiative has not reached)
    or names a participant who is not in this initiative; with 409 while the initiative
    is archived. Where the activity type's lists are rules, a dimension the type does not
    list is refused too (dimension_not_for_activity_type); where they are suggestions, the
    answer's advice says so instead.
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
        **_details(body),
        external_ref=body.get("external_ref"),
        sent=sent_fields(ActivitySchema),
    )
    return _written(ws, activity, 201)


def _details(body: dict[str, Any]) -> dict[str, Any]:
    """The body's tags, place, recurrence and attendance, as the services take them."""
    return {
        "tags": body["tags"],
        "place": body.get("place"),
        "recurrence": body.get("recurrence"),
        "attendance": body.get("attendance"),
    }


def _written(ws: Workspace, activity: Activity, status: int) -> Any:
    """Commit the write and answer it: the activity, with its ETag, and the toolkit's
    advice on it (read before the commit, in the write's own transaction)."""
    advice = advice_on_activity(ws, activity)
    ws.commit()
    return advised_reply(activity, status, ActivitySchema, advice)


@blueprint.route(
    "/initiatives/<string:initiative_id>/activities/by-external-ref/<path:ref>",
    methods=["PUT"],
    parameters=[REF_PARAMETER],
)
@blueprint.arguments(ActivitySchema())
@blueprint.response(200, ActivityWrittenSchema, description="Replaced, or unchanged (same ETag).")
@blueprint.alt_response(201, schema=ActivityWrittenSchema, description=UPSERT_CREATED)
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
    ws = workspace()
    done = write_by_ref(ws, initiative_id, checked_ref(ref), body, if_match(), if_none_match())
    return _written(ws, done.record, 201 if done.created else 200)


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
        **_details(fields),
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
@blueprint.response(200, ActivityWrittenSchema)
@requires(Scope.RECORDS_WRITE)
def update(changes: dict[str, Any], activity_id: str) -> Any:
    """Change an activity; the whole resulting record must still fit the toolkit.

    participant_ids, when sent, replaces the list.
    """
    ws = workspace()
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    activity = update_activity(ws, activity_id, changes, if_match=if_match())
    return _written(ws, activity, 200)


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
