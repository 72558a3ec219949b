"""Initiatives, where they stand in their toolkit's stages, and moving them on."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import workspace
from api.lists import ListArgs, SearchArgs, page_reply, page_schema
from api.records import (
    IF_NONE_MATCH_PARAMETER,
    REF_PARAMETER,
    UPSERT_CREATED,
    USES_IF_MATCH,
    body_without_ref,
    if_match,
    locate_existing,
    put_by_ref,
    record_reply,
    sent_fields,
)
from toolkits_core.service import (
    Initiative,
    InitiativeStatus,
    Scope,
    Upserted,
    Workspace,
    create_initiative,
    delete_initiative,
    etag_of,
    get_initiative,
    get_progress,
    list_initiatives,
    list_stage_entries,
    transition,
    update_initiative,
    upsert_initiative,
)

blueprint = Blueprint(
    "initiatives",
    __name__,
    url_prefix="/api/v1",
    description="Co-production initiatives, each run with one toolkit, and their stages.",
)
blueprint.after_request(locate_existing)

STATUSES = [status.value for status in InitiativeStatus]
STATUS_DESCRIPTION = (
    "active: everything may be written. paused: the stage does not move (transitions and "
    "new rounds are refused with 409 initiative_paused), while records may still be added "
    "and changed. completed: nothing more is recorded and the stage does not move (409 "
    "initiative_completed for creating, changing or deleting participants, activities, "
    "evidence, files and assessments, and for transitions). archived: read-only (409 "
    "initiative_archived for all of those, and for changing the initiative's own fields "
    "other than its status). In every status, withdrawing consent (a change that only sets "
    "consent or publication_consent to withdrawn, and visibility away from public), "
    "deleting a participant and erasing one are allowed. Setting the status back to active "
    "reopens the initiative."
)


class InitiativeSchema(fields.Timestamps):
    id = fields.record_id()
    toolkit = ma.fields.String(
        attribute="toolkit_key",
        required=True,
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "The key of the toolkit it runs with (GET /toolkits)."},
    )
    toolkit_version = ma.fields.String(
        dump_only=True, metadata={"description": "Pinned when the initiative was created."}
    )
    title = fields.title("What the initiative is called.", required=True)
    summary = fields.text(5000, "What it sets out to do, and with whom.", load_default="")
    status = ma.fields.String(
        load_default=InitiativeStatus.ACTIVE.value,
        validate=ma.validate.OneOf(STATUSES),
        metadata={"description": STATUS_DESCRIPTION},
    )
    themes = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
        load_default=list,
        validate=ma.validate.Length(max=20),
        metadata={"description": "Free labels such as dementia or loneliness."},
    )
    external_ref = fields.external_ref()
    stage = ma.fields.String(dump_only=True, metadata={"description": "The current stage's key."})
    cycle = ma.fields.Integer(
        dump_only=True,
        metadata={
            "description": "The current round of the stages, from 1; a new round (POST "
            ".../transitions with new_round true) adds one."
        },
    )


class InitiativePatchSchema(ma.Schema):
    title = fields.title("What the initiative is called.")
    summary = fields.text(5000, "What it sets out to do, and with whom.")
    status = ma.fields.String(
        validate=ma.validate.OneOf(STATUSES), metadata={"description": STATUS_DESCRIPTION}
    )
    themes = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=100)),
        validate=ma.validate.Length(max=20),
    )
    external_ref = fields.external_ref()


class InitiativeListArgs(SearchArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    toolkit = ma.fields.String(validate=ma.validate.Length(min=1, max=100))


class BlockerSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "Stable and machine-readable."})
    message = ma.fields.String(metadata={"description": "What would lift the blocker."})
    plugin = ma.fields.String(metadata={"description": "Whose rule it is (core or a plugin)."})


class AdviceSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "Stable and machine-readable."})
    message = ma.fields.String(metadata={"description": "What the toolkit suggests."})
    plugin = ma.fields.String(metadata={"description": "Whose rule it is (a plugin)."})


class MoveSchema(ma.Schema):
    to_stage = ma.fields.String()
    kind = ma.fields.String(
        allow_none=True, metadata={"description": "advance, revisit or new_cycle"}
    )
    new_round = ma.fields.Boolean(
        metadata={"description": "Send new_round true with to_stage to make this move."}
    )
    allowed = ma.fields.Boolean()
    blockers = ma.fields.List(ma.fields.Nested(BlockerSchema))
    advice = ma.fields.List(
        ma.fields.Nested(AdviceSchema),
        metadata={"description": "Notes on the move from the toolkit's rules; never block it."},
    )


class RequirementStatusSchema(ma.Schema):
    key = ma.fields.String(metadata={"description": "Stable within the stage."})
    text = ma.fields.String(metadata={"description": "What is needed, in the toolkit's words."})
    checked = ma.fields.Boolean(
        metadata={"description": "Whether a rule of the toolkit checks it before a move."}
    )
    met = ma.fields.Boolean(
        allow_none=True,
        metadata={
            "description": "Whether the initiative meets it now: null when no rule checks it "
            "or no move leaves the stage."
        },
    )


class ProgressSchema(ma.Schema):
    initiative_id = ma.fields.String()
    toolkit = ma.fields.String()
    status = ma.fields.String(metadata={"description": STATUS_DESCRIPTION})
    stage = ma.fields.String()
    cycle = ma.fields.Integer(metadata={"description": "The current round, from 1."})
    requirements = ma.fields.List(
        ma.fields.Nested(RequirementStatusSchema),
        metadata={"description": "What the current stage needs before the initiative leaves it."},
    )
    reached_stages = ma.fields.List(ma.fields.String())
    moves = ma.fields.List(
        ma.fields.Nested(MoveSchema),
        metadata={
            "description": "Each move the toolkit's flow allows from here, and what blocks it."
        },
    )


class TransitionRequestSchema(ma.Schema):
    to_stage = fields.key("The stage to move to.", required=True)
    note = fields.text(2000, "Why, or what was agreed.", load_default="")
    new_round = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Start a new round: from the last stage to the first (to_stage), "
            "where the toolkit allows new rounds (allows_new_rounds in GET /toolkits/{key}). "
            "Refused with 409 transition_refused and a blocker new_round_not_allowed, "
            "round_not_finished or new_round_at_first_stage."
        },
    )


class StageEntrySchema(ma.Schema):
    id = fields.record_id()
    initiative_id = ma.fields.String()
    from_stage = ma.fields.String(allow_none=True)
    stage = ma.fields.String()
    cycle = ma.fields.Integer(metadata={"description": "The round this entry belongs to."})
    kind = ma.fields.String(metadata={"description": "start, advance, revisit or new_cycle"})
    note = ma.fields.String()
    entered_at = ma.fields.AwareDateTime()


@blueprint.route("/initiatives")
@blueprint.arguments(InitiativeListArgs(), location="query")
@blueprint.response(200, page_schema(InitiativeSchema))
@requires(Scope.RECORDS_READ)
def list_all(args: dict[str, Any]) -> Any:
    """List your organisation's initiatives, oldest first."""
    return page_reply(list_initiatives(workspace(), **args), InitiativeSchema)


@blueprint.route("/initiatives", methods=["POST"])
@blueprint.arguments(InitiativeSchema())
@blueprint.response(201, InitiativeSchema)
@requires(Scope.RECORDS_WRITE)
def create(body: dict[str, Any]) -> Any:
    """Start an initiative at the first stage of a toolkit, pinned to its version."""
    ws = workspace()
    initiative = create_initiative(
        ws,
        toolkit=body["toolkit_key"],
        title=body["title"].strip(),
        summary=body["summary"],
        status=body["status"],
        themes=body["themes"],
        external_ref=body.get("external_ref"),
        sent=sent_fields(InitiativeSchema),
    )
    ws.commit()
    return record_reply(initiative, 201)


@blueprint.route(
    "/initiatives/by-external-ref/<path:ref>", methods=["PUT"], parameters=[REF_PARAMETER]
)
@blueprint.arguments(InitiativeSchema())
@blueprint.response(200, InitiativeSchema, description="Replaced, or unchanged (same ETag).")
@blueprint.alt_response(201, schema=InitiativeSchema, description=UPSERT_CREATED)
@blueprint.doc(parameters=[IF_NONE_MATCH_PARAMETER])
@requires(Scope.RECORDS_WRITE)
def upsert(body: dict[str, Any], ref: str) -> Any:
    """Create or replace the initiative your system knows as ref (its external_ref).

    The body is the whole initiative, as for POST /initiatives, without external_ref (the
    path gives it; a different one is 422). No initiative has ref: one is made (201, with
    Location). One has: its fields are replaced (200), and those not sent go back to their
    defaults (status to active); an initiative with nothing to change keeps its version
    and ETag. Its toolkit cannot change (422 toolkit_fixed). If-Match makes it a change of
    that version only (412 when stale, or when no initiative has ref); If-None-Match: *
    makes it a create only (412 record_exists when one has).
    """
    return put_by_ref(write_by_ref, None, ref, body, InitiativeSchema)


def write_by_ref(
    ws: Workspace,
    _initiative_id: str | None,
    ref: str,
    body: dict[str, Any],
    if_match: str | None,
    if_none_match: str | None,
) -> Upserted[Initiative]:
    """Create or replace the initiative ``ref`` from a loaded body (the PUT, and bulk)."""
    fields = body_without_ref(body, ref)
    return upsert_initiative(
        ws,
        ref,
        toolkit=fields["toolkit_key"],
        title=fields["title"].strip(),
        summary=fields["summary"],
        status=fields["status"],
        themes=fields["themes"],
        if_match=if_match,
        if_none_match=if_none_match,
    )


@blueprint.route("/initiatives/<string:initiative_id>")
@blueprint.response(200, InitiativeSchema)
@requires(Scope.RECORDS_READ)
def show(initiative_id: str) -> Any:
    """Show an initiative."""
    return record_reply(get_initiative(workspace(), initiative_id), schema=InitiativeSchema)


@blueprint.route("/initiatives/<string:initiative_id>", methods=["PATCH"])
@blueprint.arguments(InitiativePatchSchema, required=False)  # no body: nothing to change
@blueprint.response(200, InitiativeSchema)
@requires(Scope.RECORDS_WRITE)
def update(changes: dict[str, Any], initiative_id: str) -> Any:
    """Change an initiative's title, summary, status, themes or external_ref.

    Its stage moves only by a transition. Archiving (status archived) makes it read-only;
    setting the status back reopens it.
    """
    ws = workspace()
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    initiative = update_initiative(ws, initiative_id, changes, if_match=if_match())
    ws.commit()
    return record_reply(initiative)


@blueprint.route("/initiatives/<string:initiative_id>", methods=["DELETE"])
@blueprint.response(204)
@requires(Scope.RECORDS_WRITE)
def delete(initiative_id: str) -> None:
    """Delete an initiative and everything recorded in it, uploaded files included.

    This cannot be undone; to keep the record but stop changes, archive it instead.
    """
    ws = workspace()
    delete_initiative(ws, initiative_id, if_match=if_match())
    ws.commit()


@blueprint.route("/initiatives/<string:initiative_id>/progress")
@blueprint.response(200, ProgressSchema)
@requires(Scope.RECORDS_READ)
def progress(initiative_id: str) -> dict[str, Any]:
    """Where the initiative stands, and each move open from there with what blocks it."""
    found = get_progress(workspace(), initiative_id)
    initiative = found.initiative
    return {
        "initiative_id": initiative.id,
        "toolkit": initiative.toolkit_key,
        "status": initiative.status,
        "stage": initiative.stage,
        "cycle": initiative.cycle,
        "requirements": list(found.requirements),
        "reached_stages": list(found.reached_stages),
        "moves": [
            {
                "to_stage": move.to_stage,
                "kind": move.transition.kind.value if move.transition else None,
                "new_round": bool(move.transition and move.transition.kind == "new_cycle"),
                "allowed": move.allowed,
                "blockers": list(move.blockers),
                "advice": list(move.advice),
            }
            for move in found.moves
        ],
    }


@blueprint.route("/initiatives/<string:initiative_id>/transitions", methods=["POST"])
@blueprint.arguments(TransitionRequestSchema)
@blueprint.response(201, StageEntrySchema)
@blueprint.doc(**USES_IF_MATCH)
@requires(Scope.RECORDS_WRITE)
def move(body: dict[str, Any], initiative_id: str) -> Any:
    """Move the initiative to another stage, or start a new round (new_round true).

    Refused with 409 (code transition_refused) and every blocker, from the toolkit's
    stage flow and its plugins, when it may not move yet; nothing changes then. A paused,
    completed or archived initiative does not move (409 initiative_paused,
    initiative_completed or initiative_archived). A new round goes from the last stage to
    the first where the toolkit allows it; what earlier rounds recorded stays, each record
    under its cycle. If-Match takes the initiative's ETag, so that two people cannot both
    move it on.
    """
    ws = workspace()
    entry = transition(
        ws,
        initiative_id,
        body["to_stage"],
        note=body["note"],
        if_match=if_match(),
        new_round=body["new_round"],
    )
    etag = etag_of(get_initiative(ws, initiative_id))
    ws.commit()
    return entry, 201, {"ETag": etag}


@blueprint.route("/initiatives/<string:initiative_id>/transitions")
@blueprint.arguments(ListArgs(), location="query")
@blueprint.response(200, page_schema(StageEntrySchema))
@requires(Scope.RECORDS_READ)
def history(args: dict[str, Any], initiative_id: str) -> Any:
    """The initiative's stage history, oldest first, from its start."""
    return page_reply(
        list_stage_entries(
            workspace(), initiative_id, limit=args["limit"], cursor=args.get("cursor")
        ),
        StageEntrySchema,
    )
