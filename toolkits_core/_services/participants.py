"""Participants: the people and organisations taking part in an initiative.

A participant is kept as little as co-production needs: a role, a display name or
pseudonym, where they come from (``affiliation``), an age band (adult, 16-17 or under_16,
which decides who may give their consent), a consent status with the time it was last
recorded, and the integrator's own reference. Nothing else about a person is asked for or
stored, so nothing else can leak.

Consent is what decides whether someone counts as taking part (the toolkits' rules read
it), so the moment it was recorded or withdrawn is stamped by the server, never sent by the
caller: a mirror cannot backdate it. The date consent was given (on a paper form, say) and
who gave it are the caller's to say, with consent to publish beside it (``consent``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from toolkits_core._services.consent import (
    AgeBand,
    check_consent_for_age,
    check_participant_consent,
    consent_date,
    consent_giver,
    consent_status,
    follow_consent,
)
from toolkits_core._services.consent import age_band as _age_band
from toolkits_core._services.errors import FieldProblem, Invalid, InvalidRequestError
from toolkits_core._services.external_refs import (
    Upserted,
    create_or_replace,
    ensure_external_ref_free,
    find_by_external_ref,
)
from toolkits_core._services.initiatives import Write, writable_initiative, write_of
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.privacy import (
    locked_participant,
    refuse_erased_ref,
    refuse_if_erased,
)
from toolkits_core._services.workspace import Workspace, apply_changes, check_if_match, matching
from toolkits_core._store.audit import record_bulk_change
from toolkits_core._store.models import (
    Activity,
    Evidence,
    Initiative,
    Participant,
    activity_participants,
    evidence_participants,
    utc_now,
)
from toolkits_core._views import Consent, ParticipantRole

EDITABLE = frozenset(
    {
        "role",
        "display_name",
        "consent",
        "external_ref",
        "consent_given_on",
        "consent_given_by",
        "publication_consent",
        "affiliation",
        "age_band",
    }
)
CONSENT_RECORD = ("consent_given_on", "consent_given_by", "publication_consent", "age_band")
NAME_LENGTH = 200
AFFILIATION_LENGTH = 200


def _role(value: str, invalid: Invalid) -> str:
    try:
        return ParticipantRole(value).value
    except ValueError:
        roles = ", ".join(role.value for role in ParticipantRole)
        invalid.add("role", f"{value!r} is not a role ({roles}).", "unknown_role")
        return ""


def _consent(value: str, invalid: Invalid) -> str:
    try:
        return Consent(value).value
    except ValueError:
        choices = ", ".join(consent.value for consent in Consent)
        invalid.add("consent", f"{value!r} is not a consent status ({choices}).", "unknown_consent")
        return ""


def _display_name(value: object, invalid: Invalid) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > NAME_LENGTH:
        invalid.add(
            "display_name",
            f"Give a name or pseudonym of 1 to {NAME_LENGTH} characters.",
            "invalid_display_name",
        )
    return name


def _affiliation(value: object, invalid: Invalid) -> str | None:
    """Where someone comes from, trimmed; None for none."""
    if value is None:
        return None
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > AFFILIATION_LENGTH:
        invalid.add(
            "affiliation",
            f"Give the organisation or group they come from in 1 to {AFFILIATION_LENGTH} "
            "characters, or null.",
            "invalid_affiliation",
        )
        return None
    return text


def _check_consent(merged: dict[str, Any], invalid: Invalid) -> None:
    check_participant_consent(merged, invalid)
    check_consent_for_age(merged, invalid)


def _consent_recorded_at(consent: str) -> dt.datetime | None:
    """When consent was given or withdrawn: now; a status of not_recorded has no time."""
    return None if consent == Consent.NOT_RECORDED else utc_now()


def create_participant(
    ws: Workspace,
    initiative_id: str,
    *,
    role: str,
    display_name: str,
    consent: str = Consent.NOT_RECORDED,
    external_ref: str | None = None,
    sent: Collection[str] | None = None,
    consent_given_on: dt.date | None = None,
    consent_given_by: str | None = None,
    publication_consent: str = Consent.NOT_RECORDED,
    affiliation: str | None = None,
    age_band: str = AgeBand.ADULT,
) -> Participant:
    """A new participant in an initiative that can still change.

    ``sent`` names the fields the caller sent; if ``external_ref`` is taken, the refusal
    says whether those differ from the participant who has it. None: all of them.
    """
    initiative = writable_initiative(ws, initiative_id)
    invalid = Invalid()
    values: dict[str, Any] = {
        "role": _role(role, invalid),
        "display_name": _display_name(display_name, invalid),
        "consent": _consent(consent, invalid),
        "consent_given_on": consent_date(consent_given_on, invalid),
        "consent_given_by": consent_giver(consent_given_by, invalid),
        "publication_consent": consent_status(publication_consent, invalid, "publication_consent"),
        "affiliation": _affiliation(affiliation, invalid),
        "age_band": _age_band(age_band, invalid),
    }
    invalid.raise_if_any()
    _check_consent(values, invalid)
    invalid.raise_if_any()
    refuse_erased_ref(ws, external_ref)
    ensure_external_ref_free(
        ws,
        Participant,
        external_ref,
        initiative_id=initiative.id,
        compare={name: value for name, value in values.items() if sent is None or name in sent},
    )
    participant = Participant(
        organisation_id=ws.organisation_id,
        initiative_id=initiative.id,
        external_ref=external_ref,
        consent_recorded_at=_consent_recorded_at(values["consent"]),
        publication_consent_recorded_at=_consent_recorded_at(values["publication_consent"]),
        **values,
    )
    ws.session.add(participant)
    ws.session.flush()
    return participant


def get_participant(ws: Workspace, participant_id: str) -> Participant:
    """A participant, to be shown (``Workspace.read``: a record on a read-only session)."""
    return ws.read(Participant, participant_id)


def list_participants(
    ws: Workspace,
    initiative_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    role: str | None = None,
    consent: str | None = None,
    external_ref: str | None = None,
    updated_since: dt.datetime | None = None,
) -> Page[Participant]:
    """An initiative's participants, oldest first."""
    initiative = ws.read(Initiative, initiative_id)
    statement = matching(
        ws.select(Participant),
        Participant,
        initiative_id=initiative.id,
        role=role,
        consent=consent,
        external_ref=external_ref,
        updated_since=updated_since,
    )
    return paginate(
        ws.session,
        statement,
        Participant.id,
        limit=limit,
        cursor=cursor,
        by=None if updated_since is None else Participant.updated_at,
    )


def list_organisation_participants(
    ws: Workspace,
    *,
    limit: int,
    cursor: str | None = None,
    role: str | None = None,
    consent: str | None = None,
    external_ref: str | None = None,
    updated_since: dt.datetime | None = None,
) -> Page[Participant]:
    """The organisation's participants in every initiative, oldest first.

    A CRM knows a person by its own id, not by the initiatives they take part in: this
    finds them (``external_ref``), or everyone changed since its last sync, in one list.
    """
    statement = matching(
        ws.select(Participant),
        Participant,
        role=role,
        consent=consent,
        external_ref=external_ref,
        updated_since=updated_since,
    )
    return paginate(
        ws.session,
        statement,
        Participant.id,
        limit=limit,
        cursor=cursor,
        by=None if updated_since is None else Participant.updated_at,
    )


def update_participant(
    ws: Workspace, participant_id: str, changes: dict[str, Any], *, if_match: str | None = None
) -> Participant:
    """Change a participant's role, name, affiliation, age band, consent or external_ref.

    The consent time moves only when the status actually changes: resending the same
    status (as a mirror does on every sync) must not make old consent look new. The
    consent rules judge the participant as the change leaves them: making someone under
    16 whose given consent was their own is refused (``check_consent_for_age``).
    """
    participant = locked_participant(ws, participant_id, exclusive=True)
    check_if_match(participant, if_match)
    refuse_if_erased(participant, "participant")
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise InvalidRequestError(
            [FieldProblem(name, "This field cannot be changed here.") for name in unknown]
        )
    writable_initiative(ws, participant.initiative_id, write=write_of(participant, changes))
    invalid = Invalid()
    cleaned = dict(changes)
    if "role" in changes:
        cleaned["role"] = _role(changes["role"], invalid)
    if "display_name" in changes:
        cleaned["display_name"] = _display_name(changes["display_name"], invalid)
    if "consent" in changes:
        cleaned["consent"] = _consent(changes["consent"], invalid)
    if "consent_given_on" in changes:
        cleaned["consent_given_on"] = consent_date(changes["consent_given_on"], invalid)
    if "consent_given_by" in changes:
        cleaned["consent_given_by"] = consent_giver(changes["consent_given_by"], invalid)
    if "publication_consent" in changes:
        cleaned["publication_consent"] = consent_status(
            changes["publication_consent"], invalid, "publication_consent"
        )
    if "affiliation" in changes:
        cleaned["affiliation"] = _affiliation(changes["affiliation"], invalid)
    if "age_band" in changes:
        cleaned["age_band"] = _age_band(changes["age_band"], invalid)
    invalid.raise_if_any()
    follow_consent(cleaned, participant.publication_consent)
    _check_consent(_merged(participant, cleaned), invalid)
    invalid.raise_if_any()
    if "external_ref" in changes:
        refuse_erased_ref(ws, changes["external_ref"])
        ensure_external_ref_free(
            ws,
            Participant,
            changes["external_ref"],
            initiative_id=participant.initiative_id,
            except_id=participant.id,
            compare={name: value for name, value in cleaned.items() if name != "external_ref"},
        )
    if "consent" in cleaned and cleaned["consent"] != participant.consent:
        cleaned["consent_recorded_at"] = _consent_recorded_at(cleaned["consent"])
        if cleaned["consent"] == Consent.WITHDRAWN:
            _withdraw_contributions(ws, participant)
    publication = cleaned.get("publication_consent", participant.publication_consent)
    if publication != participant.publication_consent:
        cleaned["publication_consent_recorded_at"] = _consent_recorded_at(publication)
    if apply_changes(participant, cleaned):
        ws.session.flush()
    return participant


def _merged(participant: Participant, changes: dict[str, Any]) -> dict[str, Any]:
    names = ("consent", *CONSENT_RECORD)
    return {name: changes.get(name, getattr(participant, name)) for name in names}


def upsert_participant(
    ws: Workspace,
    initiative_id: str,
    external_ref: str,
    *,
    role: str,
    display_name: str,
    consent: str = Consent.NOT_RECORDED,
    if_match: str | None = None,
    if_none_match: str | None = None,
    consent_given_on: dt.date | None = None,
    consent_given_by: str | None = None,
    publication_consent: str = Consent.NOT_RECORDED,
    affiliation: str | None = None,
    age_band: str = AgeBand.ADULT,
) -> Upserted[Participant]:
    """The initiative's participant the caller knows as ``external_ref``, made or replaced.

    Made as ``create_participant`` makes one if the initiative has no participant with
    the reference; otherwise replaced whole (a field not given goes back to its default)
    through ``update_participant``, with its checks and consent stamping: an unchanged
    participant keeps its version. An erased participant's reference is refused (409
    ``participant_erased``) either way, so that a CRM cannot bring them back. The
    initiative is locked first, then the participant, as every writer orders them.
    """
    # Making or replacing checks the status for what it does: a withdrawal passes.
    initiative = writable_initiative(ws, initiative_id, write=Write.PEOPLES_RIGHTS)
    refuse_erased_ref(ws, external_ref)
    changes: dict[str, Any] = {
        "role": role,
        "display_name": display_name,
        "consent": consent,
        "consent_given_on": consent_given_on,
        "consent_given_by": consent_given_by,
        "publication_consent": publication_consent,
        "affiliation": affiliation,
        "age_band": age_band,
    }
    return create_or_replace(
        ws,
        external_ref,
        find=lambda: find_by_external_ref(
            ws, Participant, external_ref, initiative_id=initiative.id, lock=True
        ),
        create=lambda: create_participant(ws, initiative.id, external_ref=external_ref, **changes),
        replace=lambda found: update_participant(ws, found.id, dict(changes), if_match=if_match),
        if_match=if_match,
        if_none_match=if_none_match,
    )


def _withdraw_contributions(ws: Workspace, participant: Participant) -> None:
    """What came from someone who withdraws consent is marked so, and stops being public.

    Consent covers a person's contributions being used, so withdrawing it withdraws it
    from their evidence too, in the same transaction: nothing they said stays public a
    moment longer, and each changed record gets a new version for mirrors to pick up.
    Evidence from several people is withdrawn when any one of them withdraws: their
    voices cannot be taken apart.
    """
    changed = ws.session.execute(
        sa.update(Evidence)
        .where(
            Evidence.organisation_id == ws.organisation_id,
            Evidence.id.in_(_evidence_from(participant)),
            sa.or_(Evidence.consent != Consent.WITHDRAWN.value, Evidence.visibility == "public"),
        )
        .values(
            consent=Consent.WITHDRAWN.value,
            publication_consent=sa.case(
                (Evidence.publication_consent == Consent.GIVEN.value, Consent.WITHDRAWN.value),
                else_=Evidence.publication_consent,
            ),
            visibility=sa.case(
                (Evidence.visibility == "public", "organisation"), else_=Evidence.visibility
            ),
            updated_at=utc_now(),
            version=Evidence.version + 1,
        )
        .returning(Evidence.id)
    ).scalars()
    record_bulk_change(
        ws.session,
        "evidence",
        changed,
        organisation_id=ws.organisation_id,
        initiative_id=participant.initiative_id,
        fields=("consent", "publication_consent", "visibility"),
        event_type="evidence.consent_withdrawn",
    )


def _evidence_from(participant: Participant) -> sa.Select[tuple[str]]:
    """The ids of the evidence that came from ``participant`` (alone or with others)."""
    return sa.select(evidence_participants.c.evidence_id).where(
        evidence_participants.c.participant_id == participant.id
    )


def delete_participant(ws: Workspace, participant_id: str, *, if_match: str | None = None) -> None:
    """Delete a participant: their activity links go, evidence stays without their name
    (and with the other people it came from, if any).

    The database would unlink both on its own (``ON DELETE CASCADE`` and ``SET NULL``),
    but silently: the activities and evidence would change without a new version or
    ``updated_at``, so a mirror polling ``updated_since`` would never hear of it and a
    stale ``If-Match`` would still pass. So the rows that named the participant are
    updated here first, as any other change is.
    """
    participant = locked_participant(ws, participant_id, exclusive=True)
    check_if_match(participant, if_match)
    writable_initiative(ws, participant.initiative_id, write=Write.PEOPLES_RIGHTS)
    now = utc_now()
    linked = (
        sa.select(activity_participants.c.activity_id)
        .where(activity_participants.c.participant_id == participant.id)
        .scalar_subquery()
    )
    activities = ws.session.execute(
        sa.update(Activity)
        .where(Activity.organisation_id == ws.organisation_id, Activity.id.in_(linked))
        .values(updated_at=now, version=Activity.version + 1)
        .returning(Activity.id)
    ).scalars()
    record_bulk_change(
        ws.session,
        "activity",
        activities,
        organisation_id=ws.organisation_id,
        initiative_id=participant.initiative_id,
        fields=("participant_ids",),
    )
    named = ws.session.execute(
        sa.select(Evidence.id, Evidence.participant_ids).where(
            Evidence.organisation_id == ws.organisation_id,
            Evidence.id.in_(_evidence_from(participant)),
        )
    ).all()
    for evidence_id, ids in named:
        kept = [other for other in ids if other != participant.id]
        ws.session.execute(
            sa.update(Evidence)
            .where(Evidence.organisation_id == ws.organisation_id, Evidence.id == evidence_id)
            .values(
                participant_ids=kept,
                participant_id=kept[0] if kept else None,
                updated_at=now,
                version=Evidence.version + 1,
            )
        )
    ws.session.execute(
        sa.delete(evidence_participants).where(
            evidence_participants.c.participant_id == participant.id
        )
    )
    record_bulk_change(
        ws.session,
        "evidence",
        [evidence_id for evidence_id, _ids in named],
        organisation_id=ws.organisation_id,
        initiative_id=participant.initiative_id,
        fields=("participant_id", "participant_ids"),
    )
    ws.session.delete(participant)
    ws.session.flush()
