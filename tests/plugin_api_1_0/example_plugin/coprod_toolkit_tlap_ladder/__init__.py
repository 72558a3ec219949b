"""The Think Local Act Personal Ladder of Co-production, as a coprod toolkit plugin.

A team places its work on the ladder's seven rungs, plans how to climb, and looks back.
The ladder is the work of Think Local Act Personal (TLAP) and its National Co-production
Advisory Group; every description below is this plugin's own wording.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from toolkits_core import (
    ActivityType,
    AssessmentSummary,
    AssessmentView,
    Blocker,
    Dimension,
    EvidenceKind,
    EvidenceType,
    Indicator,
    InitiativeView,
    ParticipantRole,
    Scale,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
    Transition,
    default_summary,
    hookimpl,
)

PLUGIN_API = 1
"""The major version of the coprod plugin API this plugin is written for."""

ENGAGEMENT = 5
"""The rung of engagement: the rungs below it are not yet co-production."""

LADDER = Scale(
    key="ladder",
    name="Ladder of Co-production",
    summary="Seven rungs, from doing things to people, through doing things for them, "
    "to doing things with them.",
    provenance="The rungs and their order are TLAP's ladder; the wording of each rung is ours.",
    levels=[
        ScaleLevel(1, "Coercion", "People are there only to be acted upon, with no say at all."),
        ScaleLevel(2, "Educating", "People are taught about a service that is already decided."),
        ScaleLevel(3, "Informing", "People are told what has been decided, and why."),
        ScaleLevel(4, "Consultation", "People are asked for views; others decide what to use."),
        ScaleLevel(5, "Engagement", "People's views shape the work, but others keep the power."),
        ScaleLevel(6, "Co-design", "People design it with staff, but not its delivery."),
        ScaleLevel(7, "Co-production", "People share power as equals, from planning to doing."),
    ],
)

TOOLKIT = Toolkit(
    key="tlap-ladder",
    name="TLAP Ladder of Co-production",
    version="1.0.0",
    summary="A self-assessment: where does our work sit on the ladder from coercion to "
    "co-production, and what would take it one rung higher?",
    publisher="Think Local Act Personal",
    licence="Free to use with credit to Think Local Act Personal and its National "
    "Co-production Advisory Group.",
    attribution="Ladder of Co-production by Think Local Act Personal (TLAP) and its National "
    "Co-production Advisory Group, thinklocalactpersonal.org.uk.",
    source_url="https://www.thinklocalactpersonal.org.uk/",
    stage_flow=StageFlow.REVISITABLE,
    stages=[
        Stage(
            "where-are-we",
            "Where are we?",
            "Agree which rung the work stands on today.",
            "Rate together, and hear first from the people who use the service.",
        ),
        Stage(
            "plan-the-climb",
            "Plan the climb",
            "Choose the steps that would lift the work one rung, and who will take them.",
        ),
        Stage(
            "review",
            "Review",
            "Look back at whether the work climbed; go back to an earlier stage if it did not.",
        ),
    ],
    dimensions=[
        Dimension(
            "sharing-power",
            "Sharing power",
            "Who decides: whether people who use services decide alongside staff.",
            indicators=[
                Indicator("set-the-agenda", "People who use services help set the agenda."),
                Indicator("equal-say", "Decisions are made where everyone has an equal say."),
            ],
        ),
        Dimension(
            "valuing-experience",
            "Valuing experience",
            "Whether lived experience counts as expertise, and people's time is rewarded.",
            indicators=[Indicator("costs-covered", "Nobody is out of pocket for taking part.")],
        ),
    ],
    scales=[LADDER],
    activity_types=[
        ActivityType(
            "ladder-conversation",
            "Ladder conversation",
            "A session where staff and people who use services place the work on the ladder.",
            stages=["where-are-we", "review"],
            dimensions=["sharing-power", "valuing-experience"],
            evidence_types=["note", "quote"],
        ),
    ],
    evidence_types=[
        EvidenceType("note", "Note", EvidenceKind.NOTE, "What was said or agreed, in brief."),
        EvidenceType(
            "quote",
            "In their words",
            EvidenceKind.QUOTE,
            "Someone's own words about where the work sits on the ladder.",
        ),
    ],
)


@hookimpl
def coprod_register_toolkits(register: Callable[[Toolkit], None]) -> None:
    register(TOOLKIT)


@hookimpl
def coprod_transition_blockers(
    initiative: InitiativeView, transition: Transition
) -> list[Blocker] | None:
    if transition.from_stage != "where-are-we":
        return None
    rated = any(
        assessment.scale == LADDER.key
        and assessment.perspective is ParticipantRole.PERSON_USING_SERVICES
        for assessment in initiative.assessments_in()
    )
    if rated:
        return None
    return [
        Blocker(
            "no_rating_from_people_using_services",
            "Before planning the climb, record where people who use services place the "
            "work: an assessment on the ladder from their perspective.",
        )
    ]


@hookimpl
def coprod_summarise_assessment(
    toolkit: Toolkit, scale: Scale, assessment: AssessmentView
) -> AssessmentSummary | None:
    if scale.key != LADDER.key:
        return None
    summary = default_summary(toolkit, scale, assessment)
    if summary.mean >= ENGAGEMENT:
        return summary
    note = (
        f"The mean sits below rung {ENGAGEMENT} (engagement): the rungs below it are not yet "
        "co-production. Plan the climb one rung at a time."
    )
    return replace(summary, notes=(*summary.notes, note))
