"""Data protection (UK GDPR): consent, subject access and erasure for participants.

- Evidence whose consent is withdrawn drops out of every list and of what the toolkits'
  rules judge, the moment the withdrawal commits; it can still be read by its id, so a
  mirror can learn why it went, and changed, so consent can be given again.
- Subject access is one call: the participant, the activities they took part in, every
  piece of evidence from them (withdrawn or not) and the audit events about those
  records. Answering it is itself logged as an export.
- Erasure pseudonymises the participant, empties their evidence and deletes its files,
  keeping what the initiative's anonymous record needs: roles, stages, types, dates and
  links, so counts and the stage history still add up. It is logged as an erasure, and
  works whatever state the initiative is in (archived, or its toolkit gone), because a
  person's right to erasure cannot wait for a plugin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from toolkits_core._services.errors import ConflictError
from toolkits_core._services.workspace import Workspace, check_if_match
from toolkits_core._store.audit import AuditAction, Event, record_events
from toolkits_core._store.models import (
    Activity,
    AuditEvent,
    Evidence,
    Initiative,
    Participant,
    activity_participants,
    utc_now,
)
from toolkits_core._views import Consent

ERASED_NAME = "Erased participant"
"""What an erased participant is shown as: no trace of the name they had."""


@dataclass(frozen=True, slots=True)
class SubjectAccess:
    """Everything coprod holds about one participant."""

    participant: Participant
    activities: Sequence[Activity]
    evidence: Sequence[Evidence]
    audit_events: Sequence[AuditEvent]
    generated_at: dt.datetime


def consent_not_withdrawn() -> sa.ColumnElement[bool]:
    """The condition every list and view of evidence applies."""
    return Evidence.consent != Consent.WITHDRAWN.value


def refuse_if_erased(record: Participant | Evidence, kind: str) -> None:
    """``ConflictError`` for a change to an erased record: erasure is for good."""
    if record.erased_at is not None:
        raise ConflictError(
            f"{kind}_erased",
            f"This {kind.replace('_', ' ')} was erased on {record.erased_at:%Y-%m-%d}: it "
            "cannot be changed, only deleted.",
        )


def locked_participant(ws: Workspace, participant_id: str, *, exclusive: bool) -> Participant:
    """A participant read afresh under a lock, after their initiative's (the lock order).

    Their consent and erasure decide what may be recorded as coming from them, so a
    change to either (``exclusive``) and a write that names them are ordered: evidence
    created while consent is withdrawn is either in the withdrawal or refused by it.
    """
    initiative_id = ws.get(Participant, participant_id).initiative_id
    ws.lock(Initiative, initiative_id)
    return ws.lock(Participant, participant_id, exclusive=exclusive)


def _evidence_of(ws: Workspace, participant: Participant) -> list[Evidence]:
    return list(
        ws.session.scalars(
            ws.select(Evidence)
            .where(Evidence.participant_id == participant.id)
            .order_by(Evidence.id)
        )
    )


def subject_access(ws: Workspace, participant_id: str) -> SubjectAccess:
    """Everything held about a participant; logs the export in the caller's transaction."""
    participant = ws.get(Participant, participant_id)
    linked = sa.select(activity_participants.c.activity_id).where(
        activity_participants.c.participant_id == participant.id
    )
    activities = list(
        ws.session.scalars(
            ws.select(Activity)
            .where(Activity.id.in_(linked))
            .options(selectinload(Activity.participants))
            .order_by(Activity.id)
        )
    )
    evidence = _evidence_of(ws, participant)
    about = [participant.id, *(item.id for item in evidence)]
    events = list(
        ws.session.scalars(
            ws.select(AuditEvent).where(AuditEvent.record_id.in_(about)).order_by(AuditEvent.id)
        )
    )
    record_events(
        ws.session,
        [
            Event(
                AuditAction.EXPORTED,
                "participant",
                participant.id,
                ws.organisation_id,
                participant.initiative_id,
                ("subject_access",),
            )
        ],
    )
    return SubjectAccess(participant, activities, evidence, events, utc_now())


def erase_participant(
    ws: Workspace, participant_id: str, *, if_match: str | None = None
) -> Participant:
    """Pseudonymise a participant and empty their evidence; idempotent.

    The participant keeps their id and role and their activity links; their name and
    external reference go and their consent becomes withdrawn. Their evidence keeps its
    type, stage, cycle, dates and links; its payload and external reference are emptied
    and its file deleted after the commit. Nothing new can then name them as its source.
    """
    participant = locked_participant(ws, participant_id, exclusive=True)
    check_if_match(participant, if_match)
    if participant.erased_at is not None:
        return participant
    now = utc_now()
    participant.display_name = ERASED_NAME
    participant.external_ref = None
    if participant.consent != Consent.WITHDRAWN.value:
        participant.consent = Consent.WITHDRAWN.value
        participant.consent_recorded_at = now
    participant.erased_at = now
    erased = [participant.id]
    for evidence in _evidence_of(ws, participant):
        digest = evidence.forget_file()
        if digest is not None:
            ws.delete_file_after_commit(evidence.id, digest)
        evidence.payload = {}
        evidence.external_ref = None  # a CRM's id for it may be derived from the person
        evidence.consent = Consent.WITHDRAWN.value
        if evidence.visibility == "public":
            evidence.visibility = "organisation"
        evidence.erased_at = now
        erased.append(evidence.id)
    ws.session.flush()
    record_events(
        ws.session,
        [
            Event(
                AuditAction.ERASED,
                "participant" if record_id == participant.id else "evidence",
                record_id,
                ws.organisation_id,
                participant.initiative_id,
            )
            for record_id in erased
        ],
    )
    return participant
