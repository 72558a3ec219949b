from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TransitionRequest")


@_attrs_define
class TransitionRequest:
    """
    Attributes:
        to_stage (str): The stage to move to.
        note (str | Unset): Why, or what was agreed. Default: ''.
    """

    to_stage: str
    note: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        to_stage = self.to_stage

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to_stage": to_stage,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        to_stage = d.pop("to_stage")

        note = d.pop("note", UNSET)

        transition_request = cls(
            to_stage=to_stage,
            note=note,
        )

        return transition_request
