from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Advice")


@_attrs_define
class Advice:
    """
    Attributes:
        code (str): Stable and machine-readable.
        message (str): What the toolkit suggests.
        plugin (str): Whose rule it is (a plugin).
    """

    code: str
    message: str
    plugin: str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        plugin = self.plugin

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "message": message,
                "plugin": plugin,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        plugin = d.pop("plugin")

        advice = cls(
            code=code,
            message=message,
            plugin=plugin,
        )

        return advice
