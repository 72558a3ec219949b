"""The core's own checks on proposed evidence and assessments.

These run before any plugin's hook, so a plugin's ``coprod_validate_evidence`` can rely
on the evidence type, stage, dimensions and indicators existing and the payload
matching its schema.
"""

from __future__ import annotations

from collections.abc import Sequence

from jsonschema import Draft202012Validator

from toolkits_core._outcomes import Problem
from toolkits_core._views import AssessmentView, EvidenceView, InitiativeView, ParticipantRole
from toolkits_core._vocabulary import Toolkit


def _unknown(field: str, keys: Sequence[str], known: set[str], what: str) -> list[Problem]:
    return [
        Problem(
            f"unknown_{what.replace(' ', '_')}", f"No {what} has the key {key!r}.", f"{field}/{i}"
        )
        for i, key in enumerate(keys)
        if key not in known
    ]


def check_evidence(
    toolkit: Toolkit, initiative: InitiativeView | None, evidence: EvidenceView
) -> list[Problem]:
    """Problems with ``evidence`` against the toolkit's definitions and the initiative's stages."""
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
    if toolkit.stage(evidence.stage) is None:
        problems.append(
            Problem("unknown_stage", f"{toolkit.name} has no stage {evidence.stage!r}.", "stage")
        )
    elif initiative is not None and evidence.stage not in initiative.reached_stages:
        problems.append(
            Problem(
                "stage_not_reached",
                f"The initiative has not reached {toolkit.stage(evidence.stage).name} yet.",  # type: ignore[union-attr]
                "stage",
            )
        )
    if evidence.activity_type is not None and toolkit.activity_type(evidence.activity_type) is None:
        problems.append(
            Problem(
                "unknown_activity_type",
                f"{toolkit.name} has no activity type {evidence.activity_type!r}.",
                "activity_type",
            )
        )
    activity_type = toolkit.activity_type(evidence.activity_type or "")
    if activity_type and activity_type.stages and evidence.stage not in activity_type.stages:
        problems.append(
            Problem(
                "activity_type_not_in_stage",
                f"{activity_type.name} belongs to {', '.join(activity_type.stages)}, "
                f"not to {evidence.stage!r}.",
                "stage",
            )
        )
    problems += _unknown(
        "dimensions", evidence.dimensions, {d.key for d in toolkit.dimensions}, "dimension"
    )
    for index, key in enumerate(evidence.indicators):
        found = toolkit.indicator(key)
        if found is None:
            problems.append(
                Problem(
                    "unknown_indicator", f"No indicator has the key {key!r}.", f"indicators/{index}"
                )
            )
        elif found[0].key not in evidence.dimensions:
            # Evidence is counted per dimension: an untagged indicator would go uncounted.
            problems.append(
                Problem(
                    "indicator_dimension_not_tagged",
                    f"{key!r} is on the {found[0].name} checklist: add {found[0].key!r} to the "
                    "evidence's dimensions, or remove the indicator.",
                    f"indicators/{index}",
                )
            )
    if evidence_type is not None:
        validator = Draft202012Validator(evidence_type.json_schema())
        for error in sorted(
            validator.iter_errors(dict(evidence.payload)), key=lambda e: list(e.path)
        ):
            pointer = "/".join(["payload", *(str(part) for part in error.path)])
            problems.append(Problem("invalid_payload", error.message, pointer))
    return problems


def check_assessment(toolkit: Toolkit, assessment: AssessmentView) -> list[Problem]:
    """Problems with an assessment: its scale, perspective, dimensions and level values."""
    problems: list[Problem] = []
    scale = toolkit.scale(assessment.scale)
    if scale is None:
        problems.append(
            Problem("unknown_scale", f"{toolkit.name} has no scale {assessment.scale!r}.", "scale")
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
