from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Requirement")


@_attrs_define
class Requirement:
    """
    Attributes:
        checked (bool): Whether a rule of the toolkit checks it before the initiative leaves the stage (progress then
            says whether it is met).
        key (str): Stable within the stage.
        text (str): What is needed, in the toolkit's words.
    """

    checked: bool
    key: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        checked = self.checked

        key = self.key

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "checked": checked,
                "key": key,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        checked = d.pop("checked")

        key = d.pop("key")

        text = d.pop("text")

        requirement = cls(
            checked=checked,
            key=key,
            text=text,
        )

        return requirement
