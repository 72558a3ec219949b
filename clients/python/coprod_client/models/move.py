from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.advice import Advice
    from ..models.blocker import Blocker


T = TypeVar("T", bound="Move")


@_attrs_define
class Move:
    """
    Attributes:
        advice (list[Advice]): Notes on the move from the toolkit's rules; never block it.
        allowed (bool):
        blockers (list[Blocker]):
        kind (None | str): advance, revisit or new_cycle
        new_round (bool): Send new_round true with to_stage to make this move.
        to_stage (str):
    """

    advice: list[Advice]
    allowed: bool
    blockers: list[Blocker]
    kind: None | str
    new_round: bool
    to_stage: str

    def to_dict(self) -> dict[str, Any]:
        advice = []
        for advice_item_data in self.advice:
            advice_item = advice_item_data.to_dict()
            advice.append(advice_item)

        allowed = self.allowed

        blockers = []
        for blockers_item_data in self.blockers:
            blockers_item = blockers_item_data.to_dict()
            blockers.append(blockers_item)

        kind: None | str
        kind = self.kind

        new_round = self.new_round

        to_stage = self.to_stage

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "advice": advice,
                "allowed": allowed,
                "blockers": blockers,
                "kind": kind,
                "new_round": new_round,
                "to_stage": to_stage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.advice import Advice  # noqa: PLC0415
        from ..models.blocker import Blocker  # noqa: PLC0415

        d = dict(src_dict)
        advice = []
        _advice = d.pop("advice")
        for advice_item_data in _advice:
            advice_item = Advice.from_dict(advice_item_data)

            advice.append(advice_item)

        allowed = d.pop("allowed")

        blockers = []
        _blockers = d.pop("blockers")
        for blockers_item_data in _blockers:
            blockers_item = Blocker.from_dict(blockers_item_data)

            blockers.append(blockers_item)

        def _parse_kind(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        kind = _parse_kind(d.pop("kind"))

        new_round = d.pop("new_round")

        to_stage = d.pop("to_stage")

        move = cls(
            advice=advice,
            allowed=allowed,
            blockers=blockers,
            kind=kind,
            new_round=new_round,
            to_stage=to_stage,
        )

        return move
