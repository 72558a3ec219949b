from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.initiative_patch_status import InitiativePatchStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="InitiativePatch")


@_attrs_define
class InitiativePatch:
    """
    Attributes:
        external_ref (None | str | Unset): Your own system's id for this record (for example a CRM id): unique where it
            is used, and a filter on lists.
        status (InitiativePatchStatus | Unset): active: everything may be written. paused: the stage does not move
            (transitions and new rounds are refused with 409 initiative_paused), while records may still be added and
            changed. completed: nothing more is recorded and the stage does not move (409 initiative_completed for creating,
            changing or deleting participants, activities, evidence, files and assessments, and for transitions). archived:
            read-only (409 initiative_archived for all of those, and for changing the initiative's own fields other than its
            status). In every status, withdrawing consent (a change that only sets consent or publication_consent to
            withdrawn, and visibility away from public), deleting a participant and erasing one are allowed. Setting the
            status back to active reopens the initiative.
        summary (str | Unset): What it sets out to do, and with whom.
        themes (list[str] | Unset):
        title (str | Unset): What the initiative is called.
    """

    external_ref: None | str | Unset = UNSET
    status: InitiativePatchStatus | Unset = UNSET
    summary: str | Unset = UNSET
    themes: list[str] | Unset = UNSET
    title: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        summary = self.summary

        themes: list[str] | Unset = UNSET
        if not isinstance(self.themes, Unset):
            themes = self.themes

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
        if status is not UNSET:
            field_dict["status"] = status
        if summary is not UNSET:
            field_dict["summary"] = summary
        if themes is not UNSET:
            field_dict["themes"] = themes
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        _status = d.pop("status", UNSET)
        status: InitiativePatchStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = InitiativePatchStatus(_status)

        summary = d.pop("summary", UNSET)

        themes = cast(list[str], d.pop("themes", UNSET))

        title = d.pop("title", UNSET)

        initiative_patch = cls(
            external_ref=external_ref,
            status=status,
            summary=summary,
            themes=themes,
            title=title,
        )

        return initiative_patch
