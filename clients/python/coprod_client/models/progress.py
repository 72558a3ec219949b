from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.move import Move
    from ..models.requirement_status import RequirementStatus


T = TypeVar("T", bound="Progress")


@_attrs_define
class Progress:
    """
    Attributes:
        cycle (int): The current round, from 1.
        initiative_id (str):
        moves (list[Move]): Each move the toolkit's flow allows from here, and what blocks it.
        reached_stages (list[str]):
        requirements (list[RequirementStatus]): What the current stage needs before the initiative leaves it.
        stage (str):
        status (str): active: everything may be written. paused: the stage does not move (transitions and new rounds are
            refused with 409 initiative_paused), while records may still be added and changed. completed: nothing more is
            recorded and the stage does not move (409 initiative_completed for creating, changing or deleting participants,
            activities, evidence, files and assessments, and for transitions). archived: read-only (409 initiative_archived
            for all of those, and for changing the initiative's own fields other than its status). In every status,
            withdrawing consent (a change that only sets consent or publication_consent to withdrawn, and visibility away
            from public), deleting a participant and erasing one are allowed. Setting the status back to active reopens the
            initiative.
        toolkit (str):
    """

    cycle: int
    initiative_id: str
    moves: list[Move]
    reached_stages: list[str]
    requirements: list[RequirementStatus]
    stage: str
    status: str
    toolkit: str

    def to_dict(self) -> dict[str, Any]:
        cycle = self.cycle

        initiative_id = self.initiative_id

        moves = []
        for moves_item_data in self.moves:
            moves_item = moves_item_data.to_dict()
            moves.append(moves_item)

        reached_stages = self.reached_stages

        requirements = []
        for requirements_item_data in self.requirements:
            requirements_item = requirements_item_data.to_dict()
            requirements.append(requirements_item)

        stage = self.stage

        status = self.status

        toolkit = self.toolkit

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cycle": cycle,
                "initiative_id": initiative_id,
                "moves": moves,
                "reached_stages": reached_stages,
                "requirements": requirements,
                "stage": stage,
                "status": status,
                "toolkit": toolkit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.move import Move  # noqa: PLC0415
        from ..models.requirement_status import RequirementStatus  # noqa: PLC0415

        d = dict(src_dict)
        cycle = d.pop("cycle")

        initiative_id = d.pop("initiative_id")

        moves = []
        _moves = d.pop("moves")
        for moves_item_data in _moves:
            moves_item = Move.from_dict(moves_item_data)

            moves.append(moves_item)

        reached_stages = cast(list[str], d.pop("reached_stages"))

        requirements = []
        _requirements = d.pop("requirements")
        for requirements_item_data in _requirements:
            requirements_item = RequirementStatus.from_dict(requirements_item_data)

            requirements.append(requirements_item)

        stage = d.pop("stage")

        status = d.pop("status")

        toolkit = d.pop("toolkit")

        progress = cls(
            cycle=cycle,
            initiative_id=initiative_id,
            moves=moves,
            reached_stages=reached_stages,
            requirements=requirements,
            stage=stage,
            status=status,
            toolkit=toolkit,
        )

        return progress
