from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="AssessmentSummary")


@_attrs_define
class AssessmentSummary:
    """
    Attributes:
        band (None | str): The scale's band for the total; null when the scale has no bands or not every dimension is
            rated.
        count (int): How many dimensions are rated.
        headline (str): One sentence for people.
        lowest (list[str]): The dimensions rated lowest.
        maximum (int):
        mean (float):
        minimum (int):
        notes (list[str]): The plugin's reading.
        scale (str):
        summarised_by (str): The plugin that wrote the summary, or core.
        total (int):
        unrated (list[str]): The toolkit's dimensions not rated.
    """

    band: None | str
    count: int
    headline: str
    lowest: list[str]
    maximum: int
    mean: float
    minimum: int
    notes: list[str]
    scale: str
    summarised_by: str
    total: int
    unrated: list[str]

    def to_dict(self) -> dict[str, Any]:
        band: None | str
        band = self.band

        count = self.count

        headline = self.headline

        lowest = self.lowest

        maximum = self.maximum

        mean = self.mean

        minimum = self.minimum

        notes = self.notes

        scale = self.scale

        summarised_by = self.summarised_by

        total = self.total

        unrated = self.unrated

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "band": band,
                "count": count,
                "headline": headline,
                "lowest": lowest,
                "maximum": maximum,
                "mean": mean,
                "minimum": minimum,
                "notes": notes,
                "scale": scale,
                "summarised_by": summarised_by,
                "total": total,
                "unrated": unrated,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_band(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        band = _parse_band(d.pop("band"))

        count = d.pop("count")

        headline = d.pop("headline")

        lowest = cast(list[str], d.pop("lowest"))

        maximum = d.pop("maximum")

        mean = d.pop("mean")

        minimum = d.pop("minimum")

        notes = cast(list[str], d.pop("notes"))

        scale = d.pop("scale")

        summarised_by = d.pop("summarised_by")

        total = d.pop("total")

        unrated = cast(list[str], d.pop("unrated"))

        assessment_summary = cls(
            band=band,
            count=count,
            headline=headline,
            lowest=lowest,
            maximum=maximum,
            mean=mean,
            minimum=minimum,
            notes=notes,
            scale=scale,
            summarised_by=summarised_by,
            total=total,
            unrated=unrated,
        )

        return assessment_summary
