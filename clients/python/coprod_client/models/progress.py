from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.move import Move


T = TypeVar("T", bound="Progress")


@_attrs_define
class Progress:
    """
    Attributes:
        cycle (int):
        initiative_id (str):
        moves (list[Move]): Each move the toolkit's flow allows from here, and what blocks it.
        reached_stages (list[str]):
        stage (str):
        toolkit (str):
    """

    cycle: int
    initiative_id: str
    moves: list[Move]
    reached_stages: list[str]
    stage: str
    toolkit: str

    def to_dict(self) -> dict[str, Any]:
        cycle = self.cycle

        initiative_id = self.initiative_id

        moves = []
        for moves_item_data in self.moves:
            moves_item = moves_item_data.to_dict()
            moves.append(moves_item)

        reached_stages = self.reached_stages

        stage = self.stage

        toolkit = self.toolkit

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cycle": cycle,
                "initiative_id": initiative_id,
                "moves": moves,
                "reached_stages": reached_stages,
                "stage": stage,
                "toolkit": toolkit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.move import Move  # noqa: PLC0415

        d = dict(src_dict)
        cycle = d.pop("cycle")

        initiative_id = d.pop("initiative_id")

        moves = []
        _moves = d.pop("moves")
        for moves_item_data in _moves:
            moves_item = Move.from_dict(moves_item_data)

            moves.append(moves_item)

        reached_stages = cast(list[str], d.pop("reached_stages"))

        stage = d.pop("stage")

        toolkit = d.pop("toolkit")

        progress = cls(
            cycle=cycle,
            initiative_id=initiative_id,
            moves=moves,
            reached_stages=reached_stages,
            stage=stage,
            toolkit=toolkit,
        )

        return progress
