"""Checks a toolkit definition before the host accepts it.

Everything a plugin author can get wrong in a definition is found here, at start-up,
and reported all at once with a path to the offending field: a wrong definition caught
when an initiative is half-way through its stages would be found by the wrong person.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from toolkits_core._evidence_kinds import EvidenceKind
from toolkits_core._vocabulary import (
    ActivityType,
    Dimension,
    EvidenceType,
    Indicator,
    ListsAre,
    Requirement,
    Scale,
    ScaleBand,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
)

KEY_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*", re.ASCII)
KEY_MAX_LENGTH = 64
# semver.org's recommended expression, anchored.
SEMVER_PATTERN = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?",
    re.ASCII,
)
_SPDX_ID = r"(?:LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9][A-Za-z0-9.-]*\+?)"
SPDX_PATTERN = re.compile(rf"{_SPDX_ID}(?: (?:AND|OR|WITH) {_SPDX_ID})*", re.ASCII)
"""The shape of an SPDX licence expression (``CC-BY-4.0``, ``MIT OR Apache-2.0``). The
shape only: the SPDX list grows, and a plugin may use a licence newer than this coprod."""
URL_PATTERN = re.compile(r"https?://[^\s/$.?#][^\s]*", re.ASCII)


class _Problems:
    """Collects problems, each prefixed with the path of the field it is about."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")

    def key(self, path: str, value: object) -> None:
        if not isinstance(value, str) or not value:
            self.add(path, "must be a non-empty string")
        elif len(value) > KEY_MAX_LENGTH or not KEY_PATTERN.fullmatch(value):
            self.add(
                path,
                f"{value!r} is not a valid key (lower-case letters and digits, "
                f"words joined by '-' or '_', at most {KEY_MAX_LENGTH} characters)",
            )

    def text(self, path: str, value: object, *, required: bool = True) -> None:
        if not isinstance(value, str):
            self.add(path, "must be a string")
        elif required and not value.strip():
            self.add(path, "must not be empty")

    def sequence_of(self, path: str, value: object, kind: type) -> list[Any]:
        """The items of ``value`` that are ``kind`` instances; reports the others."""
        if not isinstance(value, tuple):
            self.add(path, f"must be a sequence of {kind.__name__}")
            return []
        good = []
        for index, item in enumerate(value):
            if isinstance(item, kind):
                good.append(item)
            else:
                self.add(
                    f"{path}[{index}]", f"must be a {kind.__name__}, not {type(item).__name__}"
                )
        return good

    def unique(self, path: str, keys: Iterable[object]) -> None:
        # Keys that are not strings were reported by key(); counting them could not work.
        for key, count in Counter(k for k in keys if isinstance(k, str)).items():
            if count > 1:
                self.add(path, f"key {key!r} is used {count} times")

    def references(self, path: str, value: object, known: set[str], what: str) -> None:
        if not isinstance(value, tuple):
            self.add(path, f"must be a sequence of {what} keys")
            return
        for index, ref in enumerate(value):
            if not isinstance(ref, str) or ref not in known:
                self.add(f"{path}[{index}]", f"no {what} has the key {ref!r}")


def check_toolkit(toolkit: object) -> list[str]:
    """Every problem with a toolkit definition, as ``"path: message"`` lines.

    An empty list means the definition may be registered.
    """
    problems = _Problems()
    if not isinstance(toolkit, Toolkit):
        problems.add("toolkit", f"must be a Toolkit, not {type(toolkit).__name__}")
        return problems.items

    problems.key("key", toolkit.key)
    for name in ("name", "summary", "publisher", "licence", "attribution"):
        problems.text(name, getattr(toolkit, name))
    if not isinstance(toolkit.version, str) or not SEMVER_PATTERN.fullmatch(toolkit.version):
        problems.add("version", f"{toolkit.version!r} is not a semantic version such as '1.0.0'")
    if not isinstance(toolkit.source_url, str) or not URL_PATTERN.fullmatch(toolkit.source_url):
        problems.add("source_url", f"{toolkit.source_url!r} is not an http(s) URL")
    problems.text("adapted_from", toolkit.adapted_from, required=False)
    if not isinstance(toolkit.licence_id, str) or (
        toolkit.licence_id and not SPDX_PATTERN.fullmatch(toolkit.licence_id)
    ):
        problems.add(
            "licence_id",
            f"{toolkit.licence_id!r} is not an SPDX licence id such as 'CC-BY-4.0' "
            "(or 'LicenseRef-<name>' for a licence SPDX does not list)",
        )
    if not isinstance(toolkit.stage_flow, StageFlow):
        problems.add("stage_flow", f"must be a StageFlow, not {toolkit.stage_flow!r}")
    if not isinstance(toolkit.allows_new_rounds, bool):
        problems.add(
            "allows_new_rounds", f"must be True or False, not {toolkit.allows_new_rounds!r}"
        )

    stages = problems.sequence_of("stages", toolkit.stages, Stage)
    if not toolkit.stages:
        problems.add("stages", "a toolkit needs at least one stage")
    dimensions = problems.sequence_of("dimensions", toolkit.dimensions, Dimension)
    scales = problems.sequence_of("scales", toolkit.scales, Scale)
    activity_types = problems.sequence_of("activity_types", toolkit.activity_types, ActivityType)
    evidence_types = problems.sequence_of("evidence_types", toolkit.evidence_types, EvidenceType)

    _check_stages(problems, stages)
    _check_dimensions(problems, dimensions)
    for index, scale in enumerate(scales):
        _check_scale(problems, f"scales[{index}]", scale, len(dimensions))
    problems.unique("scales", (scale.key for scale in scales))
    if scales and not dimensions:
        problems.add("scales", "a scale rates dimensions, and this toolkit has none")
    for index, evidence_type in enumerate(evidence_types):
        _check_evidence_type(problems, f"evidence_types[{index}]", evidence_type)
    problems.unique("evidence_types", (item.key for item in evidence_types))

    stage_keys = _keys(stages)
    dimension_keys = _keys(dimensions)
    evidence_keys = _keys(evidence_types)
    for index, evidence_type in enumerate(evidence_types):
        path = f"evidence_types[{index}].stages"
        problems.references(path, evidence_type.stages, stage_keys, "stage")
    for index, activity in enumerate(activity_types):
        path = f"activity_types[{index}]"
        problems.key(f"{path}.key", activity.key)
        problems.text(f"{path}.name", activity.name)
        problems.text(f"{path}.summary", activity.summary)
        problems.references(f"{path}.stages", activity.stages, stage_keys, "stage")
        problems.references(f"{path}.dimensions", activity.dimensions, dimension_keys, "dimension")
        problems.references(
            f"{path}.evidence_types", activity.evidence_types, evidence_keys, "evidence type"
        )
        if not isinstance(activity.lists_are, ListsAre):
            choices = " or ".join(repr(item.value) for item in ListsAre)
            problems.add(f"{path}.lists_are", f"must be {choices}, not {activity.lists_are!r}")
    problems.unique("activity_types", (item.key for item in activity_types))
    return problems.items


def _keys(items: Sequence[Any]) -> set[str]:
    """The string keys among ``items`` (a key of another type is reported elsewhere)."""
    return {item.key for item in items if isinstance(item.key, str)}


def _check_stages(problems: _Problems, stages: Sequence[Stage]) -> None:
    for index, stage in enumerate(stages):
        problems.key(f"stages[{index}].key", stage.key)
        problems.text(f"stages[{index}].name", stage.name)
        problems.text(f"stages[{index}].summary", stage.summary)
        problems.text(f"stages[{index}].guidance", stage.guidance, required=False)
        _check_requirements(problems, f"stages[{index}].requirements", stage.requirements)
    problems.unique("stages", (stage.key for stage in stages))


def _check_requirements(problems: _Problems, path: str, value: object) -> None:
    """A stage's requirements (plugin API 1.2): keyed, worded, unique within the stage."""
    requirements = problems.sequence_of(path, value, Requirement)
    for index, requirement in enumerate(requirements):
        problems.key(f"{path}[{index}].key", requirement.key)
        problems.text(f"{path}[{index}].text", requirement.text)
        if not isinstance(requirement.checked, bool):
            problems.add(f"{path}[{index}].checked", "must be True or False")
    problems.unique(path, (requirement.key for requirement in requirements))


def _check_dimensions(problems: _Problems, dimensions: Sequence[Dimension]) -> None:
    indicator_keys: list[str] = []
    for index, dimension in enumerate(dimensions):
        path = f"dimensions[{index}]"
        problems.key(f"{path}.key", dimension.key)
        problems.text(f"{path}.name", dimension.name)
        problems.text(f"{path}.summary", dimension.summary)
        problems.text(f"{path}.group", dimension.group, required=False)
        indicators = problems.sequence_of(f"{path}.indicators", dimension.indicators, Indicator)
        for position, indicator in enumerate(indicators):
            problems.key(f"{path}.indicators[{position}].key", indicator.key)
            problems.text(f"{path}.indicators[{position}].text", indicator.text)
            indicator_keys.append(indicator.key)
    problems.unique("dimensions", (dimension.key for dimension in dimensions))
    # Indicator keys are unique across the toolkit, so evidence can cite one by key alone.
    problems.unique("dimensions[*].indicators", indicator_keys)


def _check_scale(problems: _Problems, path: str, scale: Scale, dimensions: int) -> None:
    problems.key(f"{path}.key", scale.key)
    problems.text(f"{path}.name", scale.name)
    problems.text(f"{path}.summary", scale.summary)
    problems.text(f"{path}.provenance", scale.provenance, required=False)
    levels = problems.sequence_of(f"{path}.levels", scale.levels, ScaleLevel)
    if isinstance(scale.levels, tuple) and len(scale.levels) < 2:
        problems.add(f"{path}.levels", "a scale needs at least two levels")
    for index, level in enumerate(levels):
        if isinstance(level.value, bool) or not isinstance(level.value, int):
            problems.add(f"{path}.levels[{index}].value", "must be an integer")
        problems.text(f"{path}.levels[{index}].label", level.label)
        problems.text(f"{path}.levels[{index}].group", level.group, required=False)
    values = [level.value for level in levels if isinstance(level.value, int)]
    if values != sorted(set(values)):
        problems.add(
            f"{path}.levels", f"values must rise strictly from first to last, got {values}"
        )
    labels = [level.label for level in levels]
    for label, count in Counter(labels).items():
        if count > 1:
            problems.add(f"{path}.levels", f"label {label!r} is used {count} times")

    bands = problems.sequence_of(f"{path}.bands", scale.bands, ScaleBand)
    previous: ScaleBand | None = None
    for index, band in enumerate(bands):
        band_path = f"{path}.bands[{index}]"
        problems.text(f"{band_path}.label", band.label)
        if not all(
            isinstance(end, int) and not isinstance(end, bool)
            for end in (band.minimum, band.maximum)
        ):
            problems.add(band_path, "minimum and maximum must be integers")
            continue
        if band.minimum > band.maximum:
            problems.add(band_path, f"minimum {band.minimum} is above maximum {band.maximum}")
        if previous is not None and band.minimum != previous.maximum + 1:
            problems.add(
                band_path,
                f"starts at {band.minimum} but the band before ends at {previous.maximum}: "
                "bands must rise without gaps or overlaps",
            )
        previous = band
    _check_band_range(problems, path, scale, values, dimensions)


def _check_band_range(
    problems: _Problems, path: str, scale: Scale, values: list[int], dimensions: int
) -> None:
    """Bands are read against the total over every dimension, so they must span its range."""
    bands = (
        [b for b in scale.bands if isinstance(b, ScaleBand)]
        if isinstance(scale.bands, tuple)
        else []
    )
    if not bands or not values or dimensions == 0:
        return
    ends = (bands[0].minimum, bands[-1].maximum)
    reachable = (min(values) * dimensions, max(values) * dimensions)
    if ends != reachable:
        problems.add(
            f"{path}.bands",
            f"cover totals {ends[0]}-{ends[1]}, but the total of {dimensions} dimension(s) "
            f"rated on this scale runs from {reachable[0]} to {reachable[1]}",
        )


def _check_evidence_type(problems: _Problems, path: str, evidence_type: EvidenceType) -> None:
    problems.key(f"{path}.key", evidence_type.key)
    problems.text(f"{path}.name", evidence_type.name)
    problems.text(f"{path}.summary", evidence_type.summary)
    if not isinstance(evidence_type.kind, EvidenceKind):
        known = ", ".join(kind.value for kind in EvidenceKind)
        problems.add(f"{path}.kind", f"{evidence_type.kind!r} is not an EvidenceKind ({known})")
    if evidence_type.payload_schema is None:
        return
    if not isinstance(evidence_type.payload_schema, Mapping):
        problems.add(
            f"{path}.payload_schema",
            f"must be a JSON Schema object (a mapping), not {evidence_type.payload_schema!r}",
        )
        return
    schema = evidence_type.json_schema()
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        location = "/".join(str(part) for part in error.path) or "(root)"
        problems.add(
            f"{path}.payload_schema", f"not valid JSON Schema at {location}: {error.message}"
        )
        return
    if schema.get("type") != "object":
        problems.add(f"{path}.payload_schema", 'must describe an object ("type": "object")')
