from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FieldError")


@_attrs_define
class FieldError:
    """
    Attributes:
        code (str | Unset): stable, machine-readable
        field (str | Unset): path to the field, parts joined by / Example: title.
        location (str | Unset): json, query, path, header or files Example: json.
        message (str | Unset):
        plugin (str | Unset): the plugin whose rule spoke, when one did
    """

    code: str | Unset = UNSET
    field: str | Unset = UNSET
    location: str | Unset = UNSET
    message: str | Unset = UNSET
    plugin: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        field = self.field

        location = self.location

        message = self.message

        plugin = self.plugin

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if field is not UNSET:
            field_dict["field"] = field
        if location is not UNSET:
            field_dict["location"] = location
        if message is not UNSET:
            field_dict["message"] = message
        if plugin is not UNSET:
            field_dict["plugin"] = plugin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code", UNSET)

        field = d.pop("field", UNSET)

        location = d.pop("location", UNSET)

        message = d.pop("message", UNSET)

        plugin = d.pop("plugin", UNSET)

        field_error = cls(
            code=code,
            field=field,
            location=location,
            message=message,
            plugin=plugin,
        )

        return field_error
