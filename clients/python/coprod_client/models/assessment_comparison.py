from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.compared_assessment import ComparedAssessment
    from ..models.dimension_comparison import DimensionComparison


T = TypeVar("T", bound="AssessmentComparison")


@_attrs_define
class AssessmentComparison:
    """
    Attributes:
        cycle (int):
        dimensions (list[DimensionComparison]): Every dimension rated from any perspective, side by side.
        gaps (list[DimensionComparison]): The dimensions the perspectives rate differently, widest gap first: where to
            talk next.
        initiative_id (str):
        perspectives (list[ComparedAssessment]): The latest assessment of each perspective compared.
        scale (str):
    """

    cycle: int
    dimensions: list[DimensionComparison]
    gaps: list[DimensionComparison]
    initiative_id: str
    perspectives: list[ComparedAssessment]
    scale: str

    def to_dict(self) -> dict[str, Any]:
        cycle = self.cycle

        dimensions = []
        for dimensions_item_data in self.dimensions:
            dimensions_item = dimensions_item_data.to_dict()
            dimensions.append(dimensions_item)

        gaps = []
        for gaps_item_data in self.gaps:
            gaps_item = gaps_item_data.to_dict()
            gaps.append(gaps_item)

        initiative_id = self.initiative_id

        perspectives = []
        for perspectives_item_data in self.perspectives:
            perspectives_item = perspectives_item_data.to_dict()
            perspectives.append(perspectives_item)

        scale = self.scale

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cycle": cycle,
                "dimensions": dimensions,
                "gaps": gaps,
                "initiative_id": initiative_id,
                "perspectives": perspectives,
                "scale": scale,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.compared_assessment import ComparedAssessment  # noqa: PLC0415
        from ..models.dimension_comparison import DimensionComparison  # noqa: PLC0415

        d = dict(src_dict)
        cycle = d.pop("cycle")

        dimensions = []
        _dimensions = d.pop("dimensions")
        for dimensions_item_data in _dimensions:
            dimensions_item = DimensionComparison.from_dict(dimensions_item_data)

            dimensions.append(dimensions_item)

        gaps = []
        _gaps = d.pop("gaps")
        for gaps_item_data in _gaps:
            gaps_item = DimensionComparison.from_dict(gaps_item_data)

            gaps.append(gaps_item)

        initiative_id = d.pop("initiative_id")

        perspectives = []
        _perspectives = d.pop("perspectives")
        for perspectives_item_data in _perspectives:
            perspectives_item = ComparedAssessment.from_dict(perspectives_item_data)

            perspectives.append(perspectives_item)

        scale = d.pop("scale")

        assessment_comparison = cls(
            cycle=cycle,
            dimensions=dimensions,
            gaps=gaps,
            initiative_id=initiative_id,
            perspectives=perspectives,
            scale=scale,
        )

        return assessment_comparison
