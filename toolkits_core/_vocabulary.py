"""The vocabulary a toolkit is described in: frozen, typed definitions.

A toolkit is data, not code. Plugins build these objects and hand them to the host
through the ``coprod_register_toolkits`` hook; the host validates them (see
``_definition_checks``) before anything else may use them. Sequences given as lists are
stored as tuples so that a registered definition cannot change under the host's feet.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from toolkits_core._evidence_kinds import EvidenceKind, default_payload_schema
from toolkits_core._frozen import freeze, freeze_fields, thaw


class StageFlow(enum.StrEnum):
    """How an initiative may move between a toolkit's stages.

    Every flow moves forward one stage at a time (no skipping, so that each stage's
    gate is always asked); they differ in what happens behind and after the last stage.
    """

    SEQUENTIAL = "sequential"
    """Forward only; the last stage is the end of the road."""
    REVISITABLE = "revisitable"
    """Forward one stage at a time, and back to any stage already reached."""
    CYCLIC = "cyclic"
    """Forward one stage at a time; after the last stage a new cycle starts at the first."""
    ITERATIVE = "iterative"
    """Rounds that can loop back (plugin API 1.1): forward one stage at a time, back to any
    earlier stage of the current round (a ``revisit``), and from the last stage round to
    the first, starting a new round (a ``new_cycle``). From the last stage, the first
    stage always means a new round; going back to it within the round is from any other."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a stage needs before an initiative leaves it, in the plugin's words (plugin API
    1.2), published so that people see it before a blocker tells them.

    ``key`` is stable and unique within the stage. ``checked`` says that the toolkit's
    transition rules enforce it with a ``Blocker`` whose ``code`` is ``key``: the core can
    then tell, for an initiative, whether it is met (the move out of the stage raises no
    blocker with that code). An unchecked requirement is guidance: published, and never
    reported as met or not met.
    """

    key: str
    text: str
    checked: bool = False


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a toolkit's process, such as a step, phase or point of a cycle.

    ``requirements`` (plugin API 1.2) say what the stage needs before an initiative leaves
    it; empty, the default, publishes none.
    """

    key: str
    name: str
    summary: str
    guidance: str = ""
    requirements: Sequence[Requirement] = ()

    def __post_init__(self) -> None:
        freeze_fields(self, "requirements")


@dataclass(frozen=True, slots=True)
class Indicator:
    """A sign that a dimension is being met: one line of an evidence checklist."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Dimension:
    """A mode, principle or standard that work is tagged with and assessed against.

    ``group`` lets a toolkit cluster dimensions (for example voice and action) without
    the core knowing what the clusters mean. ``indicators`` form the dimension's
    evidence checklist.
    """

    key: str
    name: str
    summary: str
    group: str = ""
    indicators: Sequence[Indicator] = ()

    def __post_init__(self) -> None:
        freeze_fields(self, "indicators")


@dataclass(frozen=True, slots=True)
class ScaleLevel:
    """One labelled point of an ordinal scale.

    ``group`` clusters neighbouring levels the way a ladder groups its rungs (for example
    "doing to", "doing for", "doing with"); the core gives it no meaning.
    """

    value: int
    label: str
    summary: str = ""
    group: str = ""


@dataclass(frozen=True, slots=True)
class ScaleBand:
    """A labelled range of totals (both ends included), such as 40-59 "starting out"."""

    minimum: int
    maximum: int
    label: str
    summary: str = ""

    def contains(self, total: float) -> bool:
        return self.minimum <= total <= self.maximum


@dataclass(frozen=True, slots=True)
class Scale:
    """An ordinal rating scheme with labelled levels and an optional banding of totals.

    ``provenance`` says where the scale comes from; a scale the plugin author devised
    (because the toolkit publishes none) must say so there.
    """

    key: str
    name: str
    summary: str
    levels: Sequence[ScaleLevel]
    bands: Sequence[ScaleBand] = ()
    provenance: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "levels", "bands")

    def level(self, value: int) -> ScaleLevel | None:
        return next((level for level in self.levels if level.value == value), None)

    def band_for(self, total: float) -> ScaleBand | None:
        return next((band for band in self.bands if band.contains(total)), None)


@dataclass(frozen=True, slots=True)
class EvidenceType:
    """Something that can be gathered as evidence, with the schema of its payload.

    ``payload_schema`` is a JSON Schema (draft 2020-12) for the payload object; leave it
    out to use the core's standard schema for the evidence ``kind``. ``stages`` (plugin
    API 1.1) lists the stages it may be recorded in; empty, the default, is any stage.
    """

    key: str
    name: str
    kind: EvidenceKind
    summary: str
    payload_schema: Mapping[str, Any] | None = field(default=None, hash=False)
    stages: Sequence[str] = ()

    def __post_init__(self) -> None:
        freeze_fields(self, "stages")
        if isinstance(self.payload_schema, Mapping):
            object.__setattr__(self, "payload_schema", freeze(self.payload_schema))

    def json_schema(self) -> dict[str, Any]:
        """The payload's JSON Schema as a fresh dict, ready to publish or validate with.

        Raises ``TypeError`` when the schema given is not a mapping (the definition checks
        report that before a toolkit is registered).
        """
        if self.payload_schema is None:
            return default_payload_schema(self.kind)
        if not isinstance(self.payload_schema, Mapping):
            raise TypeError(f"payload_schema must be a mapping, not {self.payload_schema!r}")
        schema: dict[str, Any] = thaw(self.payload_schema)
        return schema


class ListsAre(enum.StrEnum):
    """What an activity type's ``dimensions`` and ``evidence_types`` lists mean (plugin
    API 1.2).

    Either way an empty list restricts nothing and suggests nothing.
    """

    SUGGESTIONS = "suggestions"
    """What such an activity usually touches and produces: a record that strays from the
    lists is accepted, and the answer to the write carries advice saying so. The default,
    and what every list meant before plugin API 1.2."""
    RULES = "rules"
    """What such an activity may touch and produce: the core refuses (422) an activity
    naming a dimension its type does not list (``dimension_not_for_activity_type``), and
    evidence from it of a type its type does not list
    (``evidence_type_not_for_activity_type``)."""


@dataclass(frozen=True, slots=True)
class ActivityType:
    """Something that can be done in an initiative, such as a co-design workshop.

    ``stages`` lists where it fits (empty: any stage); ``dimensions`` what it touches;
    ``evidence_types`` what it produces. ``lists_are`` (plugin API 1.2) says whether those
    two lists are rules the core enforces or suggestions it only advises on; a plugin may
    give it as a ``ListsAre`` or as its string value.
    """

    key: str
    name: str
    summary: str
    stages: Sequence[str] = ()
    dimensions: Sequence[str] = ()
    evidence_types: Sequence[str] = ()
    lists_are: ListsAre = ListsAre.SUGGESTIONS

    def __post_init__(self) -> None:
        freeze_fields(self, "stages", "dimensions", "evidence_types")
        if not isinstance(self.lists_are, ListsAre) and self.lists_are in set(ListsAre):
            # A plain "rules" from an untyped plugin: kept as the enum, so that comparing
            # with ListsAre.RULES works. Anything else is left for the definition checks.
            object.__setattr__(self, "lists_are", ListsAre(self.lists_are))

    @property
    def lists_are_rules(self) -> bool:
        return self.lists_are is ListsAre.RULES


@dataclass(frozen=True, slots=True)
class Toolkit:
    """A co-production toolkit: its identity, attribution, process and vocabulary.

    The attribution, licence and source URL travel with the toolkit and are shown
    wherever it is shown: most toolkits are someone else's work, used with credit.
    ``licence`` is the licence in words; since plugin API 1.1, ``licence_id`` is its SPDX
    identifier (such as ``"CC-BY-4.0"``, or ``"LicenseRef-..."`` for one SPDX does not
    list) and ``adapted_from`` says what the toolkit was adapted from and how, as CC BY
    asks ("Adapted from ... : the stages renamed and the indicators added"); empty when
    the toolkit is the original work or unchanged.

    ``allows_new_rounds`` (plugin API 1.2) lets an initiative that has reached the last
    stage start a new round at the first, keeping what earlier rounds recorded; cyclic and
    iterative flows always allow it, so the flag matters for sequential and revisitable
    ones. The default, ``False``, means the stages run once.
    """

    key: str
    name: str
    version: str
    summary: str
    publisher: str
    licence: str
    attribution: str
    source_url: str
    stage_flow: StageFlow
    stages: Sequence[Stage]
    dimensions: Sequence[Dimension] = ()
    scales: Sequence[Scale] = ()
    activity_types: Sequence[ActivityType] = ()
    evidence_types: Sequence[EvidenceType] = ()
    licence_id: str = ""
    adapted_from: str = ""
    allows_new_rounds: bool = False

    def __post_init__(self) -> None:
        freeze_fields(self, "stages", "dimensions", "scales", "activity_types", "evidence_types")

    def has_rounds(self) -> bool:
        """Whether an initiative at the last stage may start a new round at the first."""
        return self.allows_new_rounds or self.stage_flow in {StageFlow.CYCLIC, StageFlow.ITERATIVE}

    def stage(self, key: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.key == key), None)

    def stage_index(self, key: str) -> int | None:
        return next((i for i, stage in enumerate(self.stages) if stage.key == key), None)

    def dimension(self, key: str) -> Dimension | None:
        return next((item for item in self.dimensions if item.key == key), None)

    def scale(self, key: str) -> Scale | None:
        return next((item for item in self.scales if item.key == key), None)

    def activity_type(self, key: str) -> ActivityType | None:
        return next((item for item in self.activity_types if item.key == key), None)

    def evidence_type(self, key: str) -> EvidenceType | None:
        return next((item for item in self.evidence_types if item.key == key), None)

    def indicator(self, key: str) -> tuple[Dimension, Indicator] | None:
        """The indicator with this key and the dimension whose checklist holds it."""
        for dimension in self.dimensions:
            for indicator in dimension.indicators:
                if indicator.key == key:
                    return dimension, indicator
        return None
