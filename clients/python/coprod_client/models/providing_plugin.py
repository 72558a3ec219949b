from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ProvidingPlugin")


@_attrs_define
class ProvidingPlugin:
    """
    Attributes:
        name (str): The plugin's name (its entry point), as GET /plugins lists it.
        version (str): The installed version of the plugin's package.
    """

    name: str
    version: str

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        version = d.pop("version")

        providing_plugin = cls(
            name=name,
            version=version,
        )

        return providing_plugin
