from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ProblemBlocker")


@_attrs_define
class ProblemBlocker:
    """
    Attributes:
        code (str | Unset): stable, machine-readable
        message (str | Unset): what would lift the blocker
        plugin (str | Unset): whose rule it is (core or a plugin)
    """

    code: str | Unset = UNSET
    message: str | Unset = UNSET
    plugin: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        plugin = self.plugin

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if plugin is not UNSET:
            field_dict["plugin"] = plugin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code", UNSET)

        message = d.pop("message", UNSET)

        plugin = d.pop("plugin", UNSET)

        problem_blocker = cls(
            code=code,
            message=message,
            plugin=plugin,
        )

        return problem_blocker
