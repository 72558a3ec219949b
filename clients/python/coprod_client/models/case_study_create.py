from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.case_study_create_kind import CaseStudyCreateKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="CaseStudyCreate")


@_attrs_define
class CaseStudyCreate:
    """
    Attributes:
        dated_on (datetime.date | Unset): The date it speaks from: today by default for a retrospective (never later);
            for a futuring case study a date in the future (five years on by default).
        kind (CaseStudyCreateKind | Unset): retrospective (what happened) or futuring (written from a date in the future
            looking back at how change happened: imagined, and marked so wherever it is shown). Default:
            CaseStudyCreateKind.RETROSPECTIVE.
        title (str | Unset): What it is called; the initiative's title if not given.
    """

    dated_on: datetime.date | Unset = UNSET
    kind: CaseStudyCreateKind | Unset = CaseStudyCreateKind.RETROSPECTIVE
    title: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        dated_on: str | Unset = UNSET
        if not isinstance(self.dated_on, Unset):
            dated_on = self.dated_on.isoformat()

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if dated_on is not UNSET:
            field_dict["dated_on"] = dated_on
        if kind is not UNSET:
            field_dict["kind"] = kind
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _dated_on = d.pop("dated_on", UNSET)
        dated_on: datetime.date | Unset
        if isinstance(_dated_on, Unset):
            dated_on = UNSET
        else:
            dated_on = datetime.date.fromisoformat(_dated_on)

        _kind = d.pop("kind", UNSET)
        kind: CaseStudyCreateKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = CaseStudyCreateKind(_kind)

        title = d.pop("title", UNSET)

        case_study_create = cls(
            dated_on=dated_on,
            kind=kind,
            title=title,
        )

        return case_study_create
