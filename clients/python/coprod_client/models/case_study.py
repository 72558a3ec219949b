from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.case_study_sections import CaseStudySections


T = TypeVar("T", bound="CaseStudy")


@_attrs_define
class CaseStudy:
    """
    Attributes:
        cited_evidence_ids (list[str]): The evidence the case study cites, by id, in the order shown: each must be
            evidence of the same initiative. Shown only while its consent allows the use.
        created_at (datetime.datetime):
        dated_on (datetime.date): The date it speaks from.
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        initiative_id (str):
        kind (str): retrospective (what happened) or futuring (written from a date in the future looking back at how
            change happened: imagined, and marked so wherever it is shown).
        sections (CaseStudySections): Section texts by key (context, people, steps, voices, outcomes, assessments,
            learning, next, credits, and the keys of the sections the toolkit's plugin adds, as /content lists them); a
            PATCH changes only the sections it names.
        title (str): What the case study is called.
        updated_at (datetime.datetime):
        version (int): Rises with every change; the ETag is built from it.
    """

    cited_evidence_ids: list[str]
    created_at: datetime.datetime
    dated_on: datetime.date
    id: str
    initiative_id: str
    kind: str
    sections: CaseStudySections
    title: str
    updated_at: datetime.datetime
    version: int

    def to_dict(self) -> dict[str, Any]:
        cited_evidence_ids = self.cited_evidence_ids

        created_at = self.created_at.isoformat()

        dated_on = self.dated_on.isoformat()

        id = self.id

        initiative_id = self.initiative_id

        kind = self.kind

        sections = self.sections.to_dict()

        title = self.title

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cited_evidence_ids": cited_evidence_ids,
                "created_at": created_at,
                "dated_on": dated_on,
                "id": id,
                "initiative_id": initiative_id,
                "kind": kind,
                "sections": sections,
                "title": title,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.case_study_sections import CaseStudySections  # noqa: PLC0415

        d = dict(src_dict)
        cited_evidence_ids = cast(list[str], d.pop("cited_evidence_ids"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        dated_on = datetime.date.fromisoformat(d.pop("dated_on"))

        id = d.pop("id")

        initiative_id = d.pop("initiative_id")

        kind = d.pop("kind")

        sections = CaseStudySections.from_dict(d.pop("sections"))

        title = d.pop("title")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        case_study = cls(
            cited_evidence_ids=cited_evidence_ids,
            created_at=created_at,
            dated_on=dated_on,
            id=id,
            initiative_id=initiative_id,
            kind=kind,
            sections=sections,
            title=title,
            updated_at=updated_at,
            version=version,
        )

        return case_study
