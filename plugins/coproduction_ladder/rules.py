"""The ladder's rules: its own toolkit's gate, and a rung ceiling for every toolkit's work.

The ladder rates how far people share in the work, which only they and the staff can
judge together (an assessment on the ``ladder`` scale). What the database does know is
who took part, with consent: work with no person who uses the service, no family member
and no neighbour taking part cannot be above Informing, whatever else is true of it. So,
for every toolkit (``RULES_FOR = "*"``), moving on from a stage whose activities this
round had none of them brings advice naming that ceiling. Advice, not a blocker: a stage
may rightly be staff work, and the toolkit's own rules decide what is required.
"""

from __future__ import annotations

from plugins.coproduction_ladder.toolkit import (
    INFORMING,
    LADDER,
    NOT_PLACED_TOGETHER,
    TOOLKIT_KEY,
    WHERE_ARE_WE,
)
from toolkits_core import (
    Advice,
    Blocker,
    InitiativeView,
    ParticipantRole,
    Toolkit,
    Transition,
    TransitionKind,
)

CO_PRODUCERS = (
    ParticipantRole.PERSON_USING_SERVICES,
    ParticipantRole.FAMILY_MEMBER_OR_CARER,
    ParticipantRole.NEIGHBOUR_OR_COMMUNITY_MEMBER,
)
STAFF_ONLY = "ladder_staff_only_stage"


def ceiling(initiative: InitiativeView, stage: str) -> int | None:
    """The highest rung this round's work in ``stage`` could reach given who took part:
    ``INFORMING`` when its activities had no consenting co-producer, ``None`` when there is
    no activity to judge or someone to share power with took part (then only a rating
    made together can say)."""
    if not initiative.has_activities(stage=stage):
        return None
    if any(initiative.has_activities(stage=stage, role=role) for role in CO_PRODUCERS):
        return None
    return INFORMING


def transition_advice(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> list[Advice]:
    """For any toolkit: the ladder's ceiling on the stage being left, when it is low."""
    if transition.kind is not TransitionKind.ADVANCE:
        return []
    top = ceiling(initiative, transition.from_stage)
    if top is None:
        return []
    rung = LADDER.level(top)
    label = rung.label if rung is not None else str(top)
    stage = toolkit.stage(transition.from_stage)
    name = stage.name if stage is not None else transition.from_stage
    return [
        Advice(
            STAFF_ONLY,
            f"On TLAP's Ladder of Co-production, this round's work in {name} reached "
            f"{label} (rung {top} of 7) at most: none of its activities had a person who "
            "uses the service, a family member or a neighbour taking part with consent.",
        )
    ]


def transition_blockers(
    toolkit: Toolkit, initiative: InitiativeView, transition: Transition
) -> list[Blocker]:
    """The ladder's own toolkit: the work is placed on the ladder with the people it is for."""
    if toolkit.key != TOOLKIT_KEY:
        return []  # RULES_FOR "*" brings every toolkit here; the gate is the ladder's own
    if transition.kind is not TransitionKind.ADVANCE or transition.from_stage != WHERE_ARE_WE:
        return []
    if any(initiative.has_activities(stage=WHERE_ARE_WE, role=r) for r in CO_PRODUCERS):
        return []
    return [
        Blocker(
            NOT_PLACED_TOGETHER,
            "Place the work on the ladder together: record a ladder talk in which a person "
            "who uses the service, a family member or a neighbour took part, with consent.",
        )
    ]
