"""The initiative views plugins judge: frozen, free of personal data, and cycle-aware."""

from __future__ import annotations

import dataclasses

import pytest

from toolkits_core import (
    ActivityView,
    Consent,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    ParticipantView,
)


def test_only_participants_who_take_part_count_in_a_role():
    initiative = InitiativeView(
        "tiny",
        "first",
        participants=[
            ParticipantView(ParticipantRole.PERSON_USING_SERVICES, Consent.WITHDRAWN),
            ParticipantView(ParticipantRole.PERSON_USING_SERVICES, Consent.NOT_RECORDED),
            ParticipantView(ParticipantRole.PROFESSIONAL),
        ],
    )
    assert initiative.participants_in_role(ParticipantRole.PERSON_USING_SERVICES) == ()
    assert len(initiative.participants_in_role(ParticipantRole.PROFESSIONAL)) == 1


def test_work_in_a_stage_is_counted_for_the_current_cycle_unless_asked_otherwise():
    initiative = InitiativeView(
        "tiny",
        "first",
        cycle=2,
        activities=[
            ActivityView("meeting", "first", cycle=1),
            ActivityView("meeting", "first", cycle=2),
        ],
        evidence=[EvidenceView("note", "first", {"text": "last round"}, cycle=1)],
    )
    assert [a.cycle for a in initiative.activities_in("first")] == [2]
    assert initiative.evidence_in("first") == ()
    assert len(initiative.evidence_in("first", cycle=1)) == 1


def test_views_are_frozen_and_their_payloads_read_only():
    evidence = EvidenceView("note", "first", {"text": "x"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        evidence.stage = "second"  # type: ignore[misc]
    with pytest.raises(TypeError):
        evidence.payload["text"] = "changed"  # type: ignore[index]


def test_a_participant_view_holds_a_role_and_consent_and_nothing_personal():
    # API 1.1 added the id (opaque, so rules can tell people apart), never a name.
    assert [f.name for f in dataclasses.fields(ParticipantView)] == ["role", "consent", "id"]
