from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.activity_type_lists_are import ActivityTypeListsAre

T = TypeVar("T", bound="ActivityType")


@_attrs_define
class ActivityType:
    """
    Attributes:
        dimensions (list[str]): Keys of the dimensions it usually speaks to.
        evidence_types (list[str]): Keys of the evidence types it usually produces.
        key (str): The type's key: what an activity's activity_type names.
        lists_are (ActivityTypeListsAre): What dimensions and evidence_types mean. rules: an activity of this type
            naming another dimension, or evidence from it of another type, is refused (422 dimension_not_for_activity_type,
            evidence_type_not_for_activity_type). suggestions: it is kept, and the answer to the write carries advice with
            the same code.
        name (str): Its name, for people.
        stages (list[str]): Keys of the stages it belongs in (empty: any stage).
        summary (str): What the activity is.
    """

    dimensions: list[str]
    evidence_types: list[str]
    key: str
    lists_are: ActivityTypeListsAre
    name: str
    stages: list[str]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        dimensions = self.dimensions

        evidence_types = self.evidence_types

        key = self.key

        lists_are = self.lists_are.value

        name = self.name

        stages = self.stages

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dimensions": dimensions,
                "evidence_types": evidence_types,
                "key": key,
                "lists_are": lists_are,
                "name": name,
                "stages": stages,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dimensions = cast(list[str], d.pop("dimensions"))

        evidence_types = cast(list[str], d.pop("evidence_types"))

        key = d.pop("key")

        lists_are = ActivityTypeListsAre(d.pop("lists_are"))

        name = d.pop("name")

        stages = cast(list[str], d.pop("stages"))

        summary = d.pop("summary")

        activity_type = cls(
            dimensions=dimensions,
            evidence_types=evidence_types,
            key=key,
            lists_are=lists_are,
            name=name,
            stages=stages,
            summary=summary,
        )

        return activity_type
