from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.field_error_location import FieldErrorLocation
from ..types import UNSET, Unset

T = TypeVar("T", bound="FieldError")


@_attrs_define
class FieldError:
    """
    Attributes:
        code (str | Unset): stable, machine-readable
        field (str | Unset): path to the field, parts joined by / Example: title.
        location (FieldErrorLocation | Unset): Where in the request the problem is: json: the JSON body; query: a query
            parameter; path: a part of the path (an id or a key); header: a request header (If-Match, If-None-Match,
            Idempotency-Key); files: the file of a multipart upload (PUT /evidence/{evidence_id}/file); body: the body as a
            whole, where it is not JSON (the lines of POST /bulk). Example: json.
        message (str | Unset):
        plugin (str | Unset): the plugin whose rule spoke, when one did
    """

    code: str | Unset = UNSET
    field: str | Unset = UNSET
    location: FieldErrorLocation | Unset = UNSET
    message: str | Unset = UNSET
    plugin: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        field = self.field

        location: str | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.value

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

        _location = d.pop("location", UNSET)
        location: FieldErrorLocation | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = FieldErrorLocation(_location)

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
