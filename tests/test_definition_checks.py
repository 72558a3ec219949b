"""A toolkit definition is checked whole at registration, each problem named by its path."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import build_toolkit

from toolkits_core import (
    ActivityType,
    Dimension,
    EvidenceKind,
    EvidenceType,
    Indicator,
    Scale,
    ScaleBand,
    ScaleLevel,
    Stage,
    check_toolkit,
)


def test_a_well_formed_toolkit_has_no_problems():
    assert check_toolkit(build_toolkit()) == []


def test_lists_are_stored_as_tuples_so_a_registered_toolkit_cannot_change():
    toolkit = build_toolkit()
    assert isinstance(toolkit.stages, tuple)
    assert isinstance(toolkit.dimensions[0].indicators, tuple)
    assert isinstance(toolkit.scales[0].levels, tuple)
    assert isinstance(toolkit.activity_types[0].stages, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        toolkit.name = "changed"  # type: ignore[misc]


def test_a_payload_schema_is_copied_so_the_plugin_cannot_change_it_later():
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    evidence_type = EvidenceType("count", "Count", EvidenceKind.METRIC, "A count.", schema)
    schema["properties"]["n"]["type"] = "string"
    assert evidence_type.json_schema()["properties"]["n"]["type"] == "integer"
    with pytest.raises(TypeError):
        evidence_type.payload_schema["type"] = "array"  # type: ignore[index]


def test_something_that_is_not_a_toolkit_is_refused():
    assert check_toolkit({"key": "dict"}) == ["toolkit: must be a Toolkit, not dict"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"key": "Has Spaces"}, "key: 'Has Spaces' is not a valid key"),
        ({"key": ""}, "key: must be a non-empty string"),
        ({"version": "1.0"}, "version: '1.0' is not a semantic version"),
        (
            {"source_url": "ftp://example.org"},
            "source_url: 'ftp://example.org' is not an http(s) URL",
        ),
        ({"attribution": "  "}, "attribution: must not be empty"),
        ({"licence": None}, "licence: must be a string"),
        ({"stage_flow": "sequential-ish"}, "stage_flow: must be a StageFlow"),
        ({"stages": []}, "stages: a toolkit needs at least one stage"),
    ],
)
def test_identity_problems_are_named_by_field(overrides, expected):
    problems = check_toolkit(build_toolkit(**overrides))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_duplicate_keys_are_reported_per_collection():
    toolkit = build_toolkit(
        stages=[Stage("first", "First", "a"), Stage("first", "Again", "b")],
    )
    assert "stages: key 'first' is used 2 times" in check_toolkit(toolkit)


def test_indicator_keys_must_be_unique_across_the_whole_toolkit():
    toolkit = build_toolkit(
        dimensions=[
            Dimension("voice", "Voice", "s", indicators=[Indicator("same", "one")]),
            Dimension("action", "Action", "s", indicators=[Indicator("same", "two")]),
        ],
        activity_types=[],
    )
    assert "dimensions[*].indicators: key 'same' is used 2 times" in check_toolkit(toolkit)


def test_every_reference_from_an_activity_type_must_resolve():
    toolkit = build_toolkit(
        activity_types=[
            ActivityType(
                "walk",
                "Walk",
                "A walk.",
                stages=["first", "fourth"],
                dimensions=["nope"],
                evidence_types=["note", "selfie"],
            )
        ]
    )
    assert check_toolkit(toolkit) == [
        "activity_types[0].stages[1]: no stage has the key 'fourth'",
        "activity_types[0].dimensions[0]: no dimension has the key 'nope'",
        "activity_types[0].evidence_types[1]: no evidence type has the key 'selfie'",
    ]


def test_a_wrong_item_type_in_a_collection_is_named_with_its_position():
    toolkit = build_toolkit(stages=[Stage("first", "First", "a"), "second"])
    assert "stages[1]: must be a Stage, not str" in check_toolkit(toolkit)


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        (
            Scale("s", "S", "s", levels=[ScaleLevel(1, "only")]),
            "scales[0].levels: a scale needs at least two levels",
        ),
        (
            Scale("s", "S", "s", levels=[ScaleLevel(2, "b"), ScaleLevel(1, "a")]),
            "scales[0].levels: values must rise strictly from first to last, got [2, 1]",
        ),
        (
            Scale("s", "S", "s", levels=[ScaleLevel(1, "a"), ScaleLevel(1, "b")]),
            "scales[0].levels: values must rise strictly from first to last, got [1, 1]",
        ),
        (
            Scale("s", "S", "s", levels=[ScaleLevel(1, "same"), ScaleLevel(2, "same")]),
            "scales[0].levels: label 'same' is used 2 times",
        ),
        (
            Scale("s", "S", "s", levels=[ScaleLevel(1.5, "a"), ScaleLevel(2, "b")]),  # type: ignore[arg-type]
            "scales[0].levels[0].value: must be an integer",
        ),
        (
            Scale(
                "s",
                "S",
                "s",
                levels=[ScaleLevel(1, "a"), ScaleLevel(2, "b")],
                bands=[ScaleBand(2, 3, "low"), ScaleBand(5, 6, "high")],
            ),
            "scales[0].bands[1]: starts at 5 but the band before ends at 3",
        ),
        (
            Scale(
                "s",
                "S",
                "s",
                levels=[ScaleLevel(1, "a"), ScaleLevel(2, "b")],
                bands=[ScaleBand(4, 2, "upside down")],
            ),
            "scales[0].bands[0]: minimum 4 is above maximum 2",
        ),
    ],
)
def test_scales_must_be_sensible(scale, expected):
    problems = check_toolkit(build_toolkit(scales=[scale]))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_payload_schema_must_be_valid_json_schema_describing_an_object():
    broken = EvidenceType(
        "bad", "Bad", EvidenceKind.NOTE, "s", {"type": "object", "minProperties": -1}
    )
    not_object = EvidenceType("list", "List", EvidenceKind.NOTE, "s", {"type": "array"})
    problems = check_toolkit(build_toolkit(evidence_types=[broken, not_object], activity_types=[]))
    assert problems[0].startswith(
        "evidence_types[0].payload_schema: not valid JSON Schema at minProperties"
    )
    assert (
        problems[1]
        == 'evidence_types[1].payload_schema: must describe an object ("type": "object")'
    )


def test_an_evidence_kind_outside_the_core_list_is_refused():
    odd = EvidenceType("hologram", "Hologram", "hologram", "s")  # type: ignore[arg-type]
    problems = check_toolkit(build_toolkit(evidence_types=[odd], activity_types=[]))
    assert problems[0].startswith(
        "evidence_types[0].kind: 'hologram' is not an EvidenceKind (note, quote"
    )


def test_every_problem_is_reported_at_once_not_just_the_first():
    toolkit = build_toolkit(key="BAD", version="one", source_url="nope")
    assert len(check_toolkit(toolkit)) == 3


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"key": "tiny\n"}, "key: 'tiny\\n' is not a valid key"),
        ({"version": "1\u0660.0.0"}, "version: '1\u0660.0.0' is not a semantic version"),
        ({"source_url": "https://example.org\n"}, "source_url: 'https://example.org\\n' is not"),
    ],
)
def test_a_trailing_newline_or_a_non_ascii_digit_is_not_let_through(overrides, expected):
    problems = check_toolkit(build_toolkit(**overrides))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_bands_must_span_exactly_the_totals_the_dimensions_can_reach():
    # Two dimensions on a 1-3 scale total 2 to 6; bands covering 2 to 5 leave 6 unbanded.
    scale = Scale(
        "s",
        "S",
        "s",
        levels=[ScaleLevel(1, "a"), ScaleLevel(2, "b"), ScaleLevel(3, "c")],
        bands=[ScaleBand(2, 3, "low"), ScaleBand(4, 5, "high")],
    )
    assert check_toolkit(build_toolkit(scales=[scale])) == [
        "scales[0].bands: cover totals 2-5, but the total of 2 dimension(s) rated on this "
        "scale runs from 2 to 6"
    ]


def test_a_scale_needs_dimensions_to_rate():
    toolkit = build_toolkit(dimensions=[], activity_types=[])
    assert "scales: a scale rates dimensions, and this toolkit has none" in check_toolkit(toolkit)


def test_a_payload_schema_that_is_not_a_mapping_is_reported_not_raised():
    odd = EvidenceType("e", "E", EvidenceKind.NOTE, "s", True)  # type: ignore[arg-type]
    problems = check_toolkit(build_toolkit(evidence_types=[odd], activity_types=[]))
    assert problems == [
        "evidence_types[0].payload_schema: must be a JSON Schema object (a mapping), not True"
    ]


def test_keys_of_the_wrong_type_are_reported_not_raised():
    toolkit = build_toolkit(
        stages=[Stage(["first"], "First", "a")],  # type: ignore[arg-type]
        activity_types=[ActivityType("a", "A", "s", stages=[["first"]])],  # type: ignore[list-item]
    )
    problems = check_toolkit(toolkit)
    assert "stages[0].key: must be a non-empty string" in problems
    assert "activity_types[0].stages[0]: no stage has the key ['first']" in problems
