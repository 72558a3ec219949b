from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Actor")


@_attrs_define
class Actor:
    """
    Attributes:
        channel (str): api, cli or system: how the change was made.
        key_id (None | str): The API key that made it (null for the command line).
    """

    channel: str
    key_id: None | str

    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        key_id: None | str
        key_id = self.key_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "channel": channel,
                "key_id": key_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        channel = d.pop("channel")

        def _parse_key_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key_id = _parse_key_id(d.pop("key_id"))

        actor = cls(
            channel=channel,
            key_id=key_id,
        )

        return actor
