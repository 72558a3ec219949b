"""The Star's own rules, as plain functions the hookimpls call.

The core already keeps the steps in order (one at a time, never back). What it cannot
know is what each step is for, so these rules ask that each step has left the trace the
next one builds on, and that the people who use the service are there as co-producers
from People it onwards: without them it is not co-production. The rules are few on
purpose; each blocker says what to record to lift it.

Evidence needs no rule of the Star's own: the core already refuses an indicator cited
without its Co among the evidence's dimensions (``indicator_dimension_not_tagged``), which
is what keeps evidence countable per Co.
"""

from __future__ import annotations

from dataclasses import replace

from plugins.coproduction_star.toolkit import (
    CHARTER_EVIDENCE,
    CITIZEN_ACTION,
    CITIZEN_VOICE,
    FOCUS_EVIDENCE,
    FOCUS_IT,
    GROW_IT,
    MAP_IT,
    MARKET_IT,
    NO_CO_PRODUCTION_CHARTER,
    NO_FOCUS_RECORDED,
    NO_GROWTH_RECORDED,
    NO_MAPPING_RECORDED,
    NO_PEOPLE_USING_SERVICES,
    PEOPLE_IT,
)
from toolkits_core import (
    ALL_CYCLES,
    AssessmentSummary,
    AssessmentView,
    Blocker,
    InitiativeView,
    ParticipantRole,
    Scale,
    Toolkit,
    Transition,
    TransitionKind,
    default_summary,
)

__all__ = [
    "NO_CO_PRODUCTION_CHARTER",
    "NO_FOCUS_RECORDED",
    "NO_GROWTH_RECORDED",
    "NO_MAPPING_RECORDED",
    "NO_PEOPLE_USING_SERVICES",
    "summarise",
    "transition_blockers",
]

# Where a voice/action gap (in scale levels) is worth a note rather than noise.
NOTABLE_GAP = 1.0


def transition_blockers(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> list[Blocker]:
    """Every Star rule that stands in the way of leaving the current step.

    Only moves that leave a step behind are gated (forward, and from Grow it into a new
    round): a rule about leaving a step should not fire if a future flow lets people look
    back at one. Each rule is an aggregate question (``has_activities``, ``has_evidence``,
    ``count_participants``), which the database answers from an index, so leaving a step
    costs the same whether the initiative holds ten pieces of evidence or a million. The
    questions ask about the current round (their default): each round of the Star leaves
    its own trace. Each blocker's code is the key of the stage requirement it checks.
    """
    if transition.kind not in {TransitionKind.ADVANCE, TransitionKind.NEW_CYCLE}:
        return []
    leaving = transition.from_stage
    blockers: list[Blocker] = []
    if leaving == MAP_IT and not initiative.has_activities(stage=MAP_IT):
        blockers.append(
            Blocker(
                NO_MAPPING_RECORDED,
                "Record at least one activity in Map it (for example a co-production mapping "
                "session or an asset-mapping walk), so that the choice made in Focus it "
                "rests on a picture of the co-production that exists and could exist.",
            )
        )
    if leaving == FOCUS_IT and not _focus_written_down(initiative):
        blockers.append(
            Blocker(
                NO_FOCUS_RECORDED,
                "Write the focus down: record session notes or a document in Focus it "
                "(evidence type session-notes or document) saying which area was chosen "
                "and why, so that the people found in People it know what they are being "
                "asked to work on. Other evidence, such as a count, does not say that.",
            )
        )
    if _at_or_after(toolkit, leaving, PEOPLE_IT) and not initiative.count_participants(
        ParticipantRole.PERSON_USING_SERVICES
    ):
        blockers.append(
            Blocker(
                NO_PEOPLE_USING_SERVICES,
                "Add at least one person who uses the service as a participant, with their "
                "consent given: co-production needs them as co-producers, not only staff. "
                "Participants whose consent is not recorded or was withdrawn do not count.",
            )
        )
    if leaving == MARKET_IT and not _charter_recorded(initiative):
        blockers.append(
            Blocker(
                NO_CO_PRODUCTION_CHARTER,
                "Record the co-production charter as evidence (type 'co-production-charter'): "
                "the roles, responsibilities and incentives agreed with co-producers are "
                "what Grow it spreads.",
            )
        )
    if leaving == GROW_IT and not initiative.has_activities(stage=GROW_IT):
        blockers.append(
            Blocker(
                NO_GROWTH_RECORDED,
                "Record at least one activity in Grow it this round (for example a "
                "co-production roadshow or a whole-service review) before starting a new "
                "round, so that the next Map it starts from what spread and what did not.",
            )
        )
    return blockers


def summarise(toolkit: Toolkit, scale: Scale, assessment: AssessmentView) -> AssessmentSummary:
    """The core's summary, with Star notes added.

    The core gives no band when a Co is unrated (the scale's bands cover the total of all
    four Co's); the first note says so, naming the Co's. The other notes compare citizen
    voice with citizen action, which the Four Co's are grouped into, and point out when
    the ratings are only the organisation's view.
    """
    summary = default_summary(toolkit, scale, assessment)
    notes: list[str] = []
    if summary.unrated:
        names = ", ".join(_dimension_name(toolkit, key) for key in summary.unrated)
        notes.append(
            f"Not rated: {names}. The bands cover all four Co's, so no band is given; "
            "rate every Co to see one."
        )
    voice = _group_mean(toolkit, assessment, CITIZEN_VOICE)
    action = _group_mean(toolkit, assessment, CITIZEN_ACTION)
    if voice is not None and action is not None:
        notes.append(_voice_action_note(voice, action))
    if assessment.perspective in {ParticipantRole.PROFESSIONAL, ParticipantRole.COMMISSIONER}:
        role = assessment.perspective.value.replace("_", " ")
        notes.append(
            f"These ratings are a {role}'s view. In co-assessment the people who use the "
            "service judge too: compare with an assessment from their perspective."
        )
    return replace(summary, notes=(*summary.notes, *notes))


def _voice_action_note(voice: float, action: float) -> str:
    """One sentence on how citizen voice and citizen action compare, and what a gap means."""
    figures = f"citizen voice {voice:.3g}, citizen action {action:.3g}"
    if voice - action >= NOTABLE_GAP:
        return (
            f"Citizen voice is ahead of citizen action ({figures}): people are being asked "
            "more than they are taking part in delivering the service."
        )
    if action - voice >= NOTABLE_GAP:
        return (
            f"Citizen action is ahead of citizen voice ({figures}): people help deliver the "
            "service but have less say in what it does and how well it does it."
        )
    return f"Citizen voice and citizen action are about level ({figures})."


def _group_mean(toolkit: Toolkit, assessment: AssessmentView, group: str) -> float | None:
    """The mean rating of the rated Co's in a group, or None if none of them was rated."""
    values = [
        assessment.ratings[d.key]
        for d in toolkit.dimensions
        if d.group == group and d.key in assessment.ratings
    ]
    return sum(values) / len(values) if values else None


def _dimension_name(toolkit: Toolkit, key: str) -> str:
    dimension = toolkit.dimension(key)
    return dimension.name if dimension is not None else key


def _focus_written_down(initiative: InitiativeView) -> bool:
    """Whether this round's Focus it holds session notes or a document: what says the focus."""
    return any(
        initiative.has_evidence(stage=FOCUS_IT, evidence_type=kind) for kind in FOCUS_EVIDENCE
    )


def _charter_recorded(initiative: InitiativeView) -> bool:
    return initiative.has_evidence(evidence_type=CHARTER_EVIDENCE, cycle=ALL_CYCLES)


def _at_or_after(toolkit: Toolkit, stage: str, reference: str) -> bool:
    """Whether ``stage`` is ``reference`` or a later step of the toolkit."""
    here = toolkit.stage_index(stage)
    there = toolkit.stage_index(reference)
    return here is not None and there is not None and here >= there
