from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ToolkitCounts")


@_attrs_define
class ToolkitCounts:
    """
    Attributes:
        activity_types (int): Activity types.
        dimensions (int): Dimensions.
        evidence_types (int): Evidence types.
        scales (int): Rating scales.
        stages (int): Stages.
    """

    activity_types: int
    dimensions: int
    evidence_types: int
    scales: int
    stages: int

    def to_dict(self) -> dict[str, Any]:
        activity_types = self.activity_types

        dimensions = self.dimensions

        evidence_types = self.evidence_types

        scales = self.scales

        stages = self.stages

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activity_types": activity_types,
                "dimensions": dimensions,
                "evidence_types": evidence_types,
                "scales": scales,
                "stages": stages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        activity_types = d.pop("activity_types")

        dimensions = d.pop("dimensions")

        evidence_types = d.pop("evidence_types")

        scales = d.pop("scales")

        stages = d.pop("stages")

        toolkit_counts = cls(
            activity_types=activity_types,
            dimensions=dimensions,
            evidence_types=evidence_types,
            scales=scales,
            stages=stages,
        )

        return toolkit_counts
