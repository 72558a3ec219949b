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
        new_round (bool | Unset): Start a new round: from the last stage to the first (to_stage), where the toolkit
            allows new rounds (allows_new_rounds in GET /toolkits/{key}). Refused with 409 transition_refused and a blocker
            new_round_not_allowed, round_not_finished or new_round_at_first_stage. Default: False.
        note (str | Unset): Why, or what was agreed. Default: ''.
    """

    to_stage: str
    new_round: bool | Unset = False
    note: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        to_stage = self.to_stage

        new_round = self.new_round

        note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "to_stage": to_stage,
            }
        )
        if new_round is not UNSET:
            field_dict["new_round"] = new_round
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        to_stage = d.pop("to_stage")

        new_round = d.pop("new_round", UNSET)

        note = d.pop("note", UNSET)

        transition_request = cls(
            to_stage=to_stage,
            new_round=new_round,
            note=note,
        )

        return transition_request
