"""Data protection: a participant's subject access request, and their erasure.

Both need an admin key: they are what an organisation's data protection officer does,
not what a CRM sync does. Both are written to the audit log.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api.auth import requires
from api.context import workspace
from api.records import USES_IF_MATCH, if_match, record_reply
from api.resources.activities import ActivitySchema
from api.resources.audit import AuditEventSchema
from api.resources.evidence import EvidenceSchema
from api.resources.participants import ParticipantSchema
from toolkits_core.service import Scope, erase_participant, subject_access

blueprint = Blueprint(
    "privacy",
    __name__,
    url_prefix="/api/v1",
    description="UK GDPR: everything held about a participant, in one call, and erasure.",
)


class SubjectAccessSchema(ma.Schema):
    generated_at = ma.fields.AwareDateTime(
        required=True, metadata={"description": "When this answer was put together."}
    )
    participant = ma.fields.Nested(ParticipantSchema, required=True)
    activities = ma.fields.List(
        ma.fields.Nested(ActivitySchema),
        required=True,
        metadata={"description": "Every activity they are recorded as taking part in."},
    )
    evidence = ma.fields.List(
        ma.fields.Nested(EvidenceSchema),
        required=True,
        metadata={
            "description": "Every piece of evidence that came from them, including evidence "
            "whose consent is withdrawn (which no list shows). Files are downloaded from each "
            "evidence's file path."
        },
    )
    audit_events = ma.fields.List(
        ma.fields.Nested(AuditEventSchema),
        required=True,
        metadata={
            "description": "Who created, changed, exported or erased these records, and when."
        },
    )


@blueprint.route("/participants/<string:participant_id>/subject-access")
@blueprint.response(200, SubjectAccessSchema)
@requires(Scope.PRIVACY_MANAGE)
def show_subject_access(participant_id: str) -> Any:
    """Everything held about a participant (a subject access request).

    The participant, the activities they took part in, every piece of evidence from them
    and the audit events about those records. Answering is logged as an export.
    """
    ws = workspace()
    found = subject_access(ws, participant_id)
    ws.commit()
    return found


@blueprint.route("/participants/<string:participant_id>/erasure", methods=["POST"])
@blueprint.response(200, ParticipantSchema)
@blueprint.doc(**USES_IF_MATCH)
@requires(Scope.PRIVACY_MANAGE)
def erase(participant_id: str) -> Any:
    """Erase a participant's personal data (the right to erasure); cannot be undone.

    Their display name becomes "Erased participant", their external_ref goes and their consent
    becomes withdrawn. Evidence from them keeps its type, stage, cycle, dates and links so
    the initiative's record still adds up, but its payload is emptied and its file
    deleted. The participant and their evidence then refuse changes (409, code
    participant_erased or evidence_erased) but can be deleted. Erasing again changes
    nothing. Works on archived initiatives and ones whose toolkit is no longer installed.
    """
    ws = workspace()
    participant = erase_participant(ws, participant_id, if_match=if_match())
    ws.commit()
    return record_reply(participant)
