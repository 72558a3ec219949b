"""The core's own checks on proposed activities, evidence and assessments.

These run before any plugin's hook, so a plugin's ``coprod_validate_evidence`` can rely
on the evidence type, stage, cycle, dimensions and indicators existing and fitting, and on
the payload matching its schema. Every check reports; none raises on odd input, because
the input comes from people and other systems.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator

from toolkits_core._activity_lists import activity_rule_problems, evidence_rule_problems
from toolkits_core._frozen import thaw
from toolkits_core._outcomes import Problem
from toolkits_core._views import (
    ActivityView,
    AssessmentView,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
)
from toolkits_core._vocabulary import ActivityType, EvidenceType, StageFlow, Toolkit


def check_activity(
    toolkit: Toolkit, initiative: InitiativeView | None, activity: ActivityView
) -> list[Problem]:
    """Problems with an activity: its type, its stage and cycle, its dimensions and roles."""
    problems = []
    activity_type = toolkit.activity_type(activity.activity_type)
    if activity_type is None:
        known = ", ".join(item.key for item in toolkit.activity_types) or "none"
        problems.append(
            Problem(
                "unknown_activity_type",
                f"{toolkit.name} has no activity type {activity.activity_type!r} "
                f"(it has: {known}).",
                "activity_type",
            )
        )
    problems += _stage_problems(toolkit, initiative, activity.stage, activity.cycle)
    problems += _activity_stage_problems(activity_type, activity.stage)
    problems += _unknown_dimensions(toolkit, activity.dimensions)
    problems += activity_rule_problems(toolkit, activity_type, activity.dimensions)
    roles = activity.participant_roles
    problems += _not_a_list(roles, "participant_roles", "participant roles")
    for index, role in enumerate(roles if isinstance(roles, tuple) else ()):
        if not isinstance(role, ParticipantRole):
            problems.append(
                Problem("unknown_role", f"{role!r} is not a role.", f"participant_roles/{index}")
            )
    return problems


def check_evidence(
    toolkit: Toolkit, initiative: InitiativeView | None, evidence: EvidenceView
) -> list[Problem]:
    """Problems with a piece of evidence against the toolkit and the initiative's progress."""
    problems: list[Problem] = []
    evidence_type = toolkit.evidence_type(evidence.evidence_type)
    if evidence_type is None:
        known = ", ".join(item.key for item in toolkit.evidence_types)
        problems.append(
            Problem(
                "unknown_evidence_type",
                f"{toolkit.name} has no evidence type {evidence.evidence_type!r} "
                f"(it has: {known}).",
                "evidence_type",
            )
        )
    problems += _stage_problems(toolkit, initiative, evidence.stage, evidence.cycle)
    stages = evidence_type.stages if evidence_type is not None else ()
    if evidence_type is not None and stages and evidence.stage not in stages:
        problems.append(
            Problem(
                "evidence_type_not_in_stage",
                f"{evidence_type.name} is recorded in {', '.join(stages)}, "
                f"not in {evidence.stage!r}.",
                "stage",
            )
        )
    if evidence.activity_type is not None:
        activity_type = toolkit.activity_type(evidence.activity_type)
        if activity_type is None:
            problems.append(
                Problem(
                    "unknown_activity_type",
                    f"{toolkit.name} has no activity type {evidence.activity_type!r}.",
                    "activity_type",
                )
            )
        problems += _activity_stage_problems(activity_type, evidence.stage)
        problems += evidence_rule_problems(toolkit, activity_type, evidence.evidence_type)
    problems += _unknown_dimensions(toolkit, evidence.dimensions)
    problems += _indicator_problems(toolkit, evidence)
    if evidence_type is not None:
        problems += _payload_problems(_validator(evidence_type), evidence.payload)
    return problems


def check_assessment(
    toolkit: Toolkit, assessment: AssessmentView, initiative: InitiativeView | None = None
) -> list[Problem]:
    """Problems with an assessment: its scale, perspective, cycle, dimensions and values."""
    problems: list[Problem] = []
    scale = toolkit.scale(assessment.scale)
    if scale is None:
        known = ", ".join(item.key for item in toolkit.scales) or "none"
        problems.append(
            Problem(
                "unknown_scale",
                f"{toolkit.name} has no scale {assessment.scale!r} (it has: {known}).",
                "scale",
            )
        )
    if not isinstance(assessment.perspective, ParticipantRole):
        roles = ", ".join(role.value for role in ParticipantRole)
        problems.append(
            Problem(
                "unknown_perspective",
                f"{assessment.perspective!r} is not a role ({roles}).",
                "perspective",
            )
        )
    problems += _cycle_problems(initiative, assessment.cycle)
    if not isinstance(assessment.ratings, Mapping):
        problems.append(
            Problem("ratings_not_object", "Give ratings as dimension key: level.", "ratings")
        )
        return problems
    if not assessment.ratings:
        problems.append(Problem("no_ratings", "Rate at least one dimension.", "ratings"))
    dimension_keys = {d.key for d in toolkit.dimensions}
    for key, value in assessment.ratings.items():
        if key not in dimension_keys:
            problems.append(
                Problem("unknown_dimension", f"No dimension has the key {key!r}.", f"ratings/{key}")
            )
        elif scale is not None and (
            isinstance(value, bool) or not isinstance(value, int) or scale.level(value) is None
        ):
            values = ", ".join(str(level.value) for level in scale.levels)
            problems.append(
                Problem(
                    "not_a_level",
                    f"{value!r} is not a level of {scale.name} ({values}).",
                    f"ratings/{key}",
                )
            )
    return problems


def _stage_problems(
    toolkit: Toolkit, initiative: InitiativeView | None, stage: str, cycle: object
) -> list[Problem]:
    """Whether work can be recorded in ``stage`` of ``cycle``: only where the initiative has been.

    In a cyclic toolkit every stage was reached in an earlier round, so the current round
    counts only the stages up to where the initiative stands.
    """
    index = toolkit.stage_index(stage) if isinstance(stage, str) else None
    if index is None:
        return [Problem("unknown_stage", f"{toolkit.name} has no stage {stage!r}.", "stage")]
    if cycle_problems := _cycle_problems(initiative, cycle):
        return cycle_problems
    if initiative is None or cycle != initiative.cycle:
        return []
    here = toolkit.stage_index(initiative.stage)
    rounds_so_far = toolkit.stage_flow is StageFlow.ITERATIVE and initiative.cycle > 1
    if toolkit.stage_flow is StageFlow.CYCLIC or rounds_so_far:
        reached = here is not None and index <= here
    else:
        reached = stage in initiative.reached_stages
    if reached:
        return []
    name = toolkit.stages[index].name
    when = f" in cycle {cycle}" if toolkit.stage_flow is StageFlow.CYCLIC or rounds_so_far else ""
    return [
        Problem("stage_not_reached", f"The initiative has not reached {name}{when} yet.", "stage")
    ]


def _cycle_problems(initiative: InitiativeView | None, cycle: object) -> list[Problem]:
    if isinstance(cycle, bool) or not isinstance(cycle, int) or cycle < 1:
        return [Problem("invalid_cycle", f"{cycle!r} is not a cycle number (1, 2, ...).", "cycle")]
    if initiative is not None and cycle > initiative.cycle:
        return [
            Problem(
                "cycle_not_reached",
                f"The initiative is in cycle {initiative.cycle}, not yet in cycle {cycle}.",
                "cycle",
            )
        ]
    return []


def _activity_stage_problems(activity_type: ActivityType | None, stage: str) -> list[Problem]:
    if activity_type is None or not activity_type.stages or stage in activity_type.stages:
        return []
    return [
        Problem(
            "activity_type_not_in_stage",
            f"{activity_type.name} belongs to {', '.join(activity_type.stages)}, not to {stage!r}.",
            "stage",
        )
    ]


def _not_a_list(value: object, field: str, what: str) -> list[Problem]:
    """A problem when ``value`` is not a list (stored as a tuple) of keys; strings included."""
    if isinstance(value, tuple):
        return []
    return [Problem(f"{field}_not_list", f"Give {what} as a list of keys.", field)]


def _unknown_dimensions(toolkit: Toolkit, keys: Sequence[str]) -> list[Problem]:
    if problems := _not_a_list(keys, "dimensions", "dimensions"):
        return problems
    known = {d.key for d in toolkit.dimensions}
    return [
        Problem("unknown_dimension", f"No dimension has the key {key!r}.", f"dimensions/{i}")
        for i, key in enumerate(keys)
        if not isinstance(key, str) or key not in known
    ]


def _indicator_problems(toolkit: Toolkit, evidence: EvidenceView) -> list[Problem]:
    if problems := _not_a_list(evidence.indicators, "indicators", "indicators"):
        return problems
    tagged = evidence.dimensions if isinstance(evidence.dimensions, tuple) else ()
    for index, key in enumerate(evidence.indicators):
        found = toolkit.indicator(key) if isinstance(key, str) else None
        if found is None:
            problems.append(
                Problem(
                    "unknown_indicator", f"No indicator has the key {key!r}.", f"indicators/{index}"
                )
            )
        elif found[0].key not in tagged:
            # Evidence is counted per dimension: an untagged indicator would go uncounted.
            problems.append(
                Problem(
                    "indicator_dimension_not_tagged",
                    f"{key!r} is on the {found[0].name} checklist: add {found[0].key!r} to the "
                    "evidence's dimensions, or remove the indicator.",
                    f"indicators/{index}",
                )
            )
    return problems


@functools.lru_cache(maxsize=512)
def _validator(evidence_type: EvidenceType) -> Draft202012Validator:
    """One compiled validator per evidence type: building it costs twice the validation."""
    return Draft202012Validator(evidence_type.json_schema())


def _payload_problems(validator: Draft202012Validator, payload: object) -> list[Problem]:
    if not isinstance(payload, Mapping):
        return [
            Problem(
                "payload_not_object",
                f"The payload must be an object, not {type(payload).__name__}.",
                "payload",
            )
        ]
    document = thaw(payload)
    problems = [
        Problem("not_finite", "Numbers must be finite (no NaN or infinity).", path)
        for path in _non_finite_numbers(document, "payload")
    ]
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        pointer = "/".join(["payload", *(str(part) for part in error.path)])
        problems.append(Problem("invalid_payload", error.message, pointer))
    return problems


def _non_finite_numbers(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, float) and not math.isfinite(value):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite_numbers(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite_numbers(item, f"{path}/{index}")
