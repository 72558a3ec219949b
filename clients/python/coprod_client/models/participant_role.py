from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ParticipantRole")


@_attrs_define
class ParticipantRole:
    """
    Attributes:
        description (str): What it means, and how to choose it over a similar one.
        key (str): The value of a participant's role.
        label (str): A short name to show for it.
    """

    description: str
    key: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        key = self.key

        label = self.label

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "description": description,
                "key": key,
                "label": label,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description")

        key = d.pop("key")

        label = d.pop("label")

        participant_role = cls(
            description=description,
            key=key,
            label=label,
        )

        return participant_role
