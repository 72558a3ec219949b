from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.assessment_perspective import AssessmentPerspective

if TYPE_CHECKING:
    from ..models.assessment_ratings import AssessmentRatings
    from ..models.assessment_summary import AssessmentSummary
    from ..models.assessment_summary_type_1_type_0 import AssessmentSummaryType1Type0


T = TypeVar("T", bound="Assessment")


@_attrs_define
class Assessment:
    """
    Attributes:
        assessed_on (datetime.date): The day it was assessed (by default today, UTC).
        created_at (datetime.datetime):
        cycle (int): The round of the toolkit's stages it was made in (by default the initiative's current cycle); it
            cannot be a cycle the initiative has not reached.
        external_ref (None | str): Your own system's id for this record (for example a CRM id): unique where it is used,
            and a filter on lists.
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        initiative_id (str):
        note (str): Who rated, how it was agreed, what was said. Default: ''.
        perspective (AssessmentPerspective): Whose view the ratings are, as a participant role: person_using_services,
            family_member_or_carer, neighbour_or_community_member, professional, volunteer, partner_organisation,
            commissioner.
        ratings (AssessmentRatings): Dimension key -> level value of the scale (a whole number), for at least one of the
            toolkit's dimensions (GET /toolkits/{key}). Problems are reported per dimension, at ratings/<dimension key>.
            Example: {'dimension-key': 3}.
        scale (str): The key of one of the toolkit's scales.
        stage (str): The stage it was made at (by default the initiative's current stage).
        summary (AssessmentSummary | AssessmentSummaryType1Type0 | None): The toolkit plugin's reading of the ratings,
            worked out when read; null when the toolkit the initiative is pinned to is not loaded or the ratings no longer
            fit it.
        updated_at (datetime.datetime):
        version (int): Rises with every change; the ETag is built from it.
    """

    assessed_on: datetime.date
    created_at: datetime.datetime
    cycle: int
    external_ref: None | str
    id: str
    initiative_id: str
    perspective: AssessmentPerspective
    ratings: AssessmentRatings
    scale: str
    stage: str
    summary: AssessmentSummary | AssessmentSummaryType1Type0 | None
    updated_at: datetime.datetime
    version: int
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment_summary import AssessmentSummary  # noqa: PLC0415
        from ..models.assessment_summary_type_1_type_0 import AssessmentSummaryType1Type0  # noqa: PLC0415

        assessed_on = self.assessed_on.isoformat()

        created_at = self.created_at.isoformat()

        cycle = self.cycle

        external_ref: None | str
        external_ref = self.external_ref

        id = self.id

        initiative_id = self.initiative_id

        note = self.note

        perspective = self.perspective.value

        ratings = self.ratings.to_dict()

        scale = self.scale

        stage = self.stage

        summary: dict[str, Any] | None
        if isinstance(self.summary, AssessmentSummary):
            summary = self.summary.to_dict()
        elif isinstance(self.summary, AssessmentSummaryType1Type0):
            summary = self.summary.to_dict()
        else:
            summary = self.summary

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "assessed_on": assessed_on,
                "created_at": created_at,
                "cycle": cycle,
                "external_ref": external_ref,
                "id": id,
                "initiative_id": initiative_id,
                "note": note,
                "perspective": perspective,
                "ratings": ratings,
                "scale": scale,
                "stage": stage,
                "summary": summary,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assessment_ratings import AssessmentRatings  # noqa: PLC0415
        from ..models.assessment_summary import AssessmentSummary  # noqa: PLC0415
        from ..models.assessment_summary_type_1_type_0 import AssessmentSummaryType1Type0  # noqa: PLC0415

        d = dict(src_dict)
        assessed_on = datetime.date.fromisoformat(d.pop("assessed_on"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        cycle = d.pop("cycle")

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        id = d.pop("id")

        initiative_id = d.pop("initiative_id")

        note = d.pop("note")

        perspective = AssessmentPerspective(d.pop("perspective"))

        ratings = AssessmentRatings.from_dict(d.pop("ratings"))

        scale = d.pop("scale")

        stage = d.pop("stage")

        def _parse_summary(data: object) -> AssessmentSummary | AssessmentSummaryType1Type0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                summary_type_0 = AssessmentSummary.from_dict(data)

                return summary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                summary_type_1_type_0 = AssessmentSummaryType1Type0.from_dict(data)

                return summary_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssessmentSummary | AssessmentSummaryType1Type0 | None, data)

        summary = _parse_summary(d.pop("summary"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        assessment = cls(
            assessed_on=assessed_on,
            created_at=created_at,
            cycle=cycle,
            external_ref=external_ref,
            id=id,
            initiative_id=initiative_id,
            note=note,
            perspective=perspective,
            ratings=ratings,
            scale=scale,
            stage=stage,
            summary=summary,
            updated_at=updated_at,
            version=version,
        )

        return assessment
