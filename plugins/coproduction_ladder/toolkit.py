"""Think Local Act Personal's Ladder of Co-production, as a scale and a short toolkit.

The ladder's seven rungs, bottom to top, are TLAP's: coercion, educating, informing,
consultation, engagement, co-design, co-production. It is free to use with credit to TLAP
and its National Co-production Advisory Group; the wording of every rung and stage here
is coprod's own.
"""

from __future__ import annotations

from toolkits_core import (
    ActivityType,
    Dimension,
    EvidenceKind,
    EvidenceType,
    Requirement,
    Scale,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
)

TOOLKIT_KEY = "ladder-of-coproduction"
WHERE_ARE_WE = "where-are-we"
CLIMB = "climb"
LOOK_BACK = "look-back"
LADDER_TALK = "ladder-talk"
SCALE_KEY = "ladder"

NOT_PLACED_TOGETHER = "ladder_not_placed_together"
"""The rule's blocker code, and the key of the requirement it checks."""

INFORMING = 3
"""The highest rung work can reach with nobody but staff taking part."""

LADDER = Scale(
    key=SCALE_KEY,
    name="Ladder of Co-production",
    summary="How far people who use services share in the work: seven rungs, from having "
    "things done to them, through having things done for them, to doing things with them.",
    provenance="The rungs and their order are Think Local Act Personal's; the wording is "
    "coprod's own.",
    levels=[
        ScaleLevel(1, "Coercion", "People are made to take part and have no say.", "doing to"),
        ScaleLevel(
            2, "Educating", "People are helped to understand a decided service.", "doing to"
        ),
        ScaleLevel(3, "Informing", "People are told what was decided and why.", "doing for"),
        ScaleLevel(4, "Consultation", "People are asked; others choose what to use.", "doing for"),
        ScaleLevel(5, "Engagement", "People shape the work; others keep control.", "doing for"),
        ScaleLevel(6, "Co-design", "People design with staff, but do not run it.", "doing with"),
        ScaleLevel(7, "Co-production", "People plan, run and judge it as equals.", "doing with"),
    ],
)

TOOLKIT = Toolkit(
    key=TOOLKIT_KEY,
    name="Ladder of Co-production",
    version="1.0.0",
    summary="Place a piece of work on the ladder with the people it is for, plan the next "
    "rung, and look back; its rules also say, for every toolkit's stages, how high the "
    "work there could reach given who took part.",
    publisher="Think Local Act Personal",
    licence="Free to use with credit to Think Local Act Personal and its National "
    "Co-production Advisory Group.",
    attribution="Ladder of Co-production by Think Local Act Personal (TLAP) and its "
    "National Co-production Advisory Group: https://www.thinklocalactpersonal.org.uk/",
    source_url="https://www.thinklocalactpersonal.org.uk/",
    stage_flow=StageFlow.REVISITABLE,
    stages=[
        Stage(
            WHERE_ARE_WE,
            "Where are we?",
            "Agree, with the people it is for, the rung the work stands on.",
            requirements=(
                Requirement(
                    NOT_PLACED_TOGETHER,
                    "A ladder talk or other activity here in which a person who uses the "
                    "service, a family member or a neighbour took part with consent: the "
                    "rung is agreed with them, not for them.",
                    checked=True,
                ),
            ),
        ),
        Stage(
            CLIMB,
            "Climb",
            "Take the steps chosen to lift the work a rung.",
            requirements=(
                Requirement(
                    "steps-recorded",
                    "The steps taken to lift the work, recorded as activities here, so "
                    "that Look back has something to judge.",
                ),
            ),
        ),
        Stage(
            LOOK_BACK,
            "Look back",
            "Rate again, together: did the work climb?",
            requirements=(
                Requirement(
                    "rated-again",
                    "A new rating on the ladder, made with the people the work is for, to "
                    "set beside the first.",
                ),
            ),
        ),
    ],
    dimensions=[
        Dimension(
            "sharing-power",
            "Sharing power",
            "Who decides, and whether people who use services decide alongside staff.",
        ),
    ],
    scales=[LADDER],
    # The ladder talk's dimension list is a suggestion (plugin API 1.2, the default): a talk
    # about who holds power often turns to the other dimensions too, and should be recorded.
    activity_types=[
        ActivityType(
            LADDER_TALK,
            "Ladder talk",
            "Staff and people who use the service place the work on the ladder together.",
            dimensions=["sharing-power"],
        )
    ],
    evidence_types=[
        EvidenceType("note", "Note", EvidenceKind.NOTE, "What was said or agreed."),
        EvidenceType(
            "in-their-words",
            "In their words",
            EvidenceKind.QUOTE,
            "Someone's own words about how far they share in the work.",
        ),
    ],
    licence_id="LicenseRef-TLAP-free-with-credit",
)
