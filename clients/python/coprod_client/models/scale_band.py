from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScaleBand")


@_attrs_define
class ScaleBand:
    """
    Attributes:
        label (str): The band's label.
        maximum (int): The highest total.
        minimum (int): The lowest total.
        summary (str): What a total in the band means.
    """

    label: str
    maximum: int
    minimum: int
    summary: str

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        maximum = self.maximum

        minimum = self.minimum

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "label": label,
                "maximum": maximum,
                "minimum": minimum,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        label = d.pop("label")

        maximum = d.pop("maximum")

        minimum = d.pop("minimum")

        summary = d.pop("summary")

        scale_band = cls(
            label=label,
            maximum=maximum,
            minimum=minimum,
            summary=summary,
        )

        return scale_band
