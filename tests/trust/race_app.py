"""The app the race harness serves under gunicorn: coprod with a toolkit made for racing.

gunicorn imports it in each worker (``tests.trust.race_app:race_app()``), so it stands
alone: no test fixture reaches into a worker. The ``race`` toolkit has three stages; its
rule for leaving the first asks for a note recorded there and an activity with a person
who uses the service and has consented, so a transition depends on evidence, on
activities and on consent at once. ``race-held`` is the same toolkit, whose plugin holds
every check it makes for ``COPROD_RACE_HOLD_MS``: a write on it has read the state it
depends on and then waits, which forces the worst interleaving with a change to that
state sent meanwhile.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from api import create_app
from toolkits_core import (
    ActivityType,
    Blocker,
    Dimension,
    EvidenceKind,
    EvidenceType,
    InitiativeView,
    ParticipantRole,
    PluginHost,
    Problem,
    Scale,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
    Transition,
    hookimpl,
)

RACE = "race"
HELD = "race-held"
HOLD_VARIABLE = "COPROD_RACE_HOLD_MS"


def race_toolkit(key: str) -> Toolkit:
    return Toolkit(
        key=key,
        name="Race toolkit" if key == RACE else "Race toolkit (held)",
        version="1.0.0",
        summary="A toolkit made for the race harness.",
        publisher="The coprod tests",
        licence="CC0",
        attribution="Made up for coprod's tests.",
        source_url="https://example.org/race",
        stage_flow=StageFlow.SEQUENTIAL,
        stages=[
            Stage("gather", "Gather", "Notes and meetings."),
            Stage("decide", "Decide", "Needs a note and a consenting person."),
            Stage("act", "Act", "Where it ends."),
        ],
        dimensions=[Dimension("voice", "Voice", "People are heard.")],
        scales=[
            Scale(
                "two-point",
                "Two-point",
                "Low or high.",
                levels=[ScaleLevel(1, "low"), ScaleLevel(2, "high")],
                provenance="Made up for the tests.",
            )
        ],
        activity_types=[
            ActivityType("meeting", "Meeting", "People meet.", stages=["gather", "decide"])
        ],
        evidence_types=[EvidenceType("note", "Note", EvidenceKind.NOTE, "A written note.")],
    )


class RacePlugin:
    """Provides both toolkits; holds the checks of ``race-held`` to force interleavings."""

    def __init__(self, hold_seconds: float) -> None:
        self.hold_seconds = hold_seconds

    def _hold(self, toolkit: Toolkit) -> None:
        if toolkit.key == HELD and self.hold_seconds:
            time.sleep(self.hold_seconds)

    @hookimpl
    def coprod_register_toolkits(self, register: Callable[[Toolkit], None]) -> None:
        register(race_toolkit(RACE))
        register(race_toolkit(HELD))

    @hookimpl
    def coprod_validate_evidence(
        self, toolkit: Toolkit, initiative: InitiativeView | None, evidence: Any
    ) -> Iterable[Problem]:
        self._hold(toolkit)
        return []

    @hookimpl
    def coprod_transition_blockers(
        self, toolkit: Toolkit, initiative: InitiativeView, transition: Transition
    ) -> Iterable[Blocker]:
        if transition.to_stage != "decide":
            return []
        blockers = []
        if not any(e.evidence_type == "note" and e.stage == "gather" for e in initiative.evidence):
            blockers.append(Blocker("needs_note", "Record a note in Gather first."))
        people = [
            a
            for a in initiative.activities
            if ParticipantRole.PERSON_USING_SERVICES in a.participant_roles
        ]
        if not people:
            blockers.append(
                Blocker("needs_person", "Hold a meeting with a consenting person using services.")
            )
        self._hold(toolkit)  # after reading: a change made now must not slip past
        return blockers


def race_app() -> Flask:
    """The app for one gunicorn worker, on ``COPROD_DATABASE_URL`` (already migrated)."""
    hold = float(os.environ.get(HOLD_VARIABLE, "80")) / 1000
    return create_app(
        {
            "PLUGIN_HOST": PluginHost.of(("race", RacePlugin(hold))),
            "AUTO_MIGRATE": False,
            "RATE_LIMIT": "off",
        }
    )
