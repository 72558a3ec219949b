"""Participants: the people and organisations taking part in an initiative.

Only a role, a display name or pseudonym, an affiliation, an age band and a consent
record are kept about anyone; the API asks for nothing more, so an integrator cannot send
more by mistake.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import workspace
from api.lists import MirrorArgs, page_reply, page_schema
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
from toolkits_core import Consent, ParticipantRole
from toolkits_core.service import (
    ROLE_DESCRIPTIONS,
    AgeBand,
    ConsentGiver,
    Participant,
    Scope,
    Upserted,
    Workspace,
    create_participant,
    delete_participant,
    get_participant,
    list_organisation_participants,
    list_participants,
    update_participant,
    upsert_participant,
)

blueprint = Blueprint(
    "participants",
    __name__,
    url_prefix="/api/v1",
    description="The people and organisations taking part in an initiative, by role, with "
    "only a display name or pseudonym and their consent.",
)
blueprint.after_request(locate_existing)

ROLES = [role.value for role in ParticipantRole]
CONSENTS = [consent.value for consent in Consent]

ROLE_DESCRIPTION = (
    "The part they play in this initiative (not their job title; where they come from is "
    "affiliation). Choose by what they do here:\n\n"
    + "\n".join(f"- {role.key.value}: {role.description}" for role in ROLE_DESCRIPTIONS)
    + "\n\nGET /toolkits/{key} lists the same roles with labels."
)
AGE_BANDS = [band.value for band in AgeBand]
AGE_BAND_DESCRIPTION = (
    "adult (18 or over; the default, and what every participant recorded before this field "
    "is), 16-17, or under_16. It decides who may give consent. under_16: consent (to take "
    "part or to publish) must be given by a parent or guardian, so recording it needs "
    "consent_given_by parent or guardian (422 consent_needs_parent otherwise, also when "
    "age_band changes to under_16 while the consent recorded was the person's own: send the "
    "parent's consent in the same change, or set consent to not_recorded). 16-17: in "
    "Scotland a young person of 16 or 17 can usually decide for themself, so self or "
    "parent may give it, but consent_given_by must be recorded (422 consent_giver_needed). "
    "Withdrawing consent is never refused."
)
AFFILIATION_DESCRIPTION = (
    "The organisation or group they come from, as free text (Café Brio, St Ninian's High "
    "School, the local dementia network), whatever their role; null for none. Keep job "
    "titles and organisations out of display_name."
)
NAME_DESCRIPTION = (
    "A name or pseudonym to show: nothing else about the person is stored, so use a "
    "pseudonym where a name is not needed."
)
CONSENT_DESCRIPTION = (
    "given, not_recorded or withdrawn. Only participants whose consent is given count as "
    "taking part in the toolkits' rules. Withdrawing it withdraws consent to publish too."
)
GIVERS = [giver.value for giver in ConsentGiver]
GIVEN_ON_DESCRIPTION = (
    "The date consent was given, as you know it (the date on a signed paper form), not the "
    "day it is typed in; not in the future. Null while unknown."
)
GIVEN_BY_DESCRIPTION = (
    "Who gave consent: self (the person), welfare_attorney or guardian (for an adult who "
    "cannot decide, under the Adults with Incapacity (Scotland) Act 2000; guardian also for "
    "a child's legal guardian), or parent (someone with parental responsibility). For an "
    "age_band of under_16 it must be parent or guardian; for 16-17 it must be recorded. "
    "Null while unknown."
)
PUBLICATION_DESCRIPTION = (
    "given, not_recorded or withdrawn: whether what came from them (their words, voice, "
    "picture) may be published beyond your organisation, asked separately from consent to "
    "take part. Given only with consent given and with consent_given_on and "
    "consent_given_by recorded. Existing participants start at not_recorded."
)


class ConsentRecordPatch(ma.Schema):
    """The consent record's fields as a PATCH takes them: only what is sent changes."""

    consent_given_on = ma.fields.Date(
        allow_none=True, metadata={"description": GIVEN_ON_DESCRIPTION}
    )
    consent_given_by = ma.fields.String(
        allow_none=True,
        validate=ma.validate.OneOf(GIVERS),
        metadata={"description": GIVEN_BY_DESCRIPTION},
    )
    publication_consent = ma.fields.String(
        validate=ma.validate.OneOf(CONSENTS), metadata={"description": PUBLICATION_DESCRIPTION}
    )
    age_band = ma.fields.String(
        validate=ma.validate.OneOf(AGE_BANDS), metadata={"description": AGE_BAND_DESCRIPTION}
    )


class ConsentRecord(ma.Schema):
    """The consent record's fields in a whole participant (POST and PUT): those not sent
    take their defaults, as every field of a replaced record does."""

    consent_given_on = ma.fields.Date(
        allow_none=True, load_default=None, metadata={"description": GIVEN_ON_DESCRIPTION}
    )
    consent_given_by = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.OneOf(GIVERS),
        metadata={"description": GIVEN_BY_DESCRIPTION},
    )
    publication_consent = ma.fields.String(
        load_default=Consent.NOT_RECORDED.value,
        validate=ma.validate.OneOf(CONSENTS),
        metadata={"description": PUBLICATION_DESCRIPTION},
    )
    age_band = ma.fields.String(
        load_default=AgeBand.ADULT.value,
        validate=ma.validate.OneOf(AGE_BANDS),
        metadata={"description": AGE_BAND_DESCRIPTION},
    )


class ParticipantSchema(ConsentRecord, fields.Timestamps):
    id = fields.record_id()
    initiative_id = ma.fields.String(dump_only=True)
    role = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(ROLES),
        metadata={"description": ROLE_DESCRIPTION},
    )
    display_name = fields.title(NAME_DESCRIPTION, required=True)
    affiliation = fields.trimmed(
        200, AFFILIATION_DESCRIPTION, min_length=1, allow_none=True, load_default=None
    )
    consent = ma.fields.String(
        load_default=Consent.NOT_RECORDED.value,
        validate=ma.validate.OneOf(CONSENTS),
        metadata={"description": CONSENT_DESCRIPTION},
    )
    consent_recorded_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "When consent was last given or withdrawn, set by the server; "
            "null while it is not recorded."
        },
    )
    publication_consent_recorded_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "When consent to publish was last given or withdrawn, set by the "
            "server; null while it is not recorded."
        },
    )
    external_ref = fields.external_ref()
    erased_at = ma.fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "When this record's personal data was erased (POST "
            "/participants/{id}/erasure); null unless it was."
        },
    )


class ParticipantPatchSchema(ConsentRecordPatch):
    role = ma.fields.String(
        validate=ma.validate.OneOf(ROLES), metadata={"description": ROLE_DESCRIPTION}
    )
    display_name = fields.title(NAME_DESCRIPTION)
    affiliation = fields.trimmed(200, AFFILIATION_DESCRIPTION, min_length=1, allow_none=True)
    consent = ma.fields.String(
        validate=ma.validate.OneOf(CONSENTS), metadata={"description": CONSENT_DESCRIPTION}
    )
    external_ref = fields.external_ref()


class ParticipantListArgs(MirrorArgs):
    role = ma.fields.String(
        validate=ma.validate.OneOf(ROLES), metadata={"description": "Only this role."}
    )
    consent = ma.fields.String(
        validate=ma.validate.OneOf(CONSENTS),
        metadata={"description": "Only participants with this consent status."},
    )


@blueprint.route("/initiatives/<string:initiative_id>/participants")
@blueprint.arguments(ParticipantListArgs(), location="query")
@blueprint.response(200, page_schema(ParticipantSchema))
@requires(Scope.RECORDS_READ)
def list_all(args: dict[str, Any], initiative_id: str) -> Any:
    """List an initiative's participants, oldest first."""
    return page_reply(list_participants(workspace(), initiative_id, **args), ParticipantSchema)


@blueprint.route("/participants")
@blueprint.arguments(ParticipantListArgs(), location="query")
@blueprint.response(200, page_schema(ParticipantSchema))
@requires(Scope.RECORDS_READ)
def list_across(args: dict[str, Any]) -> Any:
    """List your organisation's participants in every initiative, oldest first.

    Find the person your system knows as X with external_ref=X (one participant in each
    initiative they take part in), or everyone changed since your last sync with
    updated_since, without walking every initiative.
    """
    return page_reply(list_organisation_participants(workspace(), **args), ParticipantSchema)


@blueprint.route("/initiatives/<string:initiative_id>/participants", methods=["POST"])
@blueprint.arguments(ParticipantSchema())
@blueprint.response(201, ParticipantSchema)
@requires(Scope.RECORDS_WRITE)
def create(body: dict[str, Any], initiative_id: str) -> Any:
    """Add a participant to an initiative.

    Giving or withdrawing consent stamps consent_recorded_at with the server's time;
    consent_given_on is the date you say it was given. Consent to publish is separate.
    An under-16's consent must be given by a parent or guardian (422 on consent_given_by
    otherwise). Refused with 409 while the initiative is archived.
    """
    ws = workspace()
    participant = create_participant(
        ws,
        initiative_id,
        role=body["role"],
        display_name=body["display_name"],
        consent=body["consent"],
        external_ref=body.get("external_ref"),
        sent=sent_fields(ParticipantSchema),
        consent_given_on=body["consent_given_on"],
        consent_given_by=body["consent_given_by"],
        publication_consent=body["publication_consent"],
        affiliation=body["affiliation"],
        age_band=body["age_band"],
    )
    ws.commit()
    return record_reply(participant, 201)


@blueprint.route(
    "/initiatives/<string:initiative_id>/participants/by-external-ref/<path:ref>",
    methods=["PUT"],
    parameters=[REF_PARAMETER],
)
@blueprint.arguments(ParticipantSchema())
@blueprint.response(200, ParticipantSchema, description="Replaced, or unchanged (same ETag).")
@blueprint.alt_response(201, schema=ParticipantSchema, description=UPSERT_CREATED)
@blueprint.doc(parameters=[IF_NONE_MATCH_PARAMETER])
@requires(Scope.RECORDS_WRITE)
def upsert(body: dict[str, Any], initiative_id: str, ref: str) -> Any:
    """Create or replace the initiative's participant your system knows as ref.

    The body is the whole participant, as for POST, without external_ref (the path gives
    it; a different one is 422). No participant of the initiative has ref: one is added
    (201, with Location). One has: their fields are replaced (200), and those not sent go
    back to their defaults (consent to not_recorded, with its time cleared); a participant
    with nothing to change keeps their version and ETag. The ref of an erased participant
    is refused (409 participant_erased). If-Match makes it a change of that version only
    (412 when stale, or when nobody has ref); If-None-Match: * makes it an add only (412
    record_exists when someone has).
    """
    return put_by_ref(write_by_ref, initiative_id, ref, body, ParticipantSchema)


def write_by_ref(
    ws: Workspace,
    initiative_id: str,
    ref: str,
    body: dict[str, Any],
    if_match: str | None,
    if_none_match: str | None,
) -> Upserted[Participant]:
    """Create or replace the participant ``ref`` from a loaded body (the PUT, and bulk)."""
    fields = body_without_ref(body, ref)
    return upsert_participant(
        ws,
        initiative_id,
        ref,
        role=fields["role"],
        display_name=fields["display_name"],
        consent=fields["consent"],
        if_match=if_match,
        if_none_match=if_none_match,
        consent_given_on=fields["consent_given_on"],
        consent_given_by=fields["consent_given_by"],
        publication_consent=fields["publication_consent"],
        affiliation=fields["affiliation"],
        age_band=fields["age_band"],
    )


@blueprint.route("/participants/<string:participant_id>")
@blueprint.response(200, ParticipantSchema)
@requires(Scope.RECORDS_READ)
def show(participant_id: str) -> Any:
    """Show a participant."""
    return record_reply(get_participant(workspace(), participant_id), schema=ParticipantSchema)


@blueprint.route("/participants/<string:participant_id>", methods=["PATCH"])
@blueprint.arguments(ParticipantPatchSchema, required=False)  # no body: nothing to change
@blueprint.response(200, ParticipantSchema)
@requires(Scope.RECORDS_WRITE)
def update(changes: dict[str, Any], participant_id: str) -> Any:
    """Change a participant's role, display name, affiliation, age band, consent or
    external_ref.

    consent_recorded_at moves only when the consent status changes: sending the same
    status again keeps the time it was first recorded. Setting it to not_recorded clears
    the time. The consent rules judge the participant as the change leaves them: changing
    age_band to under_16 while their given consent was their own is refused (422
    consent_needs_parent on consent_given_by) unless the change records a parent's or
    guardian's consent, or sets consent to not_recorded.
    """
    ws = workspace()
    participant = update_participant(ws, participant_id, changes, if_match=if_match())
    ws.commit()
    return record_reply(participant)


@blueprint.route("/participants/<string:participant_id>", methods=["DELETE"])
@blueprint.response(204)
@requires(Scope.RECORDS_WRITE)
def delete(participant_id: str) -> None:
    """Delete a participant.

    They are taken off every activity, and evidence they gave stays without their name
    (they leave its participant_ids, and participant_id becomes the next person or null);
    both get a new version. This cannot be undone.
    """
    ws = workspace()
    delete_participant(ws, participant_id, if_match=if_match())
    ws.commit()
