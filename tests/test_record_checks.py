"""The core's checks on activities, evidence and assessments: what people and systems send."""

from __future__ import annotations

import dataclasses
import math

import pytest
from conftest import build_toolkit

from toolkits_core import (
    ActivityView,
    AssessmentView,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    PluginHost,
    StageFlow,
    hookimpl,
)


def host_for(flow=StageFlow.SEQUENTIAL):
    class Provider:
        @hookimpl
        def coprod_register_toolkits(self, register):
            register(build_toolkit(stage_flow=flow))

    return PluginHost.of(Provider())


def codes(problems):
    return [(p.code, p.field) for p in problems]


# Activities ------------------------------------------------------------------------------


def test_a_well_formed_activity_has_no_problems():
    activity = ActivityView("meeting", "first", ["voice"], [ParticipantRole.PROFESSIONAL])
    assert (
        host_for().check_activity(
            activity, toolkit="tiny", initiative=InitiativeView("tiny", "first")
        )
        == []
    )


def test_an_activity_is_checked_for_type_stage_dimensions_and_roles():
    activity = ActivityView("party", "ninth", ["voice", "noise"], ["mayor"])  # type: ignore[list-item]
    problems = host_for().check_activity(activity, toolkit="tiny")
    assert codes(problems) == [
        ("unknown_activity_type", "activity_type"),
        ("unknown_stage", "stage"),
        ("unknown_dimension", "dimensions/1"),
        ("unknown_role", "participant_roles/0"),
    ]
    assert problems[0].message == "Tiny Toolkit has no activity type 'party' (it has: meeting)."


def test_an_activity_must_be_in_a_stage_its_type_belongs_to():
    (problem,) = host_for().check_activity(ActivityView("meeting", "third"), toolkit="tiny")
    assert (problem.code, problem.message) == (
        "activity_type_not_in_stage",
        "Meeting belongs to first, second, not to 'third'.",
    )


def test_an_activity_cannot_be_recorded_in_a_stage_not_yet_reached():
    problems = host_for().check_activity(
        ActivityView("meeting", "second"),
        toolkit="tiny",
        initiative=InitiativeView("tiny", "first"),
    )
    assert codes(problems) == [("stage_not_reached", "stage")]


# Cycles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cycle", [0, -1, True, 1.5, "2"])
def test_a_cycle_must_be_a_whole_number_from_one(cycle):
    evidence = EvidenceView("note", "first", {"text": "x"}, cycle=cycle)
    assert codes(host_for().check_evidence(evidence, toolkit="tiny")) == [
        ("invalid_cycle", "cycle")
    ]


def test_evidence_cannot_be_recorded_in_a_cycle_not_yet_begun():
    host = host_for(StageFlow.CYCLIC)
    initiative = InitiativeView("tiny", "first", cycle=2)
    evidence = EvidenceView("note", "first", {"text": "x"}, cycle=3)
    (problem,) = host.check_evidence(evidence, toolkit="tiny", initiative=initiative)
    assert (problem.code, problem.message) == (
        "cycle_not_reached",
        "The initiative is in cycle 2, not yet in cycle 3.",
    )


def test_in_a_cyclic_toolkit_this_rounds_evidence_is_only_for_stages_reached_this_round():
    host = host_for(StageFlow.CYCLIC)
    # Round 2 has just begun: every stage was reached in round 1, none but the first in round 2.
    initiative = InitiativeView(
        "tiny", "first", cycle=2, reached_stages=["first", "second", "third"]
    )
    ahead = EvidenceView("note", "third", {"text": "x"}, cycle=2)
    (problem,) = host.check_evidence(ahead, toolkit="tiny", initiative=initiative)
    assert (problem.code, problem.message) == (
        "stage_not_reached",
        "The initiative has not reached Third in cycle 2 yet.",
    )
    last_round = dataclasses.replace(ahead, cycle=1)
    assert host.check_evidence(last_round, toolkit="tiny", initiative=initiative) == []


def test_an_assessment_cannot_be_made_in_a_cycle_not_yet_begun():
    host = host_for(StageFlow.CYCLIC)
    assessment = AssessmentView("three-point", ParticipantRole.PROFESSIONAL, {"voice": 2}, cycle=2)
    problems = host.check_assessment(
        assessment, toolkit="tiny", initiative=InitiativeView("tiny", "third")
    )
    assert codes(problems) == [("cycle_not_reached", "cycle")]


# Payloads and ratings from outside ------------------------------------------------------


@pytest.mark.parametrize("payload", [[("text", "hi")], "just text", None, 42])
def test_a_payload_that_is_not_an_object_is_a_problem_not_a_crash(payload):
    evidence = EvidenceView("note", "first", payload)  # type: ignore[arg-type]
    (problem,) = host_for().check_evidence(evidence, toolkit="tiny")
    assert (problem.code, problem.field) == ("payload_not_object", "payload")


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_numbers_in_a_payload_must_be_finite(number):
    evidence = EvidenceView("headcount", "first", {"people": 3, "nested": [1.0, number]})
    problems = host_for().check_evidence(evidence, toolkit="tiny")
    assert ("not_finite", "payload/nested/1") in codes(problems)


def test_ratings_that_are_not_an_object_are_a_problem_not_a_crash():
    assessment = AssessmentView("three-point", ParticipantRole.PROFESSIONAL, [("voice", 2)])  # type: ignore[arg-type]
    assert codes(host_for().check_assessment(assessment, toolkit="tiny")) == [
        ("ratings_not_object", "ratings")
    ]


@pytest.mark.parametrize("value", [True, 2.0, "2", None])
def test_a_rating_must_be_one_of_the_scales_whole_levels(value):
    assessment = AssessmentView("three-point", ParticipantRole.PROFESSIONAL, {"voice": value})
    assert codes(host_for().check_assessment(assessment, toolkit="tiny")) == [
        ("not_a_level", "ratings/voice")
    ]


# What the host hands out cannot be changed behind its back ------------------------------


def test_a_payload_is_copied_and_frozen_all_the_way_down():
    given = {"text": "x", "tags": ["a"], "more": {"n": 1}}
    evidence = EvidenceView("note", "first", given)
    given["text"] = "changed"
    given["tags"].append("b")
    given["more"]["n"] = 2
    assert evidence.payload["text"] == "x"
    assert evidence.payload["tags"] == ("a",)
    with pytest.raises(TypeError):
        evidence.payload["more"]["n"] = 3  # type: ignore[index]


def test_a_registered_payload_schema_is_frozen_all_the_way_down():
    toolkit = host_for().toolkit("tiny")
    schema = toolkit.evidence_type("headcount").payload_schema
    with pytest.raises(TypeError):
        schema["properties"]["people"]["minimum"] = 1000  # type: ignore[index]
    assert toolkit.evidence_type("headcount").json_schema()["properties"]["people"]["minimum"] == 0


@pytest.mark.parametrize(
    ("dimensions", "expected"),
    [
        ("voice", [("dimensions_not_list", "dimensions")]),
        (None, [("dimensions_not_list", "dimensions")]),
        ([["voice"]], [("unknown_dimension", "dimensions/0")]),
    ],
)
def test_dimensions_that_are_not_a_list_of_keys_are_a_problem_not_a_crash(dimensions, expected):
    host = host_for()
    evidence = EvidenceView("note", "first", {"text": "x"}, dimensions=dimensions)
    assert codes(host.check_evidence(evidence, toolkit="tiny")) == expected
    activity = ActivityView("meeting", "first", dimensions=dimensions)
    assert codes(host.check_activity(activity, toolkit="tiny")) == expected


def test_indicators_given_as_a_string_are_a_problem():
    evidence = EvidenceView("note", "first", {"text": "x"}, dimensions=["voice"], indicators="")
    problems = host_for().check_evidence(evidence, toolkit="tiny")
    assert codes(problems) == [("indicators_not_list", "indicators")]


@pytest.mark.parametrize("cycle", [0, "2", True])
def test_an_initiative_view_with_an_impossible_cycle_is_a_bug_and_raises(cycle):
    with pytest.raises(ValueError, match="cycle is a whole number from 1"):
        InitiativeView("tiny", "first", cycle=cycle)


def test_checking_against_another_toolkits_initiative_is_a_bug_and_raises():
    evidence = EvidenceView("note", "first", {"text": "x"})
    with pytest.raises(ValueError, match="the initiative runs toolkit 'other', not 'tiny'"):
        host_for().check_evidence(evidence, toolkit="tiny", initiative=InitiativeView("other", "a"))
