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
- Evidence from several people (``participant_ids``) is theirs as much as anyone's: a
  withdrawal or an erasure by any one of them applies to the whole piece, since one
  voice cannot be cut out of a recording or a shared story.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from toolkits_core._services.errors import ConflictError
from toolkits_core._services.idempotency import withhold_answers_naming
from toolkits_core._services.record_search import forget_erased_text
from toolkits_core._services.workspace import Workspace, check_if_match
from toolkits_core._store.audit import AuditAction, Event, record_events
from toolkits_core._store.models import (
    Activity,
    AuditEvent,
    ErasedRef,
    EventData,
    Evidence,
    Initiative,
    Organisation,
    Participant,
    activity_participants,
    evidence_participants,
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
            .where(
                Evidence.id.in_(
                    sa.select(evidence_participants.c.evidence_id).where(
                        evidence_participants.c.participant_id == participant.id
                    )
                )
            )
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
    refs = {participant.id: participant.external_ref}
    if participant.external_ref is not None:
        ws.session.merge(  # the same CRM id may have been erased in another initiative
            ErasedRef(
                organisation_id=ws.organisation_id,
                ref_hash=erased_ref_hash(ws, participant.external_ref),
            )
        )
    participant.display_name = ERASED_NAME
    participant.external_ref = None
    if participant.consent != Consent.WITHDRAWN.value:
        participant.consent = Consent.WITHDRAWN.value
        participant.consent_recorded_at = now
    if participant.publication_consent == Consent.GIVEN.value:
        participant.publication_consent = Consent.WITHDRAWN.value
        participant.publication_consent_recorded_at = now
    participant.erased_at = now
    erased = [participant.id]
    for evidence in _evidence_of(ws, participant):
        stored = evidence.forget_file()
        if stored is not None:
            ws.delete_file_after_commit(evidence.id, stored)
        ws.empty_after_commit(evidence.id)  # its files, and what earlier ones left: at once
        refs[evidence.id] = evidence.external_ref
        evidence.payload = {}
        evidence.external_ref = None  # a CRM's id for it may be derived from the person
        evidence.consent = Consent.WITHDRAWN.value
        if evidence.publication_consent == Consent.GIVEN.value:
            evidence.publication_consent = Consent.WITHDRAWN.value
        if evidence.visibility == "public":
            evidence.visibility = "organisation"
        evidence.erased_at = now
        erased.append(evidence.id)
    ws.session.flush()
    forget_erased_text(ws.session)
    _forget_what_events_showed(ws, erased)
    withhold_answers_naming(ws.session, ws.organisation_id, erased)
    record_events(
        ws.session,
        [
            Event(
                AuditAction.ERASED,
                "participant" if record_id == participant.id else "evidence",
                record_id,
                ws.organisation_id,
                participant.initiative_id,
                external_ref=refs[record_id],
            )
            for record_id in erased
        ],
    )
    return participant


def _forget_what_events_showed(ws: Workspace, record_ids: Sequence[str]) -> None:
    """The change feed's copies of erased records go with them; the events stay, bare.

    The erasure's own events carry the external references the records had, so that a
    CRM following the feed can erase its copies too; they go when the feed's retention
    has passed, like every event's data.
    """
    events = sa.select(AuditEvent.id).where(
        AuditEvent.organisation_id == ws.organisation_id, AuditEvent.record_id.in_(record_ids)
    )
    ws.session.execute(sa.delete(EventData).where(EventData.event_id.in_(events)))


def erased_ref_hash(ws: Workspace, external_ref: str) -> str:
    """The keyed hash an erased participant's external_ref is kept as.

    The key is the organisation's own, made at its first need: the hashes are not
    comparable across organisations, nor with a list of likely CRM ids made elsewhere.
    """
    organisations = cast(sa.Table, Organisation.__table__)
    ws.session.execute(
        sa.update(organisations)
        .where(organisations.c.id == ws.organisation_id, organisations.c.ref_hash_key.is_(None))
        .values(ref_hash_key=secrets.token_hex(32))
    )
    key = ws.session.execute(
        sa.select(organisations.c.ref_hash_key).where(organisations.c.id == ws.organisation_id)
    ).scalar_one()
    return hmac.new(bytes.fromhex(key), external_ref.encode(), hashlib.sha256).hexdigest()


def refuse_erased_ref(ws: Workspace, external_ref: str | None) -> None:
    """``ConflictError`` (409 ``participant_erased``) for the external_ref of an erased
    participant: a CRM pushing the person again must not bring them back."""
    if external_ref is None:
        return
    erased = ws.session.scalars(
        sa.select(ErasedRef.erased_at).where(
            ErasedRef.organisation_id == ws.organisation_id,
            ErasedRef.ref_hash == erased_ref_hash(ws, external_ref),
        )
    ).first()
    if erased is not None:
        raise ConflictError(
            "participant_erased",
            f"The participant with external_ref {external_ref!r} was erased on "
            f"{erased:%Y-%m-%d}: they cannot be recorded again. Erase them in your system "
            "too (the change feed's participant.erased event names them).",
        )
