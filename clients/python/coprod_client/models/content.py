from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.completeness import Completeness
    from ..models.content_sections_item import ContentSectionsItem
    from ..models.content_toolkit import ContentToolkit


T = TypeVar("T", bound="Content")


@_attrs_define
class Content:
    """
    Attributes:
        completeness (Completeness):
        dated_on (datetime.date):
        id (str):
        imagined (bool): True for a futuring case study: what it tells is imagined.
        initiative_id (str):
        kind (str):
        notice (None | str):
        organisation (str):
        sections (list[ContentSectionsItem]): Every section in order: key, title, text and the facts read from the
            records. Sections the toolkit's plugin adds come after the assessments, with toolkit_section true, the plugin's
            name, and blocks: paragraph (text), table (caption, columns, rows), measures (caption, items of label, value,
            scale) and citations (caption, evidence: only what consent allows).
        title (str):
        toolkit (ContentToolkit):
    """

    completeness: Completeness
    dated_on: datetime.date
    id: str
    imagined: bool
    initiative_id: str
    kind: str
    notice: None | str
    organisation: str
    sections: list[ContentSectionsItem]
    title: str
    toolkit: ContentToolkit

    def to_dict(self) -> dict[str, Any]:
        completeness = self.completeness.to_dict()

        dated_on = self.dated_on.isoformat()

        id = self.id

        imagined = self.imagined

        initiative_id = self.initiative_id

        kind = self.kind

        notice: None | str
        notice = self.notice

        organisation = self.organisation

        sections = []
        for sections_item_data in self.sections:
            sections_item = sections_item_data.to_dict()
            sections.append(sections_item)

        title = self.title

        toolkit = self.toolkit.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completeness": completeness,
                "dated_on": dated_on,
                "id": id,
                "imagined": imagined,
                "initiative_id": initiative_id,
                "kind": kind,
                "notice": notice,
                "organisation": organisation,
                "sections": sections,
                "title": title,
                "toolkit": toolkit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.completeness import Completeness  # noqa: PLC0415
        from ..models.content_sections_item import ContentSectionsItem  # noqa: PLC0415
        from ..models.content_toolkit import ContentToolkit  # noqa: PLC0415

        d = dict(src_dict)
        completeness = Completeness.from_dict(d.pop("completeness"))

        dated_on = datetime.date.fromisoformat(d.pop("dated_on"))

        id = d.pop("id")

        imagined = d.pop("imagined")

        initiative_id = d.pop("initiative_id")

        kind = d.pop("kind")

        def _parse_notice(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notice = _parse_notice(d.pop("notice"))

        organisation = d.pop("organisation")

        sections = []
        _sections = d.pop("sections")
        for sections_item_data in _sections:
            sections_item = ContentSectionsItem.from_dict(sections_item_data)

            sections.append(sections_item)

        title = d.pop("title")

        toolkit = ContentToolkit.from_dict(d.pop("toolkit"))

        content = cls(
            completeness=completeness,
            dated_on=dated_on,
            id=id,
            imagined=imagined,
            initiative_id=initiative_id,
            kind=kind,
            notice=notice,
            organisation=organisation,
            sections=sections,
            title=title,
            toolkit=toolkit,
        )

        return content
