from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Plugin")


@_attrs_define
class Plugin:
    """
    Attributes:
        hooks (list[str]):
        module (str):
        name (str):
        rules_for (list[str]):
        status (str):  Example: loaded.
        toolkits (list[str]):
        version (str):
    """

    hooks: list[str]
    module: str
    name: str
    rules_for: list[str]
    status: str
    toolkits: list[str]
    version: str

    def to_dict(self) -> dict[str, Any]:
        hooks = self.hooks

        module = self.module

        name = self.name

        rules_for = self.rules_for

        status = self.status

        toolkits = self.toolkits

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "hooks": hooks,
                "module": module,
                "name": name,
                "rules_for": rules_for,
                "status": status,
                "toolkits": toolkits,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hooks = cast(list[str], d.pop("hooks"))

        module = d.pop("module")

        name = d.pop("name")

        rules_for = cast(list[str], d.pop("rules_for"))

        status = d.pop("status")

        toolkits = cast(list[str], d.pop("toolkits"))

        version = d.pop("version")

        plugin = cls(
            hooks=hooks,
            module=module,
            name=name,
            rules_for=rules_for,
            status=status,
            toolkits=toolkits,
            version=version,
        )

        return plugin
