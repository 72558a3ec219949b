from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="RequirementStatus")


@_attrs_define
class RequirementStatus:
    """
    Attributes:
        checked (bool): Whether a rule of the toolkit checks it before a move.
        key (str): Stable within the stage.
        met (bool | None): Whether the initiative meets it now: null when no rule checks it or no move leaves the stage.
        text (str): What is needed, in the toolkit's words.
    """

    checked: bool
    key: str
    met: bool | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        checked = self.checked

        key = self.key

        met: bool | None
        met = self.met

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "checked": checked,
                "key": key,
                "met": met,
                "text": text,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        checked = d.pop("checked")

        key = d.pop("key")

        def _parse_met(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        met = _parse_met(d.pop("met"))

        text = d.pop("text")

        requirement_status = cls(
            checked=checked,
            key=key,
            met=met,
            text=text,
        )

        return requirement_status
