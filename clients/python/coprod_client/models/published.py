from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.published_sections_item import PublishedSectionsItem
    from ..models.published_toolkit import PublishedToolkit


T = TypeVar("T", bound="Published")


@_attrs_define
class Published:
    """
    Attributes:
        dated_on (datetime.date):
        imagined (bool):
        kind (str):
        notice (None | str):
        organisation (str):
        sections (list[PublishedSectionsItem]):
        slug (str):
        title (str):
        toolkit (PublishedToolkit):
    """

    dated_on: datetime.date
    imagined: bool
    kind: str
    notice: None | str
    organisation: str
    sections: list[PublishedSectionsItem]
    slug: str
    title: str
    toolkit: PublishedToolkit

    def to_dict(self) -> dict[str, Any]:
        dated_on = self.dated_on.isoformat()

        imagined = self.imagined

        kind = self.kind

        notice: None | str
        notice = self.notice

        organisation = self.organisation

        sections = []
        for sections_item_data in self.sections:
            sections_item = sections_item_data.to_dict()
            sections.append(sections_item)

        slug = self.slug

        title = self.title

        toolkit = self.toolkit.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dated_on": dated_on,
                "imagined": imagined,
                "kind": kind,
                "notice": notice,
                "organisation": organisation,
                "sections": sections,
                "slug": slug,
                "title": title,
                "toolkit": toolkit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.published_sections_item import PublishedSectionsItem  # noqa: PLC0415
        from ..models.published_toolkit import PublishedToolkit  # noqa: PLC0415

        d = dict(src_dict)
        dated_on = datetime.date.fromisoformat(d.pop("dated_on"))

        imagined = d.pop("imagined")

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
            sections_item = PublishedSectionsItem.from_dict(sections_item_data)

            sections.append(sections_item)

        slug = d.pop("slug")

        title = d.pop("title")

        toolkit = PublishedToolkit.from_dict(d.pop("toolkit"))

        published = cls(
            dated_on=dated_on,
            imagined=imagined,
            kind=kind,
            notice=notice,
            organisation=organisation,
            sections=sections,
            slug=slug,
            title=title,
            toolkit=toolkit,
        )

        return published
