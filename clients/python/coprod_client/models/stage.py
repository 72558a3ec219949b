from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.requirement import Requirement


T = TypeVar("T", bound="Stage")


@_attrs_define
class Stage:
    """
    Attributes:
        guidance (str): Practice guidance for the people running the stage.
        key (str): The stage's key: what stage fields and transitions name.
        name (str): Its name, for people.
        position (int): Its place in the toolkit's order, from 1.
        requirements (list[Requirement]): What the stage needs before an initiative leaves it.
        summary (str): What happens in it.
    """

    guidance: str
    key: str
    name: str
    position: int
    requirements: list[Requirement]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        guidance = self.guidance

        key = self.key

        name = self.name

        position = self.position

        requirements = []
        for requirements_item_data in self.requirements:
            requirements_item = requirements_item_data.to_dict()
            requirements.append(requirements_item)

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "guidance": guidance,
                "key": key,
                "name": name,
                "position": position,
                "requirements": requirements,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.requirement import Requirement  # noqa: PLC0415

        d = dict(src_dict)
        guidance = d.pop("guidance")

        key = d.pop("key")

        name = d.pop("name")

        position = d.pop("position")

        requirements = []
        _requirements = d.pop("requirements")
        for requirements_item_data in _requirements:
            requirements_item = Requirement.from_dict(requirements_item_data)

            requirements.append(requirements_item)

        summary = d.pop("summary")

        stage = cls(
            guidance=guidance,
            key=key,
            name=name,
            position=position,
            requirements=requirements,
            summary=summary,
        )

        return stage
