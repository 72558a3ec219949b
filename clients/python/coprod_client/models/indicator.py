from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Indicator")


@_attrs_define
class Indicator:
    """
    Attributes:
        key (str): The indicator's key: what evidence's indicators field names.
        text (str): What the indicator asks, in the toolkit's words.
    """

    key: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        text = d.pop("text")

        indicator = cls(
            key=key,
            text=text,
        )

        return indicator
