from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.assessment_input_perspective import AssessmentInputPerspective
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.assessment_input_ratings import AssessmentInputRatings


T = TypeVar("T", bound="AssessmentInput")


@_attrs_define
class AssessmentInput:
    """
    Attributes:
        perspective (AssessmentInputPerspective): Whose view the ratings are, as a participant role:
            person_using_services, family_member_or_carer, neighbour_or_community_member, professional, volunteer,
            partner_organisation, commissioner.
        ratings (AssessmentInputRatings): Dimension key -> level value of the scale (a whole number), for at least one
            of the toolkit's dimensions (GET /toolkits/{key}). Problems are reported per dimension, at ratings/<dimension
            key>. Example: {'dimension-key': 3}.
        scale (str): The key of one of the toolkit's scales.
        assessed_on (datetime.date | Unset): The day it was assessed (by default today, UTC).
        cycle (int | Unset): The round of the toolkit's stages it was made in (by default the initiative's current
            cycle); it cannot be a cycle the initiative has not reached.
        external_ref (None | str | Unset): Your own system's id for this record (for example a CRM id): unique where it
            is used, and a filter on lists.
        note (str | Unset): Who rated, how it was agreed, what was said. Default: ''.
        stage (str | Unset): The stage it was made at (by default the initiative's current stage).
    """

    perspective: AssessmentInputPerspective
    ratings: AssessmentInputRatings
    scale: str
    assessed_on: datetime.date | Unset = UNSET
    cycle: int | Unset = UNSET
    external_ref: None | str | Unset = UNSET
    note: str | Unset = ""
    stage: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        perspective = self.perspective.value

        ratings = self.ratings.to_dict()

        scale = self.scale

        assessed_on: str | Unset = UNSET
        if not isinstance(self.assessed_on, Unset):
            assessed_on = self.assessed_on.isoformat()

        cycle = self.cycle

        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        note = self.note

        stage = self.stage

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "perspective": perspective,
                "ratings": ratings,
                "scale": scale,
            }
        )
        if assessed_on is not UNSET:
            field_dict["assessed_on"] = assessed_on
        if cycle is not UNSET:
            field_dict["cycle"] = cycle
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
        if note is not UNSET:
            field_dict["note"] = note
        if stage is not UNSET:
            field_dict["stage"] = stage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assessment_input_ratings import AssessmentInputRatings  # noqa: PLC0415

        d = dict(src_dict)
        perspective = AssessmentInputPerspective(d.pop("perspective"))

        ratings = AssessmentInputRatings.from_dict(d.pop("ratings"))

        scale = d.pop("scale")

        _assessed_on = d.pop("assessed_on", UNSET)
        assessed_on: datetime.date | Unset
        if isinstance(_assessed_on, Unset):
            assessed_on = UNSET
        else:
            assessed_on = datetime.date.fromisoformat(_assessed_on)

        cycle = d.pop("cycle", UNSET)

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        note = d.pop("note", UNSET)

        stage = d.pop("stage", UNSET)

        assessment_input = cls(
            perspective=perspective,
            ratings=ratings,
            scale=scale,
            assessed_on=assessed_on,
            cycle=cycle,
            external_ref=external_ref,
            note=note,
            stage=stage,
        )

        return assessment_input
