from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="StageEntry")


@_attrs_define
class StageEntry:
    """
    Attributes:
        cycle (int): The round this entry belongs to.
        entered_at (datetime.datetime):
        from_stage (None | str):
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        initiative_id (str):
        kind (str): start, advance, revisit or new_cycle
        note (str):
        stage (str):
    """

    cycle: int
    entered_at: datetime.datetime
    from_stage: None | str
    id: str
    initiative_id: str
    kind: str
    note: str
    stage: str

    def to_dict(self) -> dict[str, Any]:
        cycle = self.cycle

        entered_at = self.entered_at.isoformat()

        from_stage: None | str
        from_stage = self.from_stage

        id = self.id

        initiative_id = self.initiative_id

        kind = self.kind

        note = self.note

        stage = self.stage

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cycle": cycle,
                "entered_at": entered_at,
                "from_stage": from_stage,
                "id": id,
                "initiative_id": initiative_id,
                "kind": kind,
                "note": note,
                "stage": stage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cycle = d.pop("cycle")

        entered_at = datetime.datetime.fromisoformat(d.pop("entered_at"))

        def _parse_from_stage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        from_stage = _parse_from_stage(d.pop("from_stage"))

        id = d.pop("id")

        initiative_id = d.pop("initiative_id")

        kind = d.pop("kind")

        note = d.pop("note")

        stage = d.pop("stage")

        stage_entry = cls(
            cycle=cycle,
            entered_at=entered_at,
            from_stage=from_stage,
            id=id,
            initiative_id=initiative_id,
            kind=kind,
            note=note,
            stage=stage,
        )

        return stage_entry
