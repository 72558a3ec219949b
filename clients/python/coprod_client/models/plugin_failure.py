from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PluginFailure")


@_attrs_define
class PluginFailure:
    """
    Attributes:
        name (str):
        phase (str):
        problem (str):
        status (str):  Example: failed.
    """

    name: str
    phase: str
    problem: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        phase = self.phase

        problem = self.problem

        status = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "phase": phase,
                "problem": problem,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        phase = d.pop("phase")

        problem = d.pop("problem")

        status = d.pop("status")

        plugin_failure = cls(
            name=name,
            phase=phase,
            problem=problem,
            status=status,
        )

        return plugin_failure
