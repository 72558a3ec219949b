"""What an activity type's lists of dimensions and evidence types mean for a record.

An activity type lists the dimensions it touches and the evidence it produces. The toolkit
says, type by type (``ActivityType.lists_are``, plugin API 1.2), whether those lists are
rules or suggestions. The misfits are found the same way for both, and carry the same
codes; only what becomes of them differs: under rules they are problems the core refuses
with (422), under suggestions advice that comes back with the write. An empty list
restricts nothing and suggests nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkits_core._outcomes import Advice, Problem
from toolkits_core._vocabulary import ActivityType, Toolkit

DIMENSION_OFF_LIST = "dimension_not_for_activity_type"
EVIDENCE_TYPE_OFF_LIST = "evidence_type_not_for_activity_type"


def _dimension_misfits(
    toolkit: Toolkit, activity_type: ActivityType, dimensions: Sequence[str]
) -> list[Problem]:
    if not activity_type.dimensions or not isinstance(dimensions, tuple | list):
        return []
    listed = ", ".join(_dimension_name(toolkit, key) for key in activity_type.dimensions)
    return [
        Problem(
            DIMENSION_OFF_LIST,
            f"{activity_type.name} speaks to {listed}; {_dimension_name(toolkit, key)} is not "
            f"among them.",
            f"dimensions/{index}",
        )
        for index, key in enumerate(dimensions)
        if isinstance(key, str)
        and toolkit.dimension(key) is not None
        and key not in activity_type.dimensions
    ]


def _evidence_type_misfits(
    toolkit: Toolkit, activity_type: ActivityType, evidence_type: str
) -> list[Problem]:
    if not activity_type.evidence_types or evidence_type in activity_type.evidence_types:
        return []
    found = toolkit.evidence_type(evidence_type)
    if found is None:
        return []  # reported as unknown_evidence_type already
    listed = ", ".join(_evidence_type_name(toolkit, key) for key in activity_type.evidence_types)
    return [
        Problem(
            EVIDENCE_TYPE_OFF_LIST,
            f"{activity_type.name} produces {listed}; {found.name} is not among them.",
            "evidence_type",
        )
    ]


def activity_rule_problems(
    toolkit: Toolkit, activity_type: ActivityType | None, dimensions: Sequence[str]
) -> list[Problem]:
    """The activity's dimensions its type does not list, when the type's lists are rules."""
    if activity_type is None or not activity_type.lists_are_rules:
        return []
    return _dimension_misfits(toolkit, activity_type, dimensions)


def evidence_rule_problems(
    toolkit: Toolkit, activity_type: ActivityType | None, evidence_type: str
) -> list[Problem]:
    """Evidence of a type its activity's type does not list, when the lists are rules."""
    if activity_type is None or not activity_type.lists_are_rules:
        return []
    return _evidence_type_misfits(toolkit, activity_type, evidence_type)


def activity_advice(
    toolkit: Toolkit, activity_type_key: str, dimensions: Sequence[str]
) -> list[Advice]:
    """Advice on an activity's dimensions its type does not suggest (suggestion lists)."""
    activity_type = toolkit.activity_type(activity_type_key)
    if activity_type is None or activity_type.lists_are_rules:
        return []
    return _as_advice(_dimension_misfits(toolkit, activity_type, tuple(dimensions)))


def evidence_advice(
    toolkit: Toolkit, activity_type_key: str | None, evidence_type: str
) -> list[Advice]:
    """Advice on evidence of a type its activity's type does not suggest."""
    activity_type = None if activity_type_key is None else toolkit.activity_type(activity_type_key)
    if activity_type is None or activity_type.lists_are_rules:
        return []
    return _as_advice(_evidence_type_misfits(toolkit, activity_type, evidence_type))


def _as_advice(problems: Sequence[Problem]) -> list[Advice]:
    return [
        Advice(problem.code, f"{problem.message} The list is a suggestion: the record is kept.")
        for problem in problems
    ]


def _dimension_name(toolkit: Toolkit, key: str) -> str:
    found = toolkit.dimension(key)
    return key if found is None else found.name


def _evidence_type_name(toolkit: Toolkit, key: str) -> str:
    found = toolkit.evidence_type(key)
    return key if found is None else found.name
