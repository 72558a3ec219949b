from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ScaleLevel")


@_attrs_define
class ScaleLevel:
    """
    Attributes:
        group (None | str): The group of points it belongs to, if any.
        label (str): Its label, for people.
        summary (str): What the point means.
        value (int): The rating's value.
    """

    group: None | str
    label: str
    summary: str
    value: int

    def to_dict(self) -> dict[str, Any]:
        group: None | str
        group = self.group

        label = self.label

        summary = self.summary

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "group": group,
                "label": label,
                "summary": summary,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_group(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        group = _parse_group(d.pop("group"))

        label = d.pop("label")

        summary = d.pop("summary")

        value = d.pop("value")

        scale_level = cls(
            group=group,
            label=label,
            summary=summary,
            value=value,
        )

        return scale_level
