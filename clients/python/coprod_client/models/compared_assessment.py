from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ComparedAssessment")


@_attrs_define
class ComparedAssessment:
    """
    Attributes:
        assessed_on (datetime.date):
        assessment_id (str):
        perspective (str):
        stage (str):
    """

    assessed_on: datetime.date
    assessment_id: str
    perspective: str
    stage: str

    def to_dict(self) -> dict[str, Any]:
        assessed_on = self.assessed_on.isoformat()

        assessment_id = self.assessment_id

        perspective = self.perspective

        stage = self.stage

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "assessed_on": assessed_on,
                "assessment_id": assessment_id,
                "perspective": perspective,
                "stage": stage,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        assessed_on = datetime.date.fromisoformat(d.pop("assessed_on"))

        assessment_id = d.pop("assessment_id")

        perspective = d.pop("perspective")

        stage = d.pop("stage")

        compared_assessment = cls(
            assessed_on=assessed_on,
            assessment_id=assessment_id,
            perspective=perspective,
            stage=stage,
        )

        return compared_assessment
