from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.case_study_patch_sections import CaseStudyPatchSections


T = TypeVar("T", bound="CaseStudyPatch")


@_attrs_define
class CaseStudyPatch:
    """
    Attributes:
        cited_evidence_ids (list[str] | Unset): The evidence the case study cites, by id, in the order shown: each must
            be evidence of the same initiative. Shown only while its consent allows the use.
        dated_on (datetime.date | Unset): The date it speaks from.
        sections (CaseStudyPatchSections | Unset): Section texts by key (context, people, steps, voices, outcomes,
            assessments, learning, next, credits, and the keys of the sections the toolkit's plugin adds, as /content lists
            them); a PATCH changes only the sections it names.
        title (str | Unset): What it is called.
    """

    cited_evidence_ids: list[str] | Unset = UNSET
    dated_on: datetime.date | Unset = UNSET
    sections: CaseStudyPatchSections | Unset = UNSET
    title: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        cited_evidence_ids: list[str] | Unset = UNSET
        if not isinstance(self.cited_evidence_ids, Unset):
            cited_evidence_ids = self.cited_evidence_ids

        dated_on: str | Unset = UNSET
        if not isinstance(self.dated_on, Unset):
            dated_on = self.dated_on.isoformat()

        sections: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sections, Unset):
            sections = self.sections.to_dict()

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if cited_evidence_ids is not UNSET:
            field_dict["cited_evidence_ids"] = cited_evidence_ids
        if dated_on is not UNSET:
            field_dict["dated_on"] = dated_on
        if sections is not UNSET:
            field_dict["sections"] = sections
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.case_study_patch_sections import CaseStudyPatchSections  # noqa: PLC0415

        d = dict(src_dict)
        cited_evidence_ids = cast(list[str], d.pop("cited_evidence_ids", UNSET))

        _dated_on = d.pop("dated_on", UNSET)
        dated_on: datetime.date | Unset
        if isinstance(_dated_on, Unset):
            dated_on = UNSET
        else:
            dated_on = datetime.date.fromisoformat(_dated_on)

        _sections = d.pop("sections", UNSET)
        sections: CaseStudyPatchSections | Unset
        if isinstance(_sections, Unset):
            sections = UNSET
        else:
            sections = CaseStudyPatchSections.from_dict(_sections)

        title = d.pop("title", UNSET)

        case_study_patch = cls(
            cited_evidence_ids=cited_evidence_ids,
            dated_on=dated_on,
            sections=sections,
            title=title,
        )

        return case_study_patch
