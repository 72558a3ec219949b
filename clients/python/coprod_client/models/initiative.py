from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.initiative_status import InitiativeStatus

T = TypeVar("T", bound="Initiative")


@_attrs_define
class Initiative:
    """
    Attributes:
        created_at (datetime.datetime):
        cycle (int): The current round of the stages, from 1; a new round (POST .../transitions with new_round true)
            adds one.
        external_ref (None | str): Your own system's id for this record (for example a CRM id): unique where it is used,
            and a filter on lists.
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        stage (str): The current stage's key.
        status (InitiativeStatus): active: everything may be written. paused: the stage does not move (transitions and
            new rounds are refused with 409 initiative_paused), while records may still be added and changed. completed:
            nothing more is recorded and the stage does not move (409 initiative_completed for creating, changing or
            deleting participants, activities, evidence, files and assessments, and for transitions). archived: read-only
            (409 initiative_archived for all of those, and for changing the initiative's own fields other than its status).
            In every status, withdrawing consent (a change that only sets consent or publication_consent to withdrawn, and
            visibility away from public), deleting a participant and erasing one are allowed. Setting the status back to
            active reopens the initiative. Default: InitiativeStatus.ACTIVE.
        summary (str): What it sets out to do, and with whom. Default: ''.
        themes (list[str]): Free labels such as dementia or loneliness.
        title (str): What the initiative is called.
        toolkit (str): The key of the toolkit it runs with (GET /toolkits).
        toolkit_version (str): Pinned when the initiative was created.
        updated_at (datetime.datetime):
        version (int): Rises with every change; the ETag is built from it.
    """

    created_at: datetime.datetime
    cycle: int
    external_ref: None | str
    id: str
    stage: str
    themes: list[str]
    title: str
    toolkit: str
    toolkit_version: str
    updated_at: datetime.datetime
    version: int
    status: InitiativeStatus = InitiativeStatus.ACTIVE
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        cycle = self.cycle

        external_ref: None | str
        external_ref = self.external_ref

        id = self.id

        stage = self.stage

        status = self.status.value

        summary = self.summary

        themes = self.themes

        title = self.title

        toolkit = self.toolkit

        toolkit_version = self.toolkit_version

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "cycle": cycle,
                "external_ref": external_ref,
                "id": id,
                "stage": stage,
                "status": status,
                "summary": summary,
                "themes": themes,
                "title": title,
                "toolkit": toolkit,
                "toolkit_version": toolkit_version,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        cycle = d.pop("cycle")

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        id = d.pop("id")

        stage = d.pop("stage")

        status = InitiativeStatus(d.pop("status"))

        summary = d.pop("summary")

        themes = cast(list[str], d.pop("themes"))

        title = d.pop("title")

        toolkit = d.pop("toolkit")

        toolkit_version = d.pop("toolkit_version")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        initiative = cls(
            created_at=created_at,
            cycle=cycle,
            external_ref=external_ref,
            id=id,
            stage=stage,
            status=status,
            summary=summary,
            themes=themes,
            title=title,
            toolkit=toolkit,
            toolkit_version=toolkit_version,
            updated_at=updated_at,
            version=version,
        )

        return initiative
