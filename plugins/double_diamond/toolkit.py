"""The Design Council's Double Diamond, as a toolkit definition.

Two diamonds, each a widening then a narrowing: Discover and Define find the right
problem, Develop and Deliver find the right answer to it. The model is not a straight
line, so coprod runs it on the iterative flow: a team may go back to an earlier phase of
the same round (testing in Develop often shows the problem was framed wrongly) and, after
Deliver, starts a new round at Discover.

The phase names are the Design Council's; every description here is coprod's own words.
The Design Council publishes the Double Diamond under CC BY 4.0, which asks for credit and
a note of changes: both are in ``ATTRIBUTION`` and ``ADAPTED_FROM``.
"""

from __future__ import annotations

from toolkits_core import (
    ActivityType,
    EvidenceKind,
    EvidenceType,
    Requirement,
    Stage,
    StageFlow,
    Toolkit,
)

TOOLKIT_KEY = "double-diamond"

DISCOVER = "discover"
DEFINE = "define"
DEVELOP = "develop"
DELIVER = "deliver"

PROBLEM_STATEMENT = "problem-statement"
PROTOTYPE_FEEDBACK = "prototype-feedback"
CO_DESIGN_WORKSHOP = "co-design-workshop"

# The rules' blocker codes, which are also the keys of the stage requirements they check.
NOBODY_MET = "discover_met_nobody_using_the_service"
NO_PROBLEM_STATEMENT = "no_problem_statement"
NOTHING_TESTED = "no_prototype_feedback"
NOTHING_TO_LEARN_FROM = "nothing_delivered_to_learn_from"

SOURCE_URL = "https://www.designcouncil.org.uk/our-resources/the-double-diamond/"
ATTRIBUTION = (
    "The Double Diamond by the Design Council, licensed under CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/). Source: " + SOURCE_URL
)
ADAPTED_FROM = (
    "Adapted from the Design Council's Double Diamond: the four phase names are the Design "
    "Council's; the descriptions, activity and evidence types and the rules between phases "
    "are coprod's own, written for co-production with people who use services."
)

STAGES = (
    Stage(
        DISCOVER,
        "Discover",
        "Open out: learn how things are for the people involved before deciding anything.",
        "Spend time with people who use the service, in their places and on their terms.",
        requirements=(
            Requirement(
                NOBODY_MET,
                "This round, an activity in Discover in which someone who uses the service, "
                "or a family member or neighbour, took part with consent.",
                checked=True,
            ),
        ),
    ),
    Stage(
        DEFINE,
        "Define",
        "Narrow down: agree, with the people involved, which problem to work on.",
        "Write the problem down in words everyone recognises.",
        requirements=(
            Requirement(
                NO_PROBLEM_STATEMENT,
                "This round's problem written down in Define, as a problem statement.",
                checked=True,
            ),
        ),
    ),
    Stage(
        DEVELOP,
        "Develop",
        "Open out again: try several answers, rough and early, with the people they are for.",
        "If testing shows the problem was framed wrongly, go back to Define.",
        requirements=(
            Requirement(
                NOTHING_TESTED,
                "Feedback on an early version of the answer, recorded in Develop this round "
                "as prototype feedback, before it is delivered.",
                checked=True,
            ),
        ),
    ),
    Stage(
        DELIVER,
        "Deliver",
        "Narrow down: put the answer that worked into practice, and learn from it.",
        "What was learned starts the next round at Discover.",
        requirements=(
            Requirement(
                NOTHING_TO_LEARN_FROM,
                "Before a new round: evidence recorded in Deliver this round of what the "
                "answer did, for the next Discover to start from.",
                checked=True,
            ),
        ),
    ),
)

# Every type's evidence list is a suggestion (plugin API 1.2, the default): a design round
# borrows whatever evidence helps, a photo of a prototype at a listening visit as much as a
# quote at a pilot, and the lists are there to prompt, not to police.
ACTIVITY_TYPES = (
    ActivityType(
        "listening-visit",
        "Listening visit",
        "Time spent with people where they are, hearing how things are for them.",
        stages=[DISCOVER],
        evidence_types=["field-note", "in-their-words"],
    ),
    ActivityType(
        CO_DESIGN_WORKSHOP,
        "Co-design workshop",
        "Staff and people who use the service shape an answer together.",
        stages=[DEFINE, DEVELOP],
        evidence_types=[PROBLEM_STATEMENT, PROTOTYPE_FEEDBACK, "in-their-words"],
    ),
    ActivityType(
        "pilot",
        "Pilot",
        "The chosen answer tried for real, at a small scale, before it spreads.",
        stages=[DELIVER],
        evidence_types=["field-note", "in-their-words", "survey"],
    ),
)

EVIDENCE_TYPES = (
    EvidenceType("field-note", "Field note", EvidenceKind.NOTE, "What was seen or heard."),
    EvidenceType(
        "in-their-words",
        "In their words",
        EvidenceKind.QUOTE,
        "Someone's own words about the service or the work.",
    ),
    EvidenceType(
        PROBLEM_STATEMENT,
        "Problem statement",
        EvidenceKind.NOTE,
        "The problem the team agreed to work on, in words the people involved recognise.",
        stages=[DEFINE],
    ),
    EvidenceType(
        PROTOTYPE_FEEDBACK,
        "Prototype feedback",
        EvidenceKind.NOTE,
        "What people said or did when they tried an early version of an answer.",
        stages=[DEVELOP],
    ),
    EvidenceType(
        "survey", "Survey result", EvidenceKind.SURVEY_RESULT, "Answers to a short survey."
    ),
)

TOOLKIT = Toolkit(
    key=TOOLKIT_KEY,
    name="Double Diamond",
    version="1.0.0",
    summary="Find the right problem, then the right answer, with the people they matter to: "
    "four phases that go back when testing says so, and round again after delivery.",
    publisher="Design Council",
    licence="Creative Commons Attribution 4.0 International (CC BY 4.0)",
    attribution=ATTRIBUTION,
    source_url=SOURCE_URL,
    stage_flow=StageFlow.ITERATIVE,
    stages=STAGES,
    activity_types=ACTIVITY_TYPES,
    evidence_types=EVIDENCE_TYPES,
    licence_id="CC-BY-4.0",
    adapted_from=ADAPTED_FROM,
)
