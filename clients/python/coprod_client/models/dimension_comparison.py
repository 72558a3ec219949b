from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.dimension_comparison_ratings import DimensionComparisonRatings


T = TypeVar("T", bound="DimensionComparison")


@_attrs_define
class DimensionComparison:
    """
    Attributes:
        dimension (str):
        gap (int | None): Highest minus lowest rating; null unless two or more perspectives rated the dimension.
        rated_highest_by (list[str]):
        rated_lowest_by (list[str]):
        ratings (DimensionComparisonRatings): Perspective -> level, for every compared perspective; null where that
            perspective did not rate the dimension.
    """

    dimension: str
    gap: int | None
    rated_highest_by: list[str]
    rated_lowest_by: list[str]
    ratings: DimensionComparisonRatings

    def to_dict(self) -> dict[str, Any]:
        dimension = self.dimension

        gap: int | None
        gap = self.gap

        rated_highest_by = self.rated_highest_by

        rated_lowest_by = self.rated_lowest_by

        ratings = self.ratings.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dimension": dimension,
                "gap": gap,
                "rated_highest_by": rated_highest_by,
                "rated_lowest_by": rated_lowest_by,
                "ratings": ratings,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dimension_comparison_ratings import DimensionComparisonRatings  # noqa: PLC0415

        d = dict(src_dict)
        dimension = d.pop("dimension")

        def _parse_gap(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        gap = _parse_gap(d.pop("gap"))

        rated_highest_by = cast(list[str], d.pop("rated_highest_by"))

        rated_lowest_by = cast(list[str], d.pop("rated_lowest_by"))

        ratings = DimensionComparisonRatings.from_dict(d.pop("ratings"))

        dimension_comparison = cls(
            dimension=dimension,
            gap=gap,
            rated_highest_by=rated_highest_by,
            rated_lowest_by=rated_lowest_by,
            ratings=ratings,
        )

        return dimension_comparison
