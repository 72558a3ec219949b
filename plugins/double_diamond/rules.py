"""The Double Diamond's rules between phases, as plain functions the hookimpls call.

Each gate asks for the trace its phase should leave in this round, through the aggregate
questions (so a gate costs the same at any size): Discover must have met people who use
the service, Define must have written its problem down, Develop must have tested an
answer with people. Going back (a revisit) is never gated: it is how the model learns.
A new round starts once Deliver has something to learn from.
"""

from __future__ import annotations

from plugins.double_diamond.toolkit import (
    CO_DESIGN_WORKSHOP,
    DEFINE,
    DELIVER,
    DEVELOP,
    DISCOVER,
    NO_PROBLEM_STATEMENT,
    NOBODY_MET,
    NOTHING_TESTED,
    NOTHING_TO_LEARN_FROM,
    PROBLEM_STATEMENT,
    PROTOTYPE_FEEDBACK,
)
from toolkits_core import (
    ActivityView,
    Advice,
    Blocker,
    InitiativeView,
    ParticipantRole,
    Problem,
    Transition,
    TransitionKind,
)

NOT_TESTED_WITH_PEOPLE = "not_tested_with_people_using_the_service"
WORKSHOP_WITHOUT_CO_DESIGNERS = "co_design_without_people_using_the_service"

CO_DESIGNERS = (
    ParticipantRole.PERSON_USING_SERVICES,
    ParticipantRole.FAMILY_MEMBER_OR_CARER,
    ParticipantRole.NEIGHBOUR_OR_COMMUNITY_MEMBER,
)
"""Who co-designs beside staff: the people NESTA's definition names besides professionals."""


def transition_blockers(initiative: InitiativeView, transition: Transition) -> list[Blocker]:
    """What this round still lacks before leaving the current phase."""
    leaving = transition.from_stage
    if transition.kind is TransitionKind.NEW_CYCLE:
        if initiative.has_evidence(stage=DELIVER):
            return []
        return [
            Blocker(
                NOTHING_TO_LEARN_FROM,
                "Record what Deliver showed (a field note, people's own words or a survey) "
                "before starting a new round: the next Discover starts from it.",
            )
        ]
    if transition.kind is not TransitionKind.ADVANCE:
        return []
    if leaving == DISCOVER and not any(
        initiative.has_activities(stage=DISCOVER, role=role) for role in CO_DESIGNERS
    ):
        return [
            Blocker(
                NOBODY_MET,
                "Meet people who use the service (or their families or neighbours) in "
                "Discover: record an activity they took part in, with their consent given.",
            )
        ]
    if leaving == DEFINE and not initiative.has_evidence(
        stage=DEFINE, evidence_type=PROBLEM_STATEMENT
    ):
        return [
            Blocker(
                NO_PROBLEM_STATEMENT,
                "Write down the problem this round will work on: record a problem statement "
                "in Define.",
            )
        ]
    if leaving == DEVELOP and not initiative.has_evidence(
        stage=DEVELOP, evidence_type=PROTOTYPE_FEEDBACK
    ):
        return [
            Blocker(
                NOTHING_TESTED,
                "Try an early version of the answer with people and record their feedback "
                "in Develop before delivering it.",
            )
        ]
    return []


def transition_advice(initiative: InitiativeView, transition: Transition) -> list[Advice]:
    """Feedback from staff alone lets the move happen, with a word about who tested it."""
    if transition.kind is not TransitionKind.ADVANCE or transition.from_stage != DEVELOP:
        return []
    if any(
        initiative.has_evidence(stage=DEVELOP, evidence_type=PROTOTYPE_FEEDBACK, role=role)
        for role in CO_DESIGNERS
    ):
        return []
    return [
        Advice(
            NOT_TESTED_WITH_PEOPLE,
            "None of this round's prototype feedback is linked to a person who uses the "
            "service: consider testing with them before delivering, or going back to Define "
            "if what you heard changes the problem.",
        )
    ]


def activity_problems(activity: ActivityView) -> list[Problem]:
    """A co-design workshop needs someone to co-design with, who has consented."""
    if activity.activity_type != CO_DESIGN_WORKSHOP:
        return []
    if any(role in CO_DESIGNERS for role in activity.participant_roles):
        return []
    return [
        Problem(
            WORKSHOP_WITHOUT_CO_DESIGNERS,
            "A co-design workshop needs at least one person who uses the service, a family "
            "member or a neighbour, with their consent given: add them as participants.",
            "participant_ids",
        )
    ]
