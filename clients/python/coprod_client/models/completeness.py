from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.blocker import Blocker


T = TypeVar("T", bound="Completeness")


@_attrs_define
class Completeness:
    """
    Attributes:
        blockers (list[Blocker]): What is missing or thin, in the form of transition blockers.
        complete (bool): True when nothing is missing.
    """

    blockers: list[Blocker]
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        blockers = []
        for blockers_item_data in self.blockers:
            blockers_item = blockers_item_data.to_dict()
            blockers.append(blockers_item)

        complete = self.complete

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "blockers": blockers,
                "complete": complete,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.blocker import Blocker  # noqa: PLC0415

        d = dict(src_dict)
        blockers = []
        _blockers = d.pop("blockers")
        for blockers_item_data in _blockers:
            blockers_item = Blocker.from_dict(blockers_item_data)

            blockers.append(blockers_item)

        complete = d.pop("complete")

        completeness = cls(
            blockers=blockers,
            complete=complete,
        )

        return completeness
